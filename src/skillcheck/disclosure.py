"""Statistical disclosure control for published counts: the cell key method on the
output cells of a fixed catalogue of tables (skillcheck.releases).

The method of the ABS (TableBuilder) and the ONS (Census 2021), as the ESSnet
Handbook on SDC describes it (docs/facilitators.md cites them):

- every session gets a secret random key in [0, 2**32) when it is saved (the store
  draws it; `merge` copies it; it never leaves the database);
- a **published cell** is one count of one table of the catalogue (a site's completed
  visits in March 2026, the network's "basic" in area 4 in 2026-Q1 …); its cell key
  is the sum of its sessions' keys mod 2**32, so the same sessions always get the same
  noise, in any table and on any copy of the database;
- its published value is looked up in the perturbation table below from its true
  count and its cell key, **once**: `skillcheck publish` stores it and every export
  reads the stored value (a closed period is never computed again, so two exports
  never differ by one visitor);
- totals are cells of their own, perturbed on their own: a total is not the sum of
  its rows (the offices' practice; adding rows up only adds their noise).

The perturbation table (threshold T, set per network, at least 5; D = 5):

- a true 0 stays 0 (nobody is described by a zero);
- a true count n from 1 to T - 1 becomes T with probability n / T, else 0 (so no
  published count lies between 1 and T - 1, and a 0 may hide up to T - 1 visits);
- a true count n >= T becomes n + d, d uniform on [-k, k] with k = min(D, n - T)
  (never below T; variance k(k + 1) / 3, 10 for counts of T + 5 and more).

Every step is unbiased: the expected published value is the true value, and its
variance is `variance(n)`; what a published value allows is `possible_counts`.
"""

from __future__ import annotations

from dataclasses import dataclass

KEY_RANGE = 2**32  # keys and cell keys are in [0, KEY_RANGE)
MAX_NOISE = 5  # D: the largest change of a count at or above the threshold
MIN_THRESHOLD = 5  # a network's threshold may not be lower
DEFAULT_THRESHOLD = 10


# The second uniform number of a key, for the coarsening to a higher threshold: an
# LCG step (multiplier < 2**31 so key * multiplier stays below 2**63 in SQLite).
_MIX_MULTIPLIER, _MIX_INCREMENT = 1103515245, 12345


def _mixed(key: int) -> int:
    return (key * _MIX_MULTIPLIER + _MIX_INCREMENT) % KEY_RANGE


@dataclass(frozen=True)
class PerturbationTable:
    """The published value of a cell from its true count and its cell key."""

    threshold: int = DEFAULT_THRESHOLD
    max_noise: int = MAX_NOISE

    def __post_init__(self) -> None:
        if self.threshold < MIN_THRESHOLD:
            raise ValueError(f"--min-count must be at least {MIN_THRESHOLD}, not {self.threshold}")

    def spread(self, count: int) -> int:
        """k: how far a count at or above the threshold can move (0 just at it)."""
        return min(self.max_noise, count - self.threshold)

    def perturb(self, count: int, key_sum: int) -> int:
        """The published value of a cell with `count` sessions whose keys sum to `key_sum`."""
        if count <= 0:
            return 0
        key = key_sum % KEY_RANGE
        t = self.threshold
        if count < t:
            # t with probability count / t: key < count * 2**32 / t.
            return t if key * t < count * KEY_RANGE else 0
        spread = self.spread(count)
        return count + (key * (2 * spread + 1)) // KEY_RANGE - spread

    def coarsen(self, value: int, key_sum: int, higher: int) -> int:
        """A published value shown with a higher threshold: a value from T to
        `higher` - 1 becomes `higher` with probability value / `higher`, else 0 (from a
        second number made from the key). Unbiased, and a function of the published
        value and the secret key only: it never tells more than the value itself."""
        if value == 0 or value >= higher:
            return value
        mixed = _mixed(key_sum % KEY_RANGE)
        return higher if mixed * higher < value * KEY_RANGE else 0

    def support(self, count: int) -> set[int]:
        """Every value that can be published for a true count."""
        if count <= 0:
            return {0}
        if count < self.threshold:
            return {0, self.threshold}
        spread = self.spread(count)
        return set(range(count - spread, count + spread + 1))

    def possible_counts(self, published: int) -> tuple[int, int]:
        """The smallest and largest true count that can be published as `published`
        (what an attacker who knows this table learns from one cell: an interval)."""
        t, d = self.threshold, self.max_noise
        if published != 0 and published < t:
            raise ValueError(f"{published} is never published with threshold {t}")
        # Worked out from `support` rather than by trying every count up to the value
        # (that took 80 s of CPU for one export of a 10 M-session network's months):
        # 0 comes from 0 and from every count below T; a value p >= T from the counts
        # n >= T whose interval [max(n - D, T), min(n + D, 2n - T)] holds p (both ends
        # grow with n), and p = T also from every count 1 .. T - 1.
        # test_disclosure checks it against `support` count by count.
        if published == 0:
            return 0, t - 1
        if published == t:
            return 1, published + d
        return max(published - d, (published + t + 1) // 2), published + d

    def variance(self, count: int) -> float:
        """The variance of the published value of a cell with `count` sessions (exact)."""
        if count <= 0:
            return 0.0
        if count < self.threshold:
            return float(count * (self.threshold - count))
        spread = self.spread(count)
        return spread * (spread + 1) / 3

    @property
    def typical_error(self) -> float:
        """The standard deviation of a count of T + D or more: the design's RMS error."""
        return (self.max_noise * (self.max_noise + 1) / 3) ** 0.5
