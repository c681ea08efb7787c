"""Bring a database written by an older skillcheck (schema 1 to 6) to the current schema.

Version 7 added `sessions.clock` (issue 19: sessions of every older version get
'ok'; their clock was never judged, and is not judged afterwards) and the empty
release tables (issue 21: the first `skillcheck publish` fills them), and the outbox
(issue 22: every session already stored waits to go to the central database).

Versions 1 to 4 stored the same columns (version 2 added indexes, 3 the daily count
tables, 4 made every table WITHOUT ROWID); version 5 added `region`,
`scoring_version`, `cell_key` and a `duration_band` in place of `duration_minutes`.
One step takes any of them to the current version: the base tables are copied into the tables
of `schema.SCHEMA` (in primary key order, so no arrival order survives), each old
session

- losing its duration (`duration_minutes` of 1-4, `duration_band` of 5): no report
  reads it, and with the day, site and language it singled people out;
- keeping its `region`, `scoring_version` and `cell_key` (version 5), or gaining them
  (1-4): the terminal's region from its site config when it is given, else "unknown";
  `scoring_version` 1 (the only rule before version 5); a fresh random `cell_key`;

then the daily tables are rebuilt from them. The caller (store.open_database) writes a
backup beside the file first and runs VACUUM afterwards so that the old values do not
stay in free pages or the WAL.
"""

from __future__ import annotations

import secrets
import sqlite3

from skillcheck import schema
from skillcheck.records import stored_region

# The columns of `sessions` in versions 1 to 4.
OLD_SESSION_COLUMNS = (
    "id",
    "day",
    "site",
    "terminal",
    "language",
    "status",
    "items_answered",
    "duration_minutes",
    "category",
    "bank_version",
)
OLD_COLUMNS: dict[str, tuple[str, ...]] = {
    "sessions": OLD_SESSION_COLUMNS,
    "area_results": ("session_id", "area", "level"),
    "answers": ("session_id", "item_id", "answer"),
    "daily_sessions": ("day", "site", "terminal", "language", "status", "category", "sessions"),
    "daily_levels": ("day", "site", "terminal", "language", "area", "level", "sessions"),
}
# Version 6: today's columns without `clock` (version 7, issue 19).
V6_SESSION_COLUMNS = tuple(c for c in schema.COLUMNS["sessions"] if c != "clock")
V6_COLUMNS: dict[str, tuple[str, ...]] = {**schema.COLUMNS, "sessions": V6_SESSION_COLUMNS}
# Version 5: version 6's columns, and the duration band after items_answered.
V5_COLUMNS: dict[str, tuple[str, ...]] = {
    **V6_COLUMNS,
    "sessions": (*V6_SESSION_COLUMNS[:8], "duration_band", *V6_SESSION_COLUMNS[8:]),
}
# Tables each version has (the daily tables came with version 3; 7 added the release
# tables and the outbox).
OLD_TABLES = {
    1: schema.BASE_TABLES,
    2: schema.BASE_TABLES,
    3: schema.V6_TABLES,
    4: schema.V6_TABLES,
    5: schema.V6_TABLES,
    6: schema.V6_TABLES,
}
OLD_INDEXES = ("sessions_by_day", "sessions_by_group", "area_results_by_level")
CELL_KEY_FUNCTION = "skillcheck_cell_key"


def old_columns(version: int) -> dict[str, tuple[str, ...]]:
    """The tables and columns of an older version: how its files are recognised."""
    columns = {5: V5_COLUMNS, 6: V6_COLUMNS}.get(version, OLD_COLUMNS)
    return {table: columns[table] for table in OLD_TABLES[version]}


def new_cell_key() -> int:
    """A session's secret key: uniform in [0, 2**32), from the OS's random source."""
    return secrets.randbelow(schema.CELL_KEY_RANGE)


def add_cell_key_function(conn: sqlite3.Connection) -> None:
    """Make `skillcheck_cell_key()` callable in SQL on this connection (for copies)."""
    conn.create_function(CELL_KEY_FUNCTION, 0, new_cell_key, deterministic=False)


def old_sessions_select(
    table: str = "sessions", region: str | None = None, version: int = 4
) -> str:
    """A SELECT giving rows of an old `sessions` table in the current column order.

    For sources of merge as well as for the migration; needs add_cell_key_function
    (versions 1-4).
    """
    # An older session's clock was never judged: it counts as 'ok' (version 7).
    if version in (5, 6):
        return f"SELECT {', '.join(V6_SESSION_COLUMNS)}, 'ok' FROM {table} ORDER BY id"
    region_sql = "'" + stored_region(region) + "'"
    return (
        f"SELECT id, day, site, terminal, {region_sql}, language, status, items_answered, "
        f"category, bank_version, 1, {CELL_KEY_FUNCTION}(), 'ok' "
        f"FROM {table} ORDER BY id"
    )


def migrate_to_current(conn: sqlite3.Connection, version: int, region: str | None) -> None:
    """Rebuild a version 1-6 database as the current version; the caller holds the transaction.

    Foreign keys stay on: the old sessions table is renamed first (SQLite points the
    old children's REFERENCES at the new name), the new tables are filled, then the
    old ones dropped children first, so no foreign key is ever broken.
    """
    if version not in OLD_TABLES:
        raise ValueError(f"no migration from schema version {version}")
    _rebuild_as_current(conn, version, region)
    # --- schema 7 (issue 22): every session stored so far waits to go to the central
    # database (a terminal with no `central` never sends them; one given it later does).
    conn.execute("INSERT INTO outbox (session_id) SELECT id FROM sessions ORDER BY id")


def _rebuild_as_current(conn: sqlite3.Connection, version: int, region: str | None) -> None:
    """Versions 1-6: copy the base tables into the current ones, rebuild the daily tables."""
    add_cell_key_function(conn)
    schema.drop_daily_triggers(conn)
    for index in OLD_INDEXES:
        conn.execute(f"DROP INDEX IF EXISTS {index}")
    for table in schema.DAILY_TABLES:
        conn.execute(f"DROP TABLE IF EXISTS {table}")
    for table in schema.BASE_TABLES:
        conn.execute(f"ALTER TABLE {table} RENAME TO {table}_old")
    schema.create_schema(conn)
    schema.drop_daily_triggers(conn)  # filled once below instead of row by row
    conn.execute(f"INSERT INTO sessions {old_sessions_select('sessions_old', region, version)}")
    conn.execute(
        "INSERT INTO area_results SELECT session_id, area, level FROM area_results_old "
        "ORDER BY session_id, area"
    )
    conn.execute(
        "INSERT INTO answers SELECT session_id, item_id, answer FROM answers_old "
        "ORDER BY session_id, item_id"
    )
    for table in ("answers", "area_results", "sessions"):
        conn.execute(f"DROP TABLE {table}_old")
    problems = conn.execute("PRAGMA foreign_key_check").fetchall()
    if problems:
        raise sqlite3.IntegrityError(f"migration broke foreign keys ({problems[:3]})")
    schema.fill_daily_tables(conn)
    schema.create_daily_triggers(conn)
