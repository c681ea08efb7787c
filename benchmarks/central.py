"""The central PostgreSQL database at scale: terminals pushing, facilitators reading.

    .venv/bin/python benchmarks/central.py --terminals 100 --per-terminal 50 --load 100000

1. `--terminals` simulated terminals (threads, each with its own SQLite file of
   `--per-terminal` sessions and its own login) push at once into one PostgreSQL:
   sessions per second.
2. One kiosk's save times (`Store.save`, one every 20 ms, `--saves` of them), first
   with nothing pushing, then while its own Pusher thread sends a backlog of
   `--backlog` sessions (a visit must not wait for the network).
3. `--load` sessions of benchmarks/build_db.py are merged into the central database
   (`merge --into`), then `publish`, `stats`, `export --by month --group site` and
   `report`'s figures are timed on it, with the database's size on disk; the same
   file is published on SQLite too and the two CSV exports compared byte for byte.

Without --url a throw-away cluster is started (tests/postgres_cluster.py: Debian's
postgresql, fsync off) and removed afterwards; --url names an empty database on a
server of your own (its superuser), for figures on real disks.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime as dt
import io
import resource
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_terminals(url: str, count: int, per_terminal: int, folder: Path, port_url):
    from sample_records import varied
    from skillcheck import central
    from skillcheck.store import open_database, save_sessions

    terminals = []
    passfile = folder / "pgpass"
    lines = []
    for n in range(count):
        site, name = f"Site {n // 4}", f"t{n % 4}"
        login = central.add_terminal(url, site, name, login=f"bench_{uuid.uuid4().hex[:8]}")
        lines.append(f"*:*:*:{login.login}:{login.password}")
        path = folder / f"terminal-{n}.db"
        db = open_database(path)
        save_sessions(
            db, [varied(n * 100_000 + i, site=site, terminal=name) for i in range(per_terminal)]
        )
        db.close()
        terminals.append((path, port_url(login.login, passfile)))
    passfile.write_text("\n".join(lines) + "\n")
    passfile.chmod(0o600)
    return terminals


def push_phase(url: str, args, folder: Path, port_url) -> None:
    from skillcheck.push import push

    terminals = make_terminals(url, args.terminals, args.per_terminal, folder, port_url)
    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(terminals)) as pool:
        results = list(pool.map(lambda t: push(t[0], t[1]), terminals))
    elapsed = time.perf_counter() - started
    sent = sum(r.sent for r in results)
    errors = [r.error for r in results if r.error]
    print(
        f"push: {len(terminals)} terminals at once, {sent:,} sessions in {elapsed:.1f} s = "
        f"{sent / elapsed:,.0f} sessions/s; errors: {len(errors)}"
    )


def save_times(store, count: int, seed: int) -> list[float]:
    from sample_records import varied

    times = []
    for n in range(count):
        record = varied(seed + n, site="Site 0", terminal="t0")
        started = time.perf_counter()
        store.save(record)
        times.append(time.perf_counter() - started)
        time.sleep(0.02)
    return sorted(times)


def kiosk_phase(url: str, args, folder: Path, port_url) -> None:
    """The kiosk's own saves, without and then with its Pusher sending a backlog."""
    from skillcheck.push import Pusher, read_outbox_status
    from skillcheck.store import Store

    [(path, terminal_url)] = make_terminals(url, 1, args.backlog, folder / "kiosk", port_url)
    store = Store(path)
    alone = save_times(store, args.saves, 2 * 10**9)
    pusher = Pusher(path, terminal_url, first_wait=0.5, idle_wait=0.5)
    pusher.start()
    pushing = save_times(store, args.saves, 3 * 10**9)
    still = read_outbox_status(path).waiting
    pusher.stop(timeout=60)

    def line(times: list[float]) -> str:
        p95 = times[int(0.95 * (len(times) - 1))]
        return f"median {statistics.median(times) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms"

    print(f"kiosk saves, nothing pushing: {line(alone)}")
    print(
        f"kiosk saves while its Pusher sends a backlog of {args.backlog:,}: {line(pushing)} "
        f"({still:,} still waiting at the end)"
    )


def read_phase(url: str, args, folder: Path) -> None:
    from build_db import build

    from skillcheck.central import CentralWriter, merge_into_central, open_for_reading
    from skillcheck.funder_report import report_figures
    from skillcheck.releases import publish
    from skillcheck.reports import build_export, summarise, write_csv
    from skillcheck.store import open_database

    source = folder / "load.db"
    # Days up to yesterday: the server refuses days after its tomorrow.
    build(source, args.load, days=(dt.date.today() - dt.date(2025, 1, 1)).days)
    started = time.perf_counter()
    merge_into_central(url, [source])
    print(f"load: {args.load:,} sessions merged in {time.perf_counter() - started:.1f} s")
    today = dt.date.today()
    writer = CentralWriter(url)
    try:
        started = time.perf_counter()
        released = publish(writer, today)
        elapsed = time.perf_counter() - started
    finally:
        writer.close()
    print(f"publish: {elapsed:.2f} s, {len(released.periods)} periods, {released.cells:,} cells")
    by_site = {"by": "month", "group": ["site"]}
    exported = {}
    for name, work in (
        ("stats", lambda db: summarise(db)),
        ("export --by month --group site", lambda db: build_export(db, **by_site)),
        ("report's figures", lambda db: report_figures(db)),
    ):
        db = open_for_reading(url)
        try:
            started = time.perf_counter()
            result = work(db)
            elapsed = time.perf_counter() - started
        finally:
            db.close()
        print(f"{name}: {elapsed:.2f} s (peak RSS of this process so far {peak_mib():.0f} MiB)")
        if name.startswith("export"):
            exported["postgresql"] = io.BytesIO()
            write_csv(result, exported["postgresql"])
    local = open_database(source)
    try:
        publish(local, today)
        exported["sqlite"] = io.BytesIO()
        write_csv(build_export(local, **by_site), exported["sqlite"])
    finally:
        local.close()
    same = exported["sqlite"].getvalue() == exported["postgresql"].getvalue()
    rows = exported["sqlite"].getvalue().count(b"\n")
    answer = "yes" if same else "NO"
    print(f"the same CSV export from SQLite and PostgreSQL: {answer} ({rows} lines)")
    import psycopg

    with psycopg.connect(url) as conn:
        size = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
    print(f"disk: {size / 2**20:,.0f} MiB for the database")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--terminals", type=int, default=100)
    parser.add_argument("--per-terminal", type=int, default=50)
    parser.add_argument("--saves", type=int, default=100, help="kiosk saves timed (each way)")
    parser.add_argument("--backlog", type=int, default=5000, help="the kiosk's unsent sessions")
    parser.add_argument("--load", type=int, default=100_000)
    parser.add_argument("--url", default=None, help="An empty database (its superuser).")
    args = parser.parse_args()

    from skillcheck import central

    cluster = None
    if args.url is None:
        import psycopg

        from postgres_cluster import start_cluster

        cluster = start_cluster()
        with psycopg.connect(cluster.url(), autocommit=True) as conn:
            conn.execute("CREATE DATABASE bench")
        url = cluster.url("bench")

        def port_url(login: str, passfile: Path) -> str:
            return f"{cluster.tcp_url('bench', login)}?passfile={passfile}"
    else:
        url = args.url

        def port_url(login: str, passfile: Path) -> str:
            base = url.split("?")[0].replace("://", f"://{login}@", 1).split("@", 1)
            return f"{base[0]}@{base[1].split('@')[-1]}?passfile={passfile}"

    try:
        central.init_central(url)
        with tempfile.TemporaryDirectory(prefix="skillcheck-central-bench-") as folder:
            if args.terminals:
                push_phase(url, args, Path(folder), port_url)
            if args.saves:
                (Path(folder) / "kiosk").mkdir()
                kiosk_phase(url, args, Path(folder), port_url)
            if args.load:
                read_phase(url, args, Path(folder))
    finally:
        if cluster is not None:
            cluster.remove()


if __name__ == "__main__":
    main()
