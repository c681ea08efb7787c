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
   With `--bulk` they are loaded instead as a large network's history would be: the
   triggers off, COPY, the daily tables filled once by schema.py's GROUP BY, the
   triggers on again (merge's per-row triggers are what limits it to a few hundred
   sessions a second); `--no-answers` leaves the answers out (only `items` reads
   them; they are 80 % of the rows).
   `--synthetic N` has the server make N sessions itself instead (SQL, seeded random:
   12 sites of 2 terminals, 3 languages, 85 % completed with 5 area results each, no
   answers, days from 2025-01-01 to yesterday), for the issue's 10,000,000: building an
   SQLite file of that size first would take hours on a small machine. Its spread is
   wider than build_db.py's (every combination equally likely), so its daily tables
   are larger than a real network's: the pessimistic case for the readers.

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

from facilitator import command_cost  # noqa: E402  (after the path)


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


def bulk_load(url: str, source: Path) -> None:
    """Load an SQLite file into an empty central database the fast way (the server's
    superuser): user triggers off, COPY each table, the daily tables filled once from
    the same GROUP BY the triggers keep equal, triggers on, ANALYZE."""
    import psycopg

    from skillcheck import schema
    from skillcheck.store import open_database

    db = open_database(source, read_only=True)
    base = ("sessions", "area_results", "answers")
    try:
        with psycopg.connect(url) as conn, conn.cursor() as cursor:
            for table in base:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            for table in base:
                columns = ", ".join(schema.COLUMNS[table])
                with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in db.execute(f"SELECT {columns} FROM {table}"):
                        copy.write_row(row)
            cursor.execute(f"INSERT INTO daily_sessions {schema.DAILY_SESSIONS_QUERY}")
            cursor.execute(f"INSERT INTO daily_levels {schema.DAILY_LEVELS_QUERY}")
            for table in base:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("ANALYZE")
    finally:
        db.close()


def synthetic_load(url: str, count: int) -> None:
    """`count` sessions made by the server (see the module's docstring), the triggers
    off, the daily tables filled once by schema.py's GROUP BY, triggers on, ANALYZE."""
    import psycopg

    from skillcheck import schema
    from skillcheck.digcomp import CATEGORIES, LEVELS

    days = (dt.date.today() - dt.date(2025, 1, 1)).days
    categories = "ARRAY[" + ", ".join(f"'{c}'" for c in CATEGORIES) + "]"
    levels = "ARRAY[" + ", ".join(f"'{v}'" for v in LEVELS) + "]"
    base = ("sessions", "area_results", "answers")
    with psycopg.connect(url) as conn:
        # Keys and indexes dropped for the load and built once after it, from sorted
        # rows: inserting 10 M random ids into a B-tree one by one is what takes hours.
        conn.execute("SET maintenance_work_mem = '1GB'")
        conn.execute("SET work_mem = '256MB'")
        keys = conn.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), contype "
            "FROM pg_constraint WHERE conrelid::regclass::text = ANY(%s) "
            "AND contype IN ('p', 'f') ORDER BY contype DESC",
            [list(base)],
        ).fetchall()
        indexes = conn.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint)",
            [list(base)],
        ).fetchall()
        for table, name, _, _ in reversed(keys):  # foreign keys first
            conn.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
        for name, _ in indexes:
            conn.execute(f"DROP INDEX {name}")
        for table in base:
            conn.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        conn.execute("SELECT setseed(0.2025)")
        conn.execute(
            f"""INSERT INTO sessions (id, day, site, terminal, region, language, status,
                items_answered, category, bank_version, scoring_version, cell_key, clock)
            SELECT md5(i::text), to_char(date '2025-01-01' + floor(r_day * {days})::int,
                   'YYYY-MM-DD'),
                   'Site ' || s, 't' || floor(r_terminal * 2)::int,
                   (ARRAY['flanders', 'wallonia', 'brussels'])[1 + s %% 3],
                   (ARRAY['nl', 'fr', 'en'])[1 + floor(r_language * 3)::int],
                   CASE WHEN r_status < 0.85 THEN 'completed' ELSE 'abandoned' END,
                   CASE WHEN r_status < 0.85 THEN 18 ELSE 4 END,
                   CASE WHEN r_status < 0.85
                        THEN ({categories})[1 + floor(r_category * {len(CATEGORIES)})::int]
                   END,
                   '2025.1', 1, floor(r_key * 4294967296)::bigint, 'ok'
            FROM (SELECT i, floor(random() * 12)::int AS s, random() AS r_day,
                         random() AS r_terminal, random() AS r_language,
                         random() AS r_status, random() AS r_category, random() AS r_key
                  FROM generate_series(1, %s) AS i) AS g""",
            [count],
        )
        conn.execute(
            f"""INSERT INTO area_results (session_id, area, level)
            SELECT id, area, ({levels})[1 + floor(random() * {len(LEVELS)})::int]
            FROM sessions, generate_series(1, 5) AS area WHERE status = 'completed'"""
        )
        for table, name, definition, _ in keys:  # primary keys first
            conn.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
        for _, definition in indexes:
            conn.execute(definition)
        conn.execute(f"INSERT INTO daily_sessions {schema.DAILY_SESSIONS_QUERY}")
        conn.execute(f"INSERT INTO daily_levels {schema.DAILY_LEVELS_QUERY}")
        for table in base:
            conn.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def read_phase(url: str, args, folder: Path) -> None:
    from build_db import build

    from skillcheck.central import CentralWriter, merge_into_central, open_for_reading
    from skillcheck.funder_report import report_figures
    from skillcheck.releases import publish
    from skillcheck.reports import build_export, summarise, write_csv
    from skillcheck.store import open_database

    source = folder / "load.db"
    started = time.perf_counter()
    if args.synthetic:
        synthetic_load(url, args.synthetic)
        how, loaded = "made by the server (no answers)", args.synthetic
    else:
        # Days up to yesterday: the server refuses days after its tomorrow.
        build(
            source,
            args.load,
            answers=not args.no_answers,
            days=(dt.date.today() - dt.date(2025, 1, 1)).days,
        )
        print(f"built the SQLite file in {time.perf_counter() - started:.0f} s")
        started = time.perf_counter()
        if args.bulk:
            bulk_load(url, source)
            how = "bulk-loaded (COPY, daily tables filled once)"
        else:
            merge_into_central(url, [source])
            how = "merged"
        loaded = args.load
    print(f"load: {loaded:,} sessions {how} in {time.perf_counter() - started:.1f} s")
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
    # The commands themselves, each its own process (the goal: <= 2 s, <= 300 MiB).
    for name, command in (
        ("skillcheck stats", ["stats", "--db", url]),
        (
            "skillcheck export --by month --group site",
            ["export", "--db", url, "--format", "csv", "--by", "month", "--group", "site", "-o",
             str(folder / "export.csv")],
        ),
        ("skillcheck report", ["report", "--db", url, "-o", str(folder / "report.pdf")]),
    ):  # fmt: skip
        runs = [command_cost(command) for _ in range(3)]
        print(
            f"{name} (its own process, 3 runs): wall "
            + " · ".join(f"{wall:.2f}" for wall, _, _ in runs)
            + " s, CPU "
            + " · ".join(f"{cpu:.2f}" for _, cpu, _ in runs)
            + f" s, peak RSS {max(mib for _, _, mib in runs):.0f} MiB"
        )
    if not args.synthetic:  # the same file, published on SQLite: the same export?
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
        daily = [
            conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("daily_sessions", "daily_levels")
        ]
    print(
        f"disk: {size / 2**20:,.0f} MiB for the database; daily rows {daily[0]:,} + "
        f"{daily[1]:,}; peak RSS of this process {peak_mib():.0f} MiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--terminals", type=int, default=100)
    parser.add_argument("--per-terminal", type=int, default=50)
    parser.add_argument("--saves", type=int, default=100, help="kiosk saves timed (each way)")
    parser.add_argument("--backlog", type=int, default=5000, help="the kiosk's unsent sessions")
    parser.add_argument("--load", type=int, default=100_000)
    parser.add_argument("--bulk", action="store_true", help="COPY with the triggers off")
    parser.add_argument("--no-answers", action="store_true", help="load no answers")
    parser.add_argument("--synthetic", type=int, default=0, help="sessions the server makes")
    parser.add_argument("--url", default=None, help="An empty database (its superuser).")
    args = parser.parse_args()
    import signal

    # A `timeout` or Ctrl+C ends the run through `finally`: the cluster is removed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

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
            if args.load or args.synthetic:
                read_phase(url, args, Path(folder))
    finally:
        if cluster is not None:
            cluster.remove()


if __name__ == "__main__":
    main()
