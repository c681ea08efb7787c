"""Every answer pattern of every area, through `Session`: the promises of scoring rule 2.

For each area and each choice of its rotating variants, every combination of answers
to its items is played through a real `Session` (the other areas answered "I don't
know how"), and the result is checked against the rule as written in docs/scoring.md,
against the evidence principle, for monotonicity, and for the sentences the result
screen builds. A few thousand patterns; seconds.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Iterator

import pytest

from skillcheck.bank import CAN_DO_STEPS, DONT_KNOW, Bank, Item
from skillcheck.digcomp import AREAS, LEVELS
from skillcheck.session import Session

CAN_DO_CODES = tuple(code for code, _ in CAN_DO_STEPS)  # "0" < "1" < "2" < "3"


def codes_of(item: Item) -> tuple[str, ...]:
    if item.kind == "can_do":
        return CAN_DO_CODES
    return tuple(o.code for o in item.options) + (DONT_KNOW,)


class FixedChoice(random.Random):
    """A random source that picks the given variants of each rotation slot."""

    def __init__(self, chosen: set[str]):
        super().__init__(0)
        self.chosen = chosen

    def choice(self, seq):  # noqa: D102 - the Random API
        for item in seq:
            if item.id in self.chosen:
                return item
        return seq[0]


def forms(bank: Bank) -> Iterator[tuple[Item, ...]]:
    """Every form a visit can get: each combination of one variant per slot."""
    slots = list(bank.slots().values())
    for combination in itertools.product(*slots) if slots else [()]:
        yield bank.form(FixedChoice({i.id for i in combination}))


def play(bank: Bank, form: tuple[Item, ...], pattern: dict[str, str]) -> Session:
    """Answer the session: `pattern` where it has the item, else the lowest answer."""
    session = Session(bank, form=form)
    while not session.finished:
        item = session.current
        session = session.answer(pattern.get(item.id, codes_of(item)[0]))
    return session


def rule_as_written(items: list[Item], pattern: dict[str, str]) -> str:
    """docs/scoring.md, rule 2, stated independently of skillcheck.scoring."""

    def mastered(item: Item) -> bool:
        code = pattern[item.id]
        if item.kind == "can_do":
            return code in ("2", "3")
        return any(o.code == code and o.correct for o in item.options)

    basic = [i for i in items if i.band == "basic"]
    above = [i for i in items if i.band == "above_basic"]
    basic_ok = sum(map(mastered, basic)) >= math.ceil(len(basic) / 2) and any(
        i.kind == "can_do" and mastered(i) for i in basic
    )
    if not basic_ok:
        return "none"
    above_ok = (
        sum(map(mastered, above)) >= math.ceil(len(above) / 2)
        and any(i.kind == "can_do" and mastered(i) for i in above)
        and all(mastered(i) for i in items if i.kind == "knowledge")
    )
    return "above_basic" if above_ok else "basic"


def raised(item: Item, code: str) -> list[str]:
    """The answers that rank above `code` for this item."""
    if item.kind == "can_do":
        return [c for c in CAN_DO_CODES if c > code]
    right = next(o.code for o in item.options if o.correct)
    return [] if code == right else [right]


def area_forms(bank: Bank, area: int) -> Iterator[tuple[Item, ...]]:
    """Every choice of this area's variants (the other areas' slots fixed to their first).

    Areas do not affect each other's path or level, so this covers every form without
    playing the same area again for each choice of the other areas' variants.
    """
    slots = list(bank.slots().values())
    mine = [variants for variants in slots if variants[0].area == area]
    others = {variants[0].id for variants in slots if variants[0].area != area}
    for combination in itertools.product(*mine) if mine else [()]:
        yield bank.form(FixedChoice(others | {i.id for i in combination}))


def area_runs(bank: Bank):
    """(form, area, items, {pattern: session}) for every area and choice of its variants."""
    for area in AREAS:
        for form in area_forms(bank, area):
            items = [i for i in form if i.area == area]
            played = {}
            for codes in itertools.product(*(codes_of(i) for i in items)):
                pattern = dict(zip((i.id for i in items), codes, strict=True))
                played[codes] = (pattern, play(bank, form, pattern))
            yield form, area, items, played


@pytest.fixture(scope="module")
def runs(bank):
    return list(area_runs(bank))


def test_patterns_are_many(runs):
    assert sum(len(played) for *_, played in runs) > 2000


def test_level_is_the_rule_as_written(runs):
    for _form, area, items, played in runs:
        for pattern, session in played.values():
            assert session.result().levels[area] == rule_as_written(items, pattern), pattern


def test_evidence_first(runs):
    """Basic needs a basic can-do item mastered; above basic an above-basic one; a
    knowledge answer not right always holds the area back from above basic."""
    for _form, area, items, played in runs:
        for pattern, session in played.values():
            level = session.result().levels[area]
            answered = session.answers
            can = {i.id for i in items if i.kind == "can_do" and answered.get(i.id) in ("2", "3")}
            if level != "none":
                assert any(i.band == "basic" and i.id in can for i in items), pattern
            if level == "above_basic":
                assert any(i.band == "above_basic" and i.id in can for i in items), pattern
                for item in items:
                    if item.kind == "knowledge":
                        assert item.is_mastered(answered.get(item.id)), pattern


def test_monotone(runs):
    """Raising any one answer never lowers the area's level."""
    for _form, area, items, played in runs:
        rank = {codes: LEVELS.index(s.result().levels[area]) for codes, (_, s) in played.items()}
        for codes, level in rank.items():
            for index, item in enumerate(items):
                for better in raised(item, codes[index]):
                    higher = codes[:index] + (better,) + codes[index + 1 :]
                    assert rank[higher] >= level, (item.id, codes, better)


def test_every_sentence_is_backed_by_an_answer(runs):
    """ "You can already" lists only items answered "on my own"+ or right; "Learn next"
    only items asked and not mastered; nothing about an item not asked."""
    for _form, area, _items, played in runs:
        for _pattern, session in played.values():
            answers = session.answers
            statement = session.result().statements[area]
            for item in statement.can:
                assert item.id in answers and item.is_mastered(answers[item.id])
                if item.kind == "can_do":
                    assert answers[item.id] in ("2", "3")
            for item in statement.learn:
                assert item.id in answers and not item.is_mastered(answers[item.id])
            assert {i.id for i in statement.can + statement.learn} == {
                i.id for i in session.path if i.area == area
            }


def test_no_can_do_mastered_finishes_within_twelve_items(bank):
    """Whatever the knowledge answers, someone who can do nothing alone sees ≤ 12 items.

    Areas do not affect each other's path, so every knowledge pattern of one area (the
    others all right, then all "I don't know") covers every combination's length.
    """
    for area in AREAS:
        for form in area_forms(bank, area):
            knowledge = [i for i in form if i.kind == "knowledge"]
            right = {i.id: next(o.code for o in i.options if o.correct) for i in knowledge}
            mine = [i for i in knowledge if i.area == area]
            for others in (right, dict.fromkeys(right, DONT_KNOW)):
                for choice in itertools.product(*(codes_of(i) for i in mine)):
                    pattern = dict(others)
                    pattern.update(zip((i.id for i in mine), choice, strict=True))
                    pattern.update({i.id: "1" for i in form if i.kind == "can_do"})
                    session = play(bank, form, pattern)
                    assert len(session.path) <= 12, len(session.path)
                    assert set(session.result().levels.values()) == {"none"}


def test_rotation_is_random_per_visit_and_never_lengthens_the_path(bank):
    seen = set()
    lengths = set()
    for seed in range(40):
        session = Session(bank, rng=random.Random(seed))
        seen.add(tuple(i.id for i in session.form))
        lengths.add(len(session.form))
    assert len(lengths) == 1
    if bank.slots():
        assert len(seen) > 1
