"""Build a skillcheck database with N realistic synthetic sessions, fast.

    .venv/bin/python benchmarks/build_db.py --sessions 1000000 --out /tmp/bench.db

Realistic means: --days days (default two years) from --start (default 2025-01-01, so
the same command always builds the same database) with fewer sessions at weekends, --sites
sites (default 12) in the three regions with 1-3 terminals each, languages by
region, about 15 % abandoned sessions. A completed visit answers the bank's real
items (one variant per rotation slot), as a person with one latent skill would
(people strong in one area tend to be strong in others), skipping an area's harder
items when its basic ones were not mastered, as the kiosk does; its levels and
category are computed from those answers by `skillcheck.scoring`. A visit's duration
spreads like people's do, with a long tail of slow ones (completed: 7 minutes at the
median, about 1 in 12 over 10, 1 in 7 under 5); an abandoned one lasts about as long
as the questions it answered, and it stopped anywhere in the first 11 questions with
equal chance (more spread than real drop-outs, which bunch early: the pessimistic case
for `benchmarks/uniqueness.py`). The duration is not stored (the `durations` hook
hands it to that benchmark). Cell keys come from the seeded generator too. Ids are
random uuid4 hex like the kiosk's; rows are inserted in id order with the triggers
off, and the report indexes and the daily count tables built afterwards, which is what
makes it fast.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import sys
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
REGION_CYCLE = ("flanders", "wallonia", "brussels")
LANGUAGES_BY_REGION = {
    "flanders": {"nl": 85, "en": 10, "fr": 5},
    "wallonia": {"fr": 90, "nl": 4, "en": 6},
    "brussels": {"fr": 50, "nl": 35, "en": 15},
}


def choose_sites(count: int) -> dict[str, tuple[dict[str, int], int, str]]:
    """`count` sites: the twelve named ones first, then "Site 13", "Site 14" …"""
    sites = {name: (*SITES[name], SITE_REGIONS[name]) for name in list(SITES)[:count]}
    for n in range(len(sites) + 1, count + 1):
        region = REGION_CYCLE[n % 3]
        sites[f"Site {n}"] = (LANGUAGES_BY_REGION[region], 1 + n % 3, region)
    return sites


def answer_visit(bank, rng: random.Random, skill: float) -> tuple[dict[str, str], dict]:
    """The answers (ticks included) and levels of one completed visit, walked through
    the kiosk's own Session: each activity ticked and each item mastered with a
    chance that rises with `skill`; 1 visitor in 25 did not use the internet."""
    from skillcheck.session import ACTIVITIES, FILTER, Session

    session = Session(bank, rng=rng)
    while not session.finished:
        step = session.current
        if step.kind == FILTER:
            session = session.answer("no" if rng.random() < 0.04 else "yes")
            continue
        ease = skill + rng.gauss(0.0, 0.7) + (0.3 if step.area == 2 else 0.0)
        if step.kind == ACTIVITIES:
            activities = session.activities(step.area)
            session = session.tick(
                a.id
                for n, a in enumerate(activities)
                if rng.random() < 1 / (1 + math.exp(n * 0.5 - ease))
            )
            continue
        item = step.item
        knows = rng.random() < 1 / (
            1 + math.exp(-(ease - (0.9 if item.band == "above_basic" else -0.6)))
        )
        if item.kind == "can_do":
            session = session.answer(rng.choice("23") if knows else rng.choice("01"))
        else:
            right = [o.code for o in item.options if o.correct]
            wrong = [o.code for o in item.options if not o.correct] + ["dont_know"]
            session = session.answer(rng.choice(right if knows else wrong))
    answers = {**session.answers, **session.shown_positions()}
    return answers, dict(session.result().levels)


def build(
    path: Path,
    sessions: int,
    *,
    answers: bool = True,
    seed: int = 2025,
    sites: int = 12,
    start: dt.date = dt.date(2025, 1, 1),
    days: int = 730,
    progress=None,
    durations=None,
) -> float:
    """Create `path` with `sessions` synthetic sessions; returns the seconds it took.

    `durations(session_id, minutes)`, when given, receives each session's duration in
    whole minutes, which the database does not keep (for the before/after measure in
    benchmarks/uniqueness.py).
    """
    from skillcheck.bank import load_bank
    from skillcheck.paths import QUESTIONS_DIR
    from skillcheck.schema import create_daily_triggers, drop_daily_triggers, fill_daily_tables
    from skillcheck.scoring import SCORING_VERSION, overall_category
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
    bank = load_bank(QUESTIONS_DIR)
    days = [start + dt.timedelta(days=n) for n in range(days)]
    day_weights = [0.35 if d.weekday() >= 5 else 1.0 for d in days]
    site_table = choose_sites(sites)
    sites = list(site_table)
    site_weights = [3 if "Station" in s or "Gare" in s else 2 for s in sites]
    ids = sorted(uuid.UUID(int=rng.getrandbits(128), version=4).hex for _ in range(sessions))
    chosen_days = rng.choices(days, weights=day_weights, k=sessions)
    chosen_sites = rng.choices(sites, weights=site_weights, k=sessions)

    def rows():
        for session_id, day, site in zip(ids, chosen_days, chosen_sites, strict=True):
            languages, terminals, region = site_table[site]
            language = rng.choices(list(languages), weights=list(languages.values()))[0]
            terminal = f"t{rng.randint(1, terminals)}"
            completed = rng.random() > 0.15
            skill = rng.gauss(0.0, 1.0)  # one latent skill makes areas go together
            given, levels = answer_visit(bank, rng, skill) if completed else ({}, {})
            n_items = len(given) if completed else rng.randint(1, 11)
            # One draw, as before (the docs' databases keep their counts), spread
            # like people's durations: lognormal, the tail made of slow visitors.
            spread = math.exp(0.35 * rng.gauss(0.0, 1.0))
            minutes = max(1, round((6.5 if completed else 0.5 + 0.3 * n_items) * spread))
            if durations:
                durations(session_id, minutes)
            yield (
                (
                    session_id,
                    day.isoformat(),
                    site,
                    terminal,
                    region,
                    language,
                    "completed" if completed else "abandoned",
                    n_items,
                    overall_category(levels) if completed else None,
                    bank.version,
                    SCORING_VERSION,
                    rng.randrange(2**32),  # the cell key, from the seed: rebuildable
                ),
                levels,
                list(given.items()) if answers else [],
            )

    batch = 20_000
    buffer = []

    def flush():
        with write_transaction(conn):
            conn.executemany(
                # Named: `clock` (schema 7) keeps its default, 'ok'.
                "INSERT INTO sessions (id, day, site, terminal, region, language, status, "
                "items_answered, category, bank_version, scoring_version, cell_key) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [s for s, _, _ in buffer],
            )
            conn.executemany(
                "INSERT INTO area_results VALUES (?, ?, ?)",
                [(s[0], a, lvl) for s, levels, _ in buffer for a, lvl in levels.items()],
            )
            conn.executemany(
                "INSERT INTO answers VALUES (?, ?, ?)",
                [(s[0], item, code) for s, _, given in buffer for item, code in given],
            )
        if progress:
            progress(len(buffer))
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
    """Command line: --sessions N --out FILE, and the options below."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--no-answers", action="store_true", help="skip the answers table")
    parser.add_argument("--seed", type=int, default=2025, help="another seed, other sessions")
    parser.add_argument(
        "--sites", type=int, default=12, help="how many sites (12 named, more numbered)"
    )
    parser.add_argument(
        "--start", type=dt.date.fromisoformat, default=dt.date(2025, 1, 1), help="first day"
    )
    parser.add_argument("--days", type=int, default=730, help="how many days from --start")
    args = parser.parse_args(argv)
    if args.sites < 1:
        parser.error("--sites must be at least 1")
    if args.days < 1:
        parser.error("--days must be at least 1")
    import click

    with click.progressbar(
        length=args.sessions, label="Building", file=sys.stderr, hidden=not sys.stderr.isatty()
    ) as bar:
        seconds = build(
            args.out,
            args.sessions,
            answers=not args.no_answers,
            seed=args.seed,
            sites=args.sites,
            start=args.start,
            days=args.days,
            progress=bar.update,
        )
    size = args.out.stat().st_size / 2**20
    print(f"{args.sessions:,} sessions in {args.out} ({size:,.0f} MiB) built in {seconds:.1f} s")


if __name__ == "__main__":
    main()
