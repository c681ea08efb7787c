"""Attackers on the released catalogue (issue 21), for the tests and `make bench`.

- `Catalogue`: every released cell as a sum of the finest unknowns (month, site,
  region, language, and abandoned / a category / a level in one area), with the tie
  that holds in each (completed = the sum of the categories = the sum of the levels
  of each area); the published values and true counts beside them.
- `averaging_attack`: the best linear unbiased estimate of every small true count
  (1 .. threshold - 1) from **every** published cell of the catalogue at once
  (generalised least squares with the true variances of the noise design, which is
  more than a real attacker knows), over several draws of the keys: its RMSE.
- `onlooker_attack`: someone who saw a visitor finish at a site on a day guesses
  their whole result (category and every area's level) from the published figures of
  every period and grouping they belong to; against the same guess from the prior
  alone.
- `published_error`: how far published counts are from the truth (relative RMS).
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from dataclasses import dataclass

import numpy as np

from published_data import Visit, rekey
from skillcheck.digcomp import AREAS, CATEGORIES, LEVELS
from skillcheck.releases import (
    VISITS,
    catalogue_cells,
    network_settings,
    period_days,
    period_kind,
    publish,
    read_cells,
    released_periods,
)
from skillcheck.reports import PERCENT_MIN_BASE, is_shown

GROUPINGS = ("network", "site", "region", "language")
FINEST_KINDS = [(VISITS, "abandoned")] + [(VISITS, c) for c in CATEGORIES]
FINEST_KINDS += [(a, level) for a in AREAS for level in LEVELS]


def cell_kinds(area: int, measure: str) -> list[tuple[int, str]]:
    """The finest kinds a catalogue measure adds up."""
    if area == VISITS:
        if measure == "sessions":
            return FINEST_KINDS[: 1 + len(CATEGORIES)]
        if measure == "completed":
            return FINEST_KINDS[1 : 1 + len(CATEGORIES)]
        return [(VISITS, measure)]
    if measure == "completed":
        return [(area, level) for level in LEVELS]
    return [(area, measure)]


@dataclass
class Catalogue:
    """The released cells of a database as linear equations on the finest counts."""

    cells: list[tuple]  # (period, version, grouping, value, area, measure)
    published: np.ndarray
    truth: np.ndarray
    matrix: np.ndarray  # cells x finest unknowns
    finest: list[tuple]  # (month, version, site, region, language, area, kind)
    finest_truth: np.ndarray
    ties: np.ndarray  # rows: sum of categories - sum of levels of an area = 0
    # Released but never printed (the one rule hides them): targets, not observations.
    hidden: list[tuple] = ()
    hidden_truth: np.ndarray = None
    hidden_matrix: np.ndarray = None

    @classmethod
    def read(cls, db) -> Catalogue:
        """Every released cell of `db`, with its true count from the sessions."""
        periods = sorted(released_periods(db))
        released = shown_cells(db, periods)
        truth = {}
        for period in periods:
            for c in catalogue_cells(db, period):
                key = (c.period, c.scoring_version, c.grouping, c.group_value, c.area, c.measure)
                truth[key] = c.count
        places = sorted(
            set(
                db.execute(
                    "SELECT DISTINCT substr(day, 1, 7), scoring_version, site, region, language "
                    "FROM daily_sessions"
                ).fetchall()
            )
        )
        finest = [(*place, area, kind) for place in places for area, kind in FINEST_KINDS]
        index = {key: i for i, key in enumerate(finest)}
        finest_truth = np.zeros(len(finest))
        for row in db.execute(
            "SELECT substr(day, 1, 7), scoring_version, site, region, language, status, "
            "category, sum(sessions) FROM daily_sessions GROUP BY 1, 2, 3, 4, 5, 6, 7"
        ):
            *place, status, category, count = row
            kind = "abandoned" if status == "abandoned" else category
            finest_truth[index[(*place, VISITS, kind)]] += count
        for row in db.execute(
            "SELECT substr(day, 1, 7), scoring_version, site, region, language, area, level, "
            "sum(sessions) FROM daily_levels GROUP BY 1, 2, 3, 4, 5, 6, 7"
        ):
            *place, area, level, count = row
            finest_truth[index[(*place, area, level)]] += count
        by_place = defaultdict(list)
        for place in places:
            by_place[place] = [index[(*place, a, k)] for a, k in FINEST_KINDS]
        cells = [
            (c.period, c.scoring_version, c.grouping, c.group_value, c.area, c.measure)
            for c in released
        ]
        printed = set(cells)
        hidden = sorted(
            (c.period, c.scoring_version, c.grouping, c.group_value, c.area, c.measure)
            for c in read_cells(db, periods, GROUPINGS)
        )
        hidden = [c for c in hidden if c not in printed]
        # The places each (period, version, grouping, value) adds up, found once.
        members: dict[tuple, list[tuple]] = defaultdict(list)
        for place in places:
            month, version, site, region, language = place
            for period in periods:
                first, last = period_days(period)
                if not first[:7] <= month <= last[:7]:
                    continue
                for grouping, value in (
                    ("network", ""), ("site", site), ("region", region), ("language", language)
                ):  # fmt: skip
                    members[(period, version, grouping, value)].append(place)

        def equations(chosen: list[tuple]) -> np.ndarray:
            out = np.zeros((len(chosen), len(finest)))
            for row, (period, version, grouping, value, area, measure) in enumerate(chosen):
                kinds = cell_kinds(area, measure)
                for place in members[(period, version, grouping, value)]:
                    for kind in kinds:
                        out[row, index[(*place, *kind)]] = 1
            return out

        matrix = equations(cells)
        ties = []
        for place in places:
            categories = [index[(*place, VISITS, c)] for c in CATEGORIES]
            for area in AREAS:
                tie = np.zeros(len(finest))
                tie[categories] = 1
                tie[[index[(*place, area, level)] for level in LEVELS]] = -1
                ties.append(tie)
        return cls(
            cells=cells,
            published=np.array([c.value for c in released], dtype=float),
            truth=np.array([truth[c] for c in cells], dtype=float),
            matrix=matrix,
            finest=finest,
            finest_truth=finest_truth,
            ties=np.array(ties),
            hidden=hidden,
            hidden_truth=np.array([truth[c] for c in hidden], dtype=float),
            hidden_matrix=equations(hidden),
        )


def shown_cells(db, periods: list[str]) -> list:
    """The released cells an export can print (the one rule: reports.is_shown)."""
    threshold = network_settings(db).threshold
    released = read_cells(db, periods, GROUPINGS)
    completed = {
        (c.period, c.scoring_version, c.grouping, c.group_value, c.area): c.value
        for c in released
        if c.measure == "completed"
    }
    return [
        c
        for c in released
        if is_shown(
            c.measure,
            c.area,
            completed.get((c.period, c.scoring_version, c.grouping, c.group_value, c.area), 0),
            threshold,
        )
    ]


def published_values(db, cells: list[tuple]) -> np.ndarray:
    """The published value of each cell, in the order given."""
    periods = sorted({c[0] for c in cells})
    values = {
        (c.period, c.scoring_version, c.grouping, c.group_value, c.area, c.measure): c.value
        for c in read_cells(db, periods, GROUPINGS)
    }
    return np.array([values.get(c, 0) for c in cells], dtype=float)


def averaging_attack(db, rng: random.Random, draws: int) -> dict:
    """The GLS estimate of every small published count from the whole catalogue, over
    `draws` draws of the keys (the first is the database's own).

    Returns the RMSE over all small counts and draws (measured), and the smallest
    standard error of any one small count (the estimator's exact variance when the
    cells' noises are independent: the per-count figure, without sampling error).
    """
    from scipy.linalg import null_space

    threshold = network_settings(db).threshold
    table = network_settings(db).table
    catalogue = Catalogue.read(db)
    null = null_space(catalogue.ties)  # the finest counts that keep the ties
    # One observation per distinct set of sessions (the same sessions get the same
    # noise in every table: a second copy tells nothing new).
    seen = {}
    for row in range(len(catalogue.cells)):
        signature = tuple(np.flatnonzero(catalogue.matrix[row] * catalogue.finest_truth))
        seen.setdefault(signature or ("zero", row), row)
    rows = sorted(seen.values())
    a = catalogue.matrix[rows] @ null
    # The attacker weighs each published value by what the documented design says of
    # it (a 0 or a T may hide any small count); the estimator's true error uses the
    # noise's true variance at each cell's true count.
    published = published_values(db, catalogue.cells)[rows]
    small_variance = threshold**2 / 6  # the mean of n (T - n) over n = 1 .. T - 1
    believed = np.array(
        [small_variance if v in (0, threshold) else table.typical_error**2 for v in published]
    )
    weighted = a.T / believed
    covariance = np.linalg.pinv(weighted @ a, hermitian=True)
    # Targets: every small count of a printed cell, and of a released cell the rule
    # hides whose value the printed cells determine (estimable: in their span).
    to_cells = np.vstack([catalogue.matrix, catalogue.hidden_matrix]) @ null
    truth = np.concatenate([catalogue.truth, catalogue.hidden_truth])
    names = list(catalogue.cells) + list(catalogue.hidden)
    projector = covariance @ (weighted @ a)  # onto the span of the printed figures
    small = []
    for r, t in enumerate(truth):
        if not 0 < t < threshold:
            continue
        if r >= len(catalogue.cells) and not np.allclose(
            to_cells[r] @ projector, to_cells[r], atol=1e-6
        ):
            continue  # not determined by the printed figures: no unbiased estimate exists
        small.append(r)
    estimator = to_cells[small] @ (covariance @ weighted)  # published -> small estimates
    true_variance = np.array([table.variance(int(catalogue.truth[r])) for r in rows])
    standard_errors = np.sqrt((estimator**2) @ true_variance)
    squared = []
    for draw in range(draws):
        if draw:
            rekey(db, rng)
            publish(db, _today(db))
        published = published_values(db, catalogue.cells)
        estimates = estimator @ published[rows]
        squared += list((estimates - truth[small]) ** 2)
    return {
        "small_counts": len(small),
        "hidden_small_counts": sum(r >= len(catalogue.cells) for r in small),
        "rmse": float(np.sqrt(np.mean(squared))) if squared else float("nan"),
        "lowest_standard_error": float(standard_errors.min()) if small else float("nan"),
        "lowest": sorted(
            (round(float(e), 2), names[r], int(truth[r]))
            for e, r in zip(standard_errors, small, strict=True)
        )[:8],
        "draws": draws,
    }


def _today(db):
    import datetime as dt

    return dt.date.today()


def whole_result_prior(rng: random.Random, samples: int = 20_000) -> Counter:
    """The distribution of whole results in the population the generator draws from
    (what an attacker could know from elsewhere: the national figures)."""
    from published_data import levels_of
    from skillcheck.scoring import overall_category

    prior = Counter()
    for _ in range(samples):
        levels = levels_of(rng)
        prior[(overall_category(levels), *(levels[a] for a in AREAS))] += 1
    return prior


def onlooker_attack(db, visits: list[Visit], site: str, prior: Counter) -> dict:
    """For each completed visit at `site`, guess the whole result: from the prior alone,
    and from the prior raked (iterative proportional fitting) to the published figures
    of the smallest shown group the visitor is in (the site's month, else its quarter,
    else its year; the visitor's language in the month), a group with one visitor's
    weight removed. Returns both rates and their ratio."""
    total = sum(prior.values())
    results = list(prior)
    prior_p = np.array([prior[r] / total for r in results])
    prior_guess = results[int(np.argmax(prior_p))]
    cells = {}
    periods = sorted(released_periods(db))
    for c in read_cells(db, periods, GROUPINGS):
        cells[(c.period, c.grouping, c.group_value, c.area, c.measure)] = c.value
    threshold = network_settings(db).threshold
    dimensions = [(VISITS, 0)] + [(area, n) for n, area in enumerate(AREAS, start=1)]
    values = {
        (area, position): np.array([r[position] for r in results]) for area, position in dimensions
    }
    raked: dict[tuple, np.ndarray] = {}

    def rake(period: str, grouping: str, value: str) -> np.ndarray | None:
        key = (period, grouping, value)
        if key not in raked:
            done = cells.get((period, grouping, value, VISITS, "completed"), 0)
            if done < PERCENT_MIN_BASE * threshold:
                raked[key] = None  # hidden: only the visits are shown
                return None
            p = prior_p.copy()
            for _ in range(20):
                for area, position in dimensions:
                    kinds = CATEGORIES if area == VISITS else LEVELS
                    for kind in kinds:
                        mask = values[(area, position)] == kind
                        target = cells.get((period, grouping, value, area, kind), 0) / done
                        have = p[mask].sum()
                        if have > 0:
                            p[mask] *= target / have
            raked[key] = p / p.sum() if p.sum() else prior_p
        return raked[key]

    right_prior = right_published = trials = 0
    for visit in visits:
        if visit.site != site or not visit.completed:
            continue
        trials += 1
        truth = visit.whole_result
        right_prior += truth == prior_guess
        best = prior_p
        for kind in ("month", "quarter", "year"):
            period = next(
                p
                for p in [visit.day[:7], _quarter(visit.day), visit.day[:4]]
                if period_kind(p) == kind
            )
            if period not in periods:
                continue
            found = rake(period, "site", visit.site)
            if found is not None:
                best = found
                break
        guess = results[int(np.argmax(best))]
        right_published += truth == guess
    prior_rate = right_prior / trials
    published_rate = right_published / trials
    return {
        "trials": trials,
        "prior_rate": prior_rate,
        "published_rate": published_rate,
        "ratio": published_rate / prior_rate if prior_rate else float("inf"),
    }


def _quarter(day: str) -> str:
    return f"{day[:4]}-Q{(int(day[5:7]) - 1) // 3 + 1}"


def published_error(db, rng: random.Random, draws: int, select) -> float:
    """The relative RMS error of the published counts `select(cell)` picks (cells of the
    catalogue with their true count), over `draws` draws of the keys."""
    squared = []
    for draw in range(draws):
        if draw:
            rekey(db, rng)
            publish(db, _today(db))
        truth = {}
        for period in released_periods(db):
            for c in catalogue_cells(db, period):
                truth[(c.period, c.grouping, c.group_value, c.area, c.measure)] = c.count
        for c in read_cells(db, sorted(released_periods(db)), GROUPINGS):
            key = (c.period, c.grouping, c.group_value, c.area, c.measure)
            if select(c, truth[key]):
                squared.append(((c.value - truth[key]) / truth[key]) ** 2)
    return float(np.sqrt(np.mean(squared)))
