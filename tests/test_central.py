"""The central PostgreSQL database: its schema generated from schema.py, its roles.

A real PostgreSQL (tests/postgres_cluster.py), nothing mocked; a terminal's login is
tested over TCP with its password in a password file, as a terminal uses it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from sample_records import make
from sample_records import varied as make_record
from skillcheck import central, migrations, schema
from skillcheck.records import anonymous_form


def terminal_url(cluster, dbname: str, login, tmp_path: Path) -> str:
    """The URL a terminal's config holds; the password in a libpq password file."""
    passfile = tmp_path / f"{login.login}.pgpass"
    passfile.write_text(f"127.0.0.1:*:{dbname}:{login.login}:{login.password}\n")
    passfile.chmod(0o600)
    return f"{cluster.tcp_url(dbname, login.login)}?passfile={passfile}"


def dbname_of(url: str) -> str:
    return url.split("/")[3].split("?")[0]


def session_row(record) -> tuple:
    r = anonymous_form(record)
    return (
        r.id, r.day, r.site, r.terminal, r.region, r.language, r.status, r.items_answered,
        r.category, r.bank_version, r.scoring_version, migrations.new_cell_key(), r.clock,
    )  # fmt: skip


def insert_session(conn, record) -> None:
    """A session and its rows as the push sends them (the owner or a terminal)."""
    r = anonymous_form(record)
    places = ", ".join(["%s"] * len(schema.COLUMNS["sessions"]))
    conn.execute(
        f"INSERT INTO sessions ({', '.join(schema.COLUMNS['sessions'])}) VALUES ({places})",
        session_row(record),
    )
    for area, level in sorted(r.levels.items()):
        conn.execute("INSERT INTO area_results VALUES (%s, %s, %s)", (r.id, int(area), level))
    for item, code in sorted(r.answers.items()):
        conn.execute("INSERT INTO answers VALUES (%s, %s, %s)", (r.id, item, code))


def test_the_central_schema_is_schema_py(central_db: str) -> None:
    """Same tables and columns in the same order; BIGINT keys; text compared as in SQLite."""
    central.init_central(central_db)
    with psycopg.connect(central_db) as conn:
        rows = conn.execute(
            "SELECT c.table_name, c.column_name, c.data_type, c.collation_name "
            "FROM information_schema.columns c WHERE c.table_schema = 'public' "
            "ORDER BY c.table_name, c.ordinal_position"
        ).fetchall()
    found: dict[str, list[str]] = {}
    for table, column, kind, collation in rows:
        found.setdefault(table, []).append(column)
        if kind == "text":
            assert collation == "C", (table, column)
        if column in ("cell_key", "key_sum"):
            assert kind == "bigint", (table, column)
    wanted = {t: list(c) for t, c in schema.COLUMNS.items() if t not in schema.LOCAL_TABLES}
    central_only = {"terminal_logins", central.VERSION_TABLE}
    assert {t: c for t, c in found.items() if t not in central_only} == wanted


def test_a_new_column_in_schema_py_reaches_postgresql(monkeypatch, central_db: str) -> None:
    """No second copy to forget: a column added to the one DDL is in the central tables."""
    ddl = schema.TABLES_DDL.replace(
        "CHECK (clock IN ('ok', 'implausible'))",
        "CHECK (clock IN ('ok', 'implausible')),\n    clock_note      TEXT",
    )
    assert ddl != schema.TABLES_DDL
    monkeypatch.setattr(schema, "TABLES_DDL", ddl)
    central.init_central(central_db)
    with psycopg.connect(central_db) as conn:
        columns = [
            row[0]
            for row in conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = "
                "'sessions' ORDER BY ordinal_position"
            )
        ]
    assert columns[-1] == "clock_note"


def test_the_daily_tables_equal_their_group_by_in_postgresql(central_db: str) -> None:
    """The translated triggers count inserts and deletes exactly as SQLite's do."""
    central.init_central(central_db)
    # Every fifth made while the kiosk's clock was implausible: schema.py's WHEN on
    # clock keeps those out of the daily tables in PostgreSQL too (issue 19).
    records = [
        make_record(
            day=f"2026-03-0{1 + i % 3}", seed=i, clock="implausible" if i % 5 == 0 else "ok"
        )
        for i in range(40)
    ]
    with psycopg.connect(central_db) as conn:
        for record in records:
            insert_session(conn, record)
        (counted,) = conn.execute("SELECT sum(sessions) FROM daily_sessions").fetchone()
        assert counted == 32
        # a purge: children first, then the sessions
        old = "SELECT id FROM sessions WHERE day < '2026-03-02'"
        conn.execute(f"DELETE FROM answers WHERE session_id IN ({old})")
        conn.execute(f"DELETE FROM area_results WHERE session_id IN ({old})")
        conn.execute("DELETE FROM sessions WHERE day < '2026-03-02'")
        for table, query in (
            ("daily_sessions", schema.DAILY_SESSIONS_QUERY),
            ("daily_levels", schema.DAILY_LEVELS_QUERY),
        ):
            stored = sorted(conn.execute(f"SELECT * FROM {table}").fetchall())
            computed = sorted(tuple(int(v) if not isinstance(v, str) else v for v in row)
                              for row in conn.execute(query))  # fmt: skip
            assert stored == computed and stored, table
        assert conn.execute("SELECT min(day) FROM daily_sessions").fetchone()[0] == "2026-03-02"


def test_a_terminal_may_only_insert_its_own_sessions(
    postgres_cluster, central_db: str, tmp_path: Path
) -> None:
    """Its credentials cannot read, change or delete any row, nor write for another."""
    central.init_central(central_db)
    dbname = dbname_of(central_db)
    login = central.add_terminal(central_db, "Gent", "t1")
    central.add_terminal(central_db, "Gent", "t2")
    other = make_record(site="Gent", terminal="t2", seed=1)
    with psycopg.connect(central_db) as owner:
        insert_session(owner, other)
    url = terminal_url(postgres_cluster, dbname, login, tmp_path)
    own = make_record(site="Gent", terminal="t1", seed=2)
    with central.connect(url, autocommit=True) as conn:
        insert_session(conn, own)  # allowed
        attempts = [
            *(f"SELECT * FROM {t}" for t in central.central_tables()),
            "SELECT * FROM terminal_logins",
            f"UPDATE sessions SET site = 'x' WHERE id = '{own.id}'",
            f"DELETE FROM sessions WHERE id = '{other.id}'",
            "DELETE FROM answers",
            "UPDATE daily_sessions SET sessions = 0",
            "TRUNCATE sessions",
            "INSERT INTO daily_sessions VALUES ('2026-01-01','Gent','t1','flanders','nl',1,"
            "'completed','basic',5,1)",
            f"INSERT INTO terminal_logins VALUES ('{login.login}x', 'Gent', 't2')",
        ]
        for sql in attempts:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(sql)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            insert_session(conn, make_record(site="Gent", terminal="t2", seed=3))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            insert_session(conn, make_record(site="Brugge", terminal="t1", seed=4))
        # Nor can it add answers to another terminal's session.
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO answers VALUES (%s, 'x', 'a')", [other.id])
    with psycopg.connect(central_db) as owner:
        ids = sorted(r[0] for r in owner.execute("SELECT id FROM sessions"))
        assert ids == sorted([own.id, other.id])
        assert owner.execute("SELECT sum(sessions) FROM daily_sessions").fetchone()[0] == 2


def test_a_facilitator_reads_only_the_daily_tables(central_db: str) -> None:
    central.init_central(central_db)
    roles = central.roles_for(dbname_of(central_db))
    with psycopg.connect(central_db) as conn:
        insert_session(conn, make())
        conn.execute(f"CREATE ROLE {roles.prefix}_carla LOGIN IN ROLE {roles.facilitator}")
        conn.execute(f"CREATE ROLE {roles.prefix}_ann LOGIN IN ROLE {roles.analyst}")
    with psycopg.connect(central_db.replace("postgres@", f"{roles.prefix}_carla@")) as conn:
        for table in schema.DAILY_TABLES:
            assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] >= 1
            conn.rollback()
        for table in schema.RELEASE_TABLES:  # export and report read the release log
            conn.execute(f"SELECT * FROM {table}").fetchall()
        for table in (*schema.BASE_TABLES, "terminal_logins"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(f"SELECT * FROM {table}")
            conn.rollback()
        # stats counts the sessions an implausible clock kept out of every figure: by
        # that one column, nothing else of a session.
        query = "SELECT count(*) FROM sessions WHERE clock = 'ok'"
        assert conn.execute(query).fetchone()[0] == 1
        for column in ("id", "day", "site", "category", "cell_key"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(f"SELECT {column} FROM sessions")
            conn.rollback()
    with psycopg.connect(central_db.replace("postgres@", f"{roles.prefix}_ann@")) as conn:
        assert conn.execute("SELECT count(*) FROM answers").fetchone()[0] > 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DELETE FROM answers")


def test_init_twice_is_refused_and_changes_nothing(central_db: str) -> None:
    central.init_central(central_db)
    with pytest.raises(central.CentralError, match="already"):
        central.init_central(central_db)


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("postgresql://t1:secret@db.example.org/skillcheck", "password"),
        ("postgresql://t1@db.example.org/skillcheck?password=secret", "password"),
        ("postgresql://t1@db.example.org/skillcheck?sslmode=disable", "TLS"),
        ("postgresql://t1@db.example.org/skillcheck?sslmode=prefer", "TLS"),
        ("sqlite:///x.db", "postgresql://"),
    ],
)
def test_central_urls_without_tls_or_with_a_password_are_refused(url: str, problem: str) -> None:
    assert problem in (central.check_url(url) or "")


def test_a_remote_server_gets_tls_checked_by_default() -> None:
    options = central.connection_options("postgresql://t1@db.example.org/skillcheck")
    assert options["sslmode"] == "verify-full"
    local = central.connection_options("postgresql://t1@127.0.0.1/skillcheck")
    assert "sslmode" not in local


def test_a_terminal_without_central_never_imports_psycopg() -> None:
    code = (
        "import sys, skillcheck.cli, skillcheck.store, skillcheck.config, skillcheck.reports, "
        "skillcheck.copies, skillcheck.push, skillcheck.central\n"
        "from skillcheck.cli import cli\n"
        "assert not [m for m in sys.modules if m.startswith('psycopg')], 'psycopg imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_without_psycopg_a_central_config_says_what_to_install(tmp_path: Path) -> None:
    config = tmp_path / "site.toml"
    config.write_text('central = "postgresql://t1@127.0.0.1/skillcheck"\n')
    code = (
        "import sys; sys.modules['psycopg'] = None\n"  # as if it were not installed
        "from skillcheck.cli import cli\n"
        f"cli(['push', '--config', {str(config)!r}])\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 2
    assert "pip install 'skillcheck[central]'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def _invoke(*args: str):
    from click.testing import CliRunner

    from skillcheck.cli import cli

    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _set_version(url: str, version: int) -> None:
    with psycopg.connect(url) as conn:
        conn.execute(f"UPDATE {central.VERSION_TABLE} SET version = %s", [version])


def test_a_central_database_of_another_version_is_refused_in_one_line(central_db: str) -> None:
    """An older central database: readers say the owner must run `central upgrade`,
    which says in one line that no step leads from a version before central databases
    existed; a newer one: upgrade skillcheck. Nothing is changed."""
    central.init_central(central_db)
    for version, reader_says, upgrade_says in (
        (6, "the owner runs `skillcheck central upgrade URL` first",
         "no upgrade step from central schema version 6 to 7 (central databases begin at "
         "version 7); nothing was changed"),
        (8, "upgrade skillcheck on this computer",
         "central schema version 8 is newer than this skillcheck's 7: upgrade skillcheck "
         "instead; nothing was changed"),
    ):  # fmt: skip
        _set_version(central_db, version)
        for command in (["stats", "--db", central_db], ["central", "upgrade", central_db]):
            result = _invoke(*command)
            assert result.exit_code == 2, result.output
            lines = result.output.strip().splitlines()
            assert len(lines) == 1, result.output
            said = reader_says if command[0] == "stats" else upgrade_says
            assert lines[0].endswith(said), lines[0]
        with psycopg.connect(central_db) as conn:
            assert conn.execute(f"SELECT version FROM {central.VERSION_TABLE}").fetchall() == [
                (version,)
            ]
    _set_version(central_db, schema.SCHEMA_VERSION)
    result = _invoke("central", "upgrade", central_db)
    assert result.exit_code == 0, result.output
    assert result.output == "Central database already at schema version 7; nothing changed.\n"


def _central_columns(url: str) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT table_name, column_name, ordinal_position, data_type, collation_name, "
            "is_nullable, column_default FROM information_schema.columns "
            "WHERE table_schema = 'public' ORDER BY 1, 3"
        ).fetchall()


def test_central_upgrade_brings_a_version_7_database_to_what_init_makes_at_8(
    monkeypatch, postgres_cluster, central_db: str
) -> None:
    """A future version 8 that adds a column at the end of `sessions` in schema.py, with
    its step `adding_columns`: `central upgrade` on a version 7 database holding
    sessions gives the columns a fresh `central init` at 8 makes, the old sessions get
    the default, and a second run changes nothing. A step that fails leaves version 7."""
    import uuid

    central.init_central(central_db)
    with psycopg.connect(central_db) as conn:
        for i in range(3):
            insert_session(conn, make(id=f"{i:032x}", day="2026-03-02"))
    ddl = schema.TABLES_DDL.replace(
        "CHECK (clock IN ('ok', 'implausible'))",
        "CHECK (clock IN ('ok', 'implausible')),\n    clock_note      TEXT NOT NULL DEFAULT ''",
    )
    assert ddl != schema.TABLES_DDL
    monkeypatch.setattr(schema, "TABLES_DDL", ddl)
    monkeypatch.setattr(schema, "SCHEMA_VERSION", 8)

    def failing(conn, roles) -> None:
        central.adding_columns("sessions", "clock_note")(conn, roles)
        conn.execute("SELECT 1 / 0")

    monkeypatch.setattr(central, "CENTRAL_STEPS", {7: failing})
    before = _central_columns(central_db)
    result = _invoke("central", "upgrade", central_db)
    assert result.exit_code == 1 and "division by zero" in result.output
    assert _central_columns(central_db) == before
    with psycopg.connect(central_db) as conn:
        assert conn.execute(f"SELECT version FROM {central.VERSION_TABLE}").fetchone() == (7,)

    monkeypatch.setattr(
        central, "CENTRAL_STEPS", {7: central.adding_columns("sessions", "clock_note")}
    )
    result = _invoke("central", "upgrade", central_db)
    assert result.exit_code == 0, result.output
    assert result.output == "Central database upgraded from schema version 7 to 8.\n"
    fresh = "t_" + uuid.uuid4().hex[:10]
    with psycopg.connect(postgres_cluster.url(), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {fresh}")
    central.init_central(postgres_cluster.url(fresh))
    assert _central_columns(central_db) == _central_columns(postgres_cluster.url(fresh))
    with psycopg.connect(central_db) as conn:
        assert conn.execute("SELECT clock_note FROM sessions").fetchall() == [("",)] * 3
    central.CentralReader(central_db).close()  # readers take it as this version's
    again = _invoke("central", "upgrade", central_db)
    assert again.output == "Central database already at schema version 8; nothing changed.\n"


def test_the_implausible_clock_count_reads_an_index_on_both_engines(
    central_db: str, tmp_path: Path
) -> None:
    """`stats` counts the sessions of an implausible kiosk clock (store.count_implausible)
    from a partial index on both engines, not by reading every session (5.7 s at 10 M
    sessions on PostgreSQL: docs/performance.md)."""
    from skillcheck.store import open_database

    query = "SELECT count(*) FROM sessions WHERE clock = 'implausible'"
    db = open_database(tmp_path / "kiosk.db")
    try:
        plan = " ".join(row[-1] for row in db.execute(f"EXPLAIN QUERY PLAN {query}"))
    finally:
        db.close()
    assert "sessions_implausible" in plan, plan
    central.init_central(central_db)
    with psycopg.connect(central_db) as conn:
        conn.execute("SET enable_seqscan = off")  # a test's table is small enough for either
        plan = " ".join(row[0] for row in conn.execute(f"EXPLAIN {query}"))
    assert "sessions_implausible" in plan, plan
