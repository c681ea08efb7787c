"""The store: schema, privacy rule, atomic saves, migrations and the spool.

Tests run as root, which ignores file permissions, so "read-only" and "disk full"
are produced through SQLite itself (a `mode=ro` connection, `max_page_count`)
rather than chmod; each test says what it proves.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
import threading
import uuid

import pytest
import sqlite_utils

from sample_records import make as make_record
from skillcheck import digcomp, schema, spool, store
from skillcheck.records import record_from_json, record_to_json
from skillcheck.store import (
    SCHEMA_VERSION,
    NewerSchemaError,
    Store,
    StoreError,
    open_database,
    save_session,
    save_sessions,
    write_transaction,
)

# One valid record to start from, shared with the other store tests.
record = make_record


def rows(path, table):
    db = sqlite_utils.Database(path)
    try:
        return list(db[table].rows)
    finally:
        db.close()


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "data" / "skillcheck.db"


@pytest.fixture
def kiosk_store(db_path, tmp_path):
    return Store(db_path, busy_timeout=0.2, spool_folders=[db_path.parent, tmp_path / "fallback"])


def beside(kiosk: Store):
    """The spool file beside the database."""
    return kiosk.spool.files[0]


def fallback(kiosk: Store):
    """The spool file in the second folder."""
    return kiosk.spool.files[1]


def test_open_sets_pragmas_creates_folder_and_schema(db_path):
    db = open_database(db_path)
    assert db_path.parent.is_dir()
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert {"sessions", "area_results", "answers"} <= set(db.table_names())
    assert "time" not in " ".join(db["sessions"].columns_dict)
    db.close()


def test_completed_session_stores_all_rows(db_path):
    db = open_database(db_path)
    r = record()
    save_session(db, r)
    [session] = db["sessions"].rows
    assert session["day"] == "2025-03-14" and session["category"] == "low"
    assert {(a["area"], a["level"]) for a in db["area_results"].rows} == set(r.levels.items())
    assert {(a["item_id"], a["answer"]) for a in db["answers"].rows} == set(r.answers.items())


def test_abandoned_session_keeps_only_how_far_it_got(db_path):
    db = open_database(db_path)
    # The caller passes answers and levels anyway: save_session must drop them.
    save_session(db, record(status="abandoned", items_answered=4, category="none"))
    [session] = db["sessions"].rows
    assert session["items_answered"] == 4 and session["category"] is None
    assert db["area_results"].count == 0 and db["answers"].count == 0


def test_invalid_record_is_refused(db_path):
    db = open_database(db_path)
    with pytest.raises(ValueError, match="not a date"):
        save_session(db, record(day="2025-02-30"))
    with pytest.raises(ValueError, match="category"):
        save_session(db, record(category=None))
    assert db["sessions"].count == 0


def test_save_is_all_or_nothing(db_path):
    db = open_database(db_path)
    r = record()
    save_session(db, r)
    # A second session whose answers collide with nothing but whose session row does:
    # force a failure after the session row by breaking the answers table.
    db.execute("CREATE TRIGGER fail BEFORE INSERT ON answers BEGIN SELECT RAISE(ABORT, 'x'); END")
    with pytest.raises(sqlite3.IntegrityError):
        save_session(db, record())
    assert db["sessions"].count == 1 and db["area_results"].count == 5


def test_newer_database_is_refused(db_path):
    open_database(db_path).execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(NewerSchemaError, match="newer than this skillcheck"):
        open_database(db_path)


def test_not_sqlite_and_missing_and_foreign(tmp_path):
    junk = tmp_path / "notes.db"
    junk.write_text("hello, this is not a database" * 10)
    with pytest.raises(StoreError, match="not an SQLite database"):
        open_database(junk)
    with pytest.raises(StoreError, match="no such database"):
        open_database(tmp_path / "missing.db", create=False)
    other = tmp_path / "other.db"
    sqlite_utils.Database(other)["birds"].insert({"name": "tit"})
    with pytest.raises(StoreError, match="not a skillcheck database"):
        open_database(other)


def test_store_saves_and_counts(kiosk_store):
    assert kiosk_store.save(record(day="2025-03-14"))
    assert kiosk_store.save(record(day="2025-03-02", status="abandoned", category=None))
    assert kiosk_store.save(record(day="2025-02-28"))
    counts = kiosk_store.counts(dt.date(2025, 3, 14))
    assert (counts.today, counts.this_month, counts.spooled) == (1, 2, 0)


def test_held_write_lock_spools_then_flushes(kiosk_store, db_path, caplog):
    """Proves: a real write lock held past the busy timeout ends in the spool."""
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    first = record()
    with caplog.at_level(logging.WARNING, logger="skillcheck.store"):
        assert kiosk_store.save(first) is False
    assert "spooled" in caplog.text
    assert beside(kiosk_store).is_file()
    assert [r.id for r in kiosk_store.spooled()] == [first.id]
    assert kiosk_store.counts(dt.date(2025, 3, 14)).today == 1
    holder.execute("ROLLBACK")
    holder.close()
    second = record()
    assert kiosk_store.save(second) is True
    assert {r["id"] for r in rows(db_path, "sessions")} == {first.id, second.id}
    assert len(rows(db_path, "area_results")) == 10
    assert not beside(kiosk_store).exists()


def test_an_abandoned_session_is_spooled_as_anonymous_as_it_is_stored(kiosk_store, db_path):
    """Proves: the privacy rule holds in the spool file too, not only in the database."""
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    abandoned = record(status="abandoned", category="low")  # levels and answers passed
    assert kiosk_store.save(abandoned) is False
    holder.execute("ROLLBACK")
    holder.close()
    spooled = beside(kiosk_store).read_text(encoding="utf-8")
    assert abandoned.id in spooled
    assert "4.2-phishing" not in spooled and "above_basic" not in spooled
    [again] = kiosk_store.spooled()
    assert (again.category, dict(again.levels), dict(again.answers)) == (None, {}, {})


def test_read_only_database_spools(kiosk_store, db_path, monkeypatch):
    """Proves: SQLite's "attempt to write a readonly database" ends in the spool.

    The connection is opened with mode=ro (root ignores chmod), which is the error a
    read-only file or mount gives; it does not exercise a real read-only mount.
    """
    real_open = store.open_database

    def read_only(path, **kwargs):
        db = real_open(path, **kwargs)
        db.close()
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        return sqlite_utils.Database(conn)

    monkeypatch.setattr(store, "open_database", read_only)
    r = record()
    assert kiosk_store.save(r) is False
    monkeypatch.setattr(store, "open_database", real_open)
    assert Store(db_path).spooled() == []  # a start flushes the spool too
    assert [s["id"] for s in rows(db_path, "sessions")] == [r.id]


def test_disk_full_spools(kiosk_store, db_path, monkeypatch):
    """Proves: SQLITE_FULL ("database or disk is full") ends in the spool.

    max_page_count caps the file at its current size, which is how SQLite reports a
    full disk; no real disk is filled.
    """
    real_open = store.open_database

    def full(path, **kwargs):
        db = real_open(path, **kwargs)
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        db.execute(f"PRAGMA max_page_count = {pages}")
        return db

    monkeypatch.setattr(store, "open_database", full)
    big = record(answers={f"item-{n}": "x" * 200 for n in range(200)})
    assert kiosk_store.save(big) is False
    assert rows(db_path, "sessions") == []
    monkeypatch.setattr(store, "open_database", real_open)
    assert kiosk_store.save(record()) is True
    assert len(rows(db_path, "sessions")) == 2
    assert len(rows(db_path, "answers")) == 202


def test_missing_folder_spools_in_the_next_folder(kiosk_store, db_path):
    """Proves: when the database folder vanishes (an unmounted share), sessions go to
    the next spool folder and reach the database once the folder is back; a folder
    that comes back empty gets no new database over the facilitator's head."""
    import shutil

    away = db_path.parent.with_name("unmounted")
    db_path.parent.rename(away)
    r = record()
    assert kiosk_store.save(r) is False
    assert not db_path.parent.exists()  # the store did not quietly recreate it
    assert [s.id for s in kiosk_store.spooled()] == [r.id]
    assert fallback(kiosk_store).is_file()
    db_path.parent.mkdir()
    assert kiosk_store.save(record()) is False  # empty folder: still spooling
    assert not db_path.exists()
    beside(kiosk_store).rename(away / beside(kiosk_store).name)  # the spool travels along
    shutil.rmtree(db_path.parent)
    away.rename(db_path.parent)  # the share is back
    assert kiosk_store.save(record()) is True
    assert r.id in {s["id"] for s in rows(db_path, "sessions")}
    assert len(rows(db_path, "sessions")) == 3
    assert not fallback(kiosk_store).exists()


def test_spool_survives_a_torn_line_and_double_flush(kiosk_store, db_path):
    r = record()
    beside(kiosk_store).write_text(
        record_to_json(r) + "\n" + record_to_json(r) + "\n" + '{"id": "cut sho', encoding="utf-8"
    )
    assert kiosk_store.save(record()) is True
    assert len(rows(db_path, "sessions")) == 2  # r once, not twice; the torn line kept aside
    assert beside(kiosk_store).with_name(beside(kiosk_store).name + ".bad").is_file()


def test_spool_round_trips_a_record():
    r = record()
    assert record_from_json(record_to_json(r)) == r


# --- the daily tables of version 3 ----------------------------------------------

DAILY_SESSIONS_BY_GROUP = schema.DAILY_SESSIONS_QUERY
DAILY_LEVELS_BY_GROUP = schema.DAILY_LEVELS_QUERY


def daily(db) -> tuple[set, set]:
    """Both daily tables as sets of rows (key columns, then the count)."""
    return (
        set(db.execute("SELECT * FROM daily_sessions").fetchall()),
        set(db.execute("SELECT * FROM daily_levels").fetchall()),
    )


def assert_daily_tables_match(db) -> None:
    """The triggers' tables equal a GROUP BY over the base tables, with no zero rows."""
    by_group = (
        set(db.execute(DAILY_SESSIONS_BY_GROUP).fetchall()),
        set(db.execute(DAILY_LEVELS_BY_GROUP).fetchall()),
    )
    assert daily(db) == by_group


def test_save_counts_in_the_daily_tables(db_path):
    db = open_database(db_path)
    save_session(db, record())
    save_session(db, record(status="abandoned", category="none"))
    sessions, levels = daily(db)
    assert {row[6:9] for row in sessions} == {("completed", "low", 1), ("abandoned", "", 1)}
    assert len(levels) == 5 and {row[-2] for row in levels} == {1}
    assert_daily_tables_match(db)


def test_insert_or_ignore_of_a_stored_row_is_not_counted(db_path):
    db = open_database(db_path)
    r = record()
    save_session(db, r)
    before = daily(db)
    db.execute("INSERT OR IGNORE INTO sessions SELECT * FROM sessions")
    db.execute("INSERT OR IGNORE INTO area_results SELECT * FROM area_results")
    assert daily(db) == before
    save_sessions(db, [r, r])  # the spool's duplicate check
    assert daily(db) == before


def test_spool_flush_counts_once(kiosk_store, db_path):
    r = record()
    beside(kiosk_store).write_text(
        record_to_json(r) + "\n" + record_to_json(r) + "\n", encoding="utf-8"
    )
    assert kiosk_store.save(record(status="abandoned", category=None)) is True
    db = open_database(db_path)
    sessions, levels = daily(db)
    assert {row[6:9] for row in sessions} == {("completed", "low", 1), ("abandoned", "", 1)}
    assert sum(row[-2] for row in levels) == 5
    assert_daily_tables_match(db)


def test_deleting_sessions_takes_them_off_the_daily_tables(db_path):
    """A purge (levels and answers first, as the foreign keys demand) stays consistent."""
    db = open_database(db_path)
    keep, drop = record(), record(day="2025-03-15")
    for r in (keep, drop, record(status="abandoned", category=None)):
        save_session(db, r)
    with write_transaction(db):
        for table in ("area_results", "answers"):
            db.execute(f"DELETE FROM {table} WHERE session_id = ?", [drop.id])
        db.execute("DELETE FROM sessions WHERE id = ? OR status = 'abandoned'", [drop.id])
    assert_daily_tables_match(db)
    assert {row[0] for row in daily(db)[0]} == {"2025-03-14"}
    assert sum(row[-2] for row in daily(db)[1]) == 5


@pytest.mark.parametrize("seed", range(25))
def test_daily_tables_equal_a_group_by_for_random_sessions(db_path, seed):
    """Property: whatever is saved, spooled, re-saved or purged, the triggers' tables
    equal a GROUP BY over sessions and area_results."""
    import random

    rng = random.Random(seed)
    db = open_database(db_path)
    saved = []
    for _ in range(rng.randint(1, 60)):
        completed = rng.random() < 0.8
        r = record(
            day=f"2025-0{rng.randint(1, 3)}-1{rng.randint(0, 2)}",
            site=rng.choice(["Gent", "Liège"]),
            terminal=rng.choice(["t1", "t2"]),
            language=rng.choice(["nl", "fr", "en"]),
            status="completed" if completed else "abandoned",
            category=rng.choice(digcomp.CATEGORIES) if completed else None,
            levels={
                a: rng.choice(digcomp.LEVELS)
                for a in rng.sample(digcomp.AREAS, rng.randint(0 if completed else 5, 5))
            },
        )
        batch = [r] + ([rng.choice(saved)] if saved and rng.random() < 0.2 else [])
        save_sessions(db, batch)
        saved.append(r)
    for r in rng.sample(saved, rng.randint(0, len(saved) // 3)):
        with write_transaction(db):
            for table in ("area_results", "answers", "sessions"):
                column = "id" if table == "sessions" else "session_id"
                db.execute(f"DELETE FROM {table} WHERE {column} = ?", [r.id])
    assert_daily_tables_match(db)
    # The migration's backfill computes the same tables from scratch.
    expected = daily(db)
    with write_transaction(db):
        schema.fill_daily_tables(db.conn)
    assert daily(db) == expected


# --- fixes: spool fallback, foreign databases, torn spool lines, races, rowid ------


def test_unwritable_beside_spool_falls_back(kiosk_store, db_path, monkeypatch, caplog):
    """Proves: when the spool beside the database cannot be written (disk full on that
    share), the session goes to the fallback spool and is flushed on the next save."""
    real_append = spool.append_line

    def beside_full(path, line):
        if path == beside(kiosk_store):
            raise OSError(28, "No space left on device")
        real_append(path, line)

    monkeypatch.setattr(spool, "append_line", beside_full)
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    r = record()
    with caplog.at_level(logging.WARNING, logger="skillcheck.store"):
        assert kiosk_store.save(r) is False
    holder.execute("ROLLBACK")
    holder.close()
    assert not [m for m in caplog.records if m.levelno >= logging.ERROR]
    assert not beside(kiosk_store).exists()
    assert fallback(kiosk_store).is_file()
    assert [s.id for s in kiosk_store.spooled()] == [r.id]
    monkeypatch.undo()
    assert kiosk_store.save(record()) is True
    assert r.id in {s["id"] for s in rows(db_path, "sessions")}
    assert kiosk_store.spooled() == []


def test_session_is_lost_only_when_both_spools_fail(kiosk_store, db_path, monkeypatch, caplog):
    def no_space(path, line):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(spool, "append_line", no_space)
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    r = record()
    with caplog.at_level(logging.WARNING, logger="skillcheck.store"):
        assert kiosk_store.save(r) is False
    holder.execute("ROLLBACK")
    holder.close()
    [lost] = [m for m in caplog.records if m.levelno >= logging.ERROR]
    assert f"session {r.id} lost" in lost.getMessage()
    assert str(beside(kiosk_store)) in lost.getMessage()
    assert str(fallback(kiosk_store)) in lost.getMessage()


@pytest.mark.parametrize("kind", ["not sqlite", "foreign", "newer"])
def test_unusable_database_spools_instead_of_raising(tmp_path, kind, caplog):
    """Proves: a database the store refuses (StoreError) neither crashes the kiosk's
    start nor its saves; sessions go to the spool and the log has an error."""
    path = tmp_path / "skillcheck.db"
    if kind == "not sqlite":
        path.write_text("hello, this is not a database" * 10)
    elif kind == "foreign":
        sqlite_utils.Database(path)["birds"].insert({"name": "tit"})
    else:
        open_database(path).execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with caplog.at_level(logging.WARNING, logger="skillcheck.store"):
        kiosk = Store(path, busy_timeout=0.2, spool_folders=[tmp_path / "fallback"])
    assert any(m.levelno == logging.ERROR for m in caplog.records)
    r = record()
    assert kiosk.save(r) is False
    assert [s.id for s in kiosk.spooled()] == [r.id]
    assert kiosk.counts(dt.date(2025, 3, 14)).spooled == 1


def test_append_after_a_torn_last_line_starts_a_new_line(kiosk_store, db_path):
    """Proves: a record spooled after a power cut left half a line is kept whole."""
    beside(kiosk_store).write_text('{"id": "cut sho', encoding="utf-8")
    r = record()
    spool.append_line(beside(kiosk_store), record_to_json(r))
    assert (
        beside(kiosk_store)
        .read_text(encoding="utf-8")
        .endswith('"cut sho\n' + record_to_json(r) + "\n")
    )
    assert [s.id for s in kiosk_store.spooled()] == [r.id]
    assert kiosk_store.save(record()) is True
    assert r.id in {s["id"] for s in rows(db_path, "sessions")}


@pytest.mark.parametrize(
    "line",
    [
        "[1, 2, 3]",
        '"just text"',
        "42",
        "null",
        '{"id": "x"}',  # fields missing
        '{"unknown": 1}',
        "BAD_DAY",  # parses, but fails check_record
        "BAD_LEVELS",  # levels not an object
        "BAD_TYPE",  # items_answered not a number
    ],
)
def test_spooled_line_that_is_not_a_valid_session_goes_aside(kiosk_store, db_path, line):
    good = record()
    bad = record_to_json(good).replace(good.id, uuid.uuid4().hex)
    line = {
        "BAD_DAY": bad.replace('"2025-03-14"', '"2025-02-30"'),
        "BAD_LEVELS": bad.replace('"levels": {', '"levels": [{').replace('}, "site"', '}], "site"'),
        "BAD_TYPE": bad.replace('"items_answered": 18', '"items_answered": "18"'),
    }.get(line, line)
    beside(kiosk_store).write_text(line + "\n" + record_to_json(good) + "\n", encoding="utf-8")
    assert [s.id for s in kiosk_store.spooled()] == [good.id]
    assert kiosk_store.save(record()) is True
    assert good.id in {s["id"] for s in rows(db_path, "sessions")}
    bad_file = beside(kiosk_store).with_name(beside(kiosk_store).name + ".bad")
    assert line in bad_file.read_text(encoding="utf-8").splitlines()
    assert not beside(kiosk_store).exists()


@pytest.mark.parametrize("second_store", [False, True], ids=["same store", "second store"])
def test_session_spooled_during_a_flush_is_not_lost(
    kiosk_store, db_path, monkeypatch, second_store
):
    """Proves: a session spooled by another worker thread while a flush waits for the
    write lock survives that flush (it used to be unlinked with the spool it read).

    A held write lock makes the other save spool; the flushing thread is stopped
    between reading the spool and writing it until the other save has finished (or,
    once saves are serialised, for at most a second).
    """
    other = (
        Store(
            db_path, busy_timeout=0.2, spool_folders=[f.parent for f in kiosk_store.spool.files[:2]]
        )
        if second_store
        else kiosk_store
    )
    waiting, first, second = record(), record(), record()
    beside(kiosk_store).write_text(record_to_json(waiting) + "\n", encoding="utf-8")
    holder = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    in_flush, other_started = threading.Event(), threading.Event()
    real_save_many = store.save_sessions

    def paused(db, records):
        if threading.current_thread().name == "first" and not in_flush.is_set():
            in_flush.set()
            assert other_started.wait(timeout=5)
            other_thread.join(timeout=1.0)  # the other save gets its chance here
            holder.execute("ROLLBACK")
        return real_save_many(db, records)

    monkeypatch.setattr(store, "save_sessions", paused)
    results = {}
    first_thread = threading.Thread(
        target=lambda: results.update(first=kiosk_store.save(first)), name="first"
    )

    def other_save():
        other_started.set()
        results["second"] = other.save(second)

    other_thread = threading.Thread(target=other_save)
    first_thread.start()
    assert in_flush.wait(timeout=5)
    other_thread.start()
    first_thread.join(timeout=10)
    other_thread.join(timeout=10)
    holder.close()
    assert results["first"] is True
    stored = {s["id"] for s in rows(db_path, "sessions")}
    spooled = {s.id for s in kiosk_store.spooled()}
    assert stored | spooled == {waiting.id, first.id, second.id}
    assert not stored & spooled


def test_spool_left_by_an_interrupted_flush_is_counted_and_written(kiosk_store, db_path):
    """A flush moves the spool to `.flushing` before reading it; one left behind (the
    kiosk stopped mid-flush) still counts as spooled and is written at the next save."""
    left, newer = record(), record()
    spool._taken(beside(kiosk_store)).write_text(record_to_json(left) + "\n")
    spool.append_line(beside(kiosk_store), record_to_json(newer))
    assert [s.id for s in kiosk_store.spooled()] == [left.id, newer.id]
    assert kiosk_store.save(record()) is True
    assert {left.id, newer.id} <= {s["id"] for s in rows(db_path, "sessions")}
    assert kiosk_store.spooled() == []
    assert not spool._taken(beside(kiosk_store)).exists()


def test_counts_do_not_copy_bad_spool_lines_again(kiosk_store):
    beside(kiosk_store).write_text('{"id": "cut sho\n', encoding="utf-8")
    for _ in range(3):
        assert kiosk_store.counts(dt.date(2025, 3, 14)).spooled == 0
    assert not beside(kiosk_store).with_name(beside(kiosk_store).name + ".bad").exists()


# --- version 4: WITHOUT ROWID base tables -----------------------------------------


def test_base_tables_keep_no_insertion_order(db_path):
    """Proves: after saves in a known order, no rowid and no column gives that order."""
    db = open_database(db_path)
    saved = [record(day="2025-03-14") for _ in range(30)]
    for r in saved:
        save_session(db, r)
    for table in ("sessions", "area_results", "answers", "daily_sessions", "daily_levels"):
        with pytest.raises(sqlite3.OperationalError, match="rowid"):
            db.execute(f"SELECT rowid FROM {table}")
    in_order = [r.id for r in saved]
    assert [s["id"] for s in db["sessions"].rows] == sorted(in_order) != in_order
    assert [row[0] for row in db.execute("SELECT session_id FROM answers")] == sorted(
        [r.id for r in saved for _ in r.answers]
    )
    assert not {"time", "created", "rowid", "seq"} & set(db["sessions"].columns_dict)
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []


# --- a database deleted, emptied or replaced while the kiosk runs (issue 9, finding 5) ---


@pytest.mark.parametrize("replacement", ["deleted", "empty", "foreign", "not sqlite"])
def test_a_vanished_database_is_not_re_created_and_sessions_wait(
    kiosk_store, db_path, replacement, caplog
):
    """Proves: the kiosk never makes a fresh empty database where the facilitator's was;
    it spools (and says why) until a valid skillcheck database is back, then flushes."""
    import shutil

    first = record()
    assert kiosk_store.save(first) is True
    keep = db_path.with_name("restore.db")
    shutil.copy(db_path, keep)
    db_path.unlink()
    if replacement == "empty":
        db_path.write_bytes(b"")
    elif replacement == "foreign":
        conn = sqlite3.connect(db_path)
        conn.execute("CREATE TABLE birds (name)")
        conn.close()
    elif replacement == "not sqlite":
        db_path.write_text("some notes" * 50)
    before = db_path.read_bytes() if db_path.exists() else None
    waiting = [record(), record()]
    with caplog.at_level(logging.WARNING, logger="skillcheck.store"):
        assert [kiosk_store.save(r) for r in waiting] == [False, False]
    assert (db_path.read_bytes() if db_path.exists() else None) == before
    assert {r.id for r in kiosk_store.spooled()} == {r.id for r in waiting}
    counts = kiosk_store.counts(dt.date(2025, 3, 14))
    assert counts.spooled == 2 and counts.last_error
    status = spool.spool_status(db_path)
    assert status.waiting == 2 and str(db_path) in status.last_error
    # The facilitator restores the backup: the next save takes it and flushes the spool.
    db_path.unlink(missing_ok=True)
    shutil.copy(keep, db_path)
    assert kiosk_store.save(record()) is True
    stored = {s["id"] for s in rows(db_path, "sessions")}
    assert {first.id, *(r.id for r in waiting)} <= stored and len(stored) == 4
    assert kiosk_store.spooled() == []
    assert spool.spool_status(db_path).waiting == 0
    assert spool.spool_status(db_path).last_error is None


def test_a_replacement_is_taken_by_a_second_process_too(db_path, tmp_path):
    """Two Stores (two kiosk processes) on one path: both spool while it is gone and
    both flush into the restored file."""
    import shutil

    folders = [db_path.parent, tmp_path / "fallback"]
    one = Store(db_path, busy_timeout=0.2, spool_folders=folders)
    two = Store(db_path, busy_timeout=0.2, spool_folders=folders)
    assert one.save(record())
    shutil.copy(db_path, tmp_path / "keep.db")
    db_path.unlink()
    a, b = record(), record()
    assert (one.save(a), two.save(b)) == (False, False)
    shutil.copy(tmp_path / "keep.db", db_path)
    assert two.save(record()) is True
    assert {a.id, b.id} <= {s["id"] for s in rows(db_path, "sessions")}


def test_a_spooled_line_the_database_refuses_goes_aside_and_the_rest_is_written(
    kiosk_store, db_path
):
    """Proves (finding 4): one line the database refuses (here a trigger stands in for
    a NOT NULL rule check_record did not know) no longer blocks every later save."""
    conn = sqlite3.connect(db_path)
    conn.execute(
        "CREATE TRIGGER poison BEFORE INSERT ON sessions WHEN new.site = 'poison' "
        "BEGIN SELECT RAISE(ABORT, 'refused'); END"
    )
    conn.close()
    poisoned, good = record(site="poison"), record()
    beside(kiosk_store).write_text(
        record_to_json(poisoned) + "\n" + record_to_json(good) + "\n", encoding="utf-8"
    )
    assert kiosk_store.save(record()) is True
    stored = {s["id"] for s in rows(db_path, "sessions")}
    assert good.id in stored and poisoned.id not in stored
    assert poisoned.id in spool.bad_file(beside(kiosk_store)).read_text(encoding="utf-8")
    assert kiosk_store.spooled() == []


def test_a_null_site_line_goes_aside(kiosk_store, db_path):
    """The spool line of finding 4 ("site": null) is refused before the database."""
    good = record()
    line = record_to_json(record()).replace('"site": "Bibliotheek Gent"', '"site": null')
    beside(kiosk_store).write_text(line + "\n" + record_to_json(good) + "\n", encoding="utf-8")
    assert kiosk_store.save(record()) is True
    assert good.id in {s["id"] for s in rows(db_path, "sessions")}
    assert line in spool.bad_file(beside(kiosk_store)).read_text(encoding="utf-8")


@pytest.mark.parametrize("schema", [4, 5])
def test_a_line_spooled_by_an_older_kiosk_is_still_written(kiosk_store, db_path, schema):
    """Sessions an older kiosk left in the spool survive the upgrade, without duration."""
    import json

    old = json.loads(record_to_json(record()))
    if schema == 4:
        for key in ("region", "scoring_version"):
            del old[key]
        old["duration_minutes"] = 12
    else:
        old["duration_band"] = "over_10"
    beside(kiosk_store).write_text(json.dumps(old) + "\n", encoding="utf-8")
    assert kiosk_store.save(record()) is True
    [stored] = [s for s in rows(db_path, "sessions") if s["id"] == old["id"]]
    assert "duration_band" not in stored and "duration_minutes" not in stored
    if schema == 4:
        assert (stored["region"], stored["scoring_version"]) == ("unknown", 1)


@pytest.mark.parametrize(
    "field, value", [("duration_minutes", "12"), ("duration_band", 5), ("duration", "5_to_10")]
)
def test_a_spooled_duration_of_the_wrong_kind_is_refused(field, value):
    import json

    line = json.loads(record_to_json(record()))
    line[field] = value
    with pytest.raises(ValueError):
        record_from_json(json.dumps(line))


def test_make_record_keeps_the_region_and_the_scoring_version_and_no_duration(bank):
    from skillcheck.config import SiteConfig
    from skillcheck.scoring import SCORING_VERSION
    from skillcheck.session import Session
    from skillcheck.tui.visit import Visit
    from skillcheck.visit_record import make_record

    visit = Visit(session=Session(bank), language="fr", started=100.0)
    made = make_record(visit, SiteConfig(region="wallonia"), bank, "abandoned")
    assert (made.region, made.scoring_version) == ("wallonia", SCORING_VERSION)
    national = make_record(visit, SiteConfig(region="national"), bank, "abandoned")
    assert national.region == "unknown"
    assert not [name for name in made.__dataclass_fields__ if "duration" in name]
