"""The facilitator commands on the central database give what they give on SQLite.

The same sessions in an SQLite file and, through `merge --into postgresql://…`, in
the central database: the same stats and item statistics; purge does the same on both;
published the same day, the same released cells, byte-identical CSV and JSON exports
and PDF reports (SOURCE_DATE_EPOCH set). Only the owner role's login publishes there.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from sample_records import varied
from skillcheck import central
from skillcheck.cli import cli
from skillcheck.store import open_database, save_sessions

SITES = ("Gent", "Brugge", "Élouges", "Zaventem")
DAYS = [f"2026-{m:02d}-{d:02d}" for m in (1, 2, 3) for d in (3, 9, 14, 20, 27)]


def invoke(*args: str):
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result


def fill_both(central_db: str, tmp_path: Path, bank):
    """An SQLite file of 600 sessions, and the same sessions in a central database."""
    import random

    draw = random.Random(5)
    central.init_central(central_db)
    path = tmp_path / "network.db"
    db = open_database(path)
    records = [
        varied(
            i,
            day=DAYS[i % len(DAYS)],
            site=SITES[i % 4],
            terminal=f"t{i % 3}",
            region=("flanders", "wallonia", "brussels")[i % 3],
            bank_version=bank.version,
        )
        for i in range(600)
    ]
    # Answers to the shipped bank's items, so `items` has figures to show.
    records = [
        replace(r, answers={i.id: draw.choice(i.answers).code for i in bank.items})
        if r.status == "completed"
        else r
        for r in records
    ]
    save_sessions(db, records)
    db.close()
    result = invoke("merge", "--into", central_db, str(path))
    assert result.exit_code == 0, result.output
    assert "600 of 600 sessions added" in result.output
    return path, central_db


@pytest.fixture(scope="module")
def both(postgres_cluster, tmp_path_factory):
    """fill_both once for the tests that only read (a fresh database in the cluster)."""
    import uuid

    from skillcheck.bank import load_bank
    from skillcheck.paths import QUESTIONS_DIR

    name = "t_" + uuid.uuid4().hex[:10]
    with psycopg.connect(postgres_cluster.url(), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    folder = tmp_path_factory.mktemp("both")
    return fill_both(postgres_cluster.url(name), folder, load_bank(QUESTIONS_DIR))


@pytest.fixture
def both_to_change(central_db: str, tmp_path: Path, bank):
    """fill_both for a test that changes the databases."""
    return fill_both(central_db, tmp_path, bank)


def login(url: str, role: str, name: str) -> str:
    """A login in one of the central database's roles; its URL on the trusted socket."""
    roles = central.roles_for(url.split("/")[3].split("?")[0])
    user = f"{roles.prefix}_{name}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {user} LOGIN IN ROLE {getattr(roles, role)}")
    return url.replace("postgres@", f"{user}@")


EXPORTS = [
    ["--format", "csv"],
    ["--format", "json"],
    ["--format", "csv", "--excel", "--lang", "fr"],
    ["--format", "csv", "--by", "quarter", "--group", "site"],
    ["--format", "json", "--group", "region,area", "--lang", "nl"],
    ["--format", "csv", "--group", "language", "--min-count", "20"],
    ["--format", "json", "--site", "Élouges", "--group", "area", "--lang", "de"],
]
REPORTS = [
    ["--period", "2026-Q1"],
    ["--period", "2026-02", "--site", "Élouges", "--lang", "fr"],
    [],  # the last released month
]


def released_cells(db) -> list[tuple]:
    return [
        tuple(row)
        for row in db.execute(
            "SELECT period, scoring_version, grouping, group_value, area, measure, value, "
            "cell_key FROM released_cells ORDER BY 1, 2, 3, 4, 5, 6"
        ).fetchall()
    ]


def test_the_same_sessions_publish_the_same_figures_from_sqlite_and_postgresql(
    both_to_change, tmp_path, monkeypatch
) -> None:
    """Issue 22's promise: published by the owner's login and read by a facilitator's,
    the central database gives byte for byte the exports and reports of the file."""
    path, url = both_to_change
    owner, carla = login(url, "owner", "olivia"), login(url, "facilitator", "carla")
    published = [invoke("publish", "--db", db) for db in (str(path), owner)]
    assert [r.exit_code for r in published] == [0, 0], published[1].output
    assert published[0].output == published[1].output
    assert "Release 1: 4 periods (2026-01, 2026-Q1, 2026-02, 2026-03)" in published[0].output
    assert "Not closed yet: 2026" in published[0].output
    with psycopg.connect(url) as conn:
        remote_cells = released_cells(conn)
        settings = conn.execute("SELECT name, value FROM network_settings ORDER BY 1").fetchall()
    db = open_database(path, read_only=True)
    try:
        assert released_cells(db) == remote_cells
        assert db.execute("SELECT name, value FROM network_settings ORDER BY 1").fetchall() == (
            settings
        )
    finally:
        db.close()
    assert len(remote_cells) > 1000

    def from_both(command: str, options: list[str], stem: str, suffix: str) -> list[bytes]:
        """What `command` writes from the SQLite file and from the central database."""
        written = []
        for engine, db_ in (("sqlite", str(path)), ("postgresql", carla)):
            out = tmp_path / f"{stem}-{engine}.{suffix}"
            result = invoke(command, "--db", db_, *options, "-o", str(out))
            assert result.exit_code == 0, result.output
            written.append(out.read_bytes())
        return written

    for number, options in enumerate(EXPORTS):
        written = from_both("export", options, str(number), options[1])
        assert written[0] == written[1], options
        assert written[0].count(b"\n") > 4, options  # rows, not only a header and notes

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    for number, options in enumerate(REPORTS):
        written = from_both("report", options, f"report-{number}", "pdf")
        assert written[0] == written[1], options
        assert written[0].startswith(b"%PDF")


def test_only_the_owners_login_publishes(both_to_change, postgres_cluster, tmp_path) -> None:
    """A terminal's, a facilitator's and an analyst's login are refused in one line,
    before anything is written, and cannot write the release log by hand either."""
    from test_central import dbname_of, terminal_url

    _, url = both_to_change
    terminal = central.add_terminal(url, "Gent", "t1")
    logins = {
        "terminal": terminal_url(postgres_cluster, dbname_of(url), terminal, tmp_path),
        "facilitator": login(url, "facilitator", "carla"),
        "analyst": login(url, "analyst", "ann"),
    }
    owner = central.roles_for(dbname_of(url)).owner
    for role, login_url in logins.items():
        result = invoke("publish", "--db", login_url, "--min-count", "50")
        assert result.exit_code == 2, (role, result.output)
        lines = result.output.strip().splitlines()
        assert len(lines) == 1, lines
        assert "may not publish" in lines[0] and f"the owner role {owner} only" in lines[0]
        assert lines[0].endswith("nothing was written")
        with psycopg.connect(login_url) as conn:
            for statement in (
                "INSERT INTO releases VALUES (1, '2026-12-01', 5, 5, 1)",
                "INSERT INTO released_periods VALUES ('2026-01', 1)",
                "INSERT INTO released_cells VALUES ('2026-01', 3, 'network', '', 0, "
                "'sessions', 1000, 0)",
                "INSERT INTO network_settings VALUES ('threshold', 5)",
                "UPDATE network_settings SET value = 5",
                "DELETE FROM released_cells",
            ):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    conn.execute(statement)
                conn.rollback()
    with psycopg.connect(url) as conn:
        for table in ("network_settings", "releases", "released_periods", "released_cells"):
            assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table
    # The owner's own login does publish, with the network's settings untouched above.
    result = invoke("publish", "--db", login(url, "owner", "olivia"))
    assert result.exit_code == 0, result.output
    assert "threshold 10" in result.output


def test_a_live_central_database_publishes_closed_periods_only_and_never_again(
    both_to_change, monkeypatch
) -> None:
    """Issue 21 on a network: terminals keep pushing; a session of a released month (a
    late push) is counted by stats but changes no published byte; this month is not
    published while it grows."""
    import datetime as dt

    from sample_records import make
    from test_central import insert_session

    _, url = both_to_change
    owner, carla = login(url, "owner", "olivia"), login(url, "facilitator", "carla")
    today = dt.date.today().isoformat()
    with psycopg.connect(url) as conn:
        insert_session(conn, make(id="f" * 32, day=today, site="Gent"))
    first = invoke("publish", "--db", owner)
    assert first.exit_code == 0, first.output
    waiting = first.output.strip().splitlines()[-1]
    assert waiting.startswith("Not closed yet: ")
    assert today[:7] in waiting.removeprefix("Not closed yet: ").split(", ")
    before = [invoke("export", "--db", carla, "--format", f).stdout_bytes for f in ("csv", "json")]
    with psycopg.connect(url) as conn:  # late pushes: a released month, and this month
        for number, day in enumerate(("2026-02-14", today)):
            insert_session(conn, make(id=f"{number:032x}", day=day, site="Brugge"))
        # and one whose kiosk clock was wrong: in no figure, but stats warns of it
        insert_session(conn, make(id="e" * 32, day="2026-02-15", clock="implausible"))
    again = invoke("publish", "--db", owner)
    assert "Nothing to release" in again.output, again.output
    after = [invoke("export", "--db", carla, "--format", f).stdout_bytes for f in ("csv", "json")]
    assert after == before
    with psycopg.connect(url) as conn:
        assert today[:7] not in {
            row[0] for row in conn.execute("SELECT period FROM released_periods")
        }
        assert conn.execute("SELECT count(*) FROM releases").fetchone()[0] == 1
    # The facilitator's own login: true counts, the late ones included.
    stats = invoke("stats", "--db", carla)
    assert stats.exit_code == 0, stats.output
    assert "Sessions 603 " in stats.output, stats.output
    assert "1 session(s) with an implausible date" in stats.output


def test_stats_and_items_say_the_same(both) -> None:
    path, url = both
    for command in (["stats"], ["stats", "--site", "Brugge"], ["items"]):
        local = invoke(*command, "--db", str(path))
        remote = invoke(*command, "--db", url)
        assert local.exit_code == remote.exit_code == 0, remote.output
        # The header names the database (and may wrap); every figure after it is the
        # same.
        anchor = "\nSessions " if command[0] == "stats" else "Bank "
        local_figures = local.output[local.output.index(anchor) :]
        assert local_figures == remote.output[remote.output.index(anchor) :]
        assert len(local_figures.splitlines()) > 10


def test_merge_twice_adds_nothing_and_purge_does_the_same_on_both(both_to_change) -> None:
    path, url = both_to_change
    again = invoke("merge", "--into", url, str(path))
    assert "0 of 600 sessions added" in again.output
    for source in (str(path), url):
        result = invoke("purge", "--db", source, "--before", "2026-02-14", "--yes")
        assert result.exit_code == 0, result.output
        # 7 of the 15 days: 280 sessions; 40 of the abandoned ones had no levels
        last = result.output.strip().splitlines()[-1]
        assert last.startswith("280 sessions before 2026-02-14 removed")
    local = invoke("stats", "--db", str(path))
    remote = invoke("stats", "--db", url)
    anchor = "\nSessions "
    assert (
        local.output[local.output.index(anchor) :] == remote.output[remote.output.index(anchor) :]
    )
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT min(day) FROM daily_levels").fetchone()[0] == "2026-02-14"


def test_purge_implausible_and_dry_run_say_and_do_the_same_on_both(both_to_change) -> None:
    """`purge --implausible` and `--dry-run` on the central database: the same plan,
    the same removal and the same figures afterwards as on the SQLite file (one
    implementation, copies.py, for both engines)."""
    from sample_records import make

    path, url = both_to_change
    wrong = [
        make(id=f"{0xBAD0 + i:032x}", day=("1970-01-01", "2026-03-20")[i % 2], clock="implausible")
        for i in range(6)
    ]
    db = open_database(path)
    save_sessions(db, wrong)
    db.close()
    assert "6 of 606 sessions added" in invoke("merge", "--into", url, str(path)).output

    def both_say(*args: str) -> str:
        local = invoke("purge", "--db", str(path), *args)
        remote = invoke("purge", "--db", url, *args)
        assert local.exit_code == remote.exit_code == 0, remote.output
        assert local.output.replace(str(path), url) == remote.output
        return remote.output

    for dry in (["--implausible"], ["--before", "2026-01-04", "--implausible"]):
        said = both_say(*dry, "--dry-run")
        assert said.splitlines()[-1] == "Nothing was deleted (--dry-run)."
        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT count(*) FROM sessions").fetchone()[0] == 606
    said = both_say("--before", "2026-01-04", "--implausible", "--dry-run")
    assert said.startswith(
        "46 sessions of 3 days before 2026-01-04 or with an implausible date will be "
    ), said
    said = both_say("--implausible", "--yes")
    assert said.splitlines()[-1].startswith("6 sessions with an implausible date removed ")
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT count(*) FROM sessions").fetchone()[0] == 600
    assert "nothing to delete" in both_say("--implausible", "--dry-run")
    local, remote = (invoke("stats", "--db", db_) for db_ in (str(path), url))
    anchor = "\nSessions "
    assert (
        local.output[local.output.index(anchor) :] == remote.output[remote.output.index(anchor) :]
    )


def test_only_the_owners_login_purges_a_central_database(both_to_change) -> None:
    """A facilitator's or analyst's login is refused in one line before any plan or
    question; nothing is deleted."""
    _, url = both_to_change
    for role, name in (("facilitator", "carla"), ("analyst", "ann")):
        for extra in (["--dry-run"], ["--yes"]):
            result = invoke("purge", "--db", login(url, role, f"{name}{extra[0][2]}"),
                            "--before", "2026-03-01", *extra)  # fmt: skip
            assert result.exit_code == 2, result.output
            lines = result.output.strip().splitlines()
            assert len(lines) == 1 and "may not purge in" in lines[0], result.output
            assert "nothing was written" in lines[0]
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT count(*) FROM sessions").fetchone()[0] == 600


def test_backup_and_upgrade_of_a_central_database_say_what_to_use(both) -> None:
    _, url = both
    result = invoke("backup", "--db", url, "--to", "copy.db")
    assert result.exit_code == 2 and "pg_dump" in result.output
    result = invoke("upgrade", "--db", url)
    assert result.exit_code == 2


def test_a_server_that_is_down_is_one_line_exit_1(both) -> None:
    _, url = both
    down = url.replace("port=", "port=1")
    result = invoke("stats", "--db", down)
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1
    assert result.output.startswith("skillcheck: central database:")


def test_a_database_that_is_not_skillchecks_is_refused(postgres_cluster) -> None:
    result = invoke("stats", "--db", postgres_cluster.url("postgres"))
    assert result.exit_code == 2
    assert "not a skillcheck central database" in result.output


def test_merge_into_keeps_the_highest_setting_and_never_copies_a_release_log(
    both_to_change,
) -> None:
    """As an SQLite merge: a terminal that published with K = 20 raises the network's
    threshold; its release log stays in its file (the central database publishes its own)."""
    path, url = both_to_change
    local = invoke("publish", "--db", str(path), "--min-count", "20", "--grace-days", "20")
    assert local.exit_code == 0, local.output
    result = invoke("merge", "--into", url, str(path))
    assert "0 of 600 sessions added" in result.output, result.output
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT name, value FROM network_settings ORDER BY 1").fetchall() == [
            ("grace_days", 20),
            ("threshold", 20),
        ]
        for table in ("releases", "released_periods", "released_cells"):
            assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table
    remote = invoke("publish", "--db", url, "--min-count", "10")
    assert remote.exit_code == 2
    assert "this network's threshold is 20; it can only be raised" in remote.output
    remote = invoke("publish", "--db", url)
    assert remote.exit_code == 0, remote.output
    assert remote.output == local.output


def test_two_publishes_at_once_release_each_period_once(both_to_change) -> None:
    """Two owners (or cron and a person) publishing at the same moment: the second
    waits for the first's lock on the release log, then finds nothing to release."""
    import datetime as dt
    import threading

    from skillcheck.releases import publish

    _, url = both_to_change
    owner = login(url, "owner", "olivia")
    writers = [central.CentralWriter(owner) for _ in range(2)]
    start = threading.Barrier(2)
    results = []

    def run(writer) -> None:
        start.wait()
        results.append(publish(writer, dt.date(2026, 12, 7)))

    threads = [threading.Thread(target=run, args=(w,)) for w in writers]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        for writer in writers:
            writer.close()
    assert sorted(r.release is None for r in results) == [False, True]
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT count(*) FROM releases").fetchone()[0] == 1
        assert conn.execute("SELECT count(*) FROM released_periods").fetchone()[0] == 4


def test_a_clock_ahead_never_publishes_the_servers_live_month(both_to_change) -> None:
    """The owner's laptop (or a terminal) with its clock a year ahead: `publish` closes
    periods by the earlier of its date and the server's, so the server's live month,
    quarter and year stay unpublished; the closed months of 2026 are released, dated by
    the server. `items` reads closed months by the same rule."""
    import datetime as dt

    from sample_records import make
    from skillcheck.releases import closed_until, publish
    from test_central import insert_session

    _, url = both_to_change
    owner = login(url, "owner", "olivia")
    with psycopg.connect(url) as conn:
        (server_today,) = conn.execute("SELECT current_date").fetchone()
        insert_session(conn, make(id="f" * 32, day=server_today.isoformat(), site="Gent"))
    ahead = server_today + dt.timedelta(days=400)
    live = {server_today.isoformat()[:7], f"{server_today.year}", _quarter(server_today)}
    writer = central.CentralWriter(owner)
    try:
        result = publish(writer, ahead)
    finally:
        writer.close()
    assert not live & set(result.periods), result.periods
    assert live <= set(result.waiting)
    with psycopg.connect(url) as conn:
        released = {row[0] for row in conn.execute("SELECT period FROM released_periods")}
        (released_on,) = conn.execute("SELECT released_on FROM releases").fetchone()
    assert "2026-01" in released and not live & released
    assert released_on == server_today.isoformat()
    with central.reading(owner) as reader:
        assert closed_until(reader, ahead) < server_today.isoformat()[:7]


def _quarter(day) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


@contextmanager
def clock_ahead_of_the_server(url: str):
    """This computer's date a day or two after the server's, whatever the hour: the
    server's sessions at UTC-12 (the database's time zone), this process at UTC+14.
    Yields (this computer's today, the server's today)."""
    import datetime as dt
    import os
    import time

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            f"ALTER DATABASE {url.split('/')[3].split('?')[0]} SET timezone = 'Etc/GMT+12'"
        )
    with psycopg.connect(url) as conn:
        (server_today,) = conn.execute("SELECT current_date").fetchone()
    old = os.environ.get("TZ")
    os.environ["TZ"] = "Etc/GMT-14"
    time.tzset()
    try:
        assert dt.date.today() > server_today
        yield dt.date.today(), server_today
    finally:
        if old is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = old
        time.tzset()


def test_publish_from_a_computer_whose_clock_is_ahead_releases_nothing_live(
    both_to_change,
) -> None:
    """The command as the owner types it: last month closes by this computer's date
    (grace days chosen so) but not yet by the server's, so it is not published."""
    from sample_records import make
    from test_central import insert_session

    _, url = both_to_change
    owner = login(url, "owner", "olivia")
    with clock_ahead_of_the_server(url) as (_, server_today):
        last_month_end = server_today.replace(day=1) - dt.timedelta(days=1)
        with psycopg.connect(url) as conn:
            insert_session(conn, make(id="f" * 32, day=last_month_end.isoformat(), site="Gent"))
        grace = (server_today - last_month_end).days  # closes the day after the server's today
        result = invoke("publish", "--db", owner, "--grace-days", str(grace))
    assert result.exit_code == 0, result.output
    last_month = last_month_end.isoformat()[:7]
    waiting = result.output.strip().splitlines()[-1].removeprefix("Not closed yet: ")
    assert last_month in waiting.split(", "), result.output
    with psycopg.connect(url) as conn:
        released = {row[0] for row in conn.execute("SELECT period FROM released_periods")}
    assert "2026-03" in released and last_month not in released


def test_purge_before_a_day_after_the_servers_today_is_refused(both_to_change) -> None:
    """This computer's clock a day or more ahead of the server's: `purge --before` this
    computer's today is after the server's today, so it is refused in one line, and
    the server's session of its own today stays."""
    from sample_records import make
    from test_central import insert_session

    _, url = both_to_change
    owner = login(url, "owner", "olivia")
    with clock_ahead_of_the_server(url) as (local_today, server_today):
        with psycopg.connect(url) as conn:
            insert_session(conn, make(id="f" * 32, day=server_today.isoformat(), site="Gent"))
        result = invoke("purge", "--db", owner, "--before", local_today.isoformat(), "--yes")
    assert result.exit_code == 2, result.output
    assert result.output.strip() == (
        f"skillcheck: --before {local_today} is after today ({server_today}); nothing was deleted"
    )
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT count(*) FROM sessions").fetchone()[0] == 601
