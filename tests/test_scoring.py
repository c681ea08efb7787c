"""Scoring rule 3 as tables: Eurostat's DSI 2.0 per area and overall, and what the
result may say (docs/scoring.md). The whole rule through `Session`, on every tick
pattern: tests/test_scoring_enumeration.py."""

from __future__ import annotations

import itertools
import re

import pytest

from skillcheck.bank import Bank, Item, Option
from skillcheck.digcomp import CATEGORIES, LEVELS, NOT_ASSESSED
from skillcheck.scoring import (
    AREAS_AT_LEAST_BASIC_WORDS,
    SCORING_VERSION,
    area_statements,
    category_words,
    overall_category,
    weakest_areas,
)

WORD_COUNTS = {"all five": 5, "four": 4, "three": 3, "two": 2, "one of": 1}


def expected_category(levels: tuple[str, ...]) -> str:
    """The DSI 2.0 rule, written from the Eurostat definition."""
    if levels.count("above_basic") == 5:
        return "above_basic"
    at_least_basic = 5 - levels.count("none")
    return {5: "basic", 4: "low", 3: "narrow", 2: "limited", 1: "none", 0: "none"}[at_least_basic]


def test_the_rule_is_version_3() -> None:
    assert SCORING_VERSION == 3


def test_overall_category_all_243_combinations() -> None:
    seen = set()
    combinations = list(itertools.product(LEVELS, repeat=5))
    assert len(combinations) == 243
    for combination in combinations:
        levels = dict(zip(range(1, 6), combination, strict=True))
        category = overall_category(levels)
        assert category == expected_category(combination), combination
        seen.add(category)
    assert seen | {NOT_ASSESSED} == set(CATEGORIES)


def test_not_assessed_is_its_own_category() -> None:
    assert overall_category(dict.fromkeys(range(1, 6), NOT_ASSESSED)) == NOT_ASSESSED
    with pytest.raises(ValueError):  # never half assessed
        overall_category({1: NOT_ASSESSED, 2: "basic", 3: "basic", 4: "basic", 5: "basic"})


def test_overall_category_rejects_incomplete_or_unknown_levels() -> None:
    with pytest.raises(ValueError):
        overall_category({1: "basic", 2: "basic"})
    with pytest.raises(ValueError):
        overall_category({1: "basic", 2: "basic", 3: "basic", 4: "basic", 5: "expert"})


def test_the_overall_sentence_never_contradicts_an_area() -> None:
    """It names exactly how many areas are at least basic (or all above basic)."""
    for combination in itertools.product(LEVELS, repeat=5):
        levels = dict(zip(range(1, 6), combination, strict=True))
        sentence = category_words(levels)
        at_least_basic = 5 - combination.count("none")
        if combination.count("above_basic") == 5:
            assert "more than the basics in all five" in sentence
        elif at_least_basic == 0:
            assert sentence == AREAS_AT_LEAST_BASIC_WORDS[0]
            assert "none of the activities" in sentence
        else:
            said = [n for words, n in WORD_COUNTS.items() if re.search(rf"\b{words}\b", sentence)]
            assert said == [at_least_basic], (combination, sentence)
        assert "starting out" not in sentence.lower()


def test_weakest_areas() -> None:
    levels = {1: "basic", 2: "none", 3: "above_basic", 4: "none", 5: "basic"}
    assert weakest_areas(levels) == (2, 4)
    assert weakest_areas(dict.fromkeys(range(1, 6), "basic")) == (1, 2, 3, 4, 5)
    assert weakest_areas(dict.fromkeys(range(1, 6), NOT_ASSESSED)) == (1, 2, 3, 4, 5)


def can_do(item_id: str, area: int, skill: str, outcomes: tuple[str, ...] = ()) -> Item:
    item = Item(item_id, area, f"{area}.1", "can_do", "basic", "text", skill=skill)
    object.__setattr__(item, "outcomes", outcomes)
    return item


def check(item_id: str, area: int, explanation: str | None = None) -> Item:
    options = (Option("a", "x", True), Option("b", "y"), Option("c", "z"))
    return Item(
        item_id, area, f"{area}.2", "knowledge", "basic", "t", options, explanation=explanation
    )


def test_can_already_comes_only_from_can_do_and_learn_next_never_names_what_was_shown(
    bank: Bank,
) -> None:
    copy = can_do("copy", 1, "keep a copy of your photos", ("LO1.3.02",))
    restore = can_do("restore", 5, "get your photos back from a backup", ("LO1.3.02",))
    town = can_do("town", 1, "find opening hours")
    right = check("right", 1, "Because.")
    wrong = check("wrong", 4, "The sender's address gives it away.")
    silent = check("silent", 4)
    answers = {
        "copy": "2",
        "restore": "1",
        "town": "0",
        "right": "a",
        "wrong": "b",
        "silent": "dont_know",
    }
    levels = dict.fromkeys(range(1, 6), "basic")
    statements = area_statements(
        bank.survey, [copy, restore, town, right, wrong, silent], answers, levels
    )
    assert statements[1].can == (copy,)  # never the check answered right
    assert statements[1].learn == (town,)
    assert statements[5].learn == ()  # the same learning outcome as "copy", shown
    assert statements[4].learn == (wrong, silent)
    assert statements[4].good_to_know == (wrong,)  # only checks with an explanation
    assert statements[1].good_to_know == ()
