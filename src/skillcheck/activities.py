"""Eurostat's Digital Skills Indicator 2.0: the activities per area and its rule, as data.

`questions/activities.toml` holds the filter question (internet use in the last 3
months), the activities the DSI counts in each DigComp area with their survey
variables, and each area's thresholds. This module loads and checks it and turns a
person's ticks into the area's level; the overall category is `scoring.overall_category`.
docs/scoring.md gives each activity's source and what could not be verified.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from skillcheck.datafile import DataFile, Entry, Problem, read_data_file
from skillcheck.digcomp import AREAS

# Answer codes stored in `answers` (activity id -> code; the filter's id -> code).
TICKED = "1"
NOT_TICKED = "0"
USED_INTERNET = "yes"
NO_INTERNET = "no"
ACTIVITY_CODES = (TICKED, NOT_TICKED)
FILTER_CODES = (USED_INTERNET, NO_INTERNET)


@dataclass(frozen=True)
class Activity:
    """One activity of the DSI: a line of an area's tick-list."""

    id: str
    area: int
    variable: str  # the ICT survey's variable(s), "A|B" when either counts
    text: str  # what was done, completing "In the last 3 months you did:"


@dataclass(frozen=True)
class AreaRule:
    """One area's activities and thresholds: none below `basic_from` ticks."""

    area: int
    activities: tuple[Activity, ...]
    basic_from: int
    above_basic_from: int
    verified: bool

    def level(self, answers: Mapping[str, str]) -> str:
        """The DSI level of this area from the ticks among `answers`."""
        done = sum(answers.get(a.id) == TICKED for a in self.activities)
        if done >= self.above_basic_from:
            return "above_basic"
        if done >= self.basic_from:
            return "basic"
        return "none"


@dataclass(frozen=True)
class FilterQuestion:
    """The question before any other: did the person use the internet in 3 months?"""

    id: str
    variable: str
    text: str
    yes: str
    no: str


@dataclass(frozen=True)
class Survey:
    """The DSI's filter question and the five areas' activities and rules."""

    filter: FilterQuestion
    areas: tuple[AreaRule, ...]

    def area(self, number: int) -> AreaRule:
        """The rule of one DigComp area."""
        return next(rule for rule in self.areas if rule.area == number)

    @property
    def activities(self) -> tuple[Activity, ...]:
        """Every activity, area by area."""
        return tuple(a for rule in self.areas for a in rule.activities)


def check_survey(path: Path) -> tuple[Survey | None, list[Problem]]:
    """Load `activities.toml`; the survey (None when unusable) and every problem found."""
    data_file, problems = read_data_file(path)
    if data_file is None:
        return None, problems
    before = len(problems)
    question = _filter(data_file, problems)
    rules: dict[int, AreaRule] = {}
    seen: set[str] = set()
    for entry in data_file.entries("areas"):
        rule = _area(data_file, entry, seen, problems)
        if rule is not None:
            if rule.area in rules:
                problems.append(Problem(path, entry.line, f"area {rule.area} is defined twice"))
            rules[rule.area] = rule
    for number in AREAS:
        if number not in rules:
            problems.append(Problem(path, 1, f"area {number} has no activities"))
    if question is not None and question.id in seen:
        problems.append(Problem(path, 1, f"the filter id '{question.id}' is an activity id"))
    if len(problems) > before or question is None:
        return None, problems
    return Survey(question, tuple(rules[n] for n in AREAS)), problems


def _text(entry: Entry, key: str, path: Path, problems: list[Problem], where: str) -> str:
    value = entry.data.get(key)
    if not isinstance(value, str) or not value.strip():
        problems.append(Problem(path, entry.line_of(key), f"{where}: '{key}' is missing or empty"))
        return ""
    return value.strip()


def _filter(data_file: DataFile, problems: list[Problem]) -> FilterQuestion | None:
    entry = data_file.table("filter")
    if entry is None:
        problems.append(Problem(data_file.path, 1, "no [filter] table (the internet question)"))
        return None
    path = data_file.path
    texts = {k: _text(entry, k, path, problems, "filter") for k in ("id", "variable", "text")}
    answers = {k: _text(entry, k, path, problems, "filter") for k in ("yes", "no")}
    return FilterQuestion(**texts, **answers)


def _area(
    data_file: DataFile, entry: Entry, seen: set[str], problems: list[Problem]
) -> AreaRule | None:
    path = data_file.path
    number = entry.data.get("number")
    if number not in AREAS:
        problems.append(Problem(path, entry.line_of("number"), f"unknown area {number!r}"))
        return None
    where = f"area {number}"
    before = len(problems)
    thresholds = []
    for key in ("basic_from", "above_basic_from"):
        value = entry.data.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            problems.append(
                Problem(path, entry.line_of(key), f"{where}: '{key}' must be a whole number >= 1")
            )
            value = 1
        thresholds.append(value)
    if thresholds[1] <= thresholds[0]:
        problems.append(
            Problem(path, entry.line, f"{where}: above_basic_from must be more than basic_from")
        )
    verified = entry.data.get("verified")
    if not isinstance(verified, bool):
        problems.append(Problem(path, entry.line, f"{where}: 'verified' must be true or false"))
    activities = []
    raw = entry.data.get("activities")
    if not isinstance(raw, list) or not raw:
        problems.append(Problem(path, entry.line, f"{where}: no [[areas.activities]]"))
        raw = []
    for index, value in enumerate(raw, start=1):
        data = value if isinstance(value, dict) else {}
        line = data_file.line_of_value("id", str(data.get("id", "")), entry.line, 10**9, set())
        activity_entry = Entry(data=data, line=line, key_lines=data_file.key_lines_after(line - 1))
        texts = {
            k: _text(activity_entry, k, path, problems, f"{where}, activity {index}")
            for k in ("id", "variable", "text")
        }
        if texts["id"] in seen:
            problems.append(Problem(path, line, f"{where}: duplicate activity id '{texts['id']}'"))
        seen.add(texts["id"])
        activities.append(Activity(area=number, **texts))
    if len(activities) > 8:
        # The tick-list's number keys are 1-9; one more for "none of these".
        problems.append(Problem(path, entry.line, f"{where}: at most 8 activities per area"))
    if activities and thresholds[1] > len(activities):
        problems.append(
            Problem(path, entry.line, f"{where}: above_basic_from is more than the activities")
        )
    if len(problems) > before:
        return None
    return AreaRule(number, tuple(activities), thresholds[0], thresholds[1], bool(verified))
