"""Generated networks for the attackers on published figures (tests and `make bench`).

Fast: sessions go straight into a real skillcheck database (schema of the day, the
daily tables filled once), with levels per area from one latent skill (people strong
in one area tend to be strong in others) and the overall category from the scoring
rule, so the vocabularies are those of skillcheck.digcomp whatever they become.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from skillcheck import schema
from skillcheck.digcomp import AREAS, LEVELS
from skillcheck.scoring import SCORING_VERSION, overall_category
from skillcheck.store import open_database, write_transaction

LANGUAGES = {"nl": 60, "fr": 30, "en": 8, "de": 2}


@dataclass(frozen=True)
class Site:
    """A generated site: its visits per day on average and its region."""

    name: str
    per_day: float
    region: str = "flanders"


@dataclass(frozen=True)
class Visit:
    """One generated session as the attackers see the truth."""

    id: str
    day: str
    site: str
    region: str
    language: str
    completed: bool
    category: str | None
    levels: Mapping[int, str]
    key: int

    @property
    def whole_result(self) -> tuple:
        """The category and the level in every area: what a visitor's result is."""
        return (self.category, *(self.levels[a] for a in AREAS))


def levels_of(rng: random.Random) -> dict[int, str]:
    """Levels per area from one latent skill plus a little per area."""
    skill = rng.gauss(0.0, 1.0)
    out = {}
    for area in AREAS:
        ease = skill + rng.gauss(0.0, 0.7)
        # Spread over the scale, lowest first, at evenly spaced cut points.
        index = sum(ease > cut for cut in _cuts(len(LEVELS)))
        out[area] = LEVELS[index]
    return out


def _cuts(count: int) -> list[float]:
    # For three levels: -0.4 and 1.0 (about a third none, a sixth above basic).
    return [-0.4 + 1.4 * i for i in range(count - 1)]


def generate(
    rng: random.Random,
    sites: list[Site],
    first: dt.date,
    days: int,
    languages: Mapping[str, int] = LANGUAGES,
) -> list[Visit]:
    """Visits of every site over `days` days (weekends lighter, Poisson-like counts)."""
    visits = []
    names, weights = list(languages), list(languages.values())
    for n in range(days):
        day = first + dt.timedelta(days=n)
        weekend = day.weekday() >= 5
        for site in sites:
            mean = site.per_day * (0.4 if weekend else 1.15)
            count = _poisson(rng, mean)
            for _ in range(count):
                completed = rng.random() > 0.15
                levels = levels_of(rng) if completed else {}
                visits.append(
                    Visit(
                        id=uuid.UUID(int=rng.getrandbits(128), version=4).hex,
                        day=day.isoformat(),
                        site=site.name,
                        region=site.region,
                        language=rng.choices(names, weights=weights)[0],
                        completed=completed,
                        category=overall_category(levels) if completed else None,
                        levels=levels,
                        key=rng.randrange(schema.CELL_KEY_RANGE),
                    )
                )
    return visits


def _poisson(rng: random.Random, mean: float) -> int:
    # Knuth's method: means here are small (at most a few dozen).
    limit, k, p = pow(2.718281828459045, -mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def store(path: Path, visits: list[Visit]):
    """A skillcheck database at `path` holding `visits`; returns it open."""
    db = open_database(path)
    add(db, visits)
    return db


def add(db, visits: list[Visit]) -> None:
    """Store more visits (a late arrival, a spool flush): the triggers count them."""
    conn = db.conn
    with write_transaction(conn):
        for v in sorted(visits, key=lambda v: v.id):
            conn.execute(
                "INSERT INTO sessions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'ok')",
                (
                    v.id, v.day, v.site, "t1", v.region, v.language,
                    "completed" if v.completed else "abandoned", 18 if v.completed else 4,
                    v.category, "2026.1", SCORING_VERSION, v.key,
                ),
            )  # fmt: skip
            conn.executemany(
                "INSERT INTO area_results VALUES (?, ?, ?)",
                [(v.id, area, level) for area, level in sorted(v.levels.items())],
            )


def rekey(db, rng: random.Random) -> None:
    """Fresh secret keys for every session and an empty release log: the same people,
    another draw of the noise (for measuring the noise over many draws)."""
    conn = db.conn
    ids = [row[0] for row in conn.execute("SELECT id FROM sessions")]
    with write_transaction(conn):
        conn.executemany(
            "UPDATE sessions SET cell_key = ? WHERE id = ?",
            [(rng.randrange(schema.CELL_KEY_RANGE), i) for i in ids],
        )
        for table in ("released_cells", "released_periods", "releases"):
            conn.execute(f"DELETE FROM {table}")
        schema.drop_daily_triggers(conn)
        schema.fill_daily_tables(conn)
        schema.create_daily_triggers(conn)
