"""Shared checks of the reliability tests (and benchmarks/reliability.py)."""

from __future__ import annotations

import contextlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

SAVER = Path(__file__).with_name("saver.py")


def start_saver(db: Path, folders: list[Path], *, seed: int, busy: float, count=None):
    """A saving kiosk process; its stdout yields acknowledged sessions."""
    command = [sys.executable, str(SAVER), str(db), "--seed", str(seed), "--busy", str(busy)]
    command += ["--folders", ",".join(str(f) for f in folders)]
    if count is not None:
        command += ["--count", str(count)]
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)


def acknowledged(output: bytes) -> dict[str, str]:
    """id -> status of every complete "<id> <status> <0|1>" line."""
    sessions = {}
    for line in output.decode().split("\n")[:-1]:  # the last piece may be cut by the kill
        parts = line.split()
        if len(parts) == 3:
            sessions[parts[0]] = parts[1]
    return sessions


class LockHolder:
    """Another process's writer: holds the database's write lock `share` of the time."""

    def __init__(self, db: Path, share: float, seed: int) -> None:
        self.db, self.share, self.rng = db, share, random.Random(seed)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        conn = sqlite3.connect(self.db, isolation_level=None, timeout=5)
        try:
            while not self.stop.is_set():
                with contextlib.suppress(sqlite3.OperationalError):
                    conn.execute("BEGIN IMMEDIATE")
                    time.sleep(self.rng.uniform(0.02, 0.1) * self.share / (1 - self.share))
                    conn.execute("ROLLBACK")
                time.sleep(self.rng.uniform(0.02, 0.1))
        finally:
            conn.close()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join()


@dataclass
class Outcome:
    """What a run left behind, after a fresh start flushed the spool."""

    acknowledged: int
    stored: int
    missing: list[str]
    half_sessions: list[str]
    integrity: str
    left_in_spool: int
    daily_tables_right: bool
    bad_lines_with_acknowledged_ids: int


def check_after(db: Path, folders: list[Path], acked: dict[str, str]) -> Outcome:
    """Integrity, then a kiosk start (which flushes the spool), then every promise."""
    from skillcheck import schema
    from skillcheck.spool import bad_file
    from skillcheck.store import Store

    conn = sqlite3.connect(db)
    integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
    conn.close()
    store = Store(db, spool_folders=folders)  # the next start flushes what waits
    left = len(store.spooled())
    conn = sqlite3.connect(db)
    stored = {row[0]: row[1] for row in conn.execute("SELECT id, status FROM sessions")}
    levels = dict(conn.execute("SELECT session_id, count(*) FROM area_results GROUP BY 1"))
    answers = dict(conn.execute("SELECT session_id, count(*) FROM answers GROUP BY 1"))
    half = [
        sid
        for sid, status in stored.items()
        if (levels.get(sid, 0), answers.get(sid, 0))
        != ((5, 3) if status == "completed" else (0, 0))
    ]
    daily_right = set(conn.execute("SELECT * FROM daily_sessions")) == set(
        conn.execute(schema.DAILY_SESSIONS_QUERY)
    ) and set(conn.execute("SELECT * FROM daily_levels")) == set(
        conn.execute(schema.DAILY_LEVELS_QUERY)
    )
    conn.close()
    bad_text = ""
    for spool_file in store.spool.files:
        if bad_file(spool_file).exists():
            bad_text += bad_file(spool_file).read_text(encoding="utf-8", errors="replace")
    return Outcome(
        acknowledged=len(acked),
        stored=len(stored),
        missing=[sid for sid in acked if sid not in stored],
        half_sessions=half,
        integrity=integrity,
        left_in_spool=left,
        daily_tables_right=daily_right,
        bad_lines_with_acknowledged_ids=sum(sid in bad_text for sid in acked),
    )


def kill_run(workdir: Path, seed: int) -> Outcome:
    """One kiosk process killed with SIGKILL at a random moment of its saves.

    Every other run has a lock holder, so the kill also lands in spooling and flushing.
    """
    from skillcheck.store import open_database

    rng = random.Random(seed)
    db = workdir / "data" / "kiosk.db"
    folders = [db.parent, workdir / "spare"]
    db.parent.mkdir(parents=True, exist_ok=True)
    open_database(db).close()
    holder = LockHolder(db, 0.6, seed) if seed % 2 else contextlib.nullcontext()
    with holder:
        child = start_saver(db, folders, seed=seed, busy=0.02)
        assert child.stdout.readline() == b"ready\n", child.stderr.read()
        time.sleep(rng.uniform(0.0, 0.4))
        child.send_signal(signal.SIGKILL)
        output, _ = child.communicate()
    return check_after(db, folders, acknowledged(output))
