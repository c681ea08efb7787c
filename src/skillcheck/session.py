"""One person's assessment: order, adaptive skipping, back, answers. No I/O.

A `Session` is immutable: `answer()` and `back()` return a new one, so the kiosk
can drop a person's whole visit by dropping one reference.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import InitVar, dataclass, field
from types import MappingProxyType

from skillcheck.bank import Bank, Item
from skillcheck.digcomp import AREAS, BANDS
from skillcheck.scoring import area_levels, overall_category, reaches_basic


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


def _frozen(answers: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(answers))


def choose_variants(bank: Bank, rng: random.Random) -> frozenset[str]:
    """The ids of the variants one visit asks: one per rotating slot, drawn from `rng`."""
    return frozenset(
        rng.choice(slot).id
        for area in AREAS
        for band in BANDS
        for slot in bank.slots_in(area, band)
        if len(slot) > 1
    )


def visit_items(bank: Bank, area: int, band: str, variants: frozenset[str]) -> tuple[Item, ...]:
    """The items of one area and band a visit asks: each slot's chosen variant, in order."""
    return tuple(
        slot[0] if len(slot) == 1 else next(i for i in slot if i.id in variants)
        for slot in bank.slots_in(area, band)
    )


@dataclass(frozen=True)
class Session:
    """Where one person is in the bank and what they answered so far.

    `variants`: the ids of the rotating items this visit asks (one per slot), drawn
    with `rng` when the visit starts (a fresh `random.Random()` unless one is
    injected, e.g. seeded in tests); never a counter, which would store arrival order.
    """

    bank: Bank
    given: Mapping[str, str] = field(default_factory=lambda: _frozen({}))
    position: int = 0
    variants: frozenset[str] | None = None
    rng: InitVar[random.Random | None] = None

    def __post_init__(self, rng: random.Random | None) -> None:
        if self.variants is None:
            chosen = choose_variants(self.bank, rng or random.Random())
            object.__setattr__(self, "variants", chosen)

    def _next(self, given: Mapping[str, str], position: int) -> Session:
        return Session(self.bank, given, position, self.variants)

    @property
    def path(self) -> tuple[Item, ...]:
        """The items this person is asked, given their answers so far.

        Areas in DigComp order, basic items before above-basic ones. An area's
        above-basic items are left out once all its basic items are answered and
        they do not reach the basic level: nobody sees questions far beyond them.
        """
        path: list[Item] = []
        for area in AREAS:
            basic = visit_items(self.bank, area, "basic", self.variants)
            path += basic
            all_answered = all(item.id in self.given for item in basic)
            if all_answered and not reaches_basic(basic, self.given):
                continue
            path += visit_items(self.bank, area, "above_basic", self.variants)
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
        return self._next(_frozen(given), self.position + 1)

    def back(self) -> Session:
        """Go back one question; answers are kept and shown again."""
        return self._next(self.given, max(0, self.position - 1))

    def result(self) -> Result:
        """The levels and category; only meaningful once finished."""
        levels = area_levels(self.bank, self.answers, self.variants)
        return Result(levels=MappingProxyType(levels), category=overall_category(levels))
