"""The scoring rule of docs/scoring.md, as tables."""

from __future__ import annotations

import itertools

import pytest

from skillcheck.bank import Item, Option
from skillcheck.digcomp import CATEGORIES, LEVELS
from skillcheck.scoring import (
    area_level,
    overall_category,
    weakest_areas,
)


def can_do(item_id: str, band: str) -> Item:
    return Item(id=item_id, area=1, competence="1.1", kind="can_do", band=band, text="x")


def knowledge(item_id: str, band: str) -> Item:
    options = (Option("a", "right", True), Option("b", "wrong"), Option("c", "also wrong"))
    return Item(
        id=item_id, area=1, competence="1.2", kind="knowledge", band=band, text="x", options=options
    )


# An area like the shipped ones: 3 basic (one a knowledge check), 2 above basic.
AREA = [
    can_do("b1", "basic"),
    can_do("b2", "basic"),
    knowledge("bk", "basic"),
    can_do("a1", "above_basic"),
    knowledge("ak", "above_basic"),
]


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        # nothing answered / everything skipped
        ({}, "none"),
        # basic needs at least half (2 of 3) basic items mastered
        ({"b1": "3", "b2": "1", "bk": "b"}, "none"),
        ({"b1": "2", "b2": "2", "bk": "dont_know"}, "basic"),
        ({"b1": "1", "b2": "2", "bk": "a"}, "basic"),
        # "with help" (1) is not "can do"; "on my own" (2) is
        ({"b1": "1", "b2": "1", "bk": "a"}, "none"),
        # above basic: basic + at least half (1 of 2) above items + no knowledge miss
        ({"b1": "2", "b2": "2", "bk": "a", "a1": "2", "ak": "a"}, "above_basic"),
        ({"b1": "2", "b2": "2", "bk": "a", "a1": "3", "ak": "dont_know"}, "basic"),
        # rule 2: a knowledge answer never lifts alone; above basic needs an
        # above-basic can-do item mastered
        ({"b1": "2", "b2": "2", "bk": "a", "a1": "1", "ak": "a"}, "basic"),
        ({"b1": "2", "b2": "2", "bk": "a", "a1": "1", "ak": "c"}, "basic"),
        # a wrong basic knowledge answer keeps the area from above basic
        ({"b1": "3", "b2": "3", "bk": "b", "a1": "3", "ak": "a"}, "basic"),
        ({"b1": "3", "b2": "3", "bk": "dont_know", "a1": "3", "ak": "a"}, "basic"),
        # above-basic answers cannot make up for missing basics
        ({"b1": "0", "b2": "0", "bk": "a", "a1": "3", "ak": "a"}, "none"),
    ],
)
def test_area_level_table(answers: dict[str, str], expected: str) -> None:
    assert area_level(AREA, answers) == expected


@pytest.mark.parametrize(
    ("basic_answers", "expected"),
    [(("0", "0"), "none"), (("2", "0"), "basic"), (("0", "3"), "basic"), (("1", "1"), "none")],
)
def test_two_basic_items_need_one(basic_answers: tuple[str, str], expected: str) -> None:
    items = [can_do("b1", "basic"), can_do("b2", "basic"), can_do("a1", "above_basic")]
    assert area_level(items, dict(zip(("b1", "b2"), basic_answers, strict=True))) == expected


def test_a_knowledge_answer_alone_never_gives_basic() -> None:
    """Rule 2: two basic items, one a knowledge check answered right, the can-do denied."""
    items = [can_do("b1", "basic"), knowledge("bk", "basic"), can_do("a1", "above_basic")]
    assert area_level(items, {"b1": "0", "bk": "a"}) == "none"
    assert area_level(items, {"b1": "1", "bk": "a"}) == "none"
    assert area_level(items, {"b1": "2", "bk": "b"}) == "basic"


def expected_category(levels: tuple[str, ...]) -> str:
    """The DSI 2.0 rule, written from the Eurostat definition."""
    if levels.count("above_basic") == 5:
        return "above_basic"
    at_least_basic = 5 - levels.count("none")
    return {5: "basic", 4: "low", 3: "narrow", 2: "limited", 1: "none", 0: "none"}[at_least_basic]


def test_overall_category_all_243_combinations() -> None:
    seen = set()
    combinations = list(itertools.product(LEVELS, repeat=5))
    assert len(combinations) == 243
    for combination in combinations:
        levels = dict(zip(range(1, 6), combination, strict=True))
        category = overall_category(levels)
        assert category == expected_category(combination), combination
        seen.add(category)
    assert seen == set(CATEGORIES)


@pytest.mark.parametrize(
    ("levels", "category"),
    [
        (["above_basic"] * 5, "above_basic"),
        (["above_basic"] * 4 + ["basic"], "basic"),
        (["above_basic"] * 4 + ["none"], "low"),
        (["basic", "basic", "basic", "none", "none"], "narrow"),
        (["none", "above_basic", "none", "basic", "none"], "limited"),
        (["none", "none", "none", "none", "above_basic"], "none"),
        (["none"] * 5, "none"),
    ],
)
def test_overall_category_examples(levels: list[str], category: str) -> None:
    assert overall_category(dict(enumerate(levels, start=1))) == category


def test_overall_category_rejects_incomplete_or_unknown_levels() -> None:
    with pytest.raises(ValueError):
        overall_category({1: "basic", 2: "basic"})
    with pytest.raises(ValueError):
        overall_category({1: "basic", 2: "basic", 3: "basic", 4: "basic", 5: "expert"})


def test_weakest_areas() -> None:
    levels = {1: "basic", 2: "none", 3: "above_basic", 4: "none", 5: "basic"}
    assert weakest_areas(levels) == (2, 4)
    assert weakest_areas(dict.fromkeys(range(1, 6), "basic")) == (1, 2, 3, 4, 5)


def test_the_boundary_table_of_docs_scoring_md() -> None:
    """Every row of the page's boundary table is what area_level gives."""
    from skillcheck.paths import QUESTIONS_DIR

    page = (QUESTIONS_DIR.parent / "docs" / "scoring.md").read_text(encoding="utf-8")
    table = page.split("### Boundary table")[1].split("\n\n")[1]
    rows = [line for line in table.splitlines() if line.startswith("| ")][1:]
    knowledge_code = {"right": "a", "wrong": "b", "don't know": "dont_know"}
    assert len(rows) >= 8
    for row in rows:
        basic, above, level = (cell.strip() for cell in row.strip("|").split("|"))
        b1, b2, bk = (part.strip() for part in basic.split(","))
        answers = {"b1": b1, "b2": b2, "bk": knowledge_code[bk]}
        if "skipped" not in above:
            a1, ak = (part.strip() for part in above.split(","))
            answers |= {"a1": a1, "ak": knowledge_code[ak]}
        expected = level.split("`")[1]
        assert area_level(AREA, answers) == expected, row
