"""The question bank: load and validate `questions/` into frozen dataclasses.

Layout of the data (English source text, translated through gettext):

* `questions/areas.toml` — the bank `version` and one `[[areas]]` table per
  DigComp area with the plain-words texts shown on the result screen;
* `questions/items/*.toml` — one file per area: `area = N` at the top, then
  `[[items]]` tables (id, competence, outcomes, kind, band, text, options,
  explanation, note);
* `questions/digcomp3.toml` — the DigComp 3.0 learning outcomes (the JRC's table)
  that each item's `outcomes` must name, with the competence they belong to.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from skillcheck.activities import Survey, check_survey
from skillcheck.datafile import (
    DataFile,
    Entry,
    Problem,
    read_data_file,
    value_or_raise,
)
from skillcheck.digcomp import (
    AI_TAGS,
    AREA_TEXT_KEYS,
    AREAS,
    BANDS,
    COMPETENCES,
    KINDS,
    N_,
    OUTCOME_KINDS,
    PROFICIENCY_LEVELS,
)

# The most items one visit can be asked (one variant per slot): with the precondition
# and the five activity lists, a visit must stay short (issue 20). `check` enforces it.
MAX_PER_VISIT = 20
# A DigComp 3.0 learning-outcome id: LO, the competence, a two-digit running number.
OUTCOME_ID = re.compile(r"^LO([1-5]\.[1-6])\.\d{2}$")

# The four self-rating steps of a can-do item, as in the Europass test.
# Answer codes are the step numbers; 2 and 3 count as "can do".
CAN_DO_STEPS: tuple[tuple[str, str], ...] = (
    ("0", N_("I don't know how to do this")),
    ("1", N_("I can do this with help")),
    ("2", N_("I can do this on my own")),
    ("3", N_("I can do this and could help someone else")),
)
CAN_DO_MASTERED = frozenset({"2", "3"})
DONT_KNOW = "dont_know"
DONT_KNOW_TEXT = N_("I don't know")


@dataclass(frozen=True)
class Outcome:
    """One DigComp 3.0 learning outcome, as the JRC's data supplement lists it."""

    id: str
    competence: str
    level: str  # one of PROFICIENCY_LEVELS
    kind: str  # knowledge, skill or attitude
    ai: str  # explicit, implicit or none
    title: str  # the JRC's English words: for authors, never shown to citizens


@dataclass(frozen=True)
class Option:
    """One answer to a knowledge check."""

    code: str
    text: str
    correct: bool = False


@dataclass(frozen=True)
class Answer:
    """One answer a person can choose: its stored code and its English text.

    `context` is the msgctxt to translate `text` with: the item id for an
    item's own options, None for the shared can-do steps and "I don't know".
    """

    code: str
    text: str
    context: str | None = None


@dataclass(frozen=True)
class Item:
    """One question of the bank."""

    id: str
    area: int
    competence: str
    kind: str
    band: str
    text: str
    options: tuple[Option, ...] = ()
    note: str | None = None
    # What the item shows the person can do, completing "You can already: …" and
    # "Learn next: …" on the result screen (bank format 2026.2); the text when absent.
    skill: str | None = None
    # Items of one area with the same rotation are variants of one slot: a visit asks one.
    rotation: str | None = None
    # The DigComp 3.0 learning outcomes the item covers (ids in questions/digcomp3.toml).
    outcomes: tuple[str, ...] = ()
    # Knowledge checks: one "good to know" line, the right answer and why, shown on the
    # result when the check was answered wrong or with "I don't know" (translate with id).
    explanation: str | None = None

    @property
    def skill_text(self) -> str:
        """The phrase the result screen uses for this item (translate with its id)."""
        return self.skill or self.text

    @property
    def answers(self) -> tuple[Answer, ...]:
        """The answers offered, in the order shown, numbered from 1 on screen."""
        if self.kind == "can_do":
            return tuple(Answer(code, text) for code, text in CAN_DO_STEPS)
        own = tuple(Answer(o.code, o.text, self.id) for o in self.options)
        return own + (Answer(DONT_KNOW, DONT_KNOW_TEXT),)

    def is_mastered(self, code: str | None) -> bool:
        """Whether this answer shows the person can do / knows this."""
        if code is None:
            return False
        if self.kind == "can_do":
            return code in CAN_DO_MASTERED
        return any(o.code == code and o.correct for o in self.options)


@dataclass(frozen=True)
class Area:
    """A DigComp area with the plain words shown on the result screen."""

    number: int
    name: str

    @property
    def context(self) -> str:
        """The msgctxt of this area's texts."""
        return f"area-{self.number}"


@dataclass(frozen=True)
class Bank:
    """The whole question bank, validated."""

    version: str
    areas: tuple[Area, ...]
    items: tuple[Item, ...]
    # The day this version was released (areas.toml): a kiosk clock before it, or
    # more than 3 years after it, is implausible (records.judge_clock).
    released: dt.date | None = None
    # The whole DigComp 3.0 table of learning outcomes (questions/digcomp3.toml).
    outcomes: tuple[Outcome, ...] = ()
    # The DSI's filter question, activities and rule (questions/activities.toml).
    survey: Survey | None = None

    def area(self, number: int) -> Area:
        """The area with this DigComp number."""
        return next(a for a in self.areas if a.number == number)

    def items_in(self, area: int, band: str | None = None) -> tuple[Item, ...]:
        """The items of one area (optionally one band), in bank order."""
        return tuple(i for i in self.items if i.area == area and (band is None or i.band == band))

    def item(self, item_id: str) -> Item:
        """The item with this id."""
        return next(i for i in self.items if i.id == item_id)

    def slots(self) -> dict[str, tuple[Item, ...]]:
        """Each rotation slot with its variants, in bank order."""
        found: dict[str, list[Item]] = {}
        for item in self.items:
            if item.rotation:
                found.setdefault(f"{item.area}:{item.rotation}", []).append(item)
        return {slot: tuple(variants) for slot, variants in found.items()}

    @property
    def per_visit(self) -> int:
        """How many items one visit can be asked: one per slot (a fixed item is a
        slot of one). The most a visitor answers, as the intro and progress say."""
        return sum(1 for item in self.items if not item.rotation) + len(self.slots())

    def form(self, rng: random.Random) -> tuple[Item, ...]:
        """The items one visit can be asked: one variant of each slot, chosen with `rng`.

        The chosen variant keeps its place in bank order, so every form has the same
        length and order of bands as any other.
        """
        chosen = {rng.choice(variants).id for variants in self.slots().values()}
        return tuple(i for i in self.items if not i.rotation or i.id in chosen)

    @property
    def competences(self) -> frozenset[str]:
        """The DigComp competences the bank covers."""
        return frozenset(i.competence for i in self.items)

    def coverage(self) -> dict[tuple[str, str], tuple[int, int]]:
        """Per (competence, DigComp 3.0 level): outcomes the items cover, of all outcomes.

        What Annex 2 of DigComp 3.0 asks a tool to publish (Box A2, step 7). An outcome
        counts once however many items cover it; every variant of a slot counts.
        """
        covered = {o for item in self.items for o in item.outcomes}
        table: dict[tuple[str, str], tuple[int, int]] = {
            (c, level): (0, 0) for c in COMPETENCES for level in PROFICIENCY_LEVELS
        }
        for outcome in self.outcomes:
            key = (outcome.competence, outcome.level)
            mine, total = table[key]
            table[key] = (mine + (outcome.id in covered), total + 1)
        return table


def load_bank(questions_dir: Path) -> Bank:
    """Load and validate the bank; raise ContentError listing every problem."""
    return value_or_raise(*check_bank(questions_dir))


def check_bank(questions_dir: Path) -> tuple[Bank | None, list[Problem]]:
    """Load the bank and return it (None when unusable) with all problems found."""
    problems: list[Problem] = []
    areas_path = questions_dir / "areas.toml"
    areas_file, found = read_data_file(areas_path)
    problems += found
    version = ""
    released: dt.date | None = None
    areas: list[Area] = []
    if areas_file:
        version, areas = _areas(areas_file, problems)
        released = _released(areas_file, problems)

    outcomes_file, found = read_data_file(questions_dir / "digcomp3.toml")
    problems += found
    outcomes = _outcomes(outcomes_file, problems) if outcomes_file else {}

    items: list[Item] = []
    seen_ids: dict[str, tuple[Path, int]] = {}
    item_files = sorted((questions_dir / "items").glob("*.toml"))
    if not item_files:
        problems.append(Problem(questions_dir / "items", 0, "no question files (*.toml) found"))
    for path in item_files:
        data_file, found = read_data_file(path)
        problems += found
        if data_file:
            items += _items(data_file, seen_ids, outcomes, problems)

    if not any(p.severity == "error" for p in problems):
        _check_coverage(questions_dir, items, problems)
    survey, found = check_survey(questions_dir / "activities.toml")
    problems += found
    if survey is not None:
        for activity in survey.activities:
            if activity.id in seen_ids:  # both are keys of one session's answers
                path, line = seen_ids[activity.id]
                message = f"item id '{activity.id}' is also an activity id (activities.toml)"
                problems.append(Problem(path, line, message))
    if any(p.severity == "error" for p in problems):
        return None, problems
    order = {n: i for i, n in enumerate(AREAS)}
    areas.sort(key=lambda a: order[a.number])
    bank = Bank(
        version=version,
        areas=tuple(areas),
        items=tuple(items),
        released=released,
        outcomes=tuple(outcomes.values()),
        survey=survey,
    )
    return bank, problems


def _released(data_file: DataFile, problems: list[Problem]) -> dt.date | None:
    value = data_file.data.get("released")
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    problems.append(
        Problem(
            data_file.path,
            data_file.top_line("released"),
            "'released' must be the day this version was released, e.g. released = 2026-11-28",
        )
    )
    return None


def _text(entry: Entry, key: str, path: Path, problems: list[Problem], where: str) -> str:
    value = entry.data.get(key)
    if not isinstance(value, str) or not value.strip():
        problems.append(Problem(path, entry.line_of(key), f"{where}: '{key}' is missing or empty"))
        return ""
    return value.strip()


def _areas(data_file: DataFile, problems: list[Problem]) -> tuple[str, list[Area]]:
    path = data_file.path
    version = data_file.data.get("version")
    if not isinstance(version, str) or not version.strip():
        problems.append(Problem(path, data_file.top_line("version"), "'version' is missing"))
        version = ""
    areas: list[Area] = []
    seen: set[int] = set()
    for entry in data_file.entries("areas"):
        number = entry.data.get("number")
        if number not in AREAS:
            problems.append(
                Problem(path, entry.line_of("number"), f"unknown area {number!r} (use 1 to 5)")
            )
            continue
        if number in seen:
            problems.append(Problem(path, entry.line, f"area {number} is defined twice"))
            continue
        seen.add(number)
        texts = {k: _text(entry, k, path, problems, f"area {number}") for k in AREA_TEXT_KEYS}
        areas.append(Area(number=number, **texts))
    for number in AREAS:
        if number not in seen:
            problems.append(Problem(path, 1, f"area {number} is missing"))
    return version.strip(), areas


def _outcomes(data_file: DataFile, problems: list[Problem]) -> dict[str, Outcome]:
    """The DigComp 3.0 learning outcomes by id; a malformed row is named by its line.

    The table has 523 rows and is read at every start: line numbers are looked up only
    for a row with a problem (finding them for every row would double the load time).
    """
    path = data_file.path
    rows = data_file.data.get("outcomes")
    rows = rows if isinstance(rows, list) else []
    entries: list[Entry] = []

    def line(index: int, key: str) -> int:
        if not entries:
            entries.extend(data_file.entries("outcomes"))
        return entries[index].line_of(key) if index < len(entries) else 1

    found: dict[str, Outcome] = {}
    choices = {"level": PROFICIENCY_LEVELS, "kind": OUTCOME_KINDS, "ai": AI_TAGS}
    for index, data in enumerate(rows):
        data = data if isinstance(data, dict) else {}
        outcome_id = data.get("id")
        match = OUTCOME_ID.match(outcome_id) if isinstance(outcome_id, str) else None
        if match is None:
            message = f"outcome id {outcome_id!r} is not like 'LO1.2.03'"
            problems.append(Problem(path, line(index, "id"), message))
            continue
        where = f"outcome {outcome_id}"
        if outcome_id in found:
            problems.append(Problem(path, line(index, "id"), f"{where} is listed twice"))
            continue
        bad = False
        if data.get("competence") != match.group(1) or match.group(1) not in COMPETENCES:
            message = f"{where}: 'competence' must be {match.group(1)}, the one in its id"
            problems.append(Problem(path, line(index, "competence"), message))
            bad = True
        for key, allowed in choices.items():
            if data.get(key) not in allowed:
                message = f"{where}: '{key}' must be one of {', '.join(allowed)}"
                problems.append(Problem(path, line(index, key), message))
                bad = True
        title = data.get("title")
        if not isinstance(title, str) or not title.strip():
            problems.append(Problem(path, line(index, "title"), f"{where}: 'title' is missing"))
            bad = True
        if not bad:
            found[outcome_id] = Outcome(
                id=outcome_id,
                competence=match.group(1),
                level=data["level"],
                kind=data["kind"],
                ai=data["ai"],
                title=title.strip(),
            )
    if not found:
        problems.append(Problem(path, 1, "no [[outcomes]] in this file"))
    return found


def _items(
    data_file: DataFile,
    seen_ids: dict[str, tuple[Path, int]],
    outcomes: dict[str, Outcome],
    problems: list[Problem],
) -> Iterable[Item]:
    path = data_file.path
    area = data_file.data.get("area")
    if area is None:
        # An empty or half-written file: say what is missing, not "unknown area None".
        problems.append(Problem(path, 1, "no 'area = N' at the top of this file (N is 1 to 5)"))
        return []
    if area not in AREAS:
        problems.append(
            Problem(path, data_file.top_line("area"), f"unknown area {area!r} (use 1 to 5)")
        )
        return []
    for key in data_file.data:
        if key not in ("area", "items"):  # a typo such as [[item]] would drop items
            message = f"unknown key '{key}' (an items file holds 'area = N' and [[items]])"
            problems.append(Problem(path, data_file.key_line(key), message))
    entries = data_file.entries("items")
    if not entries:
        problems.append(Problem(path, 1, "no [[items]] in this file"))
    result = []
    for entry in entries:
        item = _item(entry, area, path, seen_ids, outcomes, problems)
        if item:
            result.append(item)
    return result


def _item(
    entry: Entry,
    area: int,
    path: Path,
    seen_ids: dict[str, tuple[Path, int]],
    outcomes: dict[str, Outcome],
    problems: list[Problem],
) -> Item | None:
    before = len(problems)
    data = entry.data
    item_id = data.get("id")
    if not isinstance(item_id, str) or not item_id.strip():
        problems.append(Problem(path, entry.line_of("id"), "item without an 'id'"))
        item_id = "?"
    elif item_id in seen_ids:
        other, line = seen_ids[item_id]
        problems.append(
            Problem(
                path, entry.line_of("id"), f"duplicate id '{item_id}' (first at {other}:{line})"
            )
        )
    else:
        seen_ids[item_id] = (path, entry.line_of("id"))
    where = f"item '{item_id}'"

    competence = data.get("competence")
    if competence not in COMPETENCES:
        problems.append(
            Problem(
                path,
                entry.line_of("competence"),
                f"{where}: unknown competence {competence!r} (use a DigComp 3.0 code like '4.2')",
            )
        )
    elif not competence.startswith(f"{area}."):
        problems.append(
            Problem(
                path,
                entry.line_of("competence"),
                f"{where}: competence {competence} is not in area {area} of this file",
            )
        )
    kind = data.get("kind")
    if kind not in KINDS:
        problems.append(
            Problem(
                path,
                entry.line_of("kind"),
                f"{where}: unknown kind {kind!r} (use {', '.join(KINDS)})",
            )
        )
    band = data.get("band")
    if band not in BANDS:
        problems.append(
            Problem(
                path,
                entry.line_of("band"),
                f"{where}: unknown band {band!r} (use {', '.join(BANDS)})",
            )
        )
    text = _text(entry, "text", path, problems, where)
    note = data.get("note")
    if note is not None and not isinstance(note, str):
        problems.append(Problem(path, entry.line_of("note"), f"{where}: 'note' must be text"))
        note = None

    options: list[Option] = []
    raw_options = data.get("options")
    if kind == "knowledge":
        options = _options(raw_options, entry, path, where, problems)
    elif raw_options is not None:
        problems.append(
            Problem(path, entry.line_of("options"), f"{where}: a can_do item has no 'options'")
        )
    skill = data.get("skill")
    if skill is not None and (not isinstance(skill, str) or not skill.strip()):
        problems.append(Problem(path, entry.line_of("skill"), f"{where}: 'skill' must be text"))
        skill = None
    rotation = data.get("rotation")
    if rotation is not None and (not isinstance(rotation, str) or not rotation.strip()):
        problems.append(
            Problem(path, entry.line_of("rotation"), f"{where}: 'rotation' must be a slot name")
        )
        rotation = None
    covered = _item_outcomes(entry, competence, outcomes, path, where, problems)
    explanation = data.get("explanation")
    if kind == "knowledge" and (not isinstance(explanation, str) or not explanation.strip()):
        message = f"{where}: a knowledge item needs an 'explanation' (the right answer and why)"
        problems.append(Problem(path, entry.line_of("explanation"), message))
    elif kind != "knowledge" and explanation is not None:
        message = f"{where}: only a knowledge item has an 'explanation' (a can_do has no key)"
        problems.append(Problem(path, entry.line_of("explanation"), message))
    known = {
        "id",
        "competence",
        "outcomes",
        "kind",
        "band",
        "text",
        "options",
        "explanation",
        "note",
        "skill",
        "rotation",
    }
    unknown = set(data) - known
    for key in sorted(unknown):
        problems.append(Problem(path, entry.line_of(key), f"{where}: unknown key '{key}'"))
    if len(problems) > before:
        return None
    return Item(
        id=item_id,
        area=area,
        competence=competence,
        kind=kind,
        band=band,
        text=text,
        options=tuple(options),
        note=note.strip() if note else None,
        skill=skill.strip() if skill else None,
        rotation=rotation.strip() if rotation else None,
        outcomes=covered,
        explanation=explanation.strip() if kind == "knowledge" else None,
    )


def _item_outcomes(
    entry: Entry,
    competence: object,
    outcomes: dict[str, Outcome],
    path: Path,
    where: str,
    problems: list[Problem],
) -> tuple[str, ...]:
    """The item's `outcomes`: DigComp 3.0 ids of the table, of the item's own competence."""
    raw = entry.data.get("outcomes")
    line = entry.line_of("outcomes")
    if not isinstance(raw, list) or not raw or not all(isinstance(v, str) for v in raw):
        message = f"{where}: 'outcomes' must list the DigComp 3.0 learning outcomes it covers"
        problems.append(Problem(path, line, message + ', e.g. ["LO1.2.03"]'))
        return ()
    for outcome_id in raw:
        outcome = outcomes.get(outcome_id)
        if outcome is None:
            message = f"{where}: unknown learning outcome {outcome_id!r} (not in digcomp3.toml)"
            problems.append(Problem(path, line, message))
        elif outcome.competence != competence:
            message = (
                f"{where}: learning outcome {outcome_id} belongs to competence "
                f"{outcome.competence}, not to the item's {competence}"
            )
            problems.append(Problem(path, line, message))
    if len(set(raw)) != len(raw):
        problems.append(Problem(path, line, f"{where}: an outcome is listed twice"))
    return tuple(raw)


def _options(
    raw: object, entry: Entry, path: Path, where: str, problems: list[Problem]
) -> list[Option]:
    line = entry.line_of("options")
    if not isinstance(raw, list) or not 3 <= len(raw) <= 4:
        problems.append(Problem(path, line, f"{where}: a knowledge item needs 3 or 4 'options'"))
        return []
    options = []
    codes = "abcd"
    for index, value in enumerate(raw):
        if not isinstance(value, dict):
            problems.append(Problem(path, line, f"{where}: option {index + 1} must be a table"))
            continue
        text = value.get("text")
        if not isinstance(text, str) or not text.strip():
            problems.append(Problem(path, line, f"{where}: option {index + 1} has no 'text'"))
            continue
        correct = value.get("correct", False)
        if not isinstance(correct, bool):
            problems.append(
                Problem(path, line, f"{where}: option {index + 1}: 'correct' must be true or false")
            )
        options.append(Option(code=codes[index], text=text.strip(), correct=correct is True))
    if len(options) == len(raw):
        right = sum(o.correct for o in options)
        if right != 1:
            problems.append(
                Problem(
                    path,
                    line,
                    f"{where}: a knowledge item needs exactly one correct option (found {right})",
                )
            )
    return options


def _check_coverage(questions_dir: Path, items: list[Item], problems: list[Problem]) -> None:
    """The bank as a whole must let every area be scored fairly."""
    slots: dict[tuple[int, str], list[Item]] = {}
    for item in items:
        if item.rotation:
            slots.setdefault((item.area, item.rotation), []).append(item)
    per_visit = sum(1 for i in items if not i.rotation) + len(slots)
    if per_visit > MAX_PER_VISIT:
        message = (
            f"one visit would ask {per_visit} items, at most {MAX_PER_VISIT}: "
            "make a new item a variant of a slot (`rotation`) or replace one"
        )
        problems.append(Problem(questions_dir / "items", 0, message))
    for (area, slot), variants in slots.items():
        first = variants[0]
        where = f"area {area}, rotation '{slot}'"
        if len(variants) < 2:
            problems.append(
                Problem(questions_dir / "items", 0, f"{where}: a slot needs at least 2 variants")
            )
        for other in variants[1:]:
            if (other.band, other.kind) != (first.band, first.kind):
                problems.append(
                    Problem(
                        questions_dir / "items",
                        0,
                        f"{where}: variant '{other.id}' is {other.kind}/{other.band}, "
                        f"'{first.id}' is {first.kind}/{first.band}; variants of a slot "
                        "share kind and band",
                    )
                )
    for area in AREAS:
        mine = [i for i in items if i.area == area]
        where = f"area {area}"
        if len(mine) < 4:
            problems.append(Problem(questions_dir / "items", 0, f"{where} has fewer than 4 items"))
        for band in BANDS:
            if not any(i.band == band for i in mine):
                problems.append(Problem(questions_dir / "items", 0, f"{where} has no {band} item"))
        if not any(i.kind == "knowledge" for i in mine):
            problems.append(Problem(questions_dir / "items", 0, f"{where} has no knowledge check"))
        for band in BANDS:
            # Scoring rule 2: each level needs a can-do item of its band mastered.
            if not any(i.band == band and i.kind == "can_do" for i in mine):
                problems.append(
                    Problem(questions_dir / "items", 0, f"{where} has no {band} can_do item")
                )
