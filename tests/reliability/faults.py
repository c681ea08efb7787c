"""Disk faults made for real, run as root inside a private mount namespace:

    unshare -m --propagation private python faults.py SCENARIO WORKDIR

SCENARIO is "full" (the database's tmpfs filled to the last byte), "read-only" (the
database's folder bind-mounted read-only) or "spool-full" (the spool alone on a 512 KiB
tmpfs, filled by the kiosk's own spooling while the database is locked, issue 19).
Prints one JSON object with what happened.
Mounts vanish with the namespace, so nothing outside it is ever changed.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path

from skillcheck.store import Store, open_database

# Run as a script: the tests folder (for sample_records) is not on the path by itself.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from sample_records import make as record  # noqa: E402


def mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True)


def stored(db: Path) -> set[str]:
    conn = open_database(db, read_only=True)
    try:
        return {row[0] for row in conn.execute("SELECT id FROM sessions")}
    finally:
        conn.close()


def spool_full(workdir: Path) -> dict:
    """Spool until the spool's own disk is full (the last line torn), fill it to the
    last byte, then give the database back: every acknowledged session must drain."""
    import sqlite3

    from skillcheck.spool import bad_file

    data, spools = workdir / "data", workdir / "spool"
    data.mkdir(parents=True, exist_ok=True)
    spools.mkdir(exist_ok=True)
    mount("-t", "tmpfs", "-o", "size=512k", "tmpfs", str(spools))
    db = data / "kiosk.db"
    store = Store(db, busy_timeout=0.05, spool_folders=[spools])
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer: every save spools
    acknowledged = []
    while True:
        r = record()
        try:
            store.spool.append(r)
        except OSError:
            break
        acknowledged.append(r.id)
    [spool] = [p for p in spools.glob("*.jsonl")]
    fd = os.open(spool, os.O_WRONLY | os.O_APPEND)
    with contextlib.suppress(OSError):  # half a session, as a power cut would leave it
        os.write(fd, b'{"id": "cut sho')
    os.close(fd)
    fd = os.open(spools / "filler", os.O_WRONLY | os.O_CREAT)
    with contextlib.suppress(OSError):  # to the last byte
        while os.write(fd, b"\0" * 512):
            pass
    with contextlib.suppress(OSError):
        while os.write(fd, b"\0"):
            pass
    os.close(fd)
    holder.execute("ROLLBACK")
    holder.close()
    result: dict = {"acknowledged": len(acknowledged)}
    Store(db, busy_timeout=0.05, spool_folders=[spools])  # the next start, disk still full
    result["stored_full"] = len(set(acknowledged) & stored(db))
    result["waiting_full"] = len(Store(db, spool_folders=[spools]).spooled())
    result["free_full"] = os.statvfs(spools).f_bavail * os.statvfs(spools).f_frsize
    (spools / "filler").unlink()
    Store(db, busy_timeout=0.05, spool_folders=[spools])  # space again
    result["stored_after"] = len(set(acknowledged) & stored(db))
    result["spool_left_after"] = spool.exists()
    result["bad_after"] = bad_file(spool).read_text(errors="replace").splitlines()
    return result


def main() -> None:
    scenario, workdir = sys.argv[1], Path(sys.argv[2])
    if scenario == "spool-full":
        mount("--make-rprivate", "/")
        print(json.dumps(spool_full(workdir)))
        return
    data, spare = workdir / "data", workdir / "spare"
    data.mkdir(parents=True, exist_ok=True)
    spare.mkdir(exist_ok=True)
    mount("--make-rprivate", "/")
    mount("-t", "tmpfs", "-o", "size=4m", "tmpfs", str(data))
    db = data / "kiosk.db"
    store = Store(db, busy_timeout=0.2, spool_folders=[data, spare])
    before = [record() for _ in range(5)]
    result: dict = {"saved_before": [store.save(r) for r in before]}
    if scenario == "full":
        filler = data / "filler"
        with open(filler, "wb") as fill:
            try:
                while True:
                    fill.write(b"\0" * 65536)
                    fill.flush()
            except OSError as error:
                result["filled"] = error.strerror
    else:
        mount("--bind", str(data), str(data))
        mount("-o", "remount,bind,ro", str(data))
    during = [record() for _ in range(20)]
    result["saved_during"] = [store.save(r) for r in during]
    result["spooled_during"] = len(store.spooled())
    result["spare_spool_lines"] = sum(
        len(p.read_text().splitlines()) for p in spare.glob("*.jsonl")
    )
    result["read_only_stats_during"] = len(stored(db))
    result["status_during"] = store.spool_status().waiting
    if scenario == "full":
        filler.unlink()
    else:
        mount("-o", "remount,bind,rw", str(data))
    result["saved_after"] = store.save(record())
    ids = stored(db)
    result["all_kept"] = all(r.id in ids for r in before + during)
    result["stored"] = len(ids)
    result["left_in_spool"] = len(store.spooled())
    conn = open_database(db, read_only=True)
    result["integrity"] = conn.execute("PRAGMA integrity_check").fetchone()[0]
    conn.close()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
