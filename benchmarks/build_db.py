"""Build a skillcheck database with N realistic synthetic sessions, fast.

    .venv/bin/python benchmarks/build_db.py --sessions 1000000 --out /tmp/bench.db

Realistic means: two years of days with fewer sessions at weekends, 12 sites in the
three regions with 1-3 terminals each, languages by region, about 15 % abandoned
sessions, levels per area that go together (people strong in one area tend to be
strong in others), the overall category by the Eurostat rule, and 12-25 answers per
completed session. Ids are random uuid4 hex like the kiosk's; rows are inserted in
id order with the triggers off, and the report indexes and the daily count tables
built afterwards, which is what makes it fast.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
import uuid
from pathlib import Path

SITES = {
    # site: (region languages with weights, terminals)
    "Bibliotheek Gent": ({"nl": 85, "en": 10, "fr": 5}, 3),
    "Bibliotheek Antwerpen": ({"nl": 85, "en": 12, "fr": 3}, 3),
    "Bibliotheek Leuven": ({"nl": 80, "en": 15, "fr": 5}, 2),
    "Station Brugge": ({"nl": 80, "en": 15, "fr": 5}, 1),
    "Bibliothèque Liège": ({"fr": 90, "nl": 4, "en": 6}, 2),
    "Bibliothèque Namur": ({"fr": 92, "nl": 3, "en": 5}, 2),
    "Gare de Charleroi-Central": ({"fr": 90, "nl": 3, "en": 7}, 1),
    "Bibliothèque Mons": ({"fr": 93, "nl": 2, "en": 5}, 1),
    "Muntpunt Brussel": ({"nl": 40, "fr": 45, "en": 15}, 3),
    "Bibliothèque Molenbeek": ({"fr": 70, "nl": 15, "en": 15}, 2),
    "Gare de Bruxelles-Midi": ({"fr": 50, "nl": 30, "en": 20}, 1),
    "Bibliotheek Hasselt": ({"nl": 90, "en": 7, "fr": 3}, 1),
}
SITE_REGIONS = {
    site: "flanders" if "Bibliotheek" in site or "Brugge" in site else "wallonia" for site in SITES
} | {
    "Muntpunt Brussel": "brussels",
    "Bibliothèque Molenbeek": "brussels",
    "Gare de Bruxelles-Midi": "brussels",
}
LEVELS = ("none", "basic", "above_basic")
ITEMS = [f"{area}.{n}-{band}" for area in range(1, 6) for n in range(1, 4) for band in "ba"]


def category(levels: dict[int, str]) -> str:
    """The Eurostat DSI 2.0 overall category from five area levels."""
    if all(level == "above_basic" for level in levels.values()):
        return "above_basic"
    at_least_basic = sum(level != "none" for level in levels.values())
    return {5: "basic", 4: "low", 3: "narrow", 2: "limited"}.get(at_least_basic, "none")


def build(path: Path, sessions: int, *, answers: bool = True, seed: int = 2025) -> float:
    """Create `path` with `sessions` synthetic sessions; returns the seconds it took."""
    from skillcheck.migrations import new_cell_key
    from skillcheck.records import band_of_minutes as band
    from skillcheck.schema import create_daily_triggers, drop_daily_triggers, fill_daily_tables
    from skillcheck.store import open_database, write_transaction

    started = time.perf_counter()
    rng = random.Random(seed)
    if path.exists():
        raise SystemExit(f"{path} exists; choose a new file")
    db = open_database(path)
    conn = db.conn
    # Bulk load: no per-commit fsync, indexes built and daily tables filled once at
    # the end (by the migration's own backfill), no triggers meanwhile.
    db.execute("PRAGMA synchronous = OFF")
    db.execute("PRAGMA cache_size = -1000000")  # 1 GB: index inserts stay in memory
    db.execute("DROP INDEX IF EXISTS sessions_by_day")
    drop_daily_triggers(conn)
    first = dt.date.today() - dt.timedelta(days=730)
    days = [first + dt.timedelta(days=n) for n in range(730)]
    day_weights = [0.35 if d.weekday() >= 5 else 1.0 for d in days]
    sites = list(SITES)
    site_weights = [3 if "Station" in s or "Gare" in s else 2 for s in sites]
    ids = sorted(uuid.UUID(int=rng.getrandbits(128), version=4).hex for _ in range(sessions))
    chosen_days = rng.choices(days, weights=day_weights, k=sessions)
    chosen_sites = rng.choices(sites, weights=site_weights, k=sessions)

    def rows():
        for session_id, day, site in zip(ids, chosen_days, chosen_sites, strict=True):
            languages, terminals = SITES[site]
            language = rng.choices(list(languages), weights=list(languages.values()))[0]
            terminal = f"t{rng.randint(1, terminals)}"
            completed = rng.random() > 0.15
            skill = rng.gauss(0.0, 1.0)  # one latent skill makes areas go together
            levels = {}
            for area in range(1, 6):
                score = skill + rng.gauss(0.0, 0.7) + (0.3 if area == 2 else 0.0)
                levels[area] = "none" if score < -0.6 else "basic" if score < 0.7 else "above_basic"
            n_items = rng.randint(12, 25) if completed else rng.randint(1, 11)
            yield (
                (
                    session_id,
                    day.isoformat(),
                    site,
                    terminal,
                    SITE_REGIONS.get(site, "unknown"),
                    language,
                    "completed" if completed else "abandoned",
                    n_items,
                    band(max(1, round(rng.gauss(6 if completed else 2, 2)))),
                    category(levels) if completed else None,
                    "2025.1",
                    1,
                    new_cell_key(),
                ),
                levels if completed else {},
                rng.sample(ITEMS, min(n_items, len(ITEMS))) if completed and answers else [],
            )

    batch = 20_000
    buffer = []

    def flush():
        with write_transaction(conn):
            conn.executemany(
                "INSERT INTO sessions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [s for s, _, _ in buffer],
            )
            conn.executemany(
                "INSERT INTO area_results VALUES (?, ?, ?)",
                [(s[0], a, lvl) for s, levels, _ in buffer for a, lvl in levels.items()],
            )
            conn.executemany(
                "INSERT INTO answers VALUES (?, ?, ?)",
                [(s[0], item, str(rng.randint(0, 3))) for s, _, items in buffer for item in items],
            )
        buffer.clear()

    for row in rows():
        buffer.append(row)
        if len(buffer) >= batch:
            flush()
    if buffer:
        flush()
    db.execute("CREATE INDEX sessions_by_day ON sessions (day)")  # built once, at the end
    with write_transaction(conn):
        fill_daily_tables(conn)  # the same backfill as the migrations'
        create_daily_triggers(conn)
    db.execute("ANALYZE")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> None:
    """Command line: --sessions N --out FILE [--no-answers] [--seed N]."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--no-answers", action="store_true", help="skip the answers table")
    parser.add_argument("--seed", type=int, default=2025, help="another seed, other sessions")
    args = parser.parse_args(argv)
    seconds = build(args.out, args.sessions, answers=not args.no_answers, seed=args.seed)
    size = args.out.stat().st_size / 2**20
    print(f"{args.sessions:,} sessions in {args.out} ({size:,.0f} MiB) built in {seconds:.1f} s")


if __name__ == "__main__":
    main()
