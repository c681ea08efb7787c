"""One person's visit: the order of its steps, adaptive follow-ups, back, answers. No I/O.

The visit's whole order lives here, in one place (`VISIT_OPENING` and `Session.path`):

    language → intro → did you use the internet in the last 3 months?
      no  → result (not assessed: the beginners' places and the help desk)
      yes → per area, in DigComp order: the area's tick-list, then that area's items
            → result

What follows an area's tick-list depends on the level the ticks give (Eurostat's
DSI 2.0 rule): nothing ticked → the area's basic can-do items (what to learn first);
basic → its above-basic items; above basic → at most one knowledge check. The items
never change a level.

A `Session` is immutable: `answer()`, `tick()` and `back()` return a new one, so the
kiosk can drop a person's whole visit by dropping one reference.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from dataclasses import InitVar, dataclass, field
from functools import cached_property
from types import MappingProxyType

from skillcheck.activities import (
    FILTER_CODES,
    NO_INTERNET,
    NOT_TICKED,
    TICKED,
    USED_INTERNET,
    Activity,
    Survey,
)
from skillcheck.bank import DONT_KNOW, Answer, Bank, Item
from skillcheck.digcomp import AREAS, NOT_ASSESSED
from skillcheck.scoring import (
    AreaStatement,
    area_levels,
    area_statements,
    overall_category,
)

# The screens before a Session exists: the language, then "Before you start".
VISIT_OPENING: tuple[str, ...] = ("language", "intro")

# The kinds of step a session goes through (the kiosk shows one screen per kind).
FILTER = "filter"
ACTIVITIES = "activities"
ITEM = "item"
RESULT = "result"

# The answers row that keeps where a knowledge check's chosen option was shown
# ("<item id>#shown" -> "1".."4"), for item statistics; never a person's answer.
SHOWN_SUFFIX = "#shown"


@dataclass(frozen=True)
class Step:
    """One screen of the visit: the filter question, an area's tick-list, or an item."""

    kind: str
    area: int = 0
    item: Item | None = None

    @property
    def key(self) -> str:
        """What identifies this step among the visit's steps."""
        if self.kind == ITEM:
            assert self.item is not None
            return self.item.id
        return self.kind if self.kind == FILTER else f"{ACTIVITIES}-{self.area}"


@dataclass(frozen=True)
class Progress:
    """For the progress bar: "Question `number` of at most `at_most`"."""

    number: int
    at_most: int


@dataclass(frozen=True)
class Result:
    """What a finished session shows: a level per area and the overall category."""

    levels: Mapping[int, str]
    category: str
    # Per area, what the person did, can already, should learn next and good to know:
    # the only source of the result's lines.
    statements: Mapping[int, AreaStatement] = field(default_factory=dict)

    @property
    def assessed(self) -> bool:
        """False for someone who did not use the internet in the last 3 months."""
        return self.category != NOT_ASSESSED


def _frozen(answers: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(answers))


def follow_ups(form: Iterable[Item], area: int, level: str) -> tuple[Item, ...]:
    """The items an area's tick-list leads to, from this visit's form.

    `none`: the area's basic can-do items; `basic`: its above-basic items;
    `above_basic`: the area's first knowledge check (one at most).
    """
    mine = [i for i in form if i.area == area]
    if level == "none":
        return tuple(i for i in mine if i.band == "basic" and i.kind == "can_do")
    if level == "basic":
        return tuple(i for i in mine if i.band == "above_basic")
    return tuple(i for i in mine if i.kind == "knowledge")[:1]


def most_follow_ups(form: Iterable[Item], area: int) -> int:
    """The most items any tick pattern of this area can lead to."""
    form = tuple(form)
    return max(len(follow_ups(form, area, level)) for level in ("none", "basic", "above_basic"))


def longest_visit(bank: Bank) -> int:
    """The most steps any visit can have (the internet question, the five lists and
    the most items any ticks lead to, on any form): what the intro promises.

    An area's follow-ups come from its own items only and every rotation slot lies
    in one area, so the longest form is each area's longest combination of its own
    slots' variants: a few dozen forms instead of every form of the bank (24,576,
    1.1 s of CPU each time the intro was shown, issue 25)."""
    import itertools

    survey = bank.survey
    lists = len(survey.areas) if survey else 0
    slots = bank.slots().values()
    most = 0
    for area in AREAS:
        fixed = [i for i in bank.items if i.area == area and not i.rotation]
        own_slots = [variants for variants in slots if variants[0].area == area]
        most += max(
            most_follow_ups(fixed + list(combination), area)
            for combination in itertools.product(*own_slots)
        )
    return 1 + lists + most


@dataclass(frozen=True)
class Session:
    """Where one person is in the visit and what they answered so far."""

    bank: Bank
    given: Mapping[str, str] = field(default_factory=lambda: _frozen({}))
    position: int = 0
    # The items this visit can be asked: one variant of each rotation slot, chosen
    # once per visit at random (never a counter: that would store arrival order).
    form: tuple[Item, ...] | None = None
    # Each knowledge check's options in the order this visit shows them (codes),
    # shuffled once per visit: a key's place says nothing.
    orders: Mapping[str, tuple[str, ...]] | None = None
    rng: InitVar[random.Random | None] = None

    def __post_init__(self, rng: random.Random | None) -> None:
        rng = rng or random.SystemRandom()
        if self.form is None:
            object.__setattr__(self, "form", self.bank.form(rng))
        if self.orders is None:
            orders = {}
            for item in self.form:
                if item.kind == "knowledge":
                    codes = [o.code for o in item.options]
                    rng.shuffle(codes)
                    orders[item.id] = tuple(codes)
            object.__setattr__(self, "orders", MappingProxyType(orders))

    def _moved(self, given: Mapping[str, str], position: int) -> Session:
        return Session(self.bank, _frozen(given), position, self.form, self.orders)

    @property
    def survey(self) -> Survey:
        survey = self.bank.survey
        assert survey is not None, "the bank has no activities.toml"
        return survey

    @property
    def assessed(self) -> bool | None:
        """Whether the person used the internet in 3 months (None: not answered yet)."""
        code = self.given.get(self.survey.filter.id)
        return None if code is None else code == USED_INTERNET

    def ticked(self, area: int) -> bool:
        """Whether this area's tick-list has been answered."""
        return all(a.id in self.given for a in self.survey.area(area).activities)

    @cached_property  # a session never changes (answers make a new one); read often
    def path(self) -> tuple[Step, ...]:
        """The steps this person goes through, given their answers so far.

        Steps after an unanswered tick-list are that list and the next areas' lists:
        which items follow a list is known once it is answered.
        """
        steps = [Step(FILTER)]
        if self.assessed is False:
            return tuple(steps)
        for area in AREAS:
            steps.append(Step(ACTIVITIES, area))
            if self.ticked(area):
                level = self.survey.area(area).level(self.given)
                steps += [Step(ITEM, area, item) for item in follow_ups(self.form, area, level)]
        return tuple(steps)

    @property
    def current(self) -> Step | None:
        """The step on screen, or None when the session is finished."""
        path = self.path
        return path[self.position] if self.position < len(path) else None

    @property
    def next_screen(self) -> str:
        """The kind of screen to show now: filter, activities, item or result."""
        current = self.current
        return RESULT if current is None else current.kind

    @property
    def finished(self) -> bool:
        """Whether every step on the path has been answered."""
        return self.current is None

    @property
    def can_go_back(self) -> bool:
        """Whether there is an earlier step to go back to."""
        return self.position > 0

    @property
    def progress(self) -> Progress:
        """Position and the most steps that can still come."""
        path = self.path
        at_most = len(path)
        if self.assessed is not False:
            at_most += sum(
                most_follow_ups(self.form, area) for area in AREAS if not self.ticked(area)
            )
        return Progress(number=min(self.position + 1, at_most), at_most=at_most)

    @property
    def answers(self) -> Mapping[str, str]:
        """The answers to the steps on the path (answers to steps that dropped out
        after a Back and a different answer are not kept)."""
        keep = set()
        for step in self.path:
            if step.kind == FILTER:
                keep.add(self.survey.filter.id)
            elif step.kind == ACTIVITIES:
                keep.update(a.id for a in self.survey.area(step.area).activities)
            else:
                assert step.item is not None
                keep.add(step.item.id)
        return _frozen({k: v for k, v in self.given.items() if k in keep})

    @property
    def items_answered(self) -> int:
        """How many steps the person answered (the filter, each list, each item)."""
        answers = self.answers
        return sum(
            1
            for step in self.path
            if (step.kind == ITEM and step.item.id in answers)  # type: ignore[union-attr]
            or (step.kind == FILTER and self.survey.filter.id in answers)
            or (step.kind == ACTIVITIES and self.ticked(step.area))
        )

    def shown_positions(self) -> Mapping[str, str]:
        """Where each answered knowledge check's chosen option was shown (1 = top),
        keyed "<item id>#shown": kept with the answers for item statistics."""
        answers = self.answers
        positions = {}
        for item in self.form:
            code = answers.get(item.id)
            if item.kind == "knowledge" and code is not None:
                shown = [a.code for a in self.answers_shown(item)]
                positions[item.id + SHOWN_SUFFIX] = str(shown.index(code) + 1)
        return MappingProxyType(positions)

    def answers_shown(self, item: Item) -> tuple[Answer, ...]:
        """An item's answers in the order this visit shows them ("I don't know" last)."""
        if item.kind != "knowledge":
            return item.answers
        by_code = {a.code: a for a in item.answers}
        order = self.orders.get(item.id) or tuple(o.code for o in item.options)
        return tuple(by_code[c] for c in order) + (by_code[DONT_KNOW],)

    def activities(self, area: int) -> tuple[Activity, ...]:
        """The lines of an area's tick-list, in the order shown."""
        return self.survey.area(area).activities

    def previous_answer(self) -> str | None:
        """The answer already given to the current filter or item (after Back), if any."""
        current = self.current
        if current is None or current.kind == ACTIVITIES:
            return None
        key = self.survey.filter.id if current.kind == FILTER else current.key
        return self.given.get(key)

    def previous_ticks(self) -> frozenset[str] | None:
        """The activities ticked before on the current list (after Back), if answered."""
        current = self.current
        if current is None or current.kind != ACTIVITIES or not self.ticked(current.area):
            return None
        activities = self.activities(current.area)
        return frozenset(a.id for a in activities if self.given.get(a.id) == TICKED)

    def answer(self, code: str) -> Session:
        """Answer the current filter question or item and move on."""
        current = self.current
        if current is None:
            raise ValueError("the session is finished")
        given = dict(self.given)
        if current.kind == FILTER:
            if code not in FILTER_CODES:
                raise ValueError(f"{code!r} is not an answer to the internet question")
            given[self.survey.filter.id] = code
        elif current.kind == ITEM:
            item = current.item
            assert item is not None
            if code not in {a.code for a in item.answers}:
                raise ValueError(f"{code!r} is not an answer to {item.id}")
            given[item.id] = code
        else:
            raise ValueError("the current step is a tick-list: use tick()")
        return self._moved(given, self.position + 1)

    def tick(self, ticked: Iterable[str]) -> Session:
        """Answer the current tick-list: `ticked` are the activities done (none: empty)."""
        current = self.current
        if current is None or current.kind != ACTIVITIES:
            raise ValueError("the current step is not a tick-list")
        ticked = frozenset(ticked)
        activities = self.activities(current.area)
        unknown = ticked - {a.id for a in activities}
        if unknown:
            raise ValueError(f"not activities of area {current.area}: {sorted(unknown)}")
        given = dict(self.given)
        for activity in activities:
            given[activity.id] = TICKED if activity.id in ticked else NOT_TICKED
        return self._moved(given, self.position + 1)

    def back(self) -> Session:
        """Go back one step; answers are kept and shown again."""
        return self._moved(self.given, max(0, self.position - 1))

    def result(self) -> Result:
        """The levels and category; only meaningful once finished."""
        answers = self.answers
        if self.assessed is False or answers.get(self.survey.filter.id) == NO_INTERNET:
            levels = dict.fromkeys(AREAS, NOT_ASSESSED)
            empty = {a: AreaStatement(a, NOT_ASSESSED) for a in AREAS}
            return Result(MappingProxyType(levels), NOT_ASSESSED, MappingProxyType(empty))
        levels = area_levels(self.survey, answers)
        asked = [step.item for step in self.path if step.kind == ITEM and step.item is not None]
        return Result(
            levels=MappingProxyType(levels),
            category=overall_category(levels),
            statements=MappingProxyType(area_statements(self.survey, asked, answers, levels)),
        )
