"""Bad command lines (issue 9, finding 10; issue 11, sources read-only): each gives one
line naming the path, exit code 2, no traceback, and every file in the folder is
byte-for-byte what it was (sha256 before and after)."""

from __future__ import annotations

import hashlib
import sqlite3
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner

from skillcheck.cli import cli
from skillcheck.pin import hash_pin
from skillcheck.records import SessionRecord
from skillcheck.store import SCHEMA_VERSION, Store


def make_files(folder: Path) -> None:
    """A good database, and every kind of file a facilitator might point at by mistake."""
    Store(folder / "good.db").save(
        SessionRecord(
            id=uuid.uuid4().hex, day="2026-03-14", site="Gent", terminal="t1",
            region="flanders", language="nl", status="abandoned", items_answered=3,
            category=None, bank_version="1", scoring_version=1,
        )
    )  # fmt: skip
    (folder / "empty.db").write_bytes(b"")
    (folder / "notes.db").write_text("not a database, just notes\n" * 20)
    for name, version, table in (
        ("foreign.db", 0, "birds (name)"),
        ("foreign3.db", 3, "birds (name)"),
        ("sessions5.db", 5, "sessions (token, user)"),
    ):
        conn = sqlite3.connect(folder / name)
        conn.execute(f"CREATE TABLE {table}")
        conn.execute(f"PRAGMA user_version = {version}")
        conn.commit()
        conn.close()
    conn = sqlite3.connect(folder / "newer.db")
    conn.execute("CREATE TABLE sessions (id)")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    (folder / "bad.toml").write_text('site = "Gent\n')
    # A kiosk config with a PIN, so `serve` gets as far as the address it is given.
    (folder / "site.toml").write_text('site = "Gent"\nterminal = "t1"\nkiosk = true\n')
    (folder / "site.pin").write_text(hash_pin("24681357") + "\n")
    (folder / "site.pin").chmod(0o600)
    (folder / "out.csv").write_text("an earlier export\n")


def hashes(folder: Path) -> dict[str, str]:
    """Every file's sha256. SQLite's read-only open of a WAL database in a writable
    folder may leave an empty -wal and its -shm index beside it (documented); the
    database files themselves must not change, and such a -wal must stay empty."""
    for wal in folder.rglob("*-wal"):
        assert wal.stat().st_size == 0, wal
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.endswith(("-wal", "-shm"))
    }


CASES = [
    (["stats", "--db", "missing.db"], "missing.db: no such database file"),
    (["stats", "--db", "empty.db"], "empty.db: empty file"),
    (["stats", "--db", "notes.db"], "notes.db: not an SQLite database"),
    (["stats", "--db", "foreign.db"], "foreign.db: not a skillcheck database"),
    (["stats", "--db", "foreign3.db"], "foreign3.db: not a skillcheck database"),
    (["stats", "--db", "sessions5.db"], "sessions5.db: not a skillcheck database"),
    (["stats", "--db", "newer.db"], "newer.db: database schema version"),
    (["stats", "--db", "good.db", "--since", "2026-02-30"], "not a date"),
    (["export", "--db", "foreign.db", "--format", "csv"], "foreign.db: not a skillcheck"),
    (["export", "--db", "empty.db", "--format", "json"], "empty.db: empty file"),
    (["export", "--db", "good.db", "--format", "csv", "-o", "good.db"], "good.db"),
    (["export", "--db", "good.db", "--format", "csv", "-o", "foreign.db"], "foreign.db"),
    (["export", "--db", "good.db", "--format", "csv", "-o", "no/sub/out.csv"], "does not exist"),
    (["export", "--db", "good.db", "--format", "csv", "--group", "x"], "unknown group"),
    (["backup", "--db", "good.db", "--to", "out.csv"], "out.csv: already exists"),
    (["backup", "--db", "good.db", "--to", "good.db/x.db"], "good.db/x.db"),
    (["backup", "--db", "good.db", "--to", "no/x.db"], "does not exist"),
    (["backup", "--db", "foreign.db", "--to", "copy.db"], "foreign.db: not a skillcheck"),
    (["merge", "--into", "all.db", "good.db", "foreign.db"], "foreign.db: not a skillcheck"),
    (["merge", "--into", "all.db", "good.db", "empty.db"], "empty.db: empty file"),
    (["merge", "--into", "all.db", "good.db", "missing.db"], "missing.db: no such database"),
    (["merge", "--into", "no/all.db", "good.db"], "does not exist"),
    (["merge", "--into", "good.db", "good.db"], "is the merge target itself"),
    (["merge", "--into", "foreign.db", "good.db"], "foreign.db: not a skillcheck"),
    (["purge", "--db", "good.db", "--before", "2026-13-01"], "not a date"),
    (["purge", "--db", "foreign.db", "--before", "2026-01-01"], "foreign.db: not a skillcheck"),
    (["purge", "--db", "missing.db", "--before", "2026-01-01"], "missing.db: no such"),
    (["upgrade", "--db", "notes.db"], "notes.db: not an SQLite database"),
    (["stats", "--config", "bad.toml"], "bad.toml"),
    (["serve", "--config", "site.toml", "--host", "999.1.1.1"], "999.1.1.1"),
    (["set-pin", "--config", "bad.toml"], "bad.toml: not valid TOML"),
    (["set-pin", "--config", "nofolder/x.toml"], "does not exist"),
]


@pytest.mark.parametrize("args, message", CASES, ids=[" ".join(c[0]) for c in CASES])
def test_bad_input_is_one_line_exit_2_and_changes_nothing(tmp_path, monkeypatch, args, message):
    make_files(tmp_path)
    monkeypatch.chdir(tmp_path)
    before = hashes(tmp_path)
    result = CliRunner().invoke(cli, args, input="12345678\n12345678\n")
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.exit_code == 2, (result.output, result.exception)
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert lines and lines[-1].startswith(("skillcheck: ", "Error: "))
    assert len([line for line in lines if line.startswith("skillcheck: ")]) <= 1
    assert message in result.stderr
    assert hashes(tmp_path) == before  # nothing created, changed or removed
