"""Staff data belongs to the kiosk's user alone (issue 21): databases, spools, backups
and exports are created 0600 in 0700 folders whatever the umask; the deploy units set
UMask=0077 for everything else the kiosk writes."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from sample_records import make
from skillcheck.copies import backup_database
from skillcheck.output import write_output
from skillcheck.spool import append_line
from skillcheck.store import open_database, save_sessions

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def open_umask():
    old = os.umask(0o022)  # what most desktop accounts have: files 0644
    yield
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_database_and_its_folders_are_private(tmp_path, open_umask):
    path = tmp_path / "data" / "kiosk" / "skillcheck.db"
    db = open_database(path)
    save_sessions(db, [make()])
    assert mode(path) == 0o600
    assert mode(path.with_name(path.name + "-wal")) == 0o600
    assert mode(path.parent) == 0o700 and mode(path.parent.parent) == 0o700
    db.close()
    backup = tmp_path / "backup.db"
    backup_database(path, backup)
    assert mode(backup) == 0o600


def test_spool_and_exports_are_private(tmp_path, open_umask):
    spool = tmp_path / "spool" / "sessions.jsonl"
    spool.parent.mkdir()
    append_line(spool, "{}")
    assert mode(spool) == 0o600
    export = tmp_path / "figures.csv"
    write_output(export, b"period\r\n", kind="csv")
    assert mode(export) == 0o600


def test_the_deploy_units_keep_what_they_create_private():
    for unit in sorted((ROOT / "deploy" / "systemd").glob("*.service")):
        text = unit.read_text(encoding="utf-8")
        assert "UMask=0077" in text, unit.name
        if "StateDirectory=" in text:
            assert "StateDirectoryMode=0700" in text, unit.name
