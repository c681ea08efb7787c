"""`export -o` and `report -o` write only a new file or one skillcheck wrote itself
for that format (issue 19, finding 5). Before the fix, another database's `-wal` (50
sessions gone), a spool (7 sessions lost) and the PIN file were overwritten, exit 0.
Each refusal here is one line, exit 2, and the file byte for byte as it was."""

from __future__ import annotations

import hashlib
import sqlite3
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from skillcheck.cli import cli
from skillcheck.pin import hash_pin, lock_file_for
from skillcheck.records import record_to_json
from skillcheck.store import Store

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from sample_records import make as record  # noqa: E402


def other_database_with_wal(folder: Path) -> tuple[Path, sqlite3.Connection]:
    """Another database whose last sessions are only in its -wal (a kiosk running: its
    open connection keeps the WAL from being checkpointed away)."""
    other = folder / "other.db"
    Store(other).save(record())
    reader = sqlite3.connect(other)
    reader.execute("SELECT count(*) FROM sessions").fetchone()
    for _ in range(3):
        Store(other).save(record())
    wal = other.with_name("other.db-wal")
    assert wal.stat().st_size > 0
    return wal, reader


@pytest.fixture
def files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Store(tmp_path / "kiosk.db").save(record())
    wal, reader = other_database_with_wal(tmp_path)
    spool = tmp_path / "kiosk.db.spool.jsonl"
    spool.write_text(record_to_json(record()) + "\n")
    (tmp_path / "site.toml").write_text('site = "Gent"\nterminal = "t1"\n')
    (tmp_path / "site.pin").write_text(hash_pin("24681357") + "\n")
    lock = lock_file_for(tmp_path / "site.toml", tmp_path)
    lock.write_text('{"failures": 3, "locked_until": 0}')
    (tmp_path / "notes.txt").write_text("minutes of the meeting\n")
    (tmp_path / "empty.csv").write_bytes(b"")
    yield {
        "another database's -wal": wal,
        "another database": tmp_path / "other.db",
        "a spool": spool,
        "a config": tmp_path / "site.toml",
        "a PIN file": tmp_path / "site.pin",
        "a lock-out file": lock,
        "a text file": tmp_path / "notes.txt",
        "an empty file": tmp_path / "empty.csv",
    }
    reader.close()


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


COMMANDS = {
    "export csv": ["export", "--db", "kiosk.db", "--format", "csv"],
    "export excel": ["export", "--db", "kiosk.db", "--format", "csv", "--excel"],
    "export json": ["export", "--db", "kiosk.db", "--format", "json"],
    "report": ["report", "--db", "kiosk.db"],
}
TARGETS = [
    "another database's -wal",
    "another database",
    "a spool",
    "a config",
    "a PIN file",
    "a lock-out file",
    "a text file",
    "an empty file",
]


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_an_output_onto_a_file_skillcheck_did_not_write_is_refused(files, command, target):
    path = files[target]
    before = sha(path)
    result = CliRunner().invoke(cli, [*COMMANDS[command], "-o", str(path)])
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("skillcheck: ") and str(path) in lines[0]
    assert sha(path) == before


@pytest.mark.parametrize("name", ["new.db-wal", "new.db-journal", "x.spool.jsonl", "x.pin"])
def test_names_of_databases_spools_and_pins_are_refused_even_when_new(files, tmp_path, name):
    result = CliRunner().invoke(cli, [*COMMANDS["export csv"], "-o", name])
    assert result.exit_code == 2 and "another name" in result.stderr
    assert not (tmp_path / name).exists()


@pytest.mark.parametrize("command", ["export csv", "export excel", "export json"])
def test_an_earlier_export_of_the_same_format_is_replaced(files, tmp_path, command):
    out = tmp_path / "figures.out"
    assert CliRunner().invoke(cli, [*COMMANDS[command], "-o", str(out)]).exit_code == 0
    with open(out, "ab") as earlier:
        earlier.write(b"an old line\n")
    again = CliRunner().invoke(cli, [*COMMANDS[command], "-o", str(out)])
    assert again.exit_code == 0, again.output
    assert b"an old line" not in out.read_bytes()


def test_an_export_of_another_format_is_not_replaced(files, tmp_path):
    out = tmp_path / "figures.out"
    assert CliRunner().invoke(cli, [*COMMANDS["export json"], "-o", str(out)]).exit_code == 0
    before = sha(out)
    result = CliRunner().invoke(cli, [*COMMANDS["export csv"], "-o", str(out)])
    assert result.exit_code == 2 and sha(out) == before


def test_an_earlier_report_is_replaced_and_a_foreign_pdf_is_not(files, tmp_path):
    out = tmp_path / "report.pdf"
    assert CliRunner().invoke(cli, [*COMMANDS["report"], "-o", str(out)]).exit_code == 0
    assert CliRunner().invoke(cli, [*COMMANDS["report"], "-o", str(out)]).exit_code == 0
    foreign = tmp_path / "minutes.pdf"
    foreign.write_bytes(b"%PDF-1.4\n% someone else's document\n%%EOF\n")
    result = CliRunner().invoke(cli, [*COMMANDS["report"], "-o", str(foreign)])
    assert result.exit_code == 2 and foreign.read_bytes().startswith(b"%PDF-1.4\n% someone")
