"""Schema v6: created from one block of DDL, older files (v1-v5) upgraded into exactly
the same schema, and the one opener's refusals (foreign, empty, missing, newer) and
read-only opening, with the file's bytes compared before and after."""

from __future__ import annotations

import hashlib
import sqlite3
import uuid

import pytest

from old_schemas import old_database
from skillcheck import migrations, schema
from skillcheck.store import (
    SCHEMA_VERSION,
    NewerSchemaError,
    OlderSchemaError,
    StoreError,
    open_database,
)


def sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def old_session(minutes=6, status="completed", day="2025-03-14", **changes):
    completed = status == "completed"
    return {
        "id": uuid.uuid4().hex,
        "day": day,
        "site": "Bibliotheek Gent",
        "terminal": "t1",
        "language": "nl",
        "status": status,
        "items_answered": 18 if completed else 3,
        "duration_minutes": minutes,
        "category": "low" if completed else None,
        "bank_version": "2025.1",
        "levels": {1: "basic", 2: "none", 3: "basic", 4: "above_basic", 5: "basic"}
        if completed
        else {},
        "answers": {"1.1-search": "2", "4.2-phishing": "b"} if completed else {},
        **changes,
    }


def schema_of(conn) -> set:
    """Every table, index and trigger with its SQL: what "the same schema" means."""
    return set(
        conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
        ).fetchall()
    )


def daily_equals_group_by(conn) -> bool:
    return set(conn.execute("SELECT * FROM daily_sessions")) == set(
        conn.execute(schema.DAILY_SESSIONS_QUERY)
    ) and set(conn.execute("SELECT * FROM daily_levels")) == set(
        conn.execute(schema.DAILY_LEVELS_QUERY)
    )


def test_a_new_database_is_the_schema_block(tmp_path):
    db = open_database(tmp_path / "new.db")
    reference = sqlite3.connect(":memory:")
    schema.create_schema(reference)
    assert schema_of(db.conn) == schema_of(reference)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 7
    for table in schema.TABLES:
        with pytest.raises(sqlite3.OperationalError, match="rowid"):
            db.execute(f"SELECT rowid FROM {table}")
    db.close()


def as_version_5(session: dict, key: int) -> dict:
    """An old_session as schema 5 stored it: region, a duration band, version, key."""
    minutes = session["duration_minutes"]
    band = "under_5" if minutes < 5 else "5_to_10" if minutes <= 10 else "over_10"
    columns = {k: v for k, v in session.items() if k != "duration_minutes"}
    return columns | {
        "region": "flanders",
        "duration_band": band,
        "scoring_version": 1,
        "cell_key": key,
    }


@pytest.mark.parametrize("version", [1, 2, 3, 4, 5, 6])
def test_old_versions_are_upgraded_into_the_same_schema(tmp_path, version, caplog):
    path = tmp_path / "kiosk.db"
    sessions = [old_session(m) for m in (0, 4, 5, 10, 11, 45)]
    sessions += [old_session(2, status="abandoned", day="2025-03-15")]
    if version >= 5:
        sessions = [as_version_5(s, 1000 + n) for n, s in enumerate(sessions)]
    if version == 6:  # version 6 kept no duration at all
        sessions = [{k: v for k, v in s.items() if k != "duration_band"} for s in sessions]
    old_database(path, version, sessions)
    before = sha(path)
    db = open_database(path, region="wallonia")
    reference = sqlite3.connect(":memory:")
    schema.create_schema(reference)
    assert schema_of(db.conn) == schema_of(reference)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    rows = {
        r[0]: r[1:]
        for r in db.execute("SELECT id, region, scoring_version, cell_key, category FROM sessions")
    }
    assert len(rows) == 7
    assert {r[1] for r in rows.values()} == {1}
    keys = [r[2] for r in rows.values()]
    assert all(0 <= k < 2**32 for k in keys) and len(set(keys)) == len(keys)
    # Version 7: an older session's clock was never judged, and is not now.
    assert {r[0] for r in db.execute("SELECT clock FROM sessions")} == {"ok"}
    for table in schema.RELEASE_TABLES:  # version 7's release log (issue 21), empty
        assert db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0
    # Version 7 (issue 22): every stored session waits in the outbox for a central
    # database (one the terminal may be given later).
    waiting = {r[0] for r in db.execute("SELECT session_id FROM outbox WHERE refused IS NULL")}
    assert waiting == set(rows)
    if version >= 5:  # kept as they were: the region and the keys published figures use
        assert {r[0] for r in rows.values()} == {"flanders"}
        assert [rows[s["id"]][2] for s in sessions] == [s["cell_key"] for s in sessions]
    else:
        assert {r[0] for r in rows.values()} == {"wallonia"}
    assert db.execute("SELECT count(*) FROM area_results").fetchone()[0] == 6 * 5
    assert db.execute("SELECT count(*) FROM answers").fetchone()[0] == 6 * 2
    assert daily_equals_group_by(db.conn)
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()
    # The old file is kept beside it, byte for byte what it was.
    backup = tmp_path / f"kiosk.v{version}-backup.db"
    assert backup.is_file()
    old = sqlite3.connect(backup)
    assert old.execute("PRAGMA user_version").fetchone()[0] == version
    assert old.execute("SELECT count(*) FROM sessions").fetchone()[0] == 7
    old.close()
    assert before != sha(path)
    # No trace of the durations: not in the file's pages, free list or WAL.
    data = path.read_bytes()
    wal = path.with_name(path.name + "-wal")
    wal_data = wal.read_bytes() if wal.exists() else b""
    for trace in (b"duration_minutes", b"duration_band", b"under_5", b"5_to_10", b"over_10"):
        assert trace not in data and trace not in wal_data, trace
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA freelist_count").fetchone()[0] == 0
    conn.close()


def test_unknown_region_and_national_are_stored_as_unknown(tmp_path):
    for region, name in ((None, "a.db"), ("national", "b.db")):
        old_database(tmp_path / name, 4, [old_session()])
        db = open_database(tmp_path / name, region=region)
        assert db.execute("SELECT region FROM sessions").fetchall() == [("unknown",)]
        db.close()


def test_a_failed_upgrade_leaves_the_old_version_intact(tmp_path, monkeypatch):
    path = tmp_path / "kiosk.db"
    old_database(path, 4, [old_session(), old_session()])

    def broken(conn, version, region):
        conn.execute("ALTER TABLE sessions RENAME TO sessions_old")
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(migrations, "migrate_to_current", broken)
    with pytest.raises(sqlite3.OperationalError):
        open_database(path)
    monkeypatch.undo()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 4
    assert conn.execute("SELECT count(*) FROM sessions").fetchone()[0] == 2
    conn.close()
    db = open_database(path)  # and the next start upgrades it
    assert db.execute("SELECT count(*) FROM sessions").fetchone()[0] == 2
    # The failed attempt's copy was removed; the upgrade that worked kept its own.
    assert sorted(p.name for p in tmp_path.glob("*backup*")) == ["kiosk.v4-backup.db"]


def test_triggers_keep_key_sums(tmp_path):
    from sample_records import make
    from skillcheck.store import save_sessions

    db = open_database(tmp_path / "k.db")
    records = [make() for _ in range(20)]
    save_sessions(db, records)
    [(total, keys)] = db.execute("SELECT sum(sessions), sum(key_sum) FROM daily_sessions")
    assert total == 20
    assert keys == db.execute("SELECT sum(cell_key) FROM sessions").fetchone()[0]
    db.execute("DELETE FROM answers")
    db.execute("DELETE FROM area_results WHERE session_id = ?", [records[0].id])
    db.execute("DELETE FROM sessions WHERE id = ?", [records[0].id])
    assert daily_equals_group_by(db.conn)


# --- refusals and read-only opening -----------------------------------------------


def foreign(path, version=0):
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE birds (name TEXT)")
    conn.execute("INSERT INTO birds VALUES ('tit')")
    conn.execute(f"PRAGMA user_version = {version}")
    conn.commit()
    conn.close()


def foreign_sessions(path):
    """Another program's database with a table called sessions and user_version 5."""
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE sessions (token TEXT, user TEXT)")
    conn.execute("PRAGMA user_version = 5")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("read_only", [False, True], ids=["kiosk", "read-only"])
@pytest.mark.parametrize(
    "kind, message",
    [
        ("foreign", "not a skillcheck database"),
        ("foreign v3", "not a skillcheck database"),
        ("sessions v5", "not a skillcheck database"),
        ("empty file", "empty file"),
        ("text", "not an SQLite database"),
        ("newer", "newer than this skillcheck"),
    ],
)
def test_refused_files_are_left_byte_for_byte(tmp_path, kind, message, read_only):
    path = tmp_path / "x.db"
    if kind == "foreign":
        foreign(path)
    elif kind == "foreign v3":
        foreign(path, 3)
    elif kind == "sessions v5":
        foreign_sessions(path)
    elif kind == "empty file":
        path.write_bytes(b"")
    elif kind == "text":
        path.write_text("hello, this is not a database" * 10)
    else:
        open_database(path).close()
        conn = sqlite3.connect(path)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.close()
    before = sha(path)
    with pytest.raises(NewerSchemaError if kind == "newer" else StoreError, match=message):
        open_database(path, read_only=read_only)
    assert sha(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.db"]


def test_missing_file_is_refused_and_not_created(tmp_path):
    for read_only in (True, False):
        with pytest.raises(StoreError, match="no such database file"):
            open_database(tmp_path / "none.db", read_only=read_only, create=False)
    assert list(tmp_path.iterdir()) == []


def test_read_only_open_never_changes_journal_mode_or_size(tmp_path):
    path = tmp_path / "rollback.db"
    db = open_database(path)
    db.execute("PRAGMA journal_mode = DELETE")  # as a copy on a stick might be
    db.close()
    before = sha(path)
    ro = open_database(path, read_only=True)
    assert ro.execute("SELECT count(*) FROM sessions").fetchone()[0] == 0
    with pytest.raises(sqlite3.OperationalError):
        ro.execute("DELETE FROM sessions")
    ro.close()
    assert sha(path) == before


def test_read_only_refuses_an_older_schema_with_the_way_out(tmp_path):
    path = tmp_path / "old.db"
    old_database(path, 3, [old_session()])
    before = sha(path)
    with pytest.raises(OlderSchemaError, match="skillcheck upgrade --db"):
        open_database(path, read_only=True)
    probe = open_database(path, read_only=True, require_current=False)
    assert probe.execute("SELECT count(*) FROM sessions").fetchone()[0] == 1
    probe.close()
    assert sha(path) == before


def test_an_upgrade_blocked_by_a_writer_leaves_no_copies_and_retries(tmp_path):
    """The kiosk retries the upgrade at every save while another process writes: the
    old file stays as it was and no backup copies pile up beside it."""
    path = tmp_path / "kiosk.db"
    old_database(path, 4, [old_session()])
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    for _ in range(3):
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            open_database(path, busy_timeout=0.05)
    holder.execute("ROLLBACK")
    holder.close()
    assert not list(tmp_path.glob("*backup*"))
    open_database(path).close()
    assert [p.name for p in tmp_path.glob("*backup*")] == ["kiosk.v4-backup.db"]
