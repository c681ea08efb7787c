"""An attacker on combined exports: a mixed-integer linear program (scipy's HiGHS).

It knows what a data-protection reviewer knows: the method and its perturbation
table (they are documented), the sites, terminals, regions and languages, and
every published figure of several exports. Its unknowns are the true count of
every base cell (one day, site, terminal, region, language and status/category,
or area/level) and the value each base cell was published with; it models the
perturbation table exactly (zero stays zero; 1..4 gives 0 or 5; n >= 5 gives
n +- min(2, n - 5); a higher threshold T turns a value in 5..T-1 into 0 or T),
with the same base release shared by every threshold, and the tie between the
tables (completed sessions = the sum of the categories = the sum of the levels in
each area). For each small true count (1 .. threshold - 1) of any published cell
or base cell it asks for the smallest and largest value consistent with all of
it. A count is *pinned* when both equal the truth.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import lil_matrix

from skillcheck.digcomp import AREA_RESULTS as LEVELS  # every area result, not assessed too
from skillcheck.digcomp import AREAS, CATEGORIES
from skillcheck.disclosure import MAX_NOISE, MIN_THRESHOLD
from skillcheck.reports import TOTAL, ExportTable, period_days

PLACE = ("day", "site", "terminal", "region", "language")
SESSION_KINDS = [("abandoned", "")] + [("completed", c) for c in CATEGORIES]
AREA_KINDS = [(a, lvl) for a in AREAS for lvl in LEVELS]


@dataclass
class Result:
    """What the attack found."""

    targets: int  # small true counts attacked
    pinned: list  # those recovered exactly
    solves: int


class Attack:
    """Builds the program for one set of exports over known places and days."""

    def __init__(self, places, days, thresholds, truth_sessions, truth_levels, exact=False):
        """`places`: (site, terminal, region, language) tuples; `truth_*`: base counts
        keyed by (day, *place, status, category) / (day, *place, area, level).
        `exact=True` models publishing true counts (to show the attacker's strength)."""
        self.exact = exact
        self.thresholds = sorted(set(thresholds))
        self.cells = []  # (table, key)
        for day in days:
            for place in places:
                for kind in SESSION_KINDS:
                    self.cells.append(("s", (day, *place, *kind)))
                for kind in AREA_KINDS:
                    self.cells.append(("a", (day, *place, *kind)))
        self.index = {cell: i for i, cell in enumerate(self.cells)}
        self.truth = np.array(
            [(truth_sessions if t == "s" else truth_levels).get(key, 0) for t, key in self.cells]
        )
        self.big = int(self.truth.sum()) + 50
        self.nvars = 0
        self.n = self._new(len(self.cells))  # true counts
        self.rows: list[tuple[dict[int, float], float, float]] = []
        self.integer: list[int] = []
        self._published: dict[int, np.ndarray] = {}
        self._model_cells(places, days)

    def _new(self, count: int) -> np.ndarray:
        start = self.nvars
        self.nvars += count
        return np.arange(start, start + count)

    def _row(self, coefficients: dict[int, float], low: float, high: float) -> None:
        self.rows.append((coefficients, low, high))

    def _model_cells(self, places, days) -> None:
        cells = len(self.cells)
        big = self.big
        self.binaries = []
        if self.exact:
            for t in self.thresholds:
                self._published[t] = self.n
            self._tie(places, days)
            return
        low = MIN_THRESHOLD
        self._h = {}
        s, g, w, q = (self._new(cells) for _ in range(4))
        self.binaries += [*s, *g, *w]
        for i in range(cells):
            n = self.n[i]
            self._row({n: 1, s[i]: -1, g[i]: -low}, 0, np.inf)  # n >= s + 5g
            self._row({n: 1, s[i]: -(low - 1), g[i]: -big}, -np.inf, 0)  # n <= 4s + BIG g
            self._row({s[i]: 1, g[i]: 1}, -np.inf, 1)
            self._row({w[i]: 1, s[i]: -1}, -np.inf, 0)  # 5 only from a small count
            self._row({q[i]: 1, g[i]: -big}, -np.inf, 0)  # q = 0 unless large
            self._row({q[i]: 1, g[i]: -low}, 0, np.inf)  # q >= 5 when large
            d = MAX_NOISE
            self._row({q[i]: 1, n: -1, g[i]: big}, -np.inf, d + big)  # q - n <= D
            self._row({n: 1, q[i]: -1, g[i]: big}, -np.inf, d + big)  # n - q <= D
            self._row({q[i]: 1, n: -2, g[i]: big}, -np.inf, big - low)  # q - n <= n - 5
        # The base release: p5 = 5w + q.
        for t in self.thresholds:
            if t == low:
                self._published[t] = ("base", w, q)
                continue
            h, w2, r = (self._new(cells) for _ in range(3))
            self._h[t] = h
            self.binaries += [*h, *w2]
            for i in range(cells):
                p5 = {w[i]: low, q[i]: 1}
                self._row({**p5, h[i]: -t}, 0, np.inf)  # p5 >= t h
                self._row({**p5, h[i]: -big}, -np.inf, t - 1)  # p5 <= t-1 + BIG h
                self._row({r[i]: 1, h[i]: -big}, -np.inf, 0)  # r = 0 unless h
                self._row({r[i]: 1, w[i]: -low, q[i]: -1}, -np.inf, 0)  # r <= p5
                self._row({r[i]: 1, w[i]: -low, q[i]: -1, h[i]: -big}, -big, np.inf)
                self._row({w2[i]: 1, h[i]: 1}, -np.inf, 1)  # coarsened only below t
                self._row({w2[i]: 1, w[i]: -1, g[i]: -1}, -np.inf, 0)  # and only if p5 > 0
            self._published[t] = ("coarse", t, w2, r)
        self._aux = (s, g, w, q)
        self._tie(places, days)

    def _tie(self, places, days) -> None:
        # completed = sum of categories = sum of levels, in each area, per base place.
        for day, place in itertools.product(days, places):
            completed = {
                self.n[self.index[("s", (day, *place, "completed", c))]]: 1 for c in CATEGORIES
            }
            for area in AREAS:
                row = dict(completed)
                for level in LEVELS:
                    row[self.n[self.index[("a", (day, *place, area, level))]]] = -1
                self._row(row, 0, 0)

    def published_terms(self, t: int, cell_indexes: list[int]) -> dict[int, float]:
        """The published value of a sum of base cells, as coefficients."""
        model = self._published[t]
        terms: dict[int, float] = defaultdict(float)
        for i in cell_indexes:
            if isinstance(model, np.ndarray):
                terms[model[i]] += 1
            elif model[0] == "base":
                _, w, q = model
                terms[w[i]] += MIN_THRESHOLD
                terms[q[i]] += 1
            else:
                _, threshold, w2, r = model
                terms[w2[i]] += threshold
                terms[r[i]] += 1
        return terms

    def add_export(self, table: ExportTable, places, days) -> list[tuple[str, list[int]]]:
        """Every published count of `table` (rows shown and rows left out as all-zero)
        as an equation; returns the cells (name, base indexes) it publishes."""
        t = table.min_count
        since, until = table.filters.since or days[0], table.filters.until or days[-1]
        window = [d for d in days if since <= d <= until]
        periods = sorted({_period(d, table.by) for d in window})
        group = [g for g in table.group if g != "area"]
        place_values = sorted({tuple(_place_value(p, g) for g in group) for p in places})
        shown = {row.key: row for row in table.rows if not row.is_total}
        totals = {row.key: row for row in table.rows if row.is_total}
        published_cells = []
        areas = AREAS if table.with_area else (None,)
        for period, values, area in itertools.product(periods, place_values, areas):
            key = (period, *values) + ((str(area),) if area is not None else ())
            row = shown.get(key)
            base_days = [d for d in window if _period(d, table.by) == period]
            base_places = [p for p in places if tuple(_place_value(p, g) for g in group) == values]
            for column_index, column in enumerate(table.count_columns):
                cells = self._cells(column, area, base_days, base_places)
                value = row.counts[column_index] if row else 0
                self._row(self.published_terms(t, cells), value, value)
                published_cells.append((f"{table.by} {key} {column}", cells))
        for key, row in totals.items():
            area = int(key[-1]) if table.with_area else None
            for column_index, column in enumerate(table.count_columns):
                cells = self._cells(column, area, window, places)
                value = row.counts[column_index]
                self._row(self.published_terms(t, cells), value, value)
        return published_cells

    def _cells(self, column, area, days, places) -> list[int]:
        out = []
        for day, place in itertools.product(days, places):
            if area is not None:
                levels = LEVELS if column == "completed" else (column,)
                out += [self.index[("a", (day, *place, area, lvl))] for lvl in levels]
            else:
                kinds = {
                    "sessions": SESSION_KINDS,
                    "completed": SESSION_KINDS[1:],
                    "abandoned": SESSION_KINDS[:1],
                }.get(column, [("completed", column)])
                out += [self.index[("s", (day, *place, *kind))] for kind in kinds]
        return out

    def truth_point(self, key_sums) -> np.ndarray:
        """The true counts with the values each base cell really got, as a point of the
        program: it must satisfy every row (else the model would be wrong)."""
        from skillcheck.disclosure import PerturbationTable

        x = np.zeros(self.nvars)
        x[self.n] = self.truth
        if self.exact:
            return x
        s, g, w, q = self._aux
        table = PerturbationTable(MIN_THRESHOLD)
        for i, cell in enumerate(self.cells):
            n = int(self.truth[i])
            p5 = table.base_value(n, key_sums.get(cell, 0))
            x[s[i]], x[g[i]] = 0 < n < MIN_THRESHOLD, n >= MIN_THRESHOLD
            x[w[i]] = 0 < n < MIN_THRESHOLD and p5 == MIN_THRESHOLD
            x[q[i]] = p5 if n >= MIN_THRESHOLD else 0
            for t, model in self._published.items():
                if model[0] != "coarse":
                    continue
                _, _, w2, r = model
                h = self._h[t]
                p = PerturbationTable(t).perturb(n, key_sums.get(cell, 0))
                x[h[i]] = p5 >= t
                x[r[i]] = p5 if p5 >= t else 0
                x[w2[i]] = p5 < t and p == t
        return x

    def check(self, point: np.ndarray) -> list[int]:
        """The rows `point` breaks."""
        broken = []
        for r, (coefficients, low, high) in enumerate(self.rows):
            value = sum(c * point[v] for v, c in coefficients.items())
            if not low - 1e-9 <= value <= high + 1e-9:
                broken.append(r)
        return broken

    def run(self, targets: list[tuple[str, list[int]]], threshold: int) -> Result:
        """Min and max of every target whose true count is 1 .. threshold - 1."""
        matrix = lil_matrix((len(self.rows), self.nvars))
        lows, highs = np.empty(len(self.rows)), np.empty(len(self.rows))
        for r, (coefficients, low, high) in enumerate(self.rows):
            for column, value in coefficients.items():
                matrix[r, column] = value
            lows[r], highs[r] = low, high
        constraints = LinearConstraint(matrix.tocsr(), lows, highs)
        upper = np.full(self.nvars, self.big, dtype=float)
        upper[self.binaries] = 1
        bounds = Bounds(np.zeros(self.nvars), upper)
        integrality = np.ones(self.nvars)
        small = {}
        for name, cells in targets:
            true = int(self.truth[cells].sum())
            if 0 < true < threshold:
                small.setdefault(tuple(sorted(cells)), (name, true))
        pending = dict(small)
        pinned, solves = [], 0
        while pending:
            cells, (name, true) = next(iter(pending.items()))
            found_other = False
            for sign in (1, -1):  # maximise, then minimise
                objective = np.zeros(self.nvars)
                objective[self.n[list(cells)]] = -sign
                result = milp(
                    objective,
                    constraints=constraints,
                    integrality=integrality,
                    bounds=bounds,
                    options={"time_limit": 60},
                )
                solves += 1
                assert result.status == 0, f"the truth is feasible, yet: {result.message}"
                counts = np.round(result.x[self.n]).astype(int)
                for other in list(pending):
                    if int(counts[list(other)].sum()) != pending[other][1]:
                        del pending[other]
                if cells not in pending:
                    found_other = True
                    break
            if not found_other:
                pinned.append((name, true))
                del pending[cells]
        return Result(len(small), pinned, solves)


def _period(day: str, by: str) -> str:
    if by == "day":
        return day
    if by == "month":
        return day[:7]
    year, week, _ = dt.date.fromisoformat(day).isocalendar()
    return f"{year}-W{week:02d}"


def _place_value(place, column: str) -> str:
    site, terminal, region, language = place
    return {"site": site, "terminal": terminal, "region": region, "language": language}[column]


assert period_days  # the export's own period arithmetic is tested in test_reports
assert TOTAL
