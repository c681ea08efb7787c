"""A Babel extractor for the question bank and the initiatives catalogue (TOML).

Registered as the entry point `skillcheck_toml` (group `babel.extractors`), so
`pybabel extract -F babel.cfg` uses it for `questions/**.toml`; `check_locales`
calls it in-process to see whether `locales/skillcheck.pot` is up to date.

Every string gets a msgctxt, so that two items with the same English text can be
translated differently:

* `areas.toml`: each area's name, with msgctxt `area-N`;
* `items/*.toml`: the item `text`, its `skill`, each option `text` and the
  `explanation` of a knowledge check, msgctxt = item id, with translator comments
  (area, DigComp 3.0 competence, kind, band, the item's `note`);
* `activities.toml`: the filter question and its two answers (msgctxt = its id) and
  each DSI activity's text (msgctxt = the activity id);
* `initiatives.toml`: offer, audience, where of each `[[initiatives]]` entry with
  msgctxt = its id and its name as a comment; the `[help_desk]` table also has
  its `name` translated (it is ordinary words, not a proper name).

Which kind of file it is follows from its top-level keys, not its name.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from skillcheck.datafile import DataFile, parse_data_text
from skillcheck.digcomp import AREA_TEXT_KEYS, COMPETENCES, DIGCOMP_AREAS

AREA_KEY_HINTS = {
    "name": "the area's name, a heading on the result screen",
}
KIND_HINTS = {
    "can_do": "can-do statement: the person rates how well they can do this",
    "knowledge": "knowledge check: a situation with one right answer",
}
INITIATIVE_KEYS = ("only_for", "offer", "audience", "where")

# (lineno, funcname, messages, comments), as Babel's extract() expects.
Extracted = tuple[int, str | None, str | tuple[str, str], list[str]]


def _message(
    keywords: Collection[str], line: int, context: str, text: str, comments: list[str]
) -> Extracted:
    if "pgettext" in keywords:
        return line, "pgettext", (context, text), comments
    # Called without the pgettext keyword (e.g. --no-default-keywords -k _):
    # give the plain message rather than have Babel fail on an unknown keyword.
    return line, None, text, comments


def extract_toml(
    fileobj: IO[bytes],
    keywords: Collection[str],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[Extracted]:
    """Yield the translatable strings of one of skillcheck's TOML data files.

    Raises ValueError (with `file:line`) on a TOML syntax error, so that
    `pybabel extract` stops instead of writing an incomplete template.
    """
    raw = fileobj.read()
    text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    source, problems = parse_data_text(text, Path(getattr(fileobj, "name", "<toml>")))
    if source is None:
        raise ValueError(str(problems[0]))
    data = source.data
    lines = _Finder(source)
    if isinstance(data.get("areas"), list):
        yield from _areas(data["areas"], lines, keywords)
    if isinstance(data.get("items"), list):
        yield from _items(data, lines, keywords)
    if isinstance(data.get("initiatives"), list):
        yield from _initiatives(data["initiatives"], lines, "initiatives", keywords)
    if isinstance(data.get("help_desk"), dict):
        yield from _initiatives([data["help_desk"]], lines, "help_desk", keywords)
    if isinstance(data.get("filter"), dict):
        yield from _survey(data, lines, keywords)


class _Finder:
    """The source's lines for one extraction: spans of tables, lines of values."""

    def __init__(self, source: DataFile):
        self.source = source
        self.taken: set[tuple[int, str]] = set()

    def spans(self, table: str, count: int) -> list[tuple[int, int]]:
        return self.source.spans(table, count)

    def find(self, key: str, value: str, start: int, end: int) -> int:
        return self.source.line_of_value(key, value, start, end, self.taken)


def _areas(areas: list[Any], finder: _Finder, keywords: Collection[str]) -> Iterator[Extracted]:
    for area, (start, end) in zip(areas, finder.spans("areas", len(areas)), strict=True):
        if not isinstance(area, dict):
            continue
        number = area.get("number")
        context = f"area-{number}"
        label = DIGCOMP_AREAS.get(number, "?") if isinstance(number, int) else "?"
        for key in AREA_TEXT_KEYS:
            value = area.get(key)
            if not isinstance(value, str) or not value.strip():
                continue
            comments = [f"DigComp area {number}: {label}.", AREA_KEY_HINTS[key] + "."]
            line = finder.find(key, value, start, end)
            yield _message(keywords, line, context, value.strip(), comments)


def _items(data: dict[str, Any], finder: _Finder, keywords: Collection[str]) -> Iterator[Extracted]:
    area = data.get("area")
    items = data["items"]
    label = DIGCOMP_AREAS.get(area, "?") if isinstance(area, int) else "?"
    for item, (start, end) in zip(items, finder.spans("items", len(items)), strict=True):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            continue
        context = item["id"]
        kind = item.get("kind", "?")
        competence = item.get("competence", "?")
        title = COMPETENCES.get(competence, "?") if isinstance(competence, str) else "?"
        base = [
            f"Area {area}: {label}. Competence {competence}: {title}.",
            f"Kind: {kind} ({KIND_HINTS.get(kind, 'unknown kind')}). "
            f"Band: {item.get('band', '?')}.",
        ]
        note = item.get("note")
        notes = [f"Note: {note.strip()}"] if isinstance(note, str) and note.strip() else []
        text = item.get("text")
        if isinstance(text, str) and text.strip():
            line = finder.find("text", text, start, end)
            yield _message(keywords, line, context, text.strip(), base + notes)
        skill = item.get("skill")
        if isinstance(skill, str) and skill.strip():
            line = finder.find("skill", skill, start, end)
            hint = (
                "Skill: a short phrase (no 'to') that completes 'You can already: …' and "
                "'Learn next: …' on the result screen. Translate it so it fits both."
            )
            yield _message(keywords, line, context, skill.strip(), base + [hint] + notes)
        explanation = item.get("explanation")
        if isinstance(explanation, str) and explanation.strip():
            line = finder.find("explanation", explanation, start, end)
            hint = (
                "Good to know: shown on the result when this check was answered wrong or "
                "with 'I don't know'. The right answer and why, in plain words."
            )
            yield _message(keywords, line, context, explanation.strip(), base + [hint] + notes)
        options = item.get("options")
        if not isinstance(options, list):
            continue
        for index, option in enumerate(options, start=1):
            if not isinstance(option, dict):
                continue
            value = option.get("text")
            if not isinstance(value, str) or not value.strip():
                continue
            right = (
                "the right answer"
                if option.get("correct") is True
                else "a wrong answer: keep it wrong, but believable"
            )
            comments = [f"Answer {index} of {len(options)} to this question: {right}."]
            line = finder.find("text", value, start, end)
            yield _message(keywords, line, context, value.strip(), base + comments + notes)


def _survey(
    data: dict[str, Any], finder: _Finder, keywords: Collection[str]
) -> Iterator[Extracted]:
    question = data["filter"]
    [(start, end)] = finder.spans("filter", 1)
    context = question.get("id", "?")
    hints = {
        "text": "The first question of a visit (Eurostat's filter): did the person use the "
        "internet in the last 3 months? Plain words.",
        "yes": "Answer button to the internet question.",
        "no": "Answer button to the internet question: no, or never used it.",
    }
    for key, hint in hints.items():
        value = question.get(key)
        if isinstance(value, str) and value.strip():
            line = finder.find(key, value, start, end)
            yield _message(keywords, line, context, value.strip(), [hint])
    activities = [
        (area.get("number", "?"), activity)
        for area in data.get("areas", [])
        if isinstance(area, dict)
        for activity in area.get("activities", [])
        if isinstance(activity, dict)
    ]
    spans = finder.spans("areas.activities", len(activities))
    for (area, activity), (start, end) in zip(activities, spans, strict=True):
        value = activity.get("text")
        if not isinstance(value, str) or not value.strip():
            continue
        comments = [
            f"Area {area}: {DIGCOMP_AREAS.get(area, '?')}. An activity of Eurostat's digital "
            f"skills survey (variable {activity.get('variable', '?')}).",
            "A line of a tick-list under 'In the last 3 months, which of these did you do?', "
            "and on the result under 'In the last 3 months you did:'. Write what was done.",
        ]
        line = finder.find("text", value, start, end)
        yield _message(keywords, line, str(activity.get("id", "?")), value.strip(), comments)


def _initiatives(
    entries: list[Any], finder: _Finder, table: str, keywords: Collection[str]
) -> Iterator[Extracted]:
    ranges = finder.spans(table, len(entries))
    for entry, (start, end) in zip(entries, ranges, strict=True):
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            continue
        context = entry["id"]
        name = entry.get("name", "?")
        keys = INITIATIVE_KEYS
        if table == "help_desk":
            keys = ("name",) + INITIATIVE_KEYS
            what = "the site's help desk, always the last suggestion"
        else:
            what = f"initiative '{name}' (keep the name itself as it is)"
        for key in keys:
            value = entry.get(key)
            if not isinstance(value, str) or not value.strip():
                continue
            comments = [f"{key.capitalize()} of {what}."]
            if entry.get("region"):
                comments.append(f"Region: {entry['region']}.")
            line = finder.find(key, value, start, end)
            yield _message(keywords, line, context, value.strip(), comments)
