"""The central PostgreSQL database of a library network (docs/network.md).

Its schema is not written twice: `postgres_ddl` translates schema.py's tables and
triggers (all but schema.LOCAL_TABLES), so a column or table added there reaches the
central database too. The translation:

- `TEXT` becomes `TEXT COLLATE "C"`, so text sorts and compares by code point as in
  SQLite, whatever the server's locale;
- `cell_key` and `key_sum` become `BIGINT` (a key is below 2**32, a sum of keys is
  larger; PostgreSQL's INTEGER is 32-bit);
- `WITHOUT ROWID` goes (PostgreSQL keeps no rowid to begin with);
- each trigger becomes a plpgsql function, `SECURITY DEFINER` and owned by the owner
  role, so a terminal that may only INSERT into `sessions` still keeps the daily
  tables it cannot read up to date; `x = x + …` in `ON CONFLICT DO UPDATE` names
  the table (PostgreSQL finds the bare name ambiguous with `excluded`).

What only the central database has (not in schema.py): `terminal_logins` (which login
writes for which site and terminal), the row-level security policies, a check that
refuses sessions dated after the server's today + 1, and `skillcheck_version`.

Roles, named after the database (`<db>_owner` and so on), none of them a login:

- `<db>_terminal`: INSERT only into sessions, area_results and answers, and only rows
  of the site and terminal its login is registered for (row-level security WITH
  CHECK); no SELECT, UPDATE or DELETE. Each terminal has its own login in it
  (`skillcheck central add-terminal`).
- `<db>_facilitator`: SELECT on the daily count tables and the release log (stats,
  export, report), and on sessions' `clock` column only (stats counts the sessions
  whose kiosk clock was implausible).
- `<db>_analyst`: SELECT on every table (`skillcheck items` reads answers).
- `<db>_owner`: owns everything: purge, merge --into, publish (the release log).

psycopg is imported here only, and only when a central database is used: a terminal
without `central` never imports it.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from skillcheck import schema
from skillcheck.errors import InputError

if TYPE_CHECKING:
    import psycopg

URL_SCHEMES = ("postgresql://", "postgres://")
WIDE_COLUMNS = ("cell_key", "key_sum")  # BIGINT in PostgreSQL
# SSL modes that encrypt; a server that is not on this machine needs one of them.
ENCRYPTED_SSL_MODES = ("require", "verify-ca", "verify-full")
INSTALL_HINT = "the central database needs psycopg: pip install 'skillcheck[central]'"
# Where the central database says which schema version it has (readers check it).
VERSION_TABLE = "skillcheck_version"
# The first version a central database was made with (`central init`): no central
# database of an older version exists, so upgrades start here.
FIRST_CENTRAL_VERSION = 7


class CentralError(InputError):
    """A central database URL or database that cannot be used (one line, exit 2)."""


def is_central(value: object) -> bool:
    """Whether a --db value or config value names a PostgreSQL database (a URL)."""
    return isinstance(value, str) and value.startswith(URL_SCHEMES)


# --- the schema, translated from schema.py ------------------------------------------


def central_tables() -> tuple[str, ...]:
    """The tables of schema.py that the central database has, in schema order."""
    return tuple(t for t in schema.TABLES if t not in schema.LOCAL_TABLES)


_CREATE_TABLE = re.compile(r"CREATE TABLE (\w+)")
_CREATE_INDEX = re.compile(r"CREATE INDEX \w+ ON (\w+)")
_COLUMN = re.compile(r"^(\s+)(\w+)(\s+)(TEXT|INTEGER)\b", re.MULTILINE)
_TRIGGER = re.compile(
    r"CREATE TRIGGER (\w+) (AFTER|BEFORE) (INSERT|UPDATE|DELETE) ON (\w+)"
    r"(?:\s+WHEN\s+(.*?))?\s+BEGIN(.*)END;?\s*$",
    re.DOTALL,
)


def _column_type(match: re.Match) -> str:
    indent, name, space, kind = match.groups()
    if kind == "TEXT":
        kind = 'TEXT COLLATE "C"'
    elif name in WIDE_COLUMNS:
        kind = "BIGINT"
    return f"{indent}{name}{space}{kind}"


def _table_statement(statement: str) -> str:
    statement = statement.replace(") WITHOUT ROWID", ")")
    return _COLUMN.sub(_column_type, statement)


def _trigger_statements(statement: str, owner: str) -> list[str]:
    match = _TRIGGER.search(statement)
    if match is None:
        raise ValueError(f"a trigger central.py cannot translate: {statement[:60]}")
    name, when, event, table, condition, body = match.groups()
    # PostgreSQL reads a bare column in DO UPDATE SET as ambiguous with `excluded`.
    target = re.search(r"INSERT INTO (\w+)", body)
    if target:
        body = re.sub(r"\b(\w+) = \1\b", rf"\1 = {target.group(1)}.\1", body)
    if condition:
        # schema.py's WHEN (only sessions whose clock is 'ok' reach the daily tables,
        # issue 19) becomes an IF in the function: PostgreSQL's trigger WHEN cannot
        # hold the sub-queries the child tables' triggers use.
        body = f"\n    IF {condition.strip()} THEN{body}    END IF;\n"
    return [
        f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER\n"
        f"SET search_path = public, pg_temp AS $body$\nBEGIN{body}    RETURN NULL;\nEND\n"
        "$body$",
        f"ALTER FUNCTION {name}() OWNER TO {owner}",
        f"CREATE TRIGGER {name} {when} {event} ON {table} FOR EACH ROW EXECUTE FUNCTION {name}()",
    ]


def postgres_tables_ddl() -> list[str]:
    """CREATE TABLE and CREATE INDEX statements of schema.py, for PostgreSQL."""
    out = []
    for statement in schema.statements(schema.TABLES_DDL):
        found = _CREATE_TABLE.search(statement) or _CREATE_INDEX.search(statement)
        if found and found.group(1) in schema.LOCAL_TABLES:
            continue
        out.append(_table_statement(statement))
    return out


def postgres_ddl(owner: str = "skillcheck_owner") -> list[str]:
    """Every statement of schema.py's tables, indexes and triggers, for PostgreSQL."""
    statements = postgres_tables_ddl()
    for statement in schema.statements(schema.TRIGGERS_DDL):
        statements += _trigger_statements(statement, owner)
    return statements


@dataclass(frozen=True)
class Roles:
    """The role names of one central database (prefixed with its name)."""

    prefix: str

    @property
    def owner(self) -> str:
        return f"{self.prefix}_owner"

    @property
    def terminal(self) -> str:
        return f"{self.prefix}_terminal"

    @property
    def facilitator(self) -> str:
        return f"{self.prefix}_facilitator"

    @property
    def analyst(self) -> str:
        return f"{self.prefix}_analyst"

    def all(self) -> tuple[str, ...]:
        return (self.owner, self.terminal, self.facilitator, self.analyst)


def roles_for(dbname: str) -> Roles:
    """The roles of the database `dbname` (letters, digits and _ kept)."""
    prefix = re.sub(r"[^a-z0-9_]", "_", dbname.lower())[:40]
    return Roles(prefix)


def _central_only_ddl(roles: Roles) -> list[str]:
    """What only the central database has: logins, checks, policies, grants."""
    r = roles
    writable = ("sessions", "area_results", "answers")
    readable = (*schema.DAILY_TABLES, *schema.RELEASE_TABLES)
    tables = ", ".join(central_tables())
    ddl = [
        f"CREATE TABLE {VERSION_TABLE} (version INTEGER NOT NULL)",
        f"INSERT INTO {VERSION_TABLE} VALUES ({schema.SCHEMA_VERSION})",
        # Which login writes for which site and terminal (a terminal name is unique
        # only within its site). Read by the policy functions below, as the owner.
        'CREATE TABLE terminal_logins (login TEXT COLLATE "C" NOT NULL PRIMARY KEY, '
        'site TEXT COLLATE "C" NOT NULL, terminal TEXT COLLATE "C" NOT NULL)',
        # A day is YYYY-MM-DD, never after the server's tomorrow (a terminal's clock
        # gone wrong): refused for good, so the terminal sets it aside.
        "ALTER TABLE sessions ADD CONSTRAINT day_is_a_date "
        "CHECK (day ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$')",
        "CREATE FUNCTION sessions_day_not_ahead() RETURNS trigger LANGUAGE plpgsql AS $body$\n"
        "BEGIN\n"
        "    IF new.day > to_char(current_date + 1, 'YYYY-MM-DD') THEN\n"
        "        RAISE EXCEPTION 'day % is after the server''s tomorrow', new.day\n"
        "            USING ERRCODE = 'check_violation';\n"
        "    END IF;\n"
        "    RETURN new;\n"
        "END\n$body$",
        "CREATE TRIGGER sessions_day_not_ahead BEFORE INSERT ON sessions "
        "FOR EACH ROW EXECUTE FUNCTION sessions_day_not_ahead()",
        # The policy checks, run as the owner: a terminal cannot read the tables.
        "CREATE FUNCTION login_writes_for(site TEXT, terminal TEXT) RETURNS boolean "
        "LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $body$ "
        "SELECT EXISTS (SELECT 1 FROM terminal_logins l WHERE l.login = session_user "
        "AND l.site = $1 AND l.terminal = $2) $body$",
        "CREATE FUNCTION login_wrote_session(session_id TEXT) RETURNS boolean "
        "LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $body$ "
        "SELECT EXISTS (SELECT 1 FROM sessions s JOIN terminal_logins l "
        "ON l.site = s.site AND l.terminal = s.terminal "
        "WHERE s.id = $1 AND l.login = session_user) $body$",
        "REVOKE ALL ON FUNCTION login_writes_for(TEXT, TEXT), login_wrote_session(TEXT) "
        "FROM PUBLIC",
        f"GRANT EXECUTE ON FUNCTION login_writes_for(TEXT, TEXT), login_wrote_session(TEXT) "
        f"TO {r.terminal}",
        f"REVOKE ALL ON {tables}, terminal_logins, {VERSION_TABLE} FROM PUBLIC",
        f"GRANT USAGE ON SCHEMA public TO {', '.join(r.all())}",
        f"GRANT SELECT ON {VERSION_TABLE} TO {', '.join(r.all())}",
        f"GRANT INSERT ON {', '.join(writable)} TO {r.terminal}",
        f"GRANT SELECT ON {', '.join(readable)} TO {r.facilitator}",
        # `stats` warns of sessions whose kiosk clock was implausible (they are in no
        # daily table): the facilitator may count them by that one column, nothing else
        # of a session (and the policy below lets the count see every row).
        f"GRANT SELECT (clock) ON sessions TO {r.facilitator}",
        f"GRANT SELECT ON {tables} TO {r.analyst}",
    ]
    for table in writable:
        ddl.append(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        check = (
            "login_writes_for(site, terminal)"
            if table == "sessions"
            else "login_wrote_session(session_id)"
        )
        ddl.append(
            f"CREATE POLICY terminal_inserts_its_own ON {table} FOR INSERT TO {r.terminal} "
            f"WITH CHECK ({check})"
        )
        ddl.append(f"CREATE POLICY analyst_reads ON {table} FOR SELECT TO {r.analyst} USING (true)")
    ddl.append(
        f"CREATE POLICY facilitator_counts ON sessions FOR SELECT TO {r.facilitator} USING (true)"
    )
    owned = [*central_tables(), "terminal_logins", VERSION_TABLE]
    ddl += [f"ALTER TABLE {table} OWNER TO {r.owner}" for table in owned]
    ddl += [
        f"ALTER FUNCTION {name} OWNER TO {r.owner}"
        for name in (
            "sessions_day_not_ahead()",
            "login_writes_for(TEXT, TEXT)",
            "login_wrote_session(TEXT)",
        )
    ]
    return ddl


# --- connecting -----------------------------------------------------------------------


def psycopg_module():
    """psycopg, imported now; CentralError saying what to install when it is missing."""
    try:
        import psycopg
    except ImportError:
        raise CentralError(INSTALL_HINT) from None
    return psycopg


def _is_local(host: str | None) -> bool:
    if not host:
        return True  # libpq's default: the unix socket
    return all(
        h.startswith("/") or h in ("localhost", "::1") or h.startswith("127.")
        for h in host.split(",")
    )


def connection_options(url: str) -> dict[str, Any]:
    """The libpq options of a central URL, checked: no password, TLS unless local.

    The password comes from a libpq password file (~/.pgpass, or `passfile=`) or a
    service file (`service=`), never from the URL or the site config, which more
    people read than the kiosk's own files.
    """
    psycopg = psycopg_module()
    try:
        options = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError as error:
        raise CentralError(f"{_safe(url)}: not a PostgreSQL URL ({error})") from None
    if options.get("password"):
        raise CentralError(
            "a password in the central URL: put it in the kiosk user's ~/.pgpass "
            "(mode 0600) or a libpq service file instead (docs/network.md)"
        )
    host = str(options.get("host") or "")
    sslmode = str(options.get("sslmode") or "")
    if not _is_local(host):
        if not sslmode:
            options["sslmode"] = "verify-full"
        elif sslmode not in ENCRYPTED_SSL_MODES:
            raise CentralError(
                f"sslmode={sslmode} for {host}: a server on another machine needs TLS "
                f"(sslmode={' or '.join(ENCRYPTED_SSL_MODES)})"
            )
    options.setdefault("connect_timeout", 10)
    # A connection cut without a word (a cable, a NAT) is noticed within a minute.
    options.setdefault("keepalives", 1)
    options.setdefault("keepalives_idle", 20)
    options.setdefault("keepalives_interval", 5)
    options.setdefault("keepalives_count", 4)
    options.setdefault("application_name", "skillcheck")
    return options


def check_url(url: str) -> str | None:
    """The problem with a central URL, or None (for `check --config`; no connection made)."""
    if not is_central(url):
        return "'central' must be a URL postgresql://user@host/database"
    try:
        connection_options(url)
    except CentralError as error:
        return str(error)
    return None


def _safe(url: str) -> str:
    """The URL without anything after a ':' in its user part (never echo a password)."""
    return re.sub(r"//([^:/@]*):[^@]*@", r"//\1:…@", url)


def connect(url: str, *, autocommit: bool = False) -> psycopg.Connection:
    """A connection to the central database (checked options; OperationalError when down)."""
    psycopg = psycopg_module()
    return psycopg.connect(autocommit=autocommit, **connection_options(url))


# --- set-up: `skillcheck central init` and `add-terminal` -----------------------------


def init_central(url: str) -> Roles:
    """Create schema.py's tables (translated), the roles, policies and grants, in one
    transaction. Run as the server's superuser (or the database's owner with CREATEROLE)
    on an empty database; refused when skillcheck's tables are there already."""
    with connect(url) as conn:
        dbname = conn.info.dbname
        roles = roles_for(dbname)
        if conn.execute("SELECT to_regclass('public.sessions')").fetchone()[0] is not None:
            raise CentralError(
                f"{dbname}: already has a sessions table; nothing was changed "
                "(`skillcheck central upgrade` brings an older one to this version)"
            )
        for role in roles.all():
            exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone()
            if not exists:
                conn.execute(f"CREATE ROLE {role} NOLOGIN")
        for statement in postgres_ddl(roles.owner):
            conn.execute(statement)
        for statement in _central_only_ddl(roles):
            conn.execute(statement)
    return roles


# --- `skillcheck central upgrade`: one step per schema version ---------------------------

# CENTRAL_STEPS[v] brings a central database of schema version v to v + 1, from the
# same definitions as schema.py (central_column translates a column of it), run by
# upgrade_central in one transaction with the version's row. A step is added with the
# SQLite one in migrations.py whenever SCHEMA_VERSION goes up, for example for a
# column added at the end of `sessions` in version 8:
#
#     CENTRAL_STEPS[7] = adding_columns("sessions", "clock_note")
#
# Version 7 is the first central schema (FIRST_CENTRAL_VERSION): no step yet.
Step = Callable[["psycopg.Connection", Roles], None]
CENTRAL_STEPS: dict[int, Step] = {}


def central_column(table: str, column: str) -> str:
    """A column's definition in the central database, translated from schema.py's
    CREATE TABLE (so a step adds exactly what `central init` creates)."""
    for statement in postgres_tables_ddl():
        found = _CREATE_TABLE.search(statement)
        if found and found.group(1) == table:
            line = re.search(rf"^\s+({column}\s+[^\n]*?),?$", statement, re.MULTILINE)
            if line:
                return line.group(1)
    raise ValueError(f"schema.py has no column {table}.{column}")


def adding_columns(table: str, *columns: str) -> Step:
    """A step that adds columns schema.py has at the end of `table` (give them a
    DEFAULT there when they are NOT NULL: the old rows get it)."""

    def step(conn: psycopg.Connection, roles: Roles) -> None:
        for column in columns:
            conn.execute(f"ALTER TABLE {table} ADD COLUMN {central_column(table, column)}")

    return step


def stored_version(conn: psycopg.Connection) -> int:
    """The schema version a central database says it has (CentralError when it is not
    skillcheck's, or this login may not read it)."""
    psycopg = psycopg_module()
    try:
        with conn.transaction():
            row = conn.execute(f"SELECT max(version) FROM {VERSION_TABLE}").fetchone()
    except psycopg.errors.UndefinedTable:
        raise CentralError(
            f"{conn.info.dbname}: not a skillcheck central database "
            "(run `skillcheck central init` on an empty database first)"
        ) from None
    except psycopg.errors.InsufficientPrivilege as error:
        raise CentralError(f"{conn.info.dbname}: {error.diag.message_primary}") from None
    return row[0]


def upgrade_central(url: str) -> tuple[int, int]:
    """Bring a central database to this skillcheck's schema version by CENTRAL_STEPS, all
    in one transaction (the version table locked first: a second upgrade waits, and a
    step that fails leaves the database as it was). Run as the owner role or the
    server's superuser. Returns (the old version, the new one); refuses in one line a
    newer database, or an older one no step leads up from."""
    current = schema.SCHEMA_VERSION
    with connect(url) as conn:
        dbname = conn.info.dbname
        stored_version(conn)  # refuses, in one line, a database that is not skillcheck's
        conn.execute(f"LOCK TABLE {VERSION_TABLE} IN ACCESS EXCLUSIVE MODE")
        version = conn.execute(f"SELECT max(version) FROM {VERSION_TABLE}").fetchone()[0]
        if version > current:
            raise CentralError(
                f"{dbname}: central schema version {version} is newer than this "
                f"skillcheck's {current}: upgrade skillcheck instead; nothing was changed"
            )
        missing = [v for v in range(version, current) if v not in CENTRAL_STEPS]
        if missing:
            raise CentralError(
                f"{dbname}: no upgrade step from central schema version {missing[0]} to "
                f"{missing[0] + 1} (central databases begin at version "
                f"{FIRST_CENTRAL_VERSION}); nothing was changed"
            )
        roles = roles_for(dbname)
        for step_from in range(version, current):
            CENTRAL_STEPS[step_from](conn, roles)
            conn.execute(f"UPDATE {VERSION_TABLE} SET version = %s", [step_from + 1])
    return version, current


@dataclass(frozen=True)
class TerminalLogin:
    """A terminal's login, and the line for its ~/.pgpass."""

    login: str
    password: str
    site: str
    terminal: str


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "x"


def add_terminal(url: str, site: str, terminal: str, login: str | None = None) -> TerminalLogin:
    """Create a login in the terminal role that may write sessions of (site, terminal).

    The password is random (32 bytes); it is returned once, for the terminal's
    ~/.pgpass, and stored on the server only as its SCRAM hash.
    """
    with connect(url) as conn:
        roles = roles_for(conn.info.dbname)
        name = login or f"{roles.prefix}_{_slug(site)}_{_slug(terminal)}"[:63]
        if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", name):
            raise CentralError(f"--login {name!r}: use lower-case letters, digits and _")
        if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [name]).fetchone():
            raise CentralError(f"{name}: a role of that name exists already")
        password = secrets.token_urlsafe(32)
        conn.execute(f"CREATE ROLE {name} LOGIN IN ROLE {roles.terminal}")
        # The client hashes it (SCRAM): the server's log never holds the password.
        encrypted = conn.pgconn.encrypt_password(password.encode(), name.encode(), b"scram-sha-256")
        conn.execute(f"ALTER ROLE {name} PASSWORD '{encrypted.decode()}'")
        conn.execute(
            "INSERT INTO terminal_logins (login, site, terminal) VALUES (%s, %s, %s)",
            [name, site, terminal],
        )
    return TerminalLogin(name, password, site, terminal)


# --- reading: the facilitator commands ------------------------------------------------


class CentralReader:
    """A read-only view of the central database that the reports query like SQLite.

    `execute(sql, params)` takes SQLite's `?` placeholders. Every query of one reader
    sees one snapshot (a REPEATABLE READ, READ ONLY transaction), so the figures of
    one export or report agree with each other while terminals keep pushing.
    """

    def __init__(self, url: str) -> None:
        psycopg = psycopg_module()
        self.url = url
        self.conn = connect(url)
        self.conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        self.conn.read_only = True
        self._cursors = 0
        try:
            check_version(self.conn)
        except BaseException:
            self.conn.close()
            raise

    def execute(self, sql: str, params: Sequence[Any] = ()):
        """Run one query (SQLite's `?` placeholders) and return its cursor.

        A server-side cursor: rows come in slices as they are iterated, so `items` over
        millions of answers holds a slice at a time, not all of them.
        """
        self._cursors += 1
        cursor = self.conn.cursor(name=f"skillcheck_{self._cursors}")
        cursor.itersize = 10_000
        return cursor.execute(sql.replace("%", "%%").replace("?", "%s"), list(params))

    def close(self) -> None:
        """End the snapshot and the connection."""
        self.conn.close()


def check_version(conn: psycopg.Connection) -> None:
    """Refuse a database that is not skillcheck's, or of another schema version (one
    line saying which side to upgrade)."""
    version, current = stored_version(conn), schema.SCHEMA_VERSION
    if version < current:
        raise CentralError(
            f"{conn.info.dbname}: central schema version {version}, this skillcheck has "
            f"{current}: the owner runs `skillcheck central upgrade URL` first"
        )
    if version > current:
        raise CentralError(
            f"{conn.info.dbname}: central schema version {version}, this skillcheck has "
            f"{current}: upgrade skillcheck on this computer"
        )


@contextmanager
def reading(url: str) -> Iterator[CentralReader]:
    """A CentralReader, closed afterwards."""
    reader = CentralReader(url)
    try:
        yield reader
    finally:
        reader.close()


def open_for_reading(source: Path | str):
    """The one way a facilitator command opens what it reads: an SQLite file read-only
    (store.open_database), or a central database's URL (a CentralReader). Both answer
    `execute(sql, params)` with SQLite's placeholders, and `close()`."""
    if is_central(source):
        return CentralReader(str(source))
    from skillcheck.store import open_database

    return open_database(Path(source), read_only=True)


# --- the owner's writes: publish (the release log) and purge ----------------------------

# What `skillcheck publish` does to each table: read the daily counts, keep the
# network's settings, append to the release log. The owner role has all of it; the
# facilitator and analyst roles only read, a terminal's login has none of it.
PUBLISH_PRIVILEGES = (
    *((table, "SELECT") for table in schema.DAILY_TABLES),
    *((table, privilege) for table in schema.RELEASE_TABLES for privilege in ("SELECT", "INSERT")),
    ("network_settings", "UPDATE"),
)
# What `skillcheck purge` does: read the sessions' days and clocks, delete sessions
# with their levels and answers (the owner role only).
PURGE_PRIVILEGES = (
    ("sessions", "SELECT"),
    *((table, "DELETE") for table in ("answers", "area_results", "sessions")),
)
# Each owner's command: the rights it needs, and what the refusal says is the owner's.
OWNER_COMMANDS = {
    "publish": (PUBLISH_PRIVILEGES, "the release log is written by"),
    "purge": (PURGE_PRIVILEGES, "sessions are deleted by"),
}


class CentralWriter:
    """The owner's connection for `skillcheck publish` and `purge`, queried like SQLite.

    `execute` and `executemany` take SQLite's `?` placeholders, so releases.py and
    copies.py run the same SQL and the same Python on both engines. `transaction()`
    reads one snapshot (REPEATABLE READ); publish has it lock the release log against a
    second publish first, so a release's months, quarters and years agree while
    terminals push.
    """

    def __init__(self, url: str, command: str = "publish") -> None:
        psycopg = psycopg_module()
        self.url = url
        self.conn = connect(url)
        self.conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        try:
            check_version(self.conn)
            check_may(self.conn, command)
        except BaseException:
            self.conn.close()
            raise

    def execute(self, sql: str, params: Sequence[Any] = ()):
        """Run one statement (SQLite's `?` placeholders) and return its cursor."""
        return self.conn.execute(_placeholders(sql), list(params))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Run one statement for each row (sent in a pipeline, not a round trip each)."""
        with self.conn.cursor() as cursor:
            cursor.executemany(_placeholders(sql), rows)

    @contextmanager
    def transaction(self, locking: Sequence[str] = ()) -> Iterator[CentralWriter]:
        """One transaction: committed at the end, rolled back on any error; the tables
        in `locking` locked (EXCLUSIVE: others read them, nobody else writes) first."""
        with self.conn.transaction():
            if locking:
                # Before any query, so the snapshot is taken after the lock.
                self.conn.execute(f"LOCK TABLE {', '.join(locking)} IN EXCLUSIVE MODE")
            yield self

    def close(self) -> None:
        """Close the connection (a transaction still open is rolled back)."""
        self.conn.close()


def _placeholders(sql: str) -> str:
    return sql.replace("%", "%%").replace("?", "%s")


def check_may(conn: psycopg.Connection, command: str) -> None:
    """Refuse, before anything is written, a login without the owner's rights that
    `command` (publish, purge) needs (a terminal's, a facilitator's, an analyst's): one
    line, naming the first right it lacks and the role that has them."""
    privileges, whose = OWNER_COMMANDS[command]
    asked = ", ".join(["has_table_privilege(%s, %s)"] * len(privileges))
    params = [value for pair in privileges for value in pair]
    with conn.transaction():
        login, *held = conn.execute(f"SELECT session_user, {asked}", params).fetchone()
    missing = [pair for pair, has in zip(privileges, held, strict=True) if not has]
    if missing:
        table, privilege = missing[0]
        owner = roles_for(conn.info.dbname).owner
        preposition = "to" if command == "publish" else "in"
        raise CentralError(
            f"login {login} may not {command} {preposition} {conn.info.dbname} "
            f"(no {privilege} on {table}): {whose} the owner role {owner} only; "
            "nothing was written"
        )


def open_for_publishing(source: Path | str):
    """The one way `publish` opens the database it writes a release into: an SQLite
    file (store.open_database), or a central database's URL as its owner (a
    CentralWriter, refused in one line for any other login). releases.publish takes
    either."""
    if is_central(source):
        return CentralWriter(str(source))
    from skillcheck.store import open_database

    return open_database(Path(source), create=False)


# --- the owner's care: merge --into (purge is copies.purge_sessions, on both engines) ---


def merge_into_central(
    url: str, sources: Sequence[Path], progress=None
) -> list[tuple[Path, int, int]]:
    """Copy the sessions of SQLite files (terminals that never went online) into the
    central database, each once (ON CONFLICT DO NOTHING), keeping their cell keys, and
    the highest of each network setting (never a release log); one transaction per
    file. Returns (source, sessions added, sessions in it) per file. Every source is
    checked before anything is written. Needs the owner role."""
    from skillcheck import migrations
    from skillcheck.store import open_database, schema_version

    opened = []
    try:
        for source in sources:
            db = open_database(Path(source), read_only=True, require_current=False)
            opened.append((Path(source), db, schema_version(db)))
        results = []
        with connect(url) as conn:
            check_version(conn)
            conn.commit()
            for source, db, version in opened:
                if progress:
                    progress(source)
                migrations.add_cell_key_function(db.conn)
                if version == schema.SCHEMA_VERSION:
                    columns = ", ".join(schema.COLUMNS["sessions"])
                    select = f"SELECT {columns} FROM sessions ORDER BY id"
                else:
                    select = migrations.old_sessions_select("sessions", version=version)
                with conn.transaction(), conn.cursor() as cursor:
                    # COPY into a temporary table, then one INSERT … SELECT … ON
                    # CONFLICT DO NOTHING per table: a row per round trip was ~170
                    # sessions/s (benchmarks/central.py).
                    added = 0
                    for table in ("sessions", "area_results", "answers"):
                        columns = ", ".join(schema.COLUMNS[table])
                        cursor.execute(
                            f"CREATE TEMPORARY TABLE incoming_{table} (LIKE {table}) ON COMMIT DROP"
                        )
                        query = (
                            select
                            if table == "sessions"
                            else (f"SELECT {columns} FROM {table} ORDER BY 1, 2")
                        )
                        with cursor.copy(f"COPY incoming_{table} ({columns}) FROM STDIN") as copy:
                            for row in db.execute(query):
                                copy.write_row(row)
                        cursor.execute(
                            f"INSERT INTO {table} ({columns}) SELECT {columns} "
                            f"FROM incoming_{table} ORDER BY 1, 2 ON CONFLICT DO NOTHING"
                        )
                        if table == "sessions":
                            added = cursor.rowcount
                    if version == schema.SCHEMA_VERSION:
                        # The network's settings: the highest of each wins, as in an
                        # SQLite merge. The release log is never copied (issue 21).
                        cursor.executemany(
                            "INSERT INTO network_settings (name, value) VALUES (%s, %s) "
                            "ON CONFLICT (name) DO UPDATE "
                            "SET value = GREATEST(network_settings.value, excluded.value)",
                            db.execute("SELECT name, value FROM network_settings").fetchall(),
                        )
                    (total,) = db.execute("SELECT count(*) FROM sessions").fetchone()
                results.append((source, added, total))
        return results
    finally:
        for _, db, _ in opened:
            db.close()


def insert_sql(table: str) -> str:
    columns = schema.COLUMNS[table]
    places = ", ".join(["%s"] * len(columns))
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({places}) ON CONFLICT DO NOTHING"
