"""The session store: the one place that opens the SQLite database.

Anonymous by construction: a session is a random id, the day (never the time of
day), where it happened, the language, how far it got and, for completed
sessions, the answer codes, the level per area and the overall category.

When the database cannot be written (locked past the busy timeout, read-only,
disk full, folder gone) a session goes to an fsync'd spool file and is written on
the next successful save or start, so the citizen never sees an error and no
session is lost.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import re
import sqlite3
import threading
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import platformdirs
import sqlite_utils

from skillcheck.digcomp import AREAS, CATEGORIES, LEVELS, STATUSES

log = logging.getLogger(__name__)


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class StoreError(Exception):
    """A database that cannot be used: not SQLite, missing, newer schema, foreign."""


class NewerSchemaError(StoreError):
    """The database was written by a newer skillcheck than this one."""


@dataclass(frozen=True)
class SessionRecord:
    """One citizen's session as the kiosk hands it over; nothing else is stored."""

    id: str  # random, uuid4().hex
    day: str  # "YYYY-MM-DD" (date only; never the time of day)
    site: str
    terminal: str
    language: str  # "nl" | "fr" | "en" | ...
    status: str  # "completed" | "abandoned"
    items_answered: int
    duration_minutes: int  # whole minutes, rounded
    category: str | None  # overall category for completed sessions; None when abandoned
    bank_version: str
    levels: Mapping[int, str] = field(default_factory=dict)  # area 1..5 -> level
    answers: Mapping[str, str] = field(default_factory=dict)  # item id -> answer code


@dataclass(frozen=True)
class SessionCounts:
    """What the facilitator screen shows; spooled sessions are included in both counts."""

    today: int
    this_month: int
    spooled: int


# --- opening and schema ---------------------------------------------------------


def _create_tables(db: sqlite_utils.Database) -> None:
    """Version 1: the three public tables (docs/facilitators.md)."""
    db["sessions"].create(
        {
            "id": str,
            "day": str,
            "site": str,
            "terminal": str,
            "language": str,
            "status": str,
            "items_answered": int,
            "duration_minutes": int,
            "category": str,
            "bank_version": str,
        },
        pk="id",
        not_null=[
            "day",
            "site",
            "terminal",
            "language",
            "status",
            "items_answered",
            "duration_minutes",
            "bank_version",
        ],
    )
    db["area_results"].create(
        {"session_id": str, "area": int, "level": str},
        pk=("session_id", "area"),
        foreign_keys=[("session_id", "sessions", "id")],
        not_null=["level"],
    )
    db["answers"].create(
        {"session_id": str, "item_id": str, "answer": str},
        pk=("session_id", "item_id"),
        foreign_keys=[("session_id", "sessions", "id")],
        not_null=["answer"],
    )


def _create_report_indexes(db: sqlite_utils.Database) -> None:
    """Version 2: indexes that keep `stats` and `export` fast at a million sessions.

    Each is a covering index whose column order matches a GROUP BY, so SQLite reads
    a narrow index in order instead of the table, and needs no sort: by day first
    for exports and date filters, by site/language/status/category for the summary,
    and by area/level for levels per area.
    """
    db["sessions"].create_index(
        ["day", "site", "terminal", "language", "status", "category"],
        index_name="sessions_by_day",
        if_not_exists=True,
    )
    db["sessions"].create_index(
        ["site", "language", "status", "category", "day"],
        index_name="sessions_by_group",
        if_not_exists=True,
    )
    db["area_results"].create_index(
        ["area", "level"], index_name="area_results_by_level", if_not_exists=True
    )


# The derived tables of version 3 (docs/facilitators.md). A key column is never NULL,
# so an abandoned session (category NULL in sessions) counts under category ''
# (NO_CATEGORY, the value readers of the daily tables compare with).
NO_CATEGORY = ""
DAILY_TABLES = ("daily_sessions", "daily_levels")

# The session's key as daily_levels sees it, looked up by the area_results row's id.
_SESSION_OF = "SELECT day, site, terminal, language FROM sessions WHERE id = {}.session_id"

# AFTER INSERT only fires for a row that was inserted: INSERT OR IGNORE of a session
# or level already stored adds nothing. "WHERE true" keeps SQLite's parser from
# reading ON CONFLICT as a join constraint.
DAILY_TRIGGERS = {
    "daily_sessions_insert": """AFTER INSERT ON sessions BEGIN
    INSERT INTO daily_sessions (day, site, terminal, language, status, category, sessions)
    SELECT new.day, new.site, new.terminal, new.language, new.status,
           coalesce(new.category, ''), 1 WHERE true
    ON CONFLICT (day, site, terminal, language, status, category)
    DO UPDATE SET sessions = sessions + 1;
END""",
    "daily_sessions_delete": """AFTER DELETE ON sessions BEGIN
    UPDATE daily_sessions SET sessions = sessions - 1
    WHERE day = old.day AND site = old.site AND terminal = old.terminal
      AND language = old.language AND status = old.status
      AND category = coalesce(old.category, '');
    DELETE FROM daily_sessions
    WHERE day = old.day AND site = old.site AND terminal = old.terminal
      AND language = old.language AND status = old.status
      AND category = coalesce(old.category, '') AND sessions <= 0;
END""",
    "daily_levels_insert": """AFTER INSERT ON area_results BEGIN
    INSERT INTO daily_levels (day, site, terminal, language, area, level, sessions)
    SELECT day, site, terminal, language, new.area, new.level, 1
    FROM sessions WHERE id = new.session_id
    ON CONFLICT (day, site, terminal, language, area, level)
    DO UPDATE SET sessions = sessions + 1;
END""",
    # The foreign key makes a purge delete a session's levels before the session, so
    # the session's day and site can still be looked up here.
    "daily_levels_delete": f"""AFTER DELETE ON area_results BEGIN
    UPDATE daily_levels SET sessions = sessions - 1
    WHERE (day, site, terminal, language) IN ({_SESSION_OF.format("old")})
      AND area = old.area AND level = old.level;
    DELETE FROM daily_levels
    WHERE (day, site, terminal, language) IN ({_SESSION_OF.format("old")})
      AND area = old.area AND level = old.level AND sessions <= 0;
END""",
}


def create_daily_triggers(db: sqlite_utils.Database) -> None:
    """The triggers that keep daily_sessions and daily_levels equal to the base tables."""
    for name, body in DAILY_TRIGGERS.items():
        db.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {body}")


def drop_daily_triggers(db: sqlite_utils.Database) -> None:
    """For a bulk load only: follow it with fill_daily_tables and create_daily_triggers."""
    for name in DAILY_TRIGGERS:
        db.execute(f"DROP TRIGGER IF EXISTS {name}")


def fill_daily_tables(db: sqlite_utils.Database) -> None:
    """Recompute daily_sessions and daily_levels from sessions and area_results.

    The backfill of the version 3 migration, and of a bulk load that ran without the
    triggers (benchmarks/build_db.py); the caller holds the transaction.
    """
    db.execute("DELETE FROM daily_sessions")
    db.execute("DELETE FROM daily_levels")
    db.execute(
        "INSERT INTO daily_sessions (day, site, terminal, language, status, category, sessions) "
        "SELECT day, site, terminal, language, status, coalesce(category, ''), count(*) "
        "FROM sessions GROUP BY 1, 2, 3, 4, 5, 6"
    )
    db.execute(
        "INSERT INTO daily_levels (day, site, terminal, language, area, level, sessions) "
        "SELECT s.day, s.site, s.terminal, s.language, a.area, a.level, count(*) "
        "FROM sessions s JOIN area_results a ON a.session_id = s.id GROUP BY 1, 2, 3, 4, 5, 6"
    )


def _create_daily_tables(db: sqlite_utils.Database) -> None:
    """Version 3: per-day counts that every report reads instead of millions of rows.

    Derived data: filled from the existing rows here, then kept up to date by
    triggers on every insert into and delete from sessions and area_results (the
    kiosk's save, the spool, merge and the benchmark builder alike).
    """
    place = {"day": str, "site": str, "terminal": str, "language": str}
    sessions_key = (*place, "status", "category")
    db["daily_sessions"].create(
        {**place, "status": str, "category": str, "sessions": int},
        pk=sessions_key,
        not_null=[*sessions_key, "sessions"],
    )
    levels_key = (*place, "area", "level")
    db["daily_levels"].create(
        {**place, "area": int, "level": str, "sessions": int},
        pk=levels_key,
        not_null=[*levels_key, "sessions"],
    )
    fill_daily_tables(db)
    create_daily_triggers(db)


# Version 4: the base tables as WITHOUT ROWID tables, by their primary keys. In a rowid
# table the rowid keeps the order rows were inserted in, which stands in for the time of
# day ("the 3rd visitor today") and links it to that visitor's levels and answers; a
# WITHOUT ROWID table keeps its rows in primary key order (random ids) and has no rowid.
# sqlite-utils cannot create WITHOUT ROWID tables, hence the plain CREATE TABLE here.
# The columns are those of version 1 (the primary key columns now NOT NULL, which
# WITHOUT ROWID enforces anyway).
BASE_TABLES = {
    "sessions": """(
   "id" TEXT NOT NULL PRIMARY KEY,
   "day" TEXT NOT NULL,
   "site" TEXT NOT NULL,
   "terminal" TEXT NOT NULL,
   "language" TEXT NOT NULL,
   "status" TEXT NOT NULL,
   "items_answered" INTEGER NOT NULL,
   "duration_minutes" INTEGER NOT NULL,
   "category" TEXT,
   "bank_version" TEXT NOT NULL
) WITHOUT ROWID""",
    "area_results": """(
   "session_id" TEXT NOT NULL REFERENCES "sessions"("id"),
   "area" INTEGER NOT NULL,
   "level" TEXT NOT NULL,
   PRIMARY KEY ("session_id", "area")
) WITHOUT ROWID""",
    "answers": """(
   "session_id" TEXT NOT NULL REFERENCES "sessions"("id"),
   "item_id" TEXT NOT NULL,
   "answer" TEXT NOT NULL,
   PRIMARY KEY ("session_id", "item_id")
) WITHOUT ROWID""",
}
# The daily tables too: a rowid would show which (site, language, category …)
# appeared first each day, on a quiet terminal the first visitor's result.
DAILY_TABLES_WITHOUT_ROWID = {
    "daily_sessions": """(
   "day" TEXT NOT NULL, "site" TEXT NOT NULL, "terminal" TEXT NOT NULL,
   "language" TEXT NOT NULL, "status" TEXT NOT NULL, "category" TEXT NOT NULL,
   "sessions" INTEGER NOT NULL,
   PRIMARY KEY ("day", "site", "terminal", "language", "status", "category")
) WITHOUT ROWID""",
    "daily_levels": """(
   "day" TEXT NOT NULL, "site" TEXT NOT NULL, "terminal" TEXT NOT NULL,
   "language" TEXT NOT NULL, "area" INTEGER NOT NULL, "level" TEXT NOT NULL,
   "sessions" INTEGER NOT NULL,
   PRIMARY KEY ("day", "site", "terminal", "language", "area", "level")
) WITHOUT ROWID""",
}
_PRIMARY_KEYS = {
    "sessions": "id",
    "area_results": "session_id, area",
    "answers": "session_id, item_id",
}


def _drop_rowids(db: sqlite_utils.Database) -> None:
    """Version 4: rebuild sessions, area_results and answers WITHOUT ROWID.

    Runs in the migration's transaction, with foreign keys on: the old sessions table
    is renamed first (SQLite points the old children's REFERENCES at the new name),
    the new tables are filled in primary key order, then the old ones dropped
    children first, so no foreign key is ever broken. Triggers go first and come back
    last; the report indexes go with the old tables and are made again. The daily
    tables are rebuilt WITHOUT ROWID as well and refilled from the base tables
    (the copy inserts with the triggers off, so nothing is counted twice).
    """
    drop_daily_triggers(db)
    db.execute('ALTER TABLE "sessions" RENAME TO "sessions_v3"')
    for table in ("area_results", "answers"):
        db.execute(f'ALTER TABLE "{table}" RENAME TO "{table}_v3"')
    for table, columns in BASE_TABLES.items():
        db.execute(f'CREATE TABLE "{table}" {columns}')
        db.execute(
            f'INSERT INTO "{table}" SELECT * FROM "{table}_v3" ORDER BY {_PRIMARY_KEYS[table]}'
        )
    for table in ("answers", "area_results", "sessions"):
        db.execute(f'DROP TABLE "{table}_v3"')
    problems = db.execute("PRAGMA foreign_key_check").fetchall()
    if problems:
        raise StoreError(f"version 4 migration: foreign keys broken ({problems[:3]})")
    for table, columns in DAILY_TABLES_WITHOUT_ROWID.items():
        db.execute(f'DROP TABLE "{table}"')
        db.execute(f'CREATE TABLE "{table}" {columns}')
    fill_daily_tables(db)
    _create_report_indexes(db)
    create_daily_triggers(db)


# MIGRATIONS[n] brings a database from user_version n to n + 1.
MIGRATIONS: tuple[Callable[[sqlite_utils.Database], None], ...] = (
    _create_tables,
    _create_report_indexes,
    _create_daily_tables,
    _drop_rowids,
)
SCHEMA_VERSION = len(MIGRATIONS)
_OUR_TABLES = {"sessions", "area_results", "answers", *DAILY_TABLES}


class _KeyedTable(sqlite_utils.db.Table):
    """A base table whose inserts never look for a rowid.

    After inserting (or ignoring) a single row, sqlite-utils runs `SELECT rowid` to
    report it, which fails on a WITHOUT ROWID table. Inserts here are plain
    `INSERT [OR IGNORE]` statements instead; anything else goes to sqlite-utils.
    """

    def insert_all(self, records, *, ignore: bool = False, batch_size: int = 100, **options):
        if options or not self.exists():
            return super().insert_all(records, ignore=ignore, batch_size=batch_size, **options)
        records = iter(records)
        first = next(records, None)
        if first is None:
            return self
        if isinstance(first, dict):  # dicts, all with the first one's columns
            columns = list(first)
            rows = ([r[c] for c in columns] for r in _chain(first, records))
        else:  # list mode: column names first, then one list per row
            columns, rows = list(first), records
        names = ", ".join(f'"{column}"' for column in columns)
        marks = ", ".join("?" * len(columns))
        verb = "INSERT OR IGNORE" if ignore else "INSERT"
        self.db.conn.executemany(f'{verb} INTO "{self.name}" ({names}) VALUES ({marks})', rows)
        return self

    def insert(self, record, *, ignore: bool = False, **options):
        return self.insert_all([record], ignore=ignore, **options)


def _chain(first, rest):
    yield first
    yield from rest


class Database(sqlite_utils.Database):
    """sqlite-utils' Database, with the base tables' inserts made WITHOUT ROWID-safe."""

    def table(self, table_name: str, **kwargs) -> sqlite_utils.db.Table:
        if table_name in BASE_TABLES and not kwargs:
            return _KeyedTable(self, table_name, strict=self.strict)
        return super().table(table_name, **kwargs)


def schema_version(db: sqlite_utils.Database) -> int:
    """The schema version stored in PRAGMA user_version."""
    return db.execute("PRAGMA user_version").fetchone()[0]


def open_database(
    path: Path | str,
    *,
    busy_timeout: float = 5.0,
    create: bool = True,
    migrate: bool = True,
) -> sqlite_utils.Database:
    """Open (and if needed create and migrate) a skillcheck database.

    WAL, synchronous=FULL, foreign_keys=ON and a busy timeout in seconds on every
    connection. With `create=False` a missing file is an error instead of a new
    database (what the facilitator commands want). Raises StoreError for a file
    that is missing, not SQLite, another program's database or a newer schema;
    sqlite3/OS errors (locked, read-only, disk full) propagate for the caller.
    """
    path = Path(path)
    if not create and not path.is_file():
        raise StoreError(f"{path}: no such database file")
    if create:
        path.parent.mkdir(parents=True, exist_ok=True)
    db = Database(path)
    try:
        _configure(db, busy_timeout)
        version = schema_version(db)
        if version > SCHEMA_VERSION:
            raise NewerSchemaError(
                f"{path}: database schema version {version} is newer than this skillcheck "
                f"understands ({SCHEMA_VERSION}); update skillcheck"
            )
        if version == 0 and set(db.table_names()) - _OUR_TABLES:
            raise StoreError(f"{path}: not a skillcheck database (it has other tables)")
        if migrate and version < SCHEMA_VERSION:
            _migrate(db, version)
    except sqlite3.DatabaseError as error:
        db.close()
        if "not a database" in str(error) or "malformed" in str(error):
            raise StoreError(f"{path}: not an SQLite database") from None
        raise
    except BaseException:
        db.close()
        raise
    return db


def _configure(db: sqlite_utils.Database, busy_timeout: float) -> None:
    # The busy timeout first, so that even switching to WAL waits for a writer.
    db.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
    db.enable_wal()
    db.execute("PRAGMA synchronous = FULL")
    db.execute("PRAGMA foreign_keys = ON")


def _migrate(db: sqlite_utils.Database, version: int) -> None:
    for target, migration in enumerate(MIGRATIONS[version:], start=version + 1):
        # One transaction per step: a failed migration leaves the previous version intact.
        with db.atomic():
            migration(db)
            db.execute(f"PRAGMA user_version = {target}")


def _take_write_lock(db: sqlite_utils.Database) -> None:
    # db.atomic() issues a deferred BEGIN. If the first statement only reads (as
    # sqlite-utils does when it checks that a table exists), the later upgrade to a
    # writer fails at once with "database is locked" instead of honouring the busy
    # timeout. A no-op write as the first statement takes the write lock while the
    # busy timeout applies.
    db.execute("DELETE FROM sessions WHERE 0")


# --- saving --------------------------------------------------------------------


def check_record(record: SessionRecord) -> None:
    """Raise ValueError when a record breaks the schema's rules (a kiosk bug)."""
    problems = []
    if not record.id or not re.fullmatch(r"[0-9a-f]{32}", record.id):
        problems.append("id must be uuid4().hex")
    if not _DAY.fullmatch(record.day):
        problems.append(f"day {record.day!r} is not YYYY-MM-DD")
    else:
        try:
            dt.date.fromisoformat(record.day)
        except ValueError:
            problems.append(f"day {record.day!r} is not a date")
    if record.status not in STATUSES:
        problems.append(f"status {record.status!r} is not one of {STATUSES}")
    if record.status == "completed" and record.category not in CATEGORIES:
        problems.append(f"category {record.category!r} is not one of {CATEGORIES}")
    if record.items_answered < 0 or record.duration_minutes < 0:
        problems.append("items_answered and duration_minutes must not be negative")
    for area, level in record.levels.items():
        if area not in AREAS or level not in LEVELS:
            problems.append(f"level {area!r}: {level!r} is not area 1-5 with one of {LEVELS}")
    if problems:
        raise ValueError(f"session {record.id!r}: " + "; ".join(problems))


def anonymous_form(record: SessionRecord) -> SessionRecord:
    """The record as it may be kept anywhere, database or spool: the privacy rule.

    An abandoned session keeps only how far it got: no category, levels, answers.
    """
    if record.status == "completed":
        return record
    return replace(record, category=None, levels={}, answers={})


def _rows(record: SessionRecord) -> tuple[dict, list[dict], list[dict]]:
    """The rows stored for a record, with the privacy rule applied."""
    record = anonymous_form(record)
    completed = record.status == "completed"
    session = {
        "id": record.id,
        "day": record.day,
        "site": record.site,
        "terminal": record.terminal,
        "language": record.language,
        "status": record.status,
        "items_answered": record.items_answered,
        "duration_minutes": record.duration_minutes,
        "category": record.category,
        "bank_version": record.bank_version,
    }
    if not completed:
        return session, [], []
    areas = [
        {"session_id": record.id, "area": int(area), "level": level}
        for area, level in sorted(record.levels.items())
    ]
    answers = [
        {"session_id": record.id, "item_id": item, "answer": code}
        for item, code in sorted(record.answers.items())
    ]
    return session, areas, answers


def save_session(db: sqlite_utils.Database, record: SessionRecord) -> None:
    """Store one session in one transaction: all of its rows or none.

    Answers, levels and category of an abandoned session are dropped here, whatever
    the caller passed. Raises ValueError for an invalid record and sqlite3 errors
    when the database cannot be written.
    """
    _save_many(db, [record])


def _save_many(db: sqlite_utils.Database, records: list[SessionRecord]) -> int:
    """Save records in one transaction, skipping ids already stored; returns how many."""
    for record in records:
        check_record(record)
    saved = 0
    with db.atomic():
        _take_write_lock(db)
        for record in records:
            session, areas, answers = _rows(record)
            # A spooled session whose earlier flush committed but whose spool file
            # could not be removed must not be stored twice.
            if db["sessions"].count_where("id = ?", [record.id]):
                continue
            db["sessions"].insert(session)
            db["area_results"].insert_all(areas, ignore=True)
            db["answers"].insert_all(answers, ignore=True)
            saved += 1
    return saved


# --- the spool -----------------------------------------------------------------


def spool_paths(database: Path) -> tuple[Path, Path]:
    """Where sessions wait: beside the database, else in the user data directory.

    The fallback is used when the database's folder is missing; its name carries a
    hash of the database path so two databases never share a spool.
    """
    database = Path(database)
    beside = database.with_name(database.name + ".spool.jsonl")
    digest = hashlib.sha256(str(database.resolve()).encode()).hexdigest()[:12]
    fallback_dir = Path(platformdirs.user_data_dir("skillcheck", appauthor=False)) / "spool"
    fallback = fallback_dir / f"{database.stem}-{digest}.jsonl"
    return beside, fallback


def _to_json(record: SessionRecord) -> str:
    data = asdict(record)
    data["levels"] = {str(area): level for area, level in record.levels.items()}
    data["answers"] = dict(record.answers)
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def _from_json(line: str) -> SessionRecord:
    """A spooled line back as a record; ValueError for anything but a valid one."""
    data = json.loads(line)
    if not isinstance(data, dict):
        raise ValueError(f"a JSON {type(data).__name__}, not an object")
    try:
        data["levels"] = {int(area): level for area, level in data.get("levels", {}).items()}
        record = SessionRecord(**data)
        check_record(record)
    except (TypeError, AttributeError) as error:  # wrong fields or wrong types
        raise ValueError(str(error)) from None
    return record


def _append_fsync(path: Path, line: str) -> None:
    new = not path.exists()
    with open(path, "a+b") as spool:
        data = (line + "\n").encode("utf-8")
        if spool.seek(0, os.SEEK_END) > 0:
            spool.seek(-1, os.SEEK_END)
            if spool.read(1) != b"\n":
                # A power cut left the last line unfinished: end it, so this record
                # gets a line of its own instead of being glued to the fragment.
                data = b"\n" + data
        spool.write(data)  # append mode: always at the end, whatever was read
        spool.flush()
        os.fsync(spool.fileno())
    if new:
        # A new file's directory entry must reach the disk too.
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _taken(spool: Path) -> Path:
    """Where a spool file is moved while its sessions are written to the database."""
    return spool.with_name(spool.name + ".flushing")


def _read_spool(path: Path, set_aside: Path | None = None) -> list[SessionRecord]:
    """The valid sessions in a spool file; other lines are appended to `set_aside`."""
    records = []
    if not path.is_file():
        return records
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            records.append(_from_json(line))
        except ValueError as error:
            # A line cut short by a power failure, or one that is not a valid session:
            # keep it aside rather than lose the rest.
            if set_aside is not None:
                log.warning("%s:%d: unreadable spooled session skipped (%s)", path, number, error)
                _append_fsync(set_aside, line)
    return records


# --- the Store the kiosk holds ----------------------------------------------------


class Store:
    """The kiosk's handle on the database; `save` never raises for disk trouble.

    Each operation opens its own connection: sqlite connections refuse use from a
    second thread, and a fresh open notices a database that became writable again.
    """

    def __init__(
        self,
        path: Path | str,
        *,
        busy_timeout: float = 5.0,
        spool_fallback: Path | None = None,
    ) -> None:
        """Remember the database, create its folder, and flush a waiting spool."""
        self.path = Path(path)
        self.busy_timeout = busy_timeout
        self.spool_beside, default_fallback = spool_paths(self.path)
        self.spool_fallback = spool_fallback or default_fallback
        # The kiosk saves from worker threads: one save (with its flush and spooling)
        # at a time, so no thread appends to a spool while another is flushing it.
        self._lock = threading.Lock()
        try:
            db = open_database(self.path, busy_timeout=busy_timeout)
        except StoreError as error:
            # Not SQLite, another program's database or a newer schema: no save can
            # succeed until someone replaces it, so sessions go to the spool meanwhile.
            log.error("database %s unusable (%s); sessions will be spooled", self.path, error)
            return
        except (OSError, sqlite3.Error) as error:
            log.warning("database %s not available at start (%s)", self.path, error)
            return
        try:
            with self._lock:
                self._flush(db)
        except (OSError, sqlite3.Error, StoreError) as error:
            log.warning("spooled sessions not written yet (%s)", error)
        finally:
            db.close()

    def _open(self) -> sqlite_utils.Database:
        # create=True would recreate a folder that vanished (an unmounted share); only
        # the start creates it, later a missing folder means "spool".
        if not self.path.parent.is_dir():
            raise FileNotFoundError(f"database folder {self.path.parent} is missing")
        return open_database(self.path, busy_timeout=self.busy_timeout)

    def _flush(self, db: sqlite_utils.Database) -> int:
        """Write the spooled sessions to the database; the caller holds self._lock."""
        written = 0
        for spool in (self.spool_beside, self.spool_fallback):
            taken = _taken(spool)
            # First what an interrupted flush left behind, then the spool itself.
            for _ in range(2):
                if not taken.exists():
                    if not spool.exists():
                        break
                    # Sessions spooled from now on (by another process, say) go to a
                    # fresh spool file, so removing `taken` removes only what was read
                    # and saved here.
                    os.replace(spool, taken)
                records = _read_spool(taken, spool.with_name(spool.name + ".bad"))
                if records:
                    written += _save_many(db, records)
                taken.unlink(missing_ok=True)
        if written:
            log.info("%d spooled session(s) written to %s", written, self.path)
        return written

    def save(self, record: SessionRecord) -> bool:
        """Store a session; on disk trouble spool it and log a warning.

        Returns True when it reached the database, False when it was spooled. Raises
        ValueError only for an invalid record (a bug in the caller).
        """
        check_record(record)
        record = anonymous_form(record)  # the spool keeps no more than the database
        with self._lock:
            try:
                db = self._open()
                try:
                    self._flush(db)
                    save_session(db, record)
                finally:
                    db.close()
                return True
            except (OSError, sqlite3.Error, StoreError) as error:
                log.warning("database %s not writable (%s); session spooled", self.path, error)
                self._spool(record)
                return False

    def _spool(self, record: SessionRecord) -> None:
        line = _to_json(record)
        # Beside the database when its folder is there; the fallback when that folder is
        # missing or the spool beside it cannot be written (disk full, read-only).
        targets = [self.spool_fallback]
        if self.spool_beside.parent.is_dir():
            targets.insert(0, self.spool_beside)
        failures = []
        for target in targets:
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                _append_fsync(target, line)
                return
            except OSError as error:
                log.warning("spool %s not writable (%s)", target, error)
                failures.append(f"{target}: {error}")
        # Nowhere left to write: the log is the last trace of this session.
        log.error("session %s lost: no spool writable (%s)", record.id, "; ".join(failures))

    def spooled(self) -> list[SessionRecord]:
        """Sessions waiting in the spool files, oldest first (being flushed included)."""
        return [
            record
            for spool in (self.spool_beside, self.spool_fallback)
            for path in (_taken(spool), spool)
            for record in _read_spool(path)
        ]

    def counts(self, today: dt.date) -> SessionCounts:
        """Sessions today and this month (spooled ones included), never raising."""
        day = today.isoformat()
        month_start = today.replace(day=1).isoformat()
        waiting = self.spooled()
        stored_today = stored_month = 0
        try:
            db = open_database(self.path, busy_timeout=self.busy_timeout, create=False)
            try:
                stored_month, stored_today = db.execute(
                    "SELECT count(*), coalesce(sum(day = ?), 0) FROM sessions "
                    "WHERE day BETWEEN ? AND ?",
                    [day, month_start, day],
                ).fetchone()
            finally:
                db.close()
        except (OSError, sqlite3.Error, StoreError) as error:
            log.warning("counts from %s not available (%s)", self.path, error)
        return SessionCounts(
            today=stored_today + sum(r.day == day for r in waiting),
            this_month=stored_month + sum(month_start <= r.day <= day for r in waiting),
            spooled=len(waiting),
        )
