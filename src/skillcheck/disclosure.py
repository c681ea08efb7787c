"""Statistical disclosure control for published counts: the cell key method.

The method of the ONS and the ABS for flexible table builders, in the form that
holds when exports are combined:

- every session gets a secret random key in [0, 2**32) when it is saved (the store
  draws it; `merge` copies it; it never leaves the database);
- the **base cells** are the rows of the daily count tables (one day, site,
  terminal, region, language, scoring version and status/category, or area/level);
  each holds its sessions' count and the plain sum of their keys;
- a base cell's published count is looked up in the perturbation table below from
  its true count and its cell key (the key sum mod 2**32): the same base cell
  always gets the same value, on a terminal's database and on a merged one;
- every published figure (any period, grouping, total, window) is the **sum of
  perturbed base cells**, never a fresh count. So each base cell is released
  exactly once, whatever is asked: differencing two exports gives back only sums
  of perturbed base cells, and there is no second noisy copy of any cell to
  average.

The perturbation table (threshold T = `min_count`, at least 5; D = 2):

- a true 0 stays 0 (nobody is described by a zero);
- a true count n from 1 to T - 1 becomes T with probability n / T, else 0 (so no
  published base cell, and no sum of them, lies between 1 and T - 1);
- a true count n >= T becomes n + d, d uniform on [-k, k] with k = min(D, n - T)
  (never below T; variance k(k + 1) / 3, at most 2).

Every step is unbiased: the expected published value is the true value. What an
attacker who knows this table learns from a published base value is an interval
of at least two true values (`possible_counts`); tests/test_disclosure.py attacks
combinations of exports with a linear program.
"""

from __future__ import annotations

from dataclasses import dataclass

KEY_RANGE = 2**32  # keys and cell keys are in [0, KEY_RANGE)
MAX_NOISE = 2  # D: the largest change of a count at or above the threshold
MIN_THRESHOLD = 5  # --min-count may not go lower
DEFAULT_THRESHOLD = 10


# The second uniform number of a key, for the coarsening to a higher threshold: an
# LCG step. (Computed in Python only, for SQLite and PostgreSQL alike: reports.py.)
_MIX_MULTIPLIER, _MIX_INCREMENT = 1103515245, 12345


def _mixed(key: int) -> int:
    return (key * _MIX_MULTIPLIER + _MIX_INCREMENT) % KEY_RANGE


@dataclass(frozen=True)
class PerturbationTable:
    """The published value of a base cell from its true count and its cell key."""

    threshold: int = DEFAULT_THRESHOLD
    max_noise: int = MAX_NOISE

    def __post_init__(self) -> None:
        if self.threshold < MIN_THRESHOLD:
            raise ValueError(f"--min-count must be at least {MIN_THRESHOLD}, not {self.threshold}")

    def base_value(self, count: int, key_sum: int) -> int:
        """The release at the lowest threshold (5) that every threshold starts from."""
        if count <= 0:
            return 0
        key = key_sum % KEY_RANGE
        low = MIN_THRESHOLD
        if count < low:
            # `low` with probability count / low: key < count * 2**32 / low.
            return low if key * low < count * KEY_RANGE else 0
        spread = min(self.max_noise, count - low)
        return count + (key * (2 * spread + 1)) // KEY_RANGE - spread

    def perturb(self, count: int, key_sum: int) -> int:
        """The published value of a base cell with `count` sessions whose keys sum to `key_sum`.

        A higher threshold T only coarsens the release at 5: a base value from 5 to
        T - 1 becomes T with probability value / T (drawn from a second number made
        from the key), else 0. So exports with several --min-count values together
        tell no more than the release at 5 alone.
        """
        value = self.base_value(count, key_sum)
        threshold = self.threshold
        if value == 0 or value >= threshold:
            return value
        mixed = _mixed(key_sum % KEY_RANGE)
        return threshold if mixed * threshold < value * KEY_RANGE else 0

    def base_support(self, count: int) -> set[int]:
        """Every value the release at 5 can take for a true count."""
        low = MIN_THRESHOLD
        if count <= 0:
            return {0}
        if count < low:
            return {0, low}
        spread = min(self.max_noise, count - low)
        return set(range(count - spread, count + spread + 1))

    def support(self, count: int) -> set[int]:
        """Every value that can be published for a true count (what the table allows)."""
        values = set()
        for value in self.base_support(count):
            if value == 0 or value >= self.threshold:
                values.add(value)
            else:
                values |= {0, self.threshold}
        return values

    def possible_counts(self, published: int) -> tuple[int, int]:
        """The smallest and largest true count that can be published as `published`.

        What an attacker who knows this table (it is documented) learns from one
        base cell; always at least two values wide.
        """
        if published != 0 and published < self.threshold:
            raise ValueError(f"{published} is never published with threshold {self.threshold}")
        reach = max(published, self.threshold) + self.max_noise + 1
        candidates = [n for n in range(0, reach + 1) if published in self.support(n)]
        return min(candidates), max(candidates)

    def variance(self, count: int, samples: int = 10_000) -> float:
        """The variance of the published value of a base cell with `count` sessions,
        over evenly spread keys (for the documented error of totals)."""
        values = [
            self.perturb(count, (i * KEY_RANGE) // samples + KEY_RANGE // (2 * samples))
            for i in range(samples)
        ]
        mean = sum(values) / samples
        return sum((v - mean) ** 2 for v in values) / samples
