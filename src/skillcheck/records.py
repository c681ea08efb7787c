"""A session as the kiosk hands it to the store, and the rules it must follow.

Anonymous by construction: a random id, the day (never the time of day), where it
happened, the language, how far it got and, for completed sessions, the answer codes,
the level per area and the overall category. Not how long it took: even as a band
(schema 5) it singled visitors out, and nothing read it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace

from skillcheck.digcomp import (
    AREA_RESULTS,
    AREAS,
    CATEGORIES,
    CLOCKS,
    N_,
    SESSION_REGIONS,
    STATUSES,
)

_ID = re.compile(r"[0-9a-f]{32}")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class SessionRecord:
    """One citizen's session as the kiosk hands it over; nothing else is stored.

    The session's secret `cell_key` is not part of it: the store draws one when it
    writes the session (see docs/facilitators.md).
    """

    id: str  # random, uuid4().hex
    day: str  # "YYYY-MM-DD" (date only; never the time of day)
    site: str
    terminal: str
    region: str  # digcomp.SESSION_REGIONS
    language: str  # "nl" | "fr" | "en" | ...
    status: str  # "completed" | "abandoned"
    items_answered: int
    category: str | None  # overall category for completed sessions; None when abandoned
    bank_version: str
    scoring_version: int  # scoring.SCORING_VERSION of the rule that gave the levels
    levels: Mapping[int, str] = field(default_factory=dict)  # area 1..5 -> level
    answers: Mapping[str, str] = field(default_factory=dict)  # item id -> answer code
    # "implausible" when the kiosk's clock was wrong as it made the record (judge_clock);
    # judged once, never again (a spooled line keeps what it says).
    clock: str = "ok"


# What the intro screen tells a visitor is kept, word for word (tui/screens/intro.py).
WHAT_WE_KEEP = N_(
    "It is anonymous: we do not ask your name.\n"
    "We keep only:\n"
    "– the date (not the time),\n"
    "– this terminal and where it is,\n"
    "– the language,\n"
    "– whether you finished, how many questions you answered,\n"
    "– your answers (which choice you picked) and your result,\n"
    "– the version of the questions and of their scoring,\n"
    "– random numbers that say nothing about you.\n"
    "Not how long it took.\n"
    "If you stop early: no answers, no result.\n"
    "We only count how many people took the test and what they can do.\n"
    "Nobody can see it later on this screen."
)
# Every stored column (table, column) and the words of WHAT_WE_KEEP that tell of it.
# tests/test_what_is_kept.py checks these are exactly the schema's columns and that
# each phrase is in the sentence: a new column cannot be stored without being told.
KEPT_COLUMNS: dict[tuple[str, str], str] = {
    ("sessions", "id"): "random numbers that say nothing about you",
    ("sessions", "day"): "the date (not the time)",
    ("sessions", "site"): "where it is",
    ("sessions", "terminal"): "this terminal",
    ("sessions", "region"): "where it is",
    ("sessions", "language"): "the language",
    ("sessions", "status"): "whether you finished",
    ("sessions", "items_answered"): "how many questions you answered",
    ("sessions", "category"): "your result",
    ("sessions", "bank_version"): "the version of the questions",
    ("sessions", "scoring_version"): "and of their scoring",
    ("sessions", "cell_key"): "random numbers that say nothing about you",
    ("sessions", "clock"): "the date (not the time)",
    ("area_results", "session_id"): "random numbers that say nothing about you",
    ("area_results", "area"): "your result",
    ("area_results", "level"): "your result",
    ("answers", "session_id"): "random numbers that say nothing about you",
    ("answers", "item_id"): "your answers",
    ("answers", "answer"): "which choice you picked",
}


# A clock more than this many years after the bank's release is taken to be wrong.
PLAUSIBLE_YEARS = 3


def judge_clock(day: dt.date, released: dt.date | None) -> str:
    """ "implausible" when `day` (the kiosk's today) is before the question bank's release
    or more than PLAUSIBLE_YEARS after it (a clock reset to 1970, or set to 2099), else
    "ok". Such a record is stored but left out of every published figure."""
    if released is None:
        return "ok"
    try:
        latest = released.replace(year=released.year + PLAUSIBLE_YEARS)
    except ValueError:  # 29 February
        latest = released.replace(year=released.year + PLAUSIBLE_YEARS, day=28)
    return "ok" if released <= day <= latest else "implausible"


def stored_region(config_region: str | None) -> str:
    """The region stored with a session for a terminal configured with this region."""
    if config_region in SESSION_REGIONS:
        return config_region
    return "unknown"  # not configured, or "national" (no single region)


# SQLite's INTEGER is 64 bits: a larger number cannot be stored (OverflowError).
_LARGEST = 2**63 - 1


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) <= _LARGEST


def _texts(record: SessionRecord) -> list[object]:
    texts: list[object] = [getattr(record, f.name) for f in fields(SessionRecord)]
    for mapping in (record.levels, record.answers):
        if isinstance(mapping, Mapping):
            texts += [*mapping.keys(), *mapping.values()]
    return [text for text in texts if isinstance(text, str)]


def check_record(record: SessionRecord) -> None:
    """Raise ValueError when a record breaks the schema's rules (a kiosk bug, a bad spool line).

    Everything the database would refuse is refused here first, so one bad record never
    blocks a batch of good ones.
    """
    problems = []
    for name in ("id", "day", "site", "terminal", "region", "language", "status"):
        value = getattr(record, name)
        if not isinstance(value, str) or not value:
            problems.append(f"{name} must be non-empty text, not {value!r}")
    if not isinstance(record.bank_version, str):
        problems.append(f"bank_version must be text, not {record.bank_version!r}")
    if isinstance(record.id, str) and not _ID.fullmatch(record.id):
        problems.append("id must be uuid4().hex")
    if isinstance(record.day, str):
        if not _DAY.fullmatch(record.day):
            problems.append(f"day {record.day!r} is not YYYY-MM-DD")
        else:
            try:
                dt.date.fromisoformat(record.day)
            except ValueError:
                problems.append(f"day {record.day!r} is not a date")
    if record.region not in SESSION_REGIONS:
        problems.append(f"region {record.region!r} is not one of {SESSION_REGIONS}")
    if record.clock not in CLOCKS:
        problems.append(f"clock {record.clock!r} is not one of {CLOCKS}")
    if record.status not in STATUSES:
        problems.append(f"status {record.status!r} is not one of {STATUSES}")
    if record.status == "completed" and record.category not in CATEGORIES:
        problems.append(f"category {record.category!r} is not one of {CATEGORIES}")
    if not _is_int(record.items_answered) or record.items_answered < 0:
        problems.append("items_answered must be a whole number, not negative")
    if not _is_int(record.scoring_version) or record.scoring_version < 1:
        problems.append("scoring_version must be a whole number from 1")
    if not isinstance(record.levels, Mapping) or not isinstance(record.answers, Mapping):
        problems.append("levels and answers must be mappings")
    else:
        for area, level in record.levels.items():
            if area not in AREAS or level not in AREA_RESULTS:
                problems.append(
                    f"level {area!r}: {level!r} is not area 1-5 with one of {AREA_RESULTS}"
                )
        for item, code in record.answers.items():
            if not isinstance(item, str) or not item or not isinstance(code, str):
                problems.append(f"answer {item!r}: {code!r} is not item id -> answer code")
    for text in _texts(record):
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate, from a JSON \ud800
            problems.append(f"{text!r} is not valid text (a lone surrogate)")
    if problems:
        raise ValueError(f"session {record.id!r}: " + "; ".join(problems))


def anonymous_form(record: SessionRecord) -> SessionRecord:
    """The record as it may be kept anywhere, database or spool: the privacy rule.

    An abandoned session keeps only how far it got: no category, levels, answers.
    """
    if record.status == "completed":
        return record
    return replace(record, category=None, levels={}, answers={})


def record_to_json(record: SessionRecord) -> str:
    """One spool line (without its newline)."""
    data = asdict(record)
    data["levels"] = {str(area): level for area, level in record.levels.items()}
    data["answers"] = dict(record.answers)
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


_FIELDS = {f.name for f in fields(SessionRecord)}


def record_from_json(line: str) -> SessionRecord:
    """A spooled line back as a record; ValueError for anything but a valid one."""
    data = json.loads(line)
    if not isinstance(data, dict):
        raise ValueError(f"a JSON {type(data).__name__}, not an object")
    if "duration_minutes" in data:
        # A line spooled by skillcheck before schema 5: same rules as the migration.
        minutes = data.pop("duration_minutes")
        if not _is_int(minutes):
            raise ValueError(f"duration_minutes {minutes!r} is not a whole number")
        data.setdefault("region", "unknown")
        data.setdefault("scoring_version", 1)
    elif "duration_band" in data:
        # Spooled by schema 5's skillcheck: the band is not kept any more.
        if not isinstance(data.pop("duration_band"), str):
            raise ValueError("duration_band must be text")
    unknown = set(data) - _FIELDS
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}")
    try:
        levels = data.get("levels", {})
        data["levels"] = {int(area): level for area, level in levels.items()}
        record = SessionRecord(**data)
    except (TypeError, AttributeError, ValueError) as error:  # wrong fields or types
        raise ValueError(str(error)) from None
    check_record(record)
    return record
