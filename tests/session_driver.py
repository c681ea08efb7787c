"""The core's way through a visit for tests without the kiosk (no textual): the same
order of steps as the kiosk's (the Session decides it), answered by rules."""

from __future__ import annotations

import random
from collections.abc import Callable

from skillcheck.bank import Bank, Item
from skillcheck.session import ACTIVITIES, FILTER, ITEM, Result, Session, follow_ups


def form_with(bank: Bank, item_id: str) -> tuple[Item, ...]:
    """A form (one variant per rotation slot) that contains `item_id`."""
    item = bank.item(item_id)
    chosen = {item.id if item in variants else variants[0].id for variants in bank.slots().values()}
    return tuple(i for i in bank.items if not i.rotation or i.id in chosen)


def mastered_code(item: Item) -> str:
    if item.kind == "can_do":
        return "3"
    return next(o.code for o in item.options if o.correct)


def level_asking(form: tuple[Item, ...], item: Item) -> str:
    """The area level whose follow-up items include `item`."""
    for level in ("none", "basic", "above_basic"):
        if item in follow_ups(form, item.area, level):
            return level
    raise AssertionError(f"{item.id} is never asked")


def ticks_for(bank: Bank, area: int, level: str) -> frozenset[str]:
    """Ticks that put `area` at `level`."""
    rule = bank.survey.area(area)
    count = {"none": 0, "basic": rule.basic_from, "above_basic": rule.above_basic_from}[level]
    return frozenset(a.id for a in rule.activities[:count])


def session_at(bank: Bank, item_id: str, answer: Callable[[Item], str] = mastered_code) -> Session:
    """A session whose current step is the item `item_id` (earlier items: `answer`)."""
    form = form_with(bank, item_id)
    item = bank.item(item_id)
    level = level_asking(form, item)
    session = Session(bank, form=form, rng=random.Random(0))
    while session.current is not None:
        step = session.current
        if step.kind == ITEM and step.item.id == item_id:
            return session
        if step.kind == FILTER:
            session = session.answer("yes")
        elif step.kind == ACTIVITIES:
            chosen = level if step.area == item.area else "none"
            session = session.tick(ticks_for(bank, step.area, chosen))
        else:
            session = session.answer(answer(step.item))
    raise AssertionError(f"{item_id} was not reached")


def finished(bank: Bank, rng: random.Random, mastery: float) -> Session:
    """A whole visit: each activity ticked, each item mastered, with probability `mastery`."""
    session = Session(bank, rng=rng)
    while not session.finished:
        step = session.current
        if step.kind == FILTER:
            session = session.answer("yes")
        elif step.kind == ACTIVITIES:
            activities = session.activities(step.area)
            session = session.tick(a.id for a in activities if rng.random() < mastery)
        else:
            item = step.item
            right = [a.code for a in item.answers if item.is_mastered(a.code)]
            wrong = [a.code for a in item.answers if not item.is_mastered(a.code)]
            session = session.answer(rng.choice(right if rng.random() < mastery else wrong))
    return session


def result_of(bank: Bank, rng: random.Random, mastery: float) -> Result:
    return finished(bank, rng, mastery).result()
