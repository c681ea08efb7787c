"""The database schema as it is today (version 7), in one block of DDL.

It is also the central PostgreSQL database's schema: central.py translates these
tables and triggers (except LOCAL_TABLES), so a new column or table reaches both.

A new database is created from `SCHEMA` directly; `migrations.py` only brings older
files (versions 1 to 6) to it. docs/facilitators.md describes every column.

Why it looks like this:

- Every table is WITHOUT ROWID: a rowid keeps the order rows arrived in, which stands
  in for the time of day ("the third visitor today") and links it to their answers.
  Rows are kept in primary key order (random ids, or day and group) instead.
- `daily_sessions` and `daily_levels` are derived counts, kept equal to a GROUP BY over
  the base tables by the triggers below, so reports sum a few hundred thousand small
  rows instead of joining millions. `key_sum` is the plain sum of the counted
  sessions' `cell_key`s (the secret each session draws at save time), so the
  published noise of a cell depends only on who is in it.
- No duration, not even a band (version 5 kept under 5 / 5 to 10 / over 10 minutes):
  no report reads it, and it doubled the share of completed visits someone could
  single out (benchmarks/uniqueness.py).
- A key column is never NULL, so an abandoned session (category NULL in `sessions`)
  counts under category '' (NO_CATEGORY) in `daily_sessions`.
- Version 7 (issue 19): `sessions.clock` says whether the kiosk's clock was plausible
  when it made the record ('ok'), or not ('implausible': a day before the question
  bank's release or more than 3 years after it). It is judged once, by the kiosk;
  the daily count tables, and so every published figure, leave implausible sessions
  out (the triggers' WHEN clauses); `purge --implausible` removes them.
- AFTER INSERT fires only for a row really inserted: INSERT OR IGNORE of a session
  already stored counts nothing. "WHERE true" keeps SQLite's parser from reading
  ON CONFLICT as a join constraint. The foreign keys make a purge delete a session's
  levels and answers before the session, so the level triggers can still look the
  session up.
- Version 7 adds the network's publication settings and the release log
  (skillcheck.releases): what `skillcheck publish` released, once per closed period.
  Plain tables (no triggers) so that a central PostgreSQL database can hold the same.
"""

from __future__ import annotations

import sqlite3

SCHEMA_VERSION = 7

NO_CATEGORY = ""
BASE_TABLES = ("sessions", "area_results", "answers")
DAILY_TABLES = ("daily_sessions", "daily_levels")
# Version 7: the network's settings and the release log (never copied by `merge`).
RELEASE_TABLES = ("network_settings", "releases", "released_periods", "released_cells")
# Version 7: tables of a terminal's own file that never go to the central database.
LOCAL_TABLES = ("outbox",)
V6_TABLES = (*BASE_TABLES, *DAILY_TABLES)
TABLES = (*V6_TABLES, *RELEASE_TABLES, *LOCAL_TABLES)

# cell_key is uniform in [0, CELL_KEY_RANGE).
CELL_KEY_RANGE = 2**32

TABLES_DDL = (
    """
CREATE TABLE sessions (
    id              TEXT    NOT NULL PRIMARY KEY,  -- uuid4().hex, random
    day             TEXT    NOT NULL,              -- YYYY-MM-DD, never the time of day
    site            TEXT    NOT NULL,
    terminal        TEXT    NOT NULL,
    region          TEXT    NOT NULL,              -- brussels | flanders | wallonia | unknown
    language        TEXT    NOT NULL,
    status          TEXT    NOT NULL,              -- completed | abandoned
    items_answered  INTEGER NOT NULL,
    category        TEXT,                          -- NULL when abandoned
    bank_version    TEXT    NOT NULL,
    scoring_version INTEGER NOT NULL,
    cell_key        INTEGER NOT NULL,              -- secret, uniform in [0, 2**32)
    -- version 7 (issue 19): ok | implausible (the kiosk's clock, judged once)
    clock           TEXT    NOT NULL DEFAULT 'ok' CHECK (clock IN ('ok', 'implausible'))
) WITHOUT ROWID;

CREATE TABLE area_results (
    session_id TEXT    NOT NULL REFERENCES sessions (id),
    area       INTEGER NOT NULL,                   -- DigComp area 1..5
    level      TEXT    NOT NULL,                   -- none | basic | above_basic
    PRIMARY KEY (session_id, area)
) WITHOUT ROWID;

CREATE TABLE answers (
    session_id TEXT NOT NULL REFERENCES sessions (id),
    item_id    TEXT NOT NULL,
    answer     TEXT NOT NULL,                      -- the option's code, never typed text
    PRIMARY KEY (session_id, item_id)
) WITHOUT ROWID;

CREATE TABLE daily_sessions (
    day             TEXT    NOT NULL,
    site            TEXT    NOT NULL,
    terminal        TEXT    NOT NULL,
    region          TEXT    NOT NULL,
    language        TEXT    NOT NULL,
    scoring_version INTEGER NOT NULL,
    status          TEXT    NOT NULL,
    category        TEXT    NOT NULL,              -- '' for abandoned sessions
    sessions        INTEGER NOT NULL,              -- always >= 1
    key_sum         INTEGER NOT NULL,              -- sum of the sessions' cell_key
    PRIMARY KEY (day, site, terminal, region, language, scoring_version, status, category)
) WITHOUT ROWID;

CREATE TABLE daily_levels (
    day             TEXT    NOT NULL,
    site            TEXT    NOT NULL,
    terminal        TEXT    NOT NULL,
    region          TEXT    NOT NULL,
    language        TEXT    NOT NULL,
    scoring_version INTEGER NOT NULL,
    area            INTEGER NOT NULL,
    level           TEXT    NOT NULL,
    sessions        INTEGER NOT NULL,              -- always >= 1
    key_sum         INTEGER NOT NULL,
    PRIMARY KEY (day, site, terminal, region, language, scoring_version, area, level)
) WITHOUT ROWID;

-- For `purge --before` and the staff screen's counts by day.
CREATE INDEX sessions_by_day ON sessions (day);

-- Version 7 (issue 22): `stats` and the staff screen count the few sessions of an
-- implausible kiosk clock without reading every session (10 M sessions on a central
-- database: 5.7 s without it). Partial, so it holds those few only.
CREATE INDEX sessions_implausible ON sessions (clock) WHERE clock = 'implausible';
-- Version 7 (issue 21): publication. One row per setting: 'threshold' (no published
-- count lies between 1 and threshold - 1) and 'grace_days' (a period closes this many
-- days after its last day). Set at the first publish; only ever raised.
CREATE TABLE network_settings (
    name  TEXT    NOT NULL PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;

-- One row per `skillcheck publish` that released anything.
CREATE TABLE releases (
    release     INTEGER NOT NULL PRIMARY KEY,      -- 1, 2, 3 … in the order published
    released_on TEXT    NOT NULL,                  -- YYYY-MM-DD
    threshold   INTEGER NOT NULL,
    max_noise   INTEGER NOT NULL,
    grace_days  INTEGER NOT NULL
) WITHOUT ROWID;

-- Each period is released once, with the whole catalogue of tables.
CREATE TABLE released_periods (
    period  TEXT    NOT NULL PRIMARY KEY,          -- 2026-03 | 2026-Q1 | 2026
    release INTEGER NOT NULL REFERENCES releases (release)
) WITHOUT ROWID;

-- The published cells: one count of one table of the catalogue, perturbed once.
CREATE TABLE released_cells (
    period          TEXT    NOT NULL REFERENCES released_periods (period),
    scoring_version INTEGER NOT NULL,
    grouping        TEXT    NOT NULL,              -- network | site | region | language
    group_value     TEXT    NOT NULL,              -- '' for the network
    area            INTEGER NOT NULL,              -- 0: visits; 1..5: levels in that area
    measure         TEXT    NOT NULL,              -- sessions | completed | abandoned | …
    value           INTEGER NOT NULL,              -- the published count
    cell_key        INTEGER NOT NULL,              -- secret (key sum mod 2**32), never exported
    PRIMARY KEY (period, scoring_version, grouping, group_value, area, measure)
) WITHOUT ROWID;
"""
    + """
-- Schema 7 (issue 22, the network): the sessions not yet copied to the central
-- database. A row is written with its session (same transaction) and removed once the
-- central database has committed it; `refused` holds why the server refused it for
-- good (set aside: never retried). Keyed by the random id, so it keeps no order. No
-- foreign key: whatever deletes sessions need not know it (the push drops a row whose
-- session is gone).
CREATE TABLE outbox (
    session_id TEXT NOT NULL PRIMARY KEY,
    refused    TEXT                                -- NULL: waiting; else why it was refused
) WITHOUT ROWID;
"""
)

TRIGGERS_DDL = """
CREATE TRIGGER daily_sessions_insert AFTER INSERT ON sessions WHEN new.clock = 'ok' BEGIN
    INSERT INTO daily_sessions (day, site, terminal, region, language, scoring_version,
                                status, category, sessions, key_sum)
    SELECT new.day, new.site, new.terminal, new.region, new.language, new.scoring_version,
           new.status, coalesce(new.category, ''), 1, new.cell_key WHERE true
    ON CONFLICT (day, site, terminal, region, language, scoring_version, status, category)
    DO UPDATE SET sessions = sessions + 1, key_sum = key_sum + excluded.key_sum;
END;

CREATE TRIGGER daily_sessions_delete AFTER DELETE ON sessions WHEN old.clock = 'ok' BEGIN
    UPDATE daily_sessions SET sessions = sessions - 1, key_sum = key_sum - old.cell_key
    WHERE day = old.day AND site = old.site AND terminal = old.terminal
      AND region = old.region AND language = old.language
      AND scoring_version = old.scoring_version AND status = old.status
      AND category = coalesce(old.category, '');
    DELETE FROM daily_sessions
    WHERE day = old.day AND site = old.site AND terminal = old.terminal
      AND region = old.region AND language = old.language
      AND scoring_version = old.scoring_version AND status = old.status
      AND category = coalesce(old.category, '') AND sessions <= 0;
END;

CREATE TRIGGER daily_levels_insert AFTER INSERT ON area_results
WHEN (SELECT clock FROM sessions WHERE id = new.session_id) = 'ok' BEGIN
    INSERT INTO daily_levels (day, site, terminal, region, language, scoring_version,
                              area, level, sessions, key_sum)
    SELECT day, site, terminal, region, language, scoring_version,
           new.area, new.level, 1, cell_key
    FROM sessions WHERE id = new.session_id
    ON CONFLICT (day, site, terminal, region, language, scoring_version, area, level)
    DO UPDATE SET sessions = sessions + 1, key_sum = key_sum + excluded.key_sum;
END;

CREATE TRIGGER daily_levels_delete AFTER DELETE ON area_results
WHEN (SELECT clock FROM sessions WHERE id = old.session_id) = 'ok' BEGIN
    UPDATE daily_levels SET sessions = sessions - 1,
        key_sum = key_sum - (SELECT cell_key FROM sessions WHERE id = old.session_id)
    WHERE (day, site, terminal, region, language, scoring_version) IN (
            SELECT day, site, terminal, region, language, scoring_version
            FROM sessions WHERE id = old.session_id)
      AND area = old.area AND level = old.level;
    DELETE FROM daily_levels
    WHERE (day, site, terminal, region, language, scoring_version) IN (
            SELECT day, site, terminal, region, language, scoring_version
            FROM sessions WHERE id = old.session_id)
      AND area = old.area AND level = old.level AND sessions <= 0;
END;
"""

SCHEMA = TABLES_DDL + TRIGGERS_DDL
TRIGGERS = (
    "daily_sessions_insert",
    "daily_sessions_delete",
    "daily_levels_insert",
    "daily_levels_delete",
)

# Each derived table as the GROUP BY it always equals (the triggers keep it so).
DAILY_SESSIONS_QUERY = """
SELECT day, site, terminal, region, language, scoring_version, status,
       coalesce(category, ''), count(*), sum(cell_key)
FROM sessions WHERE clock = 'ok' GROUP BY 1, 2, 3, 4, 5, 6, 7, 8"""
DAILY_LEVELS_QUERY = """
SELECT s.day, s.site, s.terminal, s.region, s.language, s.scoring_version,
       a.area, a.level, count(*), sum(s.cell_key)
FROM sessions s JOIN area_results a ON a.session_id = s.id
WHERE s.clock = 'ok'
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8"""

# The columns of each table, in order: how a file is recognised as this version.
COLUMNS: dict[str, tuple[str, ...]] = {
    "sessions": (
        "id", "day", "site", "terminal", "region", "language", "status", "items_answered",
        "category", "bank_version", "scoring_version", "cell_key",
        "clock",  # version 7
    ),
    "area_results": ("session_id", "area", "level"),
    "answers": ("session_id", "item_id", "answer"),
    "daily_sessions": (
        "day", "site", "terminal", "region", "language", "scoring_version", "status",
        "category", "sessions", "key_sum",
    ),
    "daily_levels": (
        "day", "site", "terminal", "region", "language", "scoring_version", "area", "level",
        "sessions", "key_sum",
    ),
    "network_settings": ("name", "value"),
    "releases": ("release", "released_on", "threshold", "max_noise", "grace_days"),
    "released_periods": ("period", "release"),
    "released_cells": (
        "period", "scoring_version", "grouping", "group_value", "area", "measure", "value",
        "cell_key",
    ),
    "outbox": ("session_id", "refused"),  # schema 7
}  # fmt: skip


def create_schema(conn: sqlite3.Connection) -> None:
    """Create every table, index and trigger of the current version in an empty database.

    The caller holds the transaction and sets `PRAGMA user_version`.
    """
    for statement in statements(SCHEMA):
        conn.execute(statement)


def create_daily_triggers(conn: sqlite3.Connection) -> None:
    """The triggers that keep the daily tables equal to the base tables."""
    for statement in statements(TRIGGERS_DDL):
        conn.execute(statement.replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS", 1))


def drop_daily_triggers(conn: sqlite3.Connection) -> None:
    """For a bulk load only: follow it with fill_daily_tables and create_daily_triggers."""
    for name in TRIGGERS:
        conn.execute(f"DROP TRIGGER IF EXISTS {name}")


def fill_daily_tables(conn: sqlite3.Connection) -> None:
    """Recompute the daily tables from the base tables (migrations, bulk loads).

    The caller holds the transaction; the triggers must be off or the tables are
    counted twice only if rows are inserted meanwhile (they are not here).
    """
    conn.execute("DELETE FROM daily_sessions")
    conn.execute("DELETE FROM daily_levels")
    conn.execute(f"INSERT INTO daily_sessions {DAILY_SESSIONS_QUERY}")
    conn.execute(f"INSERT INTO daily_levels {DAILY_LEVELS_QUERY}")


def statements(ddl: str) -> list[str]:
    """Split DDL into statements (trigger bodies hold semicolons, so use SQLite's own test)."""
    statements, current = [], ""
    for line in ddl.splitlines(keepends=True):
        if line.lstrip().startswith("--") and not current.strip():
            continue
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    return [s for s in statements if s.rstrip(";").strip()]
