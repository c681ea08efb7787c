"""merge, backup and purge: sources only read (hashes before and after), every source
checked before anything is written, cell keys copied, daily tables right after a purge."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest

from old_schemas import old_database
from sample_records import make
from skillcheck import schema
from skillcheck.copies import backup_database, merge_databases, purge_sessions
from skillcheck.store import (
    SCHEMA_VERSION,
    NewerSchemaError,
    StoreError,
    open_database,
    save_sessions,
)


def sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def terminal_db(path, records):
    db = open_database(path)
    save_sessions(db, records)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return path


def rows(path, sql):
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def daily_equals_group_by(path) -> bool:
    return set(rows(path, "SELECT * FROM daily_sessions")) == set(
        rows(path, schema.DAILY_SESSIONS_QUERY)
    ) and set(rows(path, "SELECT * FROM daily_levels")) == set(
        rows(path, schema.DAILY_LEVELS_QUERY)
    )


def test_merge_is_idempotent_copies_cell_keys_and_reads_sources_only(tmp_path):
    a = terminal_db(tmp_path / "a.db", [make(terminal="a") for _ in range(4)])
    b = terminal_db(tmp_path / "b.db", [make(terminal="b", status="abandoned") for _ in range(2)])
    hashes = [sha(a), sha(b)]
    into = tmp_path / "all.db"
    first = merge_databases(into, [a, b])
    assert [(r.sessions_added, r.sessions_in_source) for r in first] == [(4, 4), (2, 2)]
    again = merge_databases(into, [a, b, a])
    assert [r.sessions_added for r in again] == [0, 0, 0]
    assert [sha(a), sha(b)] == hashes
    keys = "SELECT id, cell_key FROM sessions ORDER BY id"
    assert rows(into, keys) == sorted(rows(a, keys) + rows(b, keys))
    assert daily_equals_group_by(into)
    assert rows(into, "SELECT count(*) FROM area_results") == [(4 * 5,)]


@pytest.mark.parametrize("bad", ["newer", "foreign", "empty", "missing", "text", "target"])
def test_merge_checks_every_source_before_writing(tmp_path, bad):
    good = terminal_db(tmp_path / "good.db", [make()])
    into = tmp_path / "all.db"
    path = tmp_path / "bad.db"
    if bad == "newer":
        terminal_db(path, [make()])
        conn = sqlite3.connect(path)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
        conn.close()
    elif bad == "foreign":
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE birds (name)")
        conn.close()
    elif bad == "empty":
        path.write_bytes(b"")
    elif bad == "text":
        path.write_text("not a database at all" * 20)
    elif bad == "target":
        terminal_db(into, [make()])
        path = into
    before = sha(path) if path.exists() else None
    target_before = sha(into) if into.exists() else None
    with pytest.raises(NewerSchemaError if bad == "newer" else StoreError) as error:
        merge_databases(into, [good, path])
    assert str(path) in str(error.value)
    assert (sha(path) if path.exists() else None) == before
    assert (sha(into) if into.exists() else None) == target_before


def test_merge_into_a_missing_folder_is_refused(tmp_path):
    good = terminal_db(tmp_path / "good.db", [make()])
    with pytest.raises(StoreError, match="does not exist"):
        merge_databases(tmp_path / "nowhere" / "all.db", [good])
    assert not (tmp_path / "nowhere").exists()


@pytest.mark.parametrize("version", [2, 4])
def test_merge_from_an_old_terminal(tmp_path, version):
    """A terminal not yet updated merges as it is; its file is not touched."""
    old = tmp_path / "old.db"
    old_database(
        old,
        version,
        [
            {
                "id": make().id, "day": "2025-03-14", "site": "Gent", "terminal": "t9",
                "language": "fr", "status": "completed", "items_answered": 20,
                "duration_minutes": 12, "category": "basic", "bank_version": "1",
                "levels": {a: "basic" for a in range(1, 6)}, "answers": {"x": "1"},
            }
        ],
    )  # fmt: skip
    before = sha(old)
    [result] = merge_databases(tmp_path / "all.db", [old])
    assert result.sessions_added == 1
    assert sha(old) == before
    [(region, version_, key)] = rows(
        tmp_path / "all.db", "SELECT region, scoring_version, cell_key FROM sessions"
    )
    assert (region, version_) == ("unknown", 1) and 0 <= key < 2**32
    assert daily_equals_group_by(tmp_path / "all.db")


def test_backup_of_a_live_database(tmp_path):
    live = terminal_db(tmp_path / "live.db", [make() for _ in range(5)])
    holder = sqlite3.connect(live, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # the kiosk is writing: the copy still works
    holder.execute("DELETE FROM answers")
    assert backup_database(live, tmp_path / "copy.db") == 5
    holder.execute("ROLLBACK")
    holder.close()
    assert rows(tmp_path / "copy.db", "SELECT count(*) FROM answers") == [(10,)]
    with pytest.raises(StoreError, match="already exists"):
        backup_database(live, tmp_path / "copy.db")
    with pytest.raises(StoreError, match="does not exist"):
        backup_database(live, tmp_path / "no" / "copy.db")
    assert not (tmp_path / "no").exists()


def test_backup_never_changes_its_source(tmp_path):
    source = terminal_db(tmp_path / "s.db", [make() for _ in range(3)])
    conn = sqlite3.connect(source)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    before = sha(source)
    assert backup_database(source, tmp_path / "copy.db") == 3
    assert sha(source) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy.db", "s.db"]


def test_backup_reports_progress_page_by_page(tmp_path):
    source = terminal_db(tmp_path / "s.db", [make() for _ in range(200)])
    [(total_pages,)] = rows(source, "PRAGMA page_count")
    assert total_pages > 20  # enough for several steps
    seen: list[tuple[int, int]] = []
    count = backup_database(
        source, tmp_path / "copy.db", lambda *step: seen.append(step), step_pages=4
    )
    assert count == 200
    assert len(seen) == -(-total_pages // 4)  # one call per step of 4 pages
    assert [copied for copied, _ in seen] == sorted({copied for copied, _ in seen})
    assert seen[-1] == (total_pages, total_pages)
    assert {total for _, total in seen} == {total_pages}


def test_backup_is_the_database_as_it_started(tmp_path):
    # A session saved while the copy runs is not in it, and the copy does not restart.
    source = terminal_db(tmp_path / "s.db", [make() for _ in range(200)])
    kiosk = open_database(source)
    seen: list[int] = []

    def save_meanwhile(copied: int, total: int) -> None:
        if not seen:
            save_sessions(kiosk, [make()])
        seen.append(copied)

    try:
        assert backup_database(source, tmp_path / "copy.db", save_meanwhile, step_pages=4) == 200
    finally:
        kiosk.close()
    assert seen == sorted(set(seen))  # never started over
    assert rows(source, "SELECT count(*) FROM sessions") == [(201,)]
    assert rows(tmp_path / "copy.db", "SELECT count(*) FROM sessions") == [(200,)]
    assert daily_equals_group_by(tmp_path / "copy.db")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("copy.db-")]


def test_an_interrupted_backup_leaves_no_file(tmp_path):
    source = terminal_db(tmp_path / "s.db", [make() for _ in range(200)])
    before = sha(source)

    def interrupt(copied: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        backup_database(source, tmp_path / "copy.db", interrupt, step_pages=4)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("copy.db")]
    assert sha(source) == before


def test_purge_keeps_the_daily_tables_right(tmp_path):
    db = terminal_db(
        tmp_path / "k.db",
        [make(day="2025-01-10") for _ in range(3)]
        + [make(day="2025-01-11", status="abandoned")]
        + [make(day="2025-02-01") for _ in range(2)],
    )
    result = purge_sessions(db, "2025-02-01")
    assert (result.sessions, result.area_results, result.answers) == (4, 3 * 5, 3 * 2)
    assert rows(db, "SELECT DISTINCT day FROM sessions") == [("2025-02-01",)]
    assert rows(db, "SELECT sum(sessions) FROM daily_sessions") == [(2,)]
    assert daily_equals_group_by(db)
    again = purge_sessions(db, "2025-02-01")
    assert again.sessions == 0
