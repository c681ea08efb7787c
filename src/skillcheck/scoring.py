"""Ticks → a level per DigComp area by Eurostat's DSI 2.0 rule → the overall category.

Pure functions; the rule, its sources and its reasons are in docs/scoring.md. The
can-do and knowledge items never set or veto a level (rule 3): they decide what the
result names to learn next and which places fit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from skillcheck.activities import TICKED, Activity, Survey
from skillcheck.bank import Item
from skillcheck.digcomp import AREAS, LEVELS, N_, NOT_ASSESSED

# Which rule of docs/scoring.md produced a level; stored with each session so reports
# never mix the results of two rules. 1: knowledge answers alone could lift an area;
# 2: can-do evidence first, a knowledge miss held back above basic; 3: Eurostat's
# DSI 2.0 on its own activities, the items set no level.
SCORING_VERSION = 3
RULE_NAMES: dict[int, str] = {
    1: N_("rule 1 (skillcheck's own, before 2026.2)"),
    2: N_("rule 2 (skillcheck's own, 2026.2)"),
    3: N_("rule 3 (Eurostat's DSI 2.0 on its own activities)"),
}

# Plain words for a person; codes stay in the database and exports.
LEVEL_WORDS: dict[str, str] = {
    "none": N_("Starting out"),
    "basic": N_("Basic"),
    "above_basic": N_("Above basic"),
}
# The overall sentence, by how many areas are at least basic (never contradicts an area:
# it says exactly how many, as the area lines below it show), or above basic in all.
ABOVE_BASIC_WORDS = N_(
    "In the last 3 months you did more than the basics in all five areas, "
    "as the EU measures digital skills."
)
AREAS_AT_LEAST_BASIC_WORDS: dict[int, str] = {
    5: N_(
        "In the last 3 months you did at least the basics in all five areas, "
        "as the EU measures digital skills."
    ),
    4: N_(
        "In the last 3 months you did at least the basics in four of the five areas, "
        "as the EU measures digital skills."
    ),
    3: N_(
        "In the last 3 months you did at least the basics in three of the five areas, "
        "as the EU measures digital skills."
    ),
    2: N_(
        "In the last 3 months you did at least the basics in two of the five areas, "
        "as the EU measures digital skills."
    ),
    1: N_(
        "In the last 3 months you did at least the basics in one of the five areas, "
        "as the EU measures digital skills."
    ),
    0: N_(
        "In the last 3 months you did none of the activities the EU counts as digital "
        "skills. That is where everyone starts: the places below help."
    ),
}
NOT_ASSESSED_WORDS = N_(
    "You did not use the internet in the last 3 months, so there are no questions for "
    "you today. The places below help you take your first steps, at your own pace."
)
# What the two-sentence meaning of a level is, on the result and in the README.
LEVEL_MEANING = N_(
    "Your levels count what you did in the last 3 months, with the EU's own questions "
    "and rule. They are not an exam and say nothing about what you could learn."
)

# The result's own QR code: a short text, never a web address (issue 10 item 8).
SUMMARY_HINT = N_(
    "“Take it home” shows a code to scan with your phone: your result as text, to show to a helper."
)
# A level as a few letters in the QR code's summary: the same in every language, so
# the code stays small enough to be drawn whole on a 60x20 screen (issue 24).
LEVEL_LETTERS: dict[str, str] = {"none": "-", "basic": "B", "above_basic": "B+"}


def area_level(survey: Survey, area: int, answers: Mapping[str, str]) -> str:
    """The DSI 2.0 level of one area from the ticks among `answers` (rule 3).

    `none` under the area's `basic_from` activities done, `above_basic` from its
    `above_basic_from` (questions/activities.toml); nothing else counts.
    """
    return survey.area(area).level(answers)


def area_levels(survey: Survey, answers: Mapping[str, str]) -> dict[int, str]:
    """The level of each of the five areas."""
    return {area: area_level(survey, area, answers) for area in AREAS}


def overall_category(levels: Mapping[int, str]) -> str:
    """The Eurostat Digital Skills Indicator 2.0 category from five area levels.

    `above_basic`: all five areas above basic; `basic`: all five at least basic;
    `low`: four; `narrow`: three; `limited`: two; `none`: one or none. A person who
    did not use the internet in 3 months is `not_assessed` (no area levels at all).
    """
    if set(levels) != set(AREAS):
        raise ValueError(f"levels must cover areas {AREAS}, got {sorted(levels)}")
    if all(level == NOT_ASSESSED for level in levels.values()):
        return NOT_ASSESSED
    for area, level in levels.items():
        if level not in LEVELS:
            raise ValueError(f"unknown level {level!r} for area {area}")
    at_least_basic = sum(level != "none" for level in levels.values())
    if all(level == "above_basic" for level in levels.values()):
        return "above_basic"
    return {5: "basic", 4: "low", 3: "narrow", 2: "limited"}.get(at_least_basic, "none")


def category_words(levels: Mapping[int, str]) -> str:
    """The overall sentence for these area levels (untranslated msgid)."""
    category = overall_category(levels)
    if category == NOT_ASSESSED:
        return NOT_ASSESSED_WORDS
    if category == "above_basic":
        return ABOVE_BASIC_WORDS
    return AREAS_AT_LEAST_BASIC_WORDS[sum(level != "none" for level in levels.values())]


@dataclass(frozen=True)
class AreaStatement:
    """What the result says about one area, each line backed by one answer.

    `did`: the activities ticked (the level rests on these); `can`: the can-do items
    answered "on my own" or better; `learn`: items asked and not shown (a can-do
    below "on my own", a check answered wrong or "I don't know"), never one that
    overlaps what the person showed; `good_to_know`: the checks missed that have an
    explanation. A knowledge check answered right is never a "You can already".
    """

    area: int
    level: str
    did: tuple[Activity, ...] = ()
    can: tuple[Item, ...] = ()
    learn: tuple[Item, ...] = ()
    good_to_know: tuple[Item, ...] = ()


def _shown(item: Item, answers: Mapping[str, str]) -> bool:
    return item.kind == "can_do" and item.is_mastered(answers[item.id])


def _overlaps(item: Item, shown: Iterable[Item]) -> bool:
    """Whether `item` covers what a shown item covers: the same DigComp 3.0 learning
    outcome (`outcomes`, when the bank names them) or the same skill phrase."""
    mine = set(getattr(item, "outcomes", ()) or ())
    return any(
        other.id != item.id
        and (
            mine & set(getattr(other, "outcomes", ()) or ()) or other.skill_text == item.skill_text
        )
        for other in shown
    )


def area_statements(
    survey: Survey, asked: Iterable[Item], answers: Mapping[str, str], levels: Mapping[int, str]
) -> dict[int, AreaStatement]:
    """Per area, what the person did, can already, should learn next, and good to know."""
    answered = [i for i in asked if i.id in answers]
    shown = [i for i in answered if _shown(i, answers)]
    missed = [i for i in answered if not i.is_mastered(answers[i.id])]
    return {
        area: AreaStatement(
            area=area,
            level=levels[area],
            did=tuple(a for a in survey.area(area).activities if answers.get(a.id) == TICKED),
            can=tuple(i for i in shown if i.area == area),
            learn=tuple(i for i in missed if i.area == area and not _overlaps(i, shown)),
            good_to_know=tuple(
                i for i in missed if i.area == area and i.kind == "knowledge" and i.explanation
            ),
        )
        for area in AREAS
    }


def weakest_areas(levels: Mapping[int, str]) -> tuple[int, ...]:
    """The areas at the lowest level, in DigComp order (what to learn first)."""
    levels = {a: ("none" if level == NOT_ASSESSED else level) for a, level in levels.items()}
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
