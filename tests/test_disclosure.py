"""The perturbation table of the cell key method (skillcheck.disclosure).

The attackers on the released catalogue are in tests/test_published_figures.py.
"""

from __future__ import annotations

import random

import pytest

from skillcheck.disclosure import KEY_RANGE, MAX_NOISE, PerturbationTable

THRESHOLDS = (5, 7, 10, 20)


def keys(rng: random.Random, count: int) -> list[int]:
    return [rng.randrange(KEY_RANGE * 40) for _ in range(count)]  # key sums of up to 40 keys


def spread_keys(samples: int) -> list[int]:
    return [(i * KEY_RANGE) // samples + KEY_RANGE // (2 * samples) for i in range(samples)]


def test_threshold_below_five_is_refused():
    with pytest.raises(ValueError, match="at least 5"):
        PerturbationTable(4)


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
        assert max(table.support(count)) <= max(count, threshold) + MAX_NOISE


@pytest.mark.parametrize("threshold", THRESHOLDS)
@pytest.mark.parametrize("max_noise", (1, 2, MAX_NOISE, 6))
def test_possible_counts_are_exactly_the_counts_whose_support_holds_the_value(threshold, max_noise):
    """possible_counts is worked out, not searched (a network's yearly cell is in the
    millions): for every value, the smallest and largest count whose support holds it,
    found here by trying every count."""
    table = PerturbationTable(threshold, max_noise)
    holding: dict[int, list[int]] = {}
    for count in range(0, 400):
        for value in table.support(count):
            holding.setdefault(value, []).append(count)
    for value in sorted(holding):
        if value > 400 - 2 * max_noise - 2:
            break  # counts above 400 could publish it too
        assert table.possible_counts(value) == (min(holding[value]), max(holding[value])), value
    assert table.possible_counts(4_000_000) == (4_000_000 - max_noise, 4_000_000 + max_noise)


@pytest.mark.parametrize("threshold", THRESHOLDS)
def test_the_table_is_unbiased_with_the_documented_variance(threshold):
    table = PerturbationTable(threshold)
    samples = 4000
    for count in (1, 2, 4, 5, 6, 9, 10, 11, 12, 13, 15, 16, 40, 400):
        values = [table.perturb(count, k) for k in spread_keys(samples)]
        mean = sum(values) / samples
        variance = sum((v - mean) ** 2 for v in values) / samples
        assert mean == pytest.approx(count, abs=0.01 * max(count, 5))
        assert variance == pytest.approx(table.variance(count), rel=0.02, abs=0.02)
    # The design's RMS error of a count well above the threshold: sqrt(D (D + 1) / 3).
    assert table.typical_error == pytest.approx((MAX_NOISE * (MAX_NOISE + 1) / 3) ** 0.5)


def test_a_higher_threshold_only_coarsens_a_published_value():
    table = PerturbationTable(10)
    rng = random.Random(3)
    for higher in (12, 20, 30):
        total = 0.0
        for key in spread_keys(3000):
            value = table.perturb(14, key)
            shown = table.coarsen(value, key, higher)
            assert shown in (0, higher) if value < higher else shown == value
            total += shown
        assert total / 3000 == pytest.approx(14, abs=0.3)  # still unbiased
    for key in keys(rng, 100):
        assert table.coarsen(0, key, 20) == 0
