"""The smaller findings of issue 19 (point 6): each is one clear line with exit code 2,
or the right behaviour. Every test here failed before its fix."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from skillcheck.cli import cli
from skillcheck.pin import PinGuard, lock_file_for
from skillcheck.store import Store

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from another_user import copy_for_another_user  # noqa: E402
from old_schemas import old_database  # noqa: E402
from sample_records import make as record  # noqa: E402


def one_line_exit_2(result, *words: str) -> None:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.exit_code == 2, (result.output, result.exception)
    assert "Traceback" not in result.output
    assert len(lines) == 1 and lines[0].startswith("skillcheck: "), lines
    for word in words:
        assert word in lines[0]


NESTED_COMMANDS = [
    ["stats"],
    ["export", "--format", "csv"],
    ["report", "-o", "r.pdf"],
    ["items"],
    ["backup", "--to", "copy.db"],
    ["purge", "--before", "2020-01-01"],
    ["upgrade"],
    ["set-pin"],
]


@pytest.mark.parametrize("nesting", ["arrays", "tables"])
@pytest.mark.parametrize("args", NESTED_COMMANDS, ids=lambda a: a[0])
def test_a_config_nested_too_deeply_is_one_line(tmp_path, monkeypatch, args, nesting):
    """Before: RecursionError tracebacks from tomllib."""
    monkeypatch.chdir(tmp_path)
    value = "[" * 5000 + "]" * 5000 if nesting == "arrays" else "{a=" * 3000 + "1" + "}" * 3000
    (tmp_path / "site.toml").write_text(f"site = {value}\n")
    result = CliRunner().invoke(cli, [*args, "--config", "site.toml"], input="12345678\n" * 2)
    one_line_exit_2(result, "site.toml")


def test_check_names_a_config_nested_too_deeply(tmp_path):
    config = tmp_path / "site.toml"
    config.write_text("site = " + "[" * 5000 + "]" * 5000 + "\n")
    result = CliRunner().invoke(cli, ["check", "--config", str(config)])
    assert result.exit_code == 1 and f"{config}:1: TOML syntax error" in result.output


def test_set_pin_with_an_unreadable_config_folder_is_one_line():
    """As an ordinary user (root reads every folder): before, a PermissionError traceback."""
    folder = Path(tempfile.mkdtemp(prefix="skillcheck-pin-"))
    try:
        folder.chmod(0o755)
        (folder / "locked").mkdir(mode=0o000)
        # nobody cannot enter a checkout in a private folder: it runs Debian's python3
        # on a copy of the source and the packages, as the cage smoke test does.
        site_packages = copy_for_another_user(folder)
        done = subprocess.run(
            ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
             "/usr/bin/python3", "-m", "skillcheck", "set-pin", "--config",
             str(folder / "locked" / "site.toml")],
            capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL, cwd="/",
            env={"PATH": "/usr/bin:/bin", "PYTHONPATH": f"{folder / 'src'}:{site_packages}"},
        )  # fmt: skip
    finally:
        (folder / "locked").chmod(0o700)
        subprocess.run(["rm", "-rf", str(folder)], check=True)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        f"skillcheck: {folder}/locked/site.toml: cannot be read (Permission denied); "
        "nothing was changed"
    ]


def test_items_refuses_a_newer_schema_without_figures(tmp_path):
    db = tmp_path / "kiosk.db"
    Store(db).save(record(bank_version="2026.2"))
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    result = CliRunner().invoke(cli, ["items", "--db", str(db)])
    one_line_exit_2(result, "schema version 99")
    assert "answers" not in result.stdout and result.stdout == ""


def test_items_reads_a_database_on_read_only_media(tmp_path):
    """The folder and the file immutable (chattr +i), as on a read-only disk: `stats`
    read it, `items` failed (it could not make the -shm file). Twelve visits: `items`
    shows a language from the network's threshold (10) on."""
    folder = tmp_path / "media"
    folder.mkdir()
    db = folder / "kiosk.db"
    store = Store(db)
    for _ in range(12):
        store.save(record(bank_version="2026.2"))
    conn = sqlite3.connect(db)  # leave it as a kiosk leaves it: WAL mode
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    subprocess.run(["chattr", "+i", str(db), str(folder)], check=True)
    try:
        stats = CliRunner().invoke(cli, ["stats", "--db", str(db)])
        items = CliRunner().invoke(cli, ["items", "--db", str(db)])
    finally:
        subprocess.run(["chattr", "-i", str(db), str(folder)], check=True)
    assert stats.exit_code == 0, stats.output
    assert items.exit_code == 0, items.output


@pytest.mark.parametrize("command", [["stats"], ["items"], ["export", "--format", "csv"]])
def test_a_fifo_as_database_is_refused_at_once(tmp_path, command):
    """Before: the command waited forever for a writer to open the pipe."""
    fifo = tmp_path / "kiosk.db"
    os.mkfifo(fifo)
    done = subprocess.run(
        [sys.executable, "-m", "skillcheck", *command, "--db", str(fifo)],
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines() == [
        f"skillcheck: {fifo}: not a regular file (a pipe or a device), not a database"
    ]


def test_a_relative_database_path_is_read_from_the_config_folder(tmp_path, monkeypatch):
    site = tmp_path / "site"
    site.mkdir()
    Store(site / "data" / "kiosk.db").save(record())
    (site / "site.toml").write_text('site = "Gent"\ndatabase = "data/kiosk.db"\n')
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = CliRunner().invoke(cli, ["stats", "--config", str(site / "site.toml")])
    assert result.exit_code == 0, result.output
    assert "Sessions 1" in result.output
    assert not (elsewhere / "data").exists()


@pytest.mark.parametrize(
    "content",
    [
        '{"failures": 1, "locked_until": NaN}',
        '{"failures": 1, "locked_until": Infinity}',
        '{"failures": 1, "locked_until": -Infinity}',
        '{"failures": Infinity, "locked_until": 0}',
        '{"failures": 1e400, "locked_until": 0}',
    ],
)
def test_nan_or_infinity_in_the_lock_out_file_locks_instead_of_crashing(tmp_path, content):
    """A damaged lock-out file counts as a wrong PIN (the door stays shut), never a crash
    (before: ValueError/OverflowError in the kiosk)."""
    lock = lock_file_for(tmp_path / "site.toml", tmp_path)
    lock.parent.mkdir(parents=True, exist_ok=True)
    lock.write_text(content)
    guard = PinGuard(lock_file=lock, pin_hash=None)
    assert guard.seconds_left() > 0


KILL_INSIDE_COPY = """
import os, sqlite3, sys
from pathlib import Path
folder, what = Path(sys.argv[1]), sys.argv[2]
real_connect = sqlite3.connect

def dies_inside_the_copy(*args, **kwargs):
    conn = real_connect(*args, **kwargs)
    def check():
        # The power goes as soon as the copy's file is there.
        for p in folder.iterdir():
            if "backup" in p.name or "copy" in p.name:
                os._exit(9)
        return 0
    conn.set_progress_handler(check, 200)
    return conn

sqlite3.connect = dies_inside_the_copy
from skillcheck import copies, store
if what == "upgrade":
    store.upgrade_database(folder / "old.db", None)
else:
    copies.backup_database(folder / "kiosk.db", folder / "copy.db", step_pages=1)
"""


def sessions(count: int, version: int) -> list[dict]:
    import uuid

    rows = []
    for n in range(count):
        row = dict(
            id=uuid.uuid4().hex, day="2025-03-14", site="Gent " + "x" * 200, terminal="t1",
            language="nl", status="abandoned", items_answered=3, category=None,
            bank_version="2025.1", duration_minutes=n % 30,
        )  # fmt: skip
        rows.append(row)
    return rows


@pytest.mark.parametrize("what", ["upgrade", "backup"])
def test_power_loss_inside_a_copy_leaves_no_broken_file_under_its_name(tmp_path, what):
    """Killed inside the copy (the process ends as at a power cut): the name asked for
    (`old.v4-backup.db`, `--to copy.db`) does not exist, or holds a whole database.
    Before: a broken file (10 of 10 runs) and, for `backup`, its journal."""
    if what == "upgrade":
        old_database(tmp_path / "old.db", 4, sessions(400, 4))
    else:
        store = Store(tmp_path / "kiosk.db")
        for _ in range(300):
            store.save(record(site="Gent " + "x" * 200))
    done = subprocess.run(
        [sys.executable, "-c", KILL_INSIDE_COPY, str(tmp_path), what],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 9, done.stderr  # it did die inside the copy
    final = tmp_path / ("old.v4-backup.db" if what == "upgrade" else "copy.db")
    if final.exists():  # then it must be the whole copy
        conn = sqlite3.connect(f"file:{final}?mode=ro", uri=True)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM sessions").fetchone()[0] in (300, 400)
        conn.close()
    assert not final.with_name(final.name + "-journal").exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".partial"))
