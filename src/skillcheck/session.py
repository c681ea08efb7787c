"""One person's assessment: order, adaptive skipping, back, answers. No I/O.

A `Session` is immutable: `answer()` and `back()` return a new one, so the kiosk
can drop a person's whole visit by dropping one reference.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import InitVar, dataclass, field
from functools import cached_property
from types import MappingProxyType

from skillcheck.bank import Bank, Item
from skillcheck.digcomp import AREAS
from skillcheck.scoring import (
    AreaStatement,
    area_levels,
    area_statements,
    overall_category,
    reaches_basic,
)


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
    # Per area, the items answered as mastered and not: the only source of the
    # result's "You can already" and "Learn next" lines.
    statements: Mapping[int, AreaStatement] = field(default_factory=dict)


def _frozen(answers: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(answers))


@dataclass(frozen=True)
class Session:
    """Where one person is in the bank and what they answered so far."""

    bank: Bank
    given: Mapping[str, str] = field(default_factory=lambda: _frozen({}))
    position: int = 0
    # The items this visit can be asked: one variant of each rotation slot, chosen
    # once per visit at random (never a counter: that would store arrival order).
    form: tuple[Item, ...] | None = None
    rng: InitVar[random.Random | None] = None

    def __post_init__(self, rng: random.Random | None) -> None:
        if self.form is None:
            object.__setattr__(self, "form", self.bank.form(rng or random.SystemRandom()))

    def _items_in(self, area: int, band: str) -> tuple[Item, ...]:
        return tuple(i for i in self.form if i.area == area and i.band == band)

    @cached_property  # a session never changes (answers make a new one); read often
    def path(self) -> tuple[Item, ...]:
        """The items this person is asked, given their answers so far.

        Areas in DigComp order, basic items before above-basic ones. An area's
        above-basic items are left out once all its basic items are answered and
        they do not reach the basic level: nobody sees questions far beyond them.
        """
        path: list[Item] = []
        for area in AREAS:
            basic = self._items_in(area, "basic")
            path += basic
            all_answered = all(item.id in self.given for item in basic)
            if all_answered and not reaches_basic(basic, self.given):
                continue
            path += self._items_in(area, "above_basic")
        return tuple(path)

    @property
    def current(self) -> Item | None:
        """The item on screen, or None when the session is finished."""
        path = self.path
        return path[self.position] if self.position < len(path) else None

    @property
    def finished(self) -> bool:
        """Whether every item on the path has been answered."""
        return self.current is None

    @property
    def can_go_back(self) -> bool:
        """Whether there is an earlier question to go back to."""
        return self.position > 0

    @property
    def progress(self) -> Progress:
        """Position and the most items that can still come."""
        path = self.path
        return Progress(
            number=min(self.position + 1, len(path)),
            at_most=len(path),
        )

    @property
    def answers(self) -> Mapping[str, str]:
        """The answers to the items on the path (answers to skipped items drop out)."""
        on_path = {item.id for item in self.path}
        return _frozen({k: v for k, v in self.given.items() if k in on_path})

    def previous_answer(self) -> str | None:
        """The answer already given to the current item (after Back), if any."""
        current = self.current
        return self.given.get(current.id) if current else None

    def answer(self, code: str) -> Session:
        """Answer the current item and move on."""
        current = self.current
        if current is None:
            raise ValueError("the session is finished")
        if code not in {a.code for a in current.answers}:
            raise ValueError(f"{code!r} is not an answer to {current.id}")
        given = dict(self.given)
        given[current.id] = code
        return Session(self.bank, _frozen(given), self.position + 1, self.form)

    def back(self) -> Session:
        """Go back one question; answers are kept and shown again."""
        return Session(self.bank, self.given, max(0, self.position - 1), self.form)

    def result(self) -> Result:
        """The levels and category; only meaningful once finished."""
        answers = self.answers
        levels = area_levels(self.form, answers)
        return Result(
            levels=MappingProxyType(levels),
            category=overall_category(levels),
            statements=MappingProxyType(area_statements(self.path, answers, levels)),
        )
