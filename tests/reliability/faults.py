"""Disk faults made for real, run as root inside a private mount namespace:

    unshare -m --propagation private python faults.py SCENARIO WORKDIR

SCENARIO is "full" (the database's tmpfs filled to the last byte) or "read-only" (the
database's folder bind-mounted read-only). Prints one JSON object with what happened.
Mounts vanish with the namespace, so nothing outside it is ever changed.
"""

from __future__ import annotations

import json
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


def main() -> None:
    scenario, workdir = sys.argv[1], Path(sys.argv[2])
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
