"""An attacker on every published figure at once: a mixed-integer program (scipy's HiGHS).

It knows what a data-protection reviewer knows: the method and its perturbation
table (documented), the sites, regions and languages, and every figure any export
of the database can print (the whole released catalogue, as far as the one rule
shows it: catalogue_attackers.shown_cells). Its unknowns are the true finest counts
(month, site, region, language, and abandoned / a category / a level of one area),
whole numbers; each printed figure confines the true sum of its finest counts to the
interval the table allows (`PerturbationTable.possible_counts`: a 0 to 0 .. T - 1, a
T to 1 .. T + D, any other value v to about v - D .. v + D); the tie between the
tables holds in each finest place (completed = the sum of the categories = the sum
of the levels of each area). For each small true count (1 .. T - 1) of a printed
figure or of a finest cell it asks for the smallest and largest value consistent
with all of it. A count is *pinned* when both equal the truth.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_matrix, vstack

from catalogue_attackers import Catalogue
from skillcheck.disclosure import PerturbationTable


@dataclass
class Result:
    """What the attack found."""

    targets: int  # small true counts attacked
    pinned: list  # those recovered exactly
    solves: int
    undecided: list  # the solver found no point within its time limit (bench sizes)


def attack(
    catalogue: Catalogue, table: PerturbationTable, exact: bool = False, time_limit: float = 60
) -> Result:
    """Min and max of every small true count given every printed figure.

    `exact=True` models publishing true counts (to show the attacker's strength).
    """
    n = len(catalogue.finest)
    bounds_low, bounds_high = [], []
    for value in catalogue.truth if exact else catalogue.published:
        low, high = (value, value) if exact else table.possible_counts(int(value))
        bounds_low.append(low)
        bounds_high.append(high)
    rows = vstack([csr_matrix(catalogue.matrix), csr_matrix(catalogue.ties)])
    low = np.concatenate([bounds_low, np.zeros(len(catalogue.ties))])
    high = np.concatenate([bounds_high, np.zeros(len(catalogue.ties))])
    constraints = LinearConstraint(rows, low, high)
    big = float(catalogue.finest_truth.sum()) + 50
    bounds = Bounds(np.zeros(n), np.full(n, big))
    integrality = np.ones(n)
    assert np.all(catalogue.matrix @ catalogue.finest_truth >= np.array(bounds_low) - 1e-9)
    assert np.all(catalogue.matrix @ catalogue.finest_truth <= np.array(bounds_high) + 1e-9)

    threshold = table.threshold
    targets: dict[tuple, tuple[str, int]] = {}
    for row, cell in enumerate(catalogue.cells):
        true = int(catalogue.truth[row])
        if 0 < true < threshold:
            key = tuple(np.flatnonzero(catalogue.matrix[row]))
            targets.setdefault(key, (f"published {cell}", true))
    for column, cell in enumerate(catalogue.finest):
        true = int(catalogue.finest_truth[column])
        if 0 < true < threshold:
            targets.setdefault((column,), (f"finest {cell}", true))
    pending = dict(targets)
    pinned, undecided, solves = [], [], 0

    def solve(objective: np.ndarray) -> bool:
        nonlocal solves
        result = milp(
            objective,
            constraints=constraints,
            integrality=integrality,
            bounds=bounds,
            options={"time_limit": time_limit},
        )
        solves += 1
        if result.x is None:  # no point found in time: say so, never count it as safe
            assert result.status == 1, f"the truth is feasible, yet: {result.message}"
            return False
        point = np.round(result.x)
        for other in list(pending):
            if int(point[list(other)].sum()) != pending[other][1]:
                del pending[other]
        return True

    # First push every pending count up, then down, with random weights: each solution
    # is a whole table of true counts consistent with everything printed, and every
    # count it gets wrong is not pinned. Then one count at a time.
    rng = np.random.default_rng(0)
    for _ in range(3):
        for sign in (1, -1):
            objective = np.zeros(n)
            for columns in pending:
                objective[list(columns)] -= sign * rng.uniform(0.5, 1.5)
            if pending:
                solve(objective)
    while pending:
        columns, (name, true) = next(iter(pending.items()))
        moved = False
        for sign in (1, -1):  # maximise, then minimise
            objective = np.zeros(n)
            objective[list(columns)] = -sign
            if not solve(objective):
                undecided.append((name, true))
                del pending[columns]
                moved = True
                break
            if columns not in pending:
                moved = True
                break
        if not moved:
            pinned.append((name, true))
            del pending[columns]
    return Result(len(targets), pinned, solves, undecided)
