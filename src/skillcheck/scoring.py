"""Answers → a level per DigComp area → the overall Eurostat DSI 2.0 category.

Pure functions; the rule and its reasons are in docs/scoring.md.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from skillcheck.bank import Item
from skillcheck.digcomp import AREAS, LEVELS, N_

# Which rule of docs/scoring.md produced a level; stored with each session so reports
# never mix the results of two rules without saying so.
SCORING_VERSION = 2

# Plain words for a person; codes stay in the database and exports.
LEVEL_WORDS: dict[str, str] = {
    "none": N_("Starting out"),
    "basic": N_("Basic"),
    "above_basic": N_("Above basic"),
}
CATEGORY_WORDS: dict[str, str] = {
    "above_basic": N_("You have digital skills above the basic level in all five areas."),
    "basic": N_("You have at least basic digital skills in all five areas."),
    "low": N_("You have basic digital skills in four of the five areas."),
    "narrow": N_("You have basic digital skills in three of the five areas."),
    "limited": N_("You have basic digital skills in two of the five areas."),
    "none": N_("You are starting out: there is a lot you can learn, step by step."),
}

# The result's own QR code: a short text, never a web address (issue 10 item 8).
SUMMARY_HINT = N_(
    "“Take it home” shows a code to scan with your phone: your result as text, to show to a helper."
)
# A level as a few letters in the QR code's summary: the same in every language, so
# the code stays small enough to be drawn whole on a 60x20 screen (issue 24).
LEVEL_LETTERS: dict[str, str] = {"none": "-", "basic": "B", "above_basic": "B+"}


def enough(mastered: int, asked: int) -> bool:
    """At least half of the items were mastered (and at least one was asked)."""
    return asked > 0 and mastered >= math.ceil(asked / 2)


def _can_do_evidence(items: Iterable[Item], answers: Mapping[str, str]) -> bool:
    """At least one can-do item of these was mastered: the person says they can."""
    return any(i.kind == "can_do" and i.is_mastered(answers.get(i.id)) for i in items)


def reaches_basic(basic_items: Iterable[Item], answers: Mapping[str, str]) -> bool:
    """Whether the basic items of one area show at least basic skills (rule 2).

    At least half of them mastered, and at least one of the mastered ones a can-do
    item: a knowledge answer alone never lifts an area. Used by scoring and by the
    session's adaptive rule, so both always agree.
    """
    items = list(basic_items)
    mastered = sum(item.is_mastered(answers.get(item.id)) for item in items)
    return enough(mastered, len(items)) and _can_do_evidence(items, answers)


def area_level(items: Iterable[Item], answers: Mapping[str, str]) -> str:
    """The level of one area from the answers to the items it was asked (rule 2).

    * `basic`: at least half of the area's basic items mastered (can-do "on my
      own" or better, or a knowledge check answered right), at least one of them
      a basic can-do item;
    * `above_basic`: basic, and at least half of the above-basic items mastered,
      at least one of them an above-basic can-do item, and no knowledge check of
      the area answered wrong or with "I don't know";
    * `none` otherwise. Unanswered (skipped) items count as not mastered.

    A knowledge check can hold a level back, never lift it alone.
    """
    items = list(items)
    basic = [i for i in items if i.band == "basic"]
    above = [i for i in items if i.band == "above_basic"]
    if not reaches_basic(basic, answers):
        return "none"
    knowledge_ok = all(
        item.is_mastered(answers.get(item.id))
        for item in items
        if item.kind == "knowledge" and item.id in answers
    )
    above_mastered = sum(item.is_mastered(answers.get(item.id)) for item in above)
    if knowledge_ok and enough(above_mastered, len(above)) and _can_do_evidence(above, answers):
        return "above_basic"
    return "basic"


def area_levels(items: Iterable[Item], answers: Mapping[str, str]) -> dict[int, str]:
    """The level of each of the five areas, from the items this visit could be asked."""
    items = tuple(items)
    return {area: area_level([i for i in items if i.area == area], answers) for area in AREAS}


@dataclass(frozen=True)
class AreaStatement:
    """What the result says about one area, built only from the person's answers.

    `can` holds the items they said they can do (on their own or better) or answered
    right; `learn` the items they were asked and did not master. The screen shows
    each item's `skill_text`, so no sentence claims more than an answer backs.
    """

    area: int
    level: str
    can: tuple[Item, ...]
    learn: tuple[Item, ...]


def area_statements(
    asked: Iterable[Item], answers: Mapping[str, str], levels: Mapping[int, str]
) -> dict[int, AreaStatement]:
    """Per area, the mastered and not-mastered items among those answered."""
    answered = [i for i in asked if i.id in answers]
    return {
        area: AreaStatement(
            area=area,
            level=levels[area],
            can=tuple(i for i in answered if i.area == area and i.is_mastered(answers[i.id])),
            learn=tuple(i for i in answered if i.area == area and not i.is_mastered(answers[i.id])),
        )
        for area in AREAS
    }


def overall_category(levels: Mapping[int, str]) -> str:
    """The Eurostat Digital Skills Indicator 2.0 category from five area levels.

    `above_basic`: all five areas above basic; `basic`: all five at least basic;
    `low`: four; `narrow`: three; `limited`: two; `none`: one or none.
    """
    if set(levels) != set(AREAS):
        raise ValueError(f"levels must cover areas {AREAS}, got {sorted(levels)}")
    for area, level in levels.items():
        if level not in LEVELS:
            raise ValueError(f"unknown level {level!r} for area {area}")
    at_least_basic = sum(level != "none" for level in levels.values())
    if all(level == "above_basic" for level in levels.values()):
        return "above_basic"
    return {5: "basic", 4: "low", 3: "narrow", 2: "limited"}.get(at_least_basic, "none")


def weakest_areas(levels: Mapping[int, str]) -> tuple[int, ...]:
    """The areas at the lowest level, in DigComp order (what to learn first)."""
    lowest = min(LEVELS.index(level) for level in levels.values())
    return tuple(sorted(a for a, level in levels.items() if LEVELS.index(level) == lowest))


def summary_text(levels: Mapping[int, str], day: date | None) -> str:
    """The plain text of the result's QR code: the day, then each DigComp area's
    number and its level as letters, e.g. "SKILLCHECK 2026-12-07 1:B+ 2:B 3:- 4:B 5:B+".

    Text only (no web address, no answers), so nothing points to a stored record.
    Upper case, digits and ":+-" only: QR's alphanumeric mode packs these into 5.5
    bits a character, so the whole summary (46 characters at most) fits a code of
    37 modules (version 3, error correction Q), which a 60x20 screen holds whole
    with its quiet zone. The screen beside the code says what the letters mean.
    `day` None (the kiosk's clock is implausible, issue 19): no date rather than a
    wrong one.
    """
    parts = [f"{area}:{LEVEL_LETTERS[level]}" for area, level in sorted(levels.items())]
    dated = [day.isoformat()] if day is not None else []
    return " ".join(["SKILLCHECK", *dated, *parts])
