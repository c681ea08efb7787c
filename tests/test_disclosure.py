"""The cell key method: the perturbation table, its SQL twin, and an LP attacker."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

import pytest
import sqlite_utils

from skillcheck.digcomp import AREAS, CATEGORIES
from skillcheck.disclosure import KEY_RANGE, MIN_THRESHOLD, PerturbationTable
from skillcheck.reports import Filters, build_export

THRESHOLDS = (5, 7, 10, 20)


def keys(rng: random.Random, count: int) -> list[int]:
    return [rng.randrange(KEY_RANGE * 40) for _ in range(count)]  # key sums of up to 40 keys


def test_threshold_below_five_is_refused():
    with pytest.raises(ValueError, match="at least 5"):
        PerturbationTable(4)
    with pytest.raises(ValueError):
        build_export(sqlite_utils.Database(memory=True), min_count=1)


@pytest.mark.parametrize("threshold", THRESHOLDS)
def test_no_published_value_below_the_threshold_and_zero_stays_zero(threshold):
    table = PerturbationTable(threshold)
    rng = random.Random(threshold)
    for count in range(0, 60):
        for key in keys(rng, 300):
            value = table.perturb(count, key)
            assert value == 0 or value >= threshold
            assert value in table.support(count)
            low, high = table.possible_counts(value)
            assert low <= count <= high
            assert high > low  # one published value never pins a count
        if count == 0:
            assert table.support(0) == {0}
        assert max(table.support(count)) <= max(count, threshold) + 2


@pytest.mark.parametrize("threshold", THRESHOLDS)
def test_the_table_is_unbiased(threshold):
    table = PerturbationTable(threshold)
    samples = 2000
    for count in (1, 2, 4, 5, 6, 9, 10, 11, 12, 13, 40):
        spread_keys = [
            (i * KEY_RANGE) // samples + KEY_RANGE // (2 * samples) for i in range(samples)
        ]
        mean = sum(table.perturb(count, k) for k in spread_keys) / samples
        assert mean == pytest.approx(count, abs=0.02 * max(count, 5))


def test_higher_thresholds_coarsen_the_release_at_five():
    low = PerturbationTable(MIN_THRESHOLD)
    rng = random.Random(3)
    for threshold in THRESHOLDS[1:]:
        table = PerturbationTable(threshold)
        for count in range(0, 40):
            for key in keys(rng, 50):
                base = low.perturb(count, key)
                value = table.perturb(count, key)
                if base == 0 or base >= threshold:
                    assert value == base
                else:
                    assert value in (0, threshold)


# --- the attacker on a generated multi-site database ------------------------------

PLACES = (  # site, terminal, region, language
    ("Bibliothèque Mons", "t1", "wallonia", "fr"),
    ("Bibliothèque Mons", "t1", "wallonia", "en"),
    ("Bibliotheek Antwerpen", "t1", "flanders", "nl"),
    ("Bibliotheek Antwerpen", "t2", "flanders", "nl"),
    ("Bibliotheek Antwerpen", "t1", "flanders", "en"),
)


def generated(seed: int, days: list[str], per_day: int = 9):
    """Sessions with keys, and the v5 daily tables with their key sums, in memory."""
    rng = random.Random(seed)
    sessions, levels = Counter(), Counter()
    session_keys, level_keys = Counter(), Counter()
    for day in days:
        for _ in range(rng.randint(per_day // 2, per_day)):
            place = rng.choice(PLACES)
            key = rng.randrange(KEY_RANGE)
            if rng.random() < 0.2:
                cell = (day, *place, "abandoned", "")
                sessions[cell] += 1
                session_keys[cell] += key
                continue
            skill = rng.gauss(0, 1)
            area_levels = {
                a: "none"
                if skill + rng.gauss(0, 0.6) < -0.5
                else "basic"
                if skill < 0.8
                else "above_basic"
                for a in AREAS
            }
            at_least = sum(v != "none" for v in area_levels.values())
            category = (
                "above_basic"
                if all(v == "above_basic" for v in area_levels.values())
                else {5: "basic", 4: "low", 3: "narrow", 2: "limited"}.get(at_least, "none")
            )
            cell = (day, *place, "completed", category)
            sessions[cell] += 1
            session_keys[cell] += key
            for area, level in area_levels.items():
                cell = (day, *place, area, level)
                levels[cell] += 1
                level_keys[cell] += key
    db = sqlite_utils.Database(memory=True)
    place = "day TEXT, site TEXT, terminal TEXT, region TEXT, language TEXT, scoring_version INT"
    db.execute(
        f"CREATE TABLE daily_sessions ({place}, status TEXT, category TEXT,"
        " sessions INT, key_sum INT)"
    )
    db.execute(
        f"CREATE TABLE daily_levels ({place}, area INT, level TEXT, sessions INT, key_sum INT)"
    )
    for cell, count in sessions.items():
        db.execute(
            "INSERT INTO daily_sessions VALUES (?, ?, ?, ?, ?, 2, ?, ?, ?, ?)",
            [*cell, count, session_keys[cell]],
        )
    for cell, count in levels.items():
        db.execute(
            "INSERT INTO daily_levels VALUES (?, ?, ?, ?, ?, 2, ?, ?, ?, ?)",
            [*cell, count, level_keys[cell]],
        )
    keys_by_cell = {("s", k): v for k, v in session_keys.items()}
    keys_by_cell.update({("a", k): v for k, v in level_keys.items()})
    generated.key_sums = keys_by_cell
    return db, sessions, levels


def _days(first: str, count: int) -> list[str]:
    start = dt.date.fromisoformat(first)
    return [(start + dt.timedelta(days=n)).isoformat() for n in range(count)]


def scenario_exports(db, days):
    """The combinations of issue 11: two groupings of one week, overlapping windows,
    day/week/month, sessions against area tables, several --min-count values."""
    week = Filters(since=days[0], until=days[6])
    month = Filters(since=days[0], until=days[-1])
    shifted = Filters(since=days[1], until=days[-1])
    asks = [
        dict(by="week", group=["site"], filters=week),
        dict(by="week", group=["site", "language"], filters=week),
        dict(by="month", filters=month),
        dict(by="month", filters=shifted),
        dict(by="day", group=["site", "terminal", "language"], filters=month),
        dict(by="week", group=["site", "language", "area"], filters=month),
        dict(by="month", group=["region", "area"], filters=month),
        dict(by="week", group=["site", "language"], filters=week, min_count=5),
        dict(by="day", group=["language"], filters=month, min_count=7),
    ]
    return [build_export(db, **ask) for ask in asks]


def test_every_figure_is_a_sum_of_the_same_base_values():
    days = _days("2026-01-26", 10)
    db, _, _ = generated(1, days)
    a, b, month, _, by_day, *_ = scenario_exports(db, days)
    # Totals are sums of their rows, and two groupings of one week agree on totals.
    for table in (a, b, month, by_day):
        rows = [r for r in table.rows if not r.is_total]
        total = next(r for r in table.rows if r.is_total)
        assert [sum(col) for col in zip(*(r.counts for r in rows), strict=True)] == list(
            total.counts
        )
    assert (
        next(r for r in a.rows if r.is_total).counts == next(r for r in b.rows if r.is_total).counts
    )


@pytest.mark.parametrize("seed", [11])  # more seeds and sizes: benchmarks/attack.py
def test_the_lp_attacker_pins_no_small_count(seed):
    from lp_attacker import Attack

    days = _days("2026-01-26", 8)  # a week and a day, cut by a month boundary
    db, sessions, levels = generated(seed, days)
    exports = scenario_exports(db, days)
    places = sorted(set(PLACES))
    attack = Attack(places, days, [t.min_count for t in exports], sessions, levels)
    targets = []
    for table in exports:
        targets += attack.add_export(table, places, days)
    targets += [(f"base {cell}", [attack.index[cell]]) for cell in attack.cells]
    assert attack.check(attack.truth_point(generated.key_sums)) == []  # the model is right
    result = attack.run(targets, threshold=10)
    assert result.targets > 50  # plenty of small counts were attacked
    assert result.pinned == []


def test_the_attacker_recovers_exact_small_counts_when_nothing_is_perturbed():
    """The same attacker against true counts (what exports published before issue 11)."""
    from lp_attacker import Attack

    days = _days("2026-01-26", 3)
    db, sessions, levels = generated(5, days)
    places = sorted(set(PLACES))
    attack = Attack(places, days, [5], sessions, levels, exact=True)
    # Publish true counts for the finest grouping: the attacker must pin them all.
    raw = build_export(db, by="day", group=["site", "terminal", "language"], min_count=5)
    exact = raw.__class__(
        **{
            **raw.__dict__,
            "rows": tuple(
                row.__class__(row.key, _true_counts(row, raw, sessions), row.is_total)
                for row in _all_rows(raw, sessions)
            ),
        }
    )
    targets = attack.add_export(exact, places, days)
    result = attack.run(targets, threshold=10)
    assert result.targets > 5
    assert len(result.pinned) == result.targets


def _all_rows(raw, sessions):
    from skillcheck.reports import ExportRow

    keys = sorted({(k[0], k[1], k[2], k[4]) for k in sessions})
    return [ExportRow(key, (), False) for key in keys]


def _true_counts(row, table, sessions):
    day, site, terminal, language = row.key
    cells = {
        k: v for k, v in sessions.items() if k[:3] == (day, site, terminal) and k[4] == language
    }
    by_kind = Counter()
    for (*_, status, category), count in cells.items():
        by_kind["sessions"] += count
        by_kind[status] += count
        if status == "completed":
            by_kind[category] += count
    return tuple(by_kind[c] for c in table.count_columns)


assert CATEGORIES
