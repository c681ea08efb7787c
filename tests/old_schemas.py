"""Databases exactly as skillcheck versions 1 to 5 left them, to test the upgrade.

The DDL is copied from those versions (sqlite-utils' output for 1-3, raw DDL for 4
and 5; version 5's without its comments).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

V1 = """
CREATE TABLE [sessions] (
   [id] TEXT PRIMARY KEY, [day] TEXT NOT NULL, [site] TEXT NOT NULL,
   [terminal] TEXT NOT NULL, [language] TEXT NOT NULL, [status] TEXT NOT NULL,
   [items_answered] INTEGER NOT NULL, [duration_minutes] INTEGER NOT NULL,
   [category] TEXT, [bank_version] TEXT NOT NULL);
CREATE TABLE [area_results] (
   [session_id] TEXT REFERENCES [sessions]([id]), [area] INTEGER, [level] TEXT NOT NULL,
   PRIMARY KEY ([session_id], [area]));
CREATE TABLE [answers] (
   [session_id] TEXT REFERENCES [sessions]([id]), [item_id] TEXT, [answer] TEXT NOT NULL,
   PRIMARY KEY ([session_id], [item_id]));
"""
V2 = """
CREATE INDEX [sessions_by_day] ON [sessions]
    ([day], [site], [terminal], [language], [status], [category]);
CREATE INDEX [sessions_by_group] ON [sessions] ([site], [language], [status], [category], [day]);
CREATE INDEX [area_results_by_level] ON [area_results] ([area], [level]);
"""
V3 = """
CREATE TABLE [daily_sessions] (
   [day] TEXT NOT NULL, [site] TEXT NOT NULL, [terminal] TEXT NOT NULL,
   [language] TEXT NOT NULL, [status] TEXT NOT NULL, [category] TEXT NOT NULL,
   [sessions] INTEGER NOT NULL,
   PRIMARY KEY ([day], [site], [terminal], [language], [status], [category]));
CREATE TABLE [daily_levels] (
   [day] TEXT NOT NULL, [site] TEXT NOT NULL, [terminal] TEXT NOT NULL,
   [language] TEXT NOT NULL, [area] INTEGER NOT NULL, [level] TEXT NOT NULL,
   [sessions] INTEGER NOT NULL,
   PRIMARY KEY ([day], [site], [terminal], [language], [area], [level]));
CREATE TRIGGER daily_sessions_insert AFTER INSERT ON sessions BEGIN
    INSERT INTO daily_sessions (day, site, terminal, language, status, category, sessions)
    SELECT new.day, new.site, new.terminal, new.language, new.status,
           coalesce(new.category, ''), 1 WHERE true
    ON CONFLICT (day, site, terminal, language, status, category)
    DO UPDATE SET sessions = sessions + 1;
END;
CREATE TRIGGER daily_levels_insert AFTER INSERT ON area_results BEGIN
    INSERT INTO daily_levels (day, site, terminal, language, area, level, sessions)
    SELECT day, site, terminal, language, new.area, new.level, 1
    FROM sessions WHERE id = new.session_id
    ON CONFLICT (day, site, terminal, language, area, level)
    DO UPDATE SET sessions = sessions + 1;
END;
"""
V4_TABLES = """
CREATE TABLE "sessions" (
   "id" TEXT NOT NULL PRIMARY KEY, "day" TEXT NOT NULL, "site" TEXT NOT NULL,
   "terminal" TEXT NOT NULL, "language" TEXT NOT NULL, "status" TEXT NOT NULL,
   "items_answered" INTEGER NOT NULL, "duration_minutes" INTEGER NOT NULL,
   "category" TEXT, "bank_version" TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE "area_results" (
   "session_id" TEXT NOT NULL REFERENCES "sessions"("id"), "area" INTEGER NOT NULL,
   "level" TEXT NOT NULL, PRIMARY KEY ("session_id", "area")) WITHOUT ROWID;
CREATE TABLE "answers" (
   "session_id" TEXT NOT NULL REFERENCES "sessions"("id"), "item_id" TEXT NOT NULL,
   "answer" TEXT NOT NULL, PRIMARY KEY ("session_id", "item_id")) WITHOUT ROWID;
CREATE TABLE "daily_sessions" (
   "day" TEXT NOT NULL, "site" TEXT NOT NULL, "terminal" TEXT NOT NULL,
   "language" TEXT NOT NULL, "status" TEXT NOT NULL, "category" TEXT NOT NULL,
   "sessions" INTEGER NOT NULL,
   PRIMARY KEY ("day", "site", "terminal", "language", "status", "category")) WITHOUT ROWID;
CREATE TABLE "daily_levels" (
   "day" TEXT NOT NULL, "site" TEXT NOT NULL, "terminal" TEXT NOT NULL,
   "language" TEXT NOT NULL, "area" INTEGER NOT NULL, "level" TEXT NOT NULL,
   "sessions" INTEGER NOT NULL,
   PRIMARY KEY ("day", "site", "terminal", "language", "area", "level")) WITHOUT ROWID;
"""
V5 = """
CREATE TABLE sessions (
    id              TEXT    NOT NULL PRIMARY KEY,
    day             TEXT    NOT NULL,
    site            TEXT    NOT NULL,
    terminal        TEXT    NOT NULL,
    region          TEXT    NOT NULL,
    language        TEXT    NOT NULL,
    status          TEXT    NOT NULL,
    items_answered  INTEGER NOT NULL,
    duration_band   TEXT    NOT NULL,
    category        TEXT,
    bank_version    TEXT    NOT NULL,
    scoring_version INTEGER NOT NULL,
    cell_key        INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE area_results (
    session_id TEXT    NOT NULL REFERENCES sessions (id),
    area       INTEGER NOT NULL,
    level      TEXT    NOT NULL,
    PRIMARY KEY (session_id, area)
) WITHOUT ROWID;

CREATE TABLE answers (
    session_id TEXT NOT NULL REFERENCES sessions (id),
    item_id    TEXT NOT NULL,
    answer     TEXT NOT NULL,
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
    category        TEXT    NOT NULL,
    sessions        INTEGER NOT NULL,
    key_sum         INTEGER NOT NULL,
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
    sessions        INTEGER NOT NULL,
    key_sum         INTEGER NOT NULL,
    PRIMARY KEY (day, site, terminal, region, language, scoring_version, area, level)
) WITHOUT ROWID;

CREATE INDEX sessions_by_day ON sessions (day);

CREATE TRIGGER daily_sessions_insert AFTER INSERT ON sessions BEGIN
    INSERT INTO daily_sessions (day, site, terminal, region, language, scoring_version,
                                status, category, sessions, key_sum)
    SELECT new.day, new.site, new.terminal, new.region, new.language, new.scoring_version,
           new.status, coalesce(new.category, ''), 1, new.cell_key WHERE true
    ON CONFLICT (day, site, terminal, region, language, scoring_version, status, category)
    DO UPDATE SET sessions = sessions + 1, key_sum = key_sum + excluded.key_sum;
END;

CREATE TRIGGER daily_sessions_delete AFTER DELETE ON sessions BEGIN
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

CREATE TRIGGER daily_levels_insert AFTER INSERT ON area_results BEGIN
    INSERT INTO daily_levels (day, site, terminal, region, language, scoring_version,
                              area, level, sessions, key_sum)
    SELECT day, site, terminal, region, language, scoring_version,
           new.area, new.level, 1, cell_key
    FROM sessions WHERE id = new.session_id
    ON CONFLICT (day, site, terminal, region, language, scoring_version, area, level)
    DO UPDATE SET sessions = sessions + 1, key_sum = key_sum + excluded.key_sum;
END;

CREATE TRIGGER daily_levels_delete AFTER DELETE ON area_results BEGIN
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
END;"""


def _version_6() -> str:
    """Version 6: today's schema without version 7's `clock` (issue 19), release
    tables (issue 21), outbox and implausible-clock index (issue 22)."""
    from skillcheck import schema

    ddl = schema.SCHEMA
    start = ddl.index("-- Version 7 (issue 21)")
    end = ddl.index("\n", ddl.index(") WITHOUT ROWID;", ddl.index("CREATE TABLE released_cells")))
    ddl = ddl[:start] + ddl[end + 1 :]
    start = ddl.index("-- Schema 7 (issue 22, the network)")
    end = ddl.index("\n", ddl.index(") WITHOUT ROWID;", ddl.index("CREATE TABLE outbox")))
    ddl = ddl[:start] + ddl[end + 1 :]
    start = ddl.index("\n\n-- Version 7 (issue 22): `stats`")  # the implausible-clock index
    ddl = ddl[:start] + ddl[ddl.index("\n", ddl.index("CREATE INDEX sessions_implausible")) :]
    for version_7 in (
        "\n    -- version 7 (issue 19): ok | implausible (the kiosk's clock, judged once)"
        "\n    clock           TEXT    NOT NULL DEFAULT 'ok' "
        "CHECK (clock IN ('ok', 'implausible'))",
        " WHEN new.clock = 'ok'",
        " WHEN old.clock = 'ok'",
        "\nWHEN (SELECT clock FROM sessions WHERE id = new.session_id) = 'ok'",
        "\nWHEN (SELECT clock FROM sessions WHERE id = old.session_id) = 'ok'",
    ):
        assert version_7 in ddl, version_7
        ddl = ddl.replace(version_7, "")
    return ddl.replace("cell_key        INTEGER NOT NULL,", "cell_key        INTEGER NOT NULL")


DDL = {
    1: V1,
    2: V1 + V2,
    3: V1 + V2 + V3,
    4: V4_TABLES + V2 + V3.split(");", 2)[2],
    5: V5,
    6: _version_6(),
}


def old_database(path: Path, version: int, sessions: list[dict]) -> None:
    """A version 1-5 database holding `sessions` (dicts with that version's columns,
    and optional "levels" {area: level} and "answers" {item: code})."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.executescript(DDL[version])
    conn.execute(f"PRAGMA user_version = {version}")
    for s in sessions:
        columns = {k: v for k, v in s.items() if k not in ("levels", "answers")}
        names = ", ".join(columns)
        marks = ", ".join("?" * len(columns))
        conn.execute(f"INSERT INTO sessions ({names}) VALUES ({marks})", list(columns.values()))
        for area, level in s.get("levels", {}).items():
            conn.execute("INSERT INTO area_results VALUES (?, ?, ?)", [s["id"], area, level])
        for item, code in s.get("answers", {}).items():
            conn.execute("INSERT INTO answers VALUES (?, ?, ?)", [s["id"], item, code])
    conn.close()
