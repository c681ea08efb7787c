"""Real disk faults (issue 9): a full tmpfs and a read-only bind mount, made inside a
private mount namespace (`unshare -m`, as root), and a `chattr +i` database. CI runs
as root, so chmod would test nothing here. Nothing is skipped: without unshare,
mount or chattr these tests fail."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from skillcheck.records import SessionRecord
from skillcheck.store import Store, open_database

FAULTS = Path(__file__).with_name("faults.py")


@pytest.mark.parametrize("scenario", ["full", "read-only"])
def test_disk_fault_spools_to_the_next_folder_and_loses_nothing(tmp_path, scenario):
    done = subprocess.run(
        ["unshare", "-m", "--propagation", "private", sys.executable, str(FAULTS),
         scenario, str(tmp_path)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["saved_before"] == [True] * 5
    assert result["saved_during"] == [False] * 20  # the citizen saw nothing, it waited
    assert result["spooled_during"] == 20
    assert result["spare_spool_lines"] >= 20  # on the other disk
    assert result["read_only_stats_during"] == 5  # facilitators can still read it
    assert result["status_during"] == 20
    assert result["saved_after"] is True
    assert result["all_kept"] and result["stored"] == 26
    assert result["left_in_spool"] == 0 and result["integrity"] == "ok"


def record() -> SessionRecord:
    return SessionRecord(
        id=uuid.uuid4().hex, day="2026-03-14", site="Gent", terminal="t1",
        region="flanders", language="nl", status="abandoned", items_answered=3,
        category=None, bank_version="2026.1", scoring_version=1,
    )  # fmt: skip


def test_an_immutable_database_spools_and_stays_readable(tmp_path):
    """chattr +i: the kiosk spools; stats/export read it (immutable=1); nothing changes."""
    db = tmp_path / "kiosk.db"
    store = Store(db, busy_timeout=0.2)
    assert store.save(record())
    subprocess.run(["chattr", "+i", str(db)], check=True)
    try:
        before = hashlib.sha256(db.read_bytes()).hexdigest()
        waiting = record()
        assert store.save(waiting) is False
        reader = open_database(db, read_only=True)
        assert reader.execute("SELECT count(*) FROM sessions").fetchone()[0] == 1
        reader.close()
        assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    finally:
        subprocess.run(["chattr", "-i", str(db)], check=True)
    assert store.save(record()) is True
    reader = open_database(db, read_only=True)
    assert waiting.id in {row[0] for row in reader.execute("SELECT id FROM sessions")}
    reader.close()


def test_stats_reads_an_immutable_database_from_the_command_line(tmp_path):
    from click.testing import CliRunner

    from skillcheck.cli import cli

    db = tmp_path / "kiosk.db"
    Store(db).save(record())
    subprocess.run(["chattr", "+i", str(db)], check=True)
    try:
        result = CliRunner().invoke(cli, ["stats", "--db", str(db)])
        backup = CliRunner().invoke(
            cli, ["backup", "--db", str(db), "--to", str(tmp_path / "b.db")]
        )
    finally:
        subprocess.run(["chattr", "-i", str(db)], check=True)
    assert result.exit_code == 0 and "Sessions 1" in result.output, result.output
    assert backup.exit_code == 0 and "1 sessions backed up" in backup.output


def test_a_full_spool_disk_still_drains_into_the_database(tmp_path):
    """Issue 19, finding 1: the spool on its own 512 KiB disk, filled by the kiosk's own
    spooling (the last line torn) and then to the last byte; once the database can be
    written, every acknowledged session reaches it at the next start; the spool is cut
    down to its torn line in place, which frees the disk, the line is set aside once.
    Before the fix: 0 stored (setting the torn line aside aborted the whole flush)."""
    done = subprocess.run(
        ["unshare", "-m", "--propagation", "private", sys.executable, str(FAULTS),
         "spool-full", str(tmp_path)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["acknowledged"] > 500
    assert result["stored_full"] == result["acknowledged"]
    assert result["waiting_full"] == 0  # stored, so not counted as waiting
    assert result["free_full"] > 400 * 1024  # the kiosk can spool again
    assert result["stored_after"] == result["acknowledged"]
    assert not result["spool_left_after"]
    assert len(result["bad_after"]) == 1  # the torn line, set aside once
