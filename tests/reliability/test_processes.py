"""Several kiosk processes on one database (what `serve` does, one per browser tab)
while another process holds the write lock most of the time (issue 9, finding 3):
0 sessions lost, none stored twice."""

from __future__ import annotations

from harness import LockHolder, acknowledged, check_after, start_saver

from skillcheck.store import open_database


def test_processes_with_a_lock_holder_lose_nothing(tmp_path):
    db = tmp_path / "data" / "kiosk.db"
    folders = [db.parent, tmp_path / "spare"]
    db.parent.mkdir()
    open_database(db).close()
    acked: dict[str, str] = {}
    with LockHolder(db, 0.6, seed=1):
        children = [
            start_saver(db, folders, seed=seed, busy=0.05, count=60) for seed in (11, 12, 13)
        ]
        for child in children:
            output, errors = child.communicate(timeout=120)
            assert child.returncode == 0, errors.decode()
            acked.update(acknowledged(output.split(b"\n", 1)[1]))
    assert len(acked) == 180
    outcome = check_after(db, folders, acked)
    assert outcome.missing == [] and outcome.stored == 180
    assert outcome.integrity == "ok" and outcome.half_sessions == []
    assert outcome.left_in_spool == 0 and outcome.daily_tables_right
    assert outcome.bad_lines_with_acknowledged_ids == 0


def test_processes_starting_on_a_new_database_together(tmp_path):
    """Three kiosks start at once where no database exists yet: one creates it, the
    others wait in the spool; nothing is lost."""
    db = tmp_path / "data" / "kiosk.db"
    folders = [db.parent, tmp_path / "spare"]
    children = [start_saver(db, folders, seed=seed, busy=0.05, count=20) for seed in (1, 2, 3)]
    acked: dict[str, str] = {}
    for child in children:
        output, errors = child.communicate(timeout=120)
        assert child.returncode == 0, errors.decode()
        acked.update(acknowledged(output.split(b"\n", 1)[1]))
    outcome = check_after(db, folders, acked)
    assert outcome.missing == [] and outcome.stored == 60 and outcome.left_in_spool == 0


def test_a_poisoned_spool_line_does_not_block_a_restarted_kiosk(tmp_path):
    """A spool holding a line with "site": null (finding 4) and good lines: the next
    kiosk process writes the good ones, keeps the poisoned one in <spool>.bad."""
    import json

    from harness import acknowledged

    from skillcheck.spool import bad_file, spool_file

    db = tmp_path / "data" / "kiosk.db"
    folders = [db.parent, tmp_path / "spare"]
    db.parent.mkdir()
    open_database(db).close()
    first = start_saver(db, folders, seed=5, busy=5.0, count=3)
    output, _ = first.communicate(timeout=60)
    good = list(acknowledged(output.split(b"\n", 1)[1]))
    # Put them back as spooled lines, plus a poisoned one, as a crashed kiosk would leave.
    conn = open_database(db)
    rows = conn.execute("SELECT * FROM sessions").fetchall()
    conn.close()
    db.unlink()
    open_database(db).close()
    spool = spool_file(db, db.parent)
    lines = []
    for row in rows:
        record = dict(zip(
            ["id", "day", "site", "terminal", "region", "language", "status",
             "items_answered", "category", "bank_version",
             "scoring_version"], row[:11], strict=True,
        ))  # fmt: skip
        lines.append(json.dumps({**record, "levels": {}, "answers": {}, "status": "abandoned",
                                 "category": None}))  # fmt: skip
    poisoned = json.loads(lines[0]) | {"site": None, "id": "f" * 32}
    spool.write_text("\n".join([json.dumps(poisoned), *lines]) + "\n", encoding="utf-8")
    second = start_saver(db, folders, seed=6, busy=5.0, count=1)
    output, errors = second.communicate(timeout=60)
    assert second.returncode == 0, errors.decode()
    conn = open_database(db, read_only=True)
    stored = {row[0] for row in conn.execute("SELECT id FROM sessions")}
    conn.close()
    assert set(good) <= stored and "f" * 32 not in stored and len(stored) == 4
    assert '"site": null' in bad_file(spool).read_text(encoding="utf-8")
    assert not spool.exists()
