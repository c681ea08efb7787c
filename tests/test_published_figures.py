"""The published figures hold against the attackers of issue 21, on a generated network.

A busy library (10 visits a day) and a quiet one (2 a day) for a whole year, released
by `publish`: the attackers of tests/lp_attacker.py and tests/catalogue_attackers.py
read every figure any export can print. Short versions here (a few draws of the keys);
`make bench` runs the long ones (benchmarks/attack.py). They fail on the code before
issue 21, which published sums of perturbed daily cells and had no `publish`.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil

import pytest

import catalogue_attackers as attackers
import published_data
from skillcheck.releases import network_settings, publish

YEAR = dt.date(2025, 1, 1)
SITES = [
    published_data.Site("Bibliotheek Gent", 10, "flanders"),
    published_data.Site("Bibliothèque Mons", 2, "wallonia"),
]
QUIET = "Bibliothèque Mons"


@pytest.fixture(scope="module")
def network(tmp_path_factory):
    """The generated visits and a released database file of them."""
    rng = random.Random(2025)
    visits = published_data.generate(rng, SITES, YEAR, 365, {"nl": 70, "fr": 30})
    path = tmp_path_factory.mktemp("network") / "network.db"
    db = published_data.store(path, visits)
    publish(db, dt.date.today())
    db.close()
    return visits, path


@pytest.fixture
def db(network, tmp_path):
    """A copy of the released network, for a test that draws new keys."""
    from skillcheck.store import open_database

    _, path = network
    copy = tmp_path / "copy.db"
    shutil.copy(path, copy)
    database = open_database(copy)
    yield database
    database.close()


def test_the_lp_attacker_pins_no_small_count(db):
    from lp_attacker import attack

    catalogue = attackers.Catalogue.read(db)
    result = attack(catalogue, network_settings(db).table)
    assert result.targets > 100  # small counts of printed figures and of finest cells
    assert result.pinned == [] and result.undecided == []


def test_the_lp_attacker_pins_every_small_count_of_true_figures(db):
    """The same attacker against true counts of the same tables: it is strong enough."""
    from lp_attacker import attack

    catalogue = attackers.Catalogue.read(db)
    result = attack(catalogue, network_settings(db).table, exact=True)
    printed = [name for name, _ in result.pinned if name.startswith("published")]
    assert len(printed) >= 10


def test_no_averaging_over_the_whole_catalogue_brings_a_small_count_below_rmse_1_5(db):
    measured = attackers.averaging_attack(db, random.Random(1), draws=2)
    assert measured["small_counts"] >= 10
    # Small counts the rule hides but other printed figures determine (a quiet site's
    # month as the network's month minus the busy site's) are attacked too.
    assert measured["hidden_small_counts"] >= 10
    assert measured["rmse"] >= 1.5
    # Each small count on its own, from the estimator's exact error (no sampling luck).
    assert measured["lowest_standard_error"] >= 1.5


def test_an_onlooker_at_a_two_a_day_site_reads_no_more_than_1_2_times_the_prior(network):
    from skillcheck.store import open_database

    visits, path = network
    db = open_database(path, read_only=True)
    try:
        prior = attackers.whole_result_prior(random.Random(5))
        measured = attackers.onlooker_attack(db, visits, QUIET, prior)
    finally:
        db.close()
    assert measured["trials"] > 400  # every completed visit of the quiet site
    assert measured["ratio"] <= 1.2


def test_figures_are_precise_where_coordinators_need_them(db):
    """A busy site's month within 2 % RMS, its year within 0.5 %, the network's month
    within 0.5 % (visits and completed visits, over three draws of the keys)."""
    rng = random.Random(3)

    def pick(grouping, value, kind):
        def select(cell, true):
            return (
                cell.grouping == grouping
                and cell.group_value == value
                and cell.area == 0
                and cell.measure in ("sessions", "completed")
                and len(cell.period) == {"month": 7, "year": 4}[kind]
            )

        return select

    busy = SITES[0].name
    assert attackers.published_error(db, rng, 3, pick("site", busy, "month")) <= 0.02
    assert attackers.published_error(db, rng, 3, pick("site", busy, "year")) <= 0.005


def test_a_network_of_twelve_sites_gets_its_months_within_half_a_percent(tmp_path):
    rng = random.Random(12)
    sites = [published_data.Site(f"Site {n}", 5, "brussels") for n in range(12)]
    visits = published_data.generate(rng, sites, YEAR, 90)
    db = published_data.store(tmp_path / "network.db", visits)
    try:
        publish(db, dt.date.today())

        def network_month(cell, true):
            return (
                cell.grouping == "network"
                and cell.area == 0
                and cell.measure in ("sessions", "completed")
                and len(cell.period) == 7
            )

        assert attackers.published_error(db, rng, 3, network_month) <= 0.005
    finally:
        db.close()
