"""The catalogue of local initiatives and matching them to a person's result.

The catalogue lives in `questions/initiatives.toml` (English source text,
translated through gettext with the initiative id as msgctxt); a site adds its
own entries and its help desk in its config, optionally with a text per language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType

from skillcheck.datafile import Entry, Problem, read_data_file, value_or_raise
from skillcheck.digcomp import AREAS, LEVELS, REGIONS
from skillcheck.i18n import Translator, language_name
from skillcheck.scoring import overall_category, weakest_areas

TEXT_FIELDS = ("offer", "audience", "where", "only_for")
MODES = ("in_person", "online")
# A catalogue entry not checked against its source for longer than this gets a warning.
VERIFIED_MAX_DAYS = 365


@dataclass(frozen=True)
class Initiative:
    """A place or programme a person can go to next."""

    id: str
    name: str
    offer: str
    audience: str = ""
    where: str = ""
    levels: tuple[str, ...] = LEVELS
    region: str = "national"
    languages: tuple[str, ...] = ()
    areas: tuple[int, ...] = AREAS
    address: str | None = None
    url: str | None = None
    # in_person: a place to walk into; online: a website or app (see recommend()).
    mode: str = "in_person"
    # Who it is only for ("Only for women."), shown first on the card; "" = everyone.
    only_for: str = ""
    # Where its existence, address and languages were read, and on which day.
    source: str | None = None
    verified: str | None = None
    # The shipped help desk's name is ordinary words ("Ask the staff here"), so it
    # is translated; other names are proper names and stay as they are.
    translated_name: bool = False
    # Site entries may give their texts per language: field -> language -> text.
    local_texts: Mapping[str, Mapping[str, str]] = field(
        default_factory=lambda: MappingProxyType({})
    )


def initiative_text(initiative: Initiative, name: str, translator: Translator) -> str:
    """One of an initiative's texts (name, offer, audience, where) in the person's language."""
    own = initiative.local_texts.get(name, {})
    if name == "name" and not own and not initiative.translated_name:
        return initiative.name
    if translator.language in own:
        return own[translator.language]
    source = getattr(initiative, name)
    if not source:
        return ""
    if own:
        # A site's own entry is not in the catalogues: its English (or first) text.
        return own.get("en") or source
    return translator.pgettext(initiative.id, source)


def place_lines(initiative: Initiative, translator: Translator) -> list[str]:
    """What the result screen says about a place under its name, in reading order.

    Whom it is only for (a restricted audience comes first, so nobody walks to a
    place that will not take them), what it offers, for whom, where, its address
    and its languages (the web address has its own line and QR code on screen).
    """
    t = translator
    only_for = initiative_text(initiative, "only_for", t)
    lines = [only_for] if only_for else []
    lines.append(initiative_text(initiative, "offer", t))
    for name in ("audience", "where"):
        text = initiative_text(initiative, name, t)
        if text:
            lines.append(text)
    if initiative.address:
        lines.append(t.gettext("Address: {address}").format(address=initiative.address))
    if initiative.languages:
        names = ", ".join(language_name(code) for code in initiative.languages)
        lines.append(t.gettext("Languages: {names}").format(names=names))
    return lines


def load_catalogue(path: Path) -> tuple[tuple[Initiative, ...], Initiative]:
    """The catalogue's initiatives and its help desk, read once; ContentError if invalid."""
    initiatives, help_desk, problems = check_catalogue(path)
    value_or_raise(help_desk, problems)
    assert help_desk is not None
    return initiatives, help_desk


def load_initiatives(path: Path) -> tuple[Initiative, ...]:
    """Load and validate the catalogue; raise ContentError listing every problem."""
    return load_catalogue(path)[0]


def load_help_desk(path: Path) -> Initiative:
    """The shipped help desk of the catalogue file, used when a site has none."""
    return load_catalogue(path)[1]


def check_initiatives(path: Path) -> tuple[tuple[Initiative, ...], list[Problem]]:
    """Load the catalogue file and return the valid entries and all problems."""
    initiatives, _help_desk, problems = check_catalogue(path)
    return initiatives, problems


def check_catalogue(
    path: Path, today: dt.date | None = None
) -> tuple[tuple[Initiative, ...], Initiative | None, list[Problem]]:
    """The valid initiatives, the help desk (None if invalid) and all problems.

    Every catalogue entry names its `source` and the day it was `verified`; one
    verified more than a year before `today` is a warning (addresses move, courses
    stop).
    """
    today = today or dt.date.today()
    data_file, problems = read_data_file(path)
    if data_file is None:
        return (), None, problems
    entries = data_file.entries("initiatives")
    if not entries:
        problems.append(Problem(path, 1, "no [[initiatives]] in this file"))
    result = []
    seen: set[str] = set()
    for entry in entries:
        initiative = parse_initiative(
            entry, path, problems, allow_local_texts=False, catalogue_entry=True
        )
        if initiative is None:
            continue
        if initiative.verified and (
            today - dt.date.fromisoformat(initiative.verified)
        ) > dt.timedelta(days=VERIFIED_MAX_DAYS):
            problems.append(
                Problem(
                    path,
                    entry.line_of("verified"),
                    f"initiative '{initiative.id}': verified on {initiative.verified}, more "
                    "than a year ago: check it against its source and update 'verified'",
                    "warning",
                )
            )
        if initiative.id in seen:
            problems.append(
                Problem(path, entry.line_of("id"), f"duplicate initiative id '{initiative.id}'")
            )
            continue
        seen.add(initiative.id)
        result.append(initiative)
    help_desk = None
    table = data_file.table("help_desk")
    if table is None:
        problems.append(Problem(path, 1, "no [help_desk] table (the last suggestion for everyone)"))
    else:
        parsed = parse_initiative(table, path, problems, allow_local_texts=False)
        help_desk = replace(parsed, translated_name=True) if parsed else None
    return tuple(result), help_desk, problems


def parse_initiative(
    entry: Entry,
    path: Path,
    problems: list[Problem],
    *,
    allow_local_texts: bool,
    catalogue_entry: bool = False,
) -> Initiative | None:
    """Validate one `[[initiatives]]` table (catalogue or site config).

    A catalogue entry must say how it is reached (`mode`), where it was read
    (`source`) and when (`verified`); a site's own entry and a help desk may leave
    them out (the site knows its own class).
    """
    before = len(problems)
    data = entry.data

    def problem(key: str, message: str) -> None:
        problems.append(Problem(path, entry.line_of(key), message))

    initiative_id = data.get("id")
    if not isinstance(initiative_id, str) or not initiative_id.strip():
        problem("id", "initiative without an 'id'")
        initiative_id = "?"
    where = f"initiative '{initiative_id}'"
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        problem("name", f"{where}: 'name' is missing or empty")

    texts: dict[str, str] = {}
    local: dict[str, dict[str, str]] = {}
    for key in TEXT_FIELDS:
        value = data.get(key, "")
        if allow_local_texts and isinstance(value, dict):
            if not value or not all(
                isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in value.items()
            ):
                problem(key, f"{where}: '{key}' needs a text per language, e.g. {{ nl = \"…\" }}")
                continue
            local[key] = {k: v.strip() for k, v in value.items()}
            texts[key] = local[key].get("en") or next(iter(local[key].values()))
        elif isinstance(value, str):
            texts[key] = value.strip()
        else:
            problem(key, f"{where}: '{key}' must be text")
    if not texts.get("offer"):
        problem("offer", f"{where}: 'offer' (what it offers) is missing or empty")

    levels = data.get("levels", list(LEVELS))
    if not isinstance(levels, list) or not levels:
        problem("levels", f'{where}: \'levels\' must be a list such as ["none", "basic"]')
        levels = []
    for level in levels:
        if level not in LEVELS:
            problem("levels", f"{where}: unknown level {level!r} (use {', '.join(LEVELS)})")
    region = data.get("region", "national")
    if region not in REGIONS:
        problem("region", f"{where}: unknown region {region!r} (use {', '.join(REGIONS)})")
    languages = data.get("languages", [])
    if not isinstance(languages, list) or not all(
        isinstance(x, str) and x.isalpha() and 2 <= len(x) <= 3 for x in languages
    ):
        problem("languages", f'{where}: \'languages\' must be a list of codes such as ["nl", "fr"]')
        languages = []
    areas = data.get("areas", list(AREAS))
    if not isinstance(areas, list) or not all(a in AREAS for a in areas):
        problem("areas", f"{where}: 'areas' must be a list of area numbers 1 to 5")
        areas = []
    for key in ("address", "url"):
        value = data.get(key)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            problem(key, f"{where}: '{key}' must be non-empty text (or left out)")
    url = data.get("url")
    if isinstance(url, str) and not url.startswith(("https://", "http://")):
        problem("url", f"{where}: 'url' must start with https://")
    mode = data.get("mode", None if catalogue_entry else "in_person")
    if mode not in MODES:
        problem("mode", f"{where}: 'mode' must be one of {', '.join(MODES)}")
    for key in ("source", "verified"):
        if key not in data and catalogue_entry:
            problem("id", f"{where}: '{key}' is missing (where and when it was checked)")
    source = data.get("source")
    if source is not None and (
        not isinstance(source, str) or not source.startswith(("https://", "http://"))
    ):
        problem("source", f"{where}: 'source' must be the web address where it was read")
    verified = data.get("verified")
    if isinstance(verified, dt.date) and not isinstance(verified, dt.datetime):
        verified = verified.isoformat()  # TOML's own date: verified = 2026-12-07
    if isinstance(verified, str):
        try:
            if len(verified) != 10:
                raise ValueError
            dt.date.fromisoformat(verified)
        except ValueError:
            problem("verified", f"{where}: 'verified' must be a day as YYYY-MM-DD")
    elif verified is not None:
        problem("verified", f"{where}: 'verified' must be a day as YYYY-MM-DD")
    known = {
        "id",
        "name",
        "levels",
        "region",
        "languages",
        "areas",
        "address",
        "url",
        "mode",
        "source",
        "verified",
    }
    for key in sorted(set(data) - known - set(TEXT_FIELDS)):
        problem(key, f"{where}: unknown key '{key}'")
    if len(problems) > before:
        return None
    return Initiative(
        id=initiative_id.strip(),
        name=name.strip(),
        offer=texts.get("offer", ""),
        audience=texts.get("audience", ""),
        where=texts.get("where", ""),
        levels=tuple(levels),
        region=region,
        languages=tuple(languages),
        areas=tuple(areas),
        address=data.get("address"),
        url=url,
        mode=mode,
        only_for=texts.get("only_for", ""),
        source=source,
        verified=verified,
        local_texts=MappingProxyType({k: MappingProxyType(v) for k, v in local.items()}),
    )


def person_level(levels: Mapping[int, str]) -> str:
    """The one level an initiative must serve to fit this person.

    Above basic everywhere → `above_basic`; basic in at least four areas (DSI
    categories basic and low) → `basic`; otherwise → `none`.
    """
    category = overall_category(levels)
    if category == "above_basic":
        return "above_basic"
    return "basic" if category in ("basic", "low") else "none"


def recommend(
    catalogue: Sequence[Initiative],
    levels: Mapping[int, str],
    region: str,
    language: str,
    help_desk: Initiative | None = None,
    limit: int = 3,
) -> list[Initiative]:
    """The initiatives to show a person (at most `limit`), best first, the help desk last.

    A place must serve the person's level and be in the terminal's region or
    national; a place elsewhere or for another level is never shown. Then:

    1. in-person places of the terminal's region that work in the visit's language;
    2. only when there is none: the in-person places of the region in other
       languages (the card names their languages: "Sprachen: Français"), since a
       door nearby in French beats none for a German speaker in Namur;
    3. then the other fitting places in the visit's language (national, online);
    4. only when 1-3 found nothing: any fitting place, whatever its language.

    So an in-person place nearby never gives way to a national online one, and a
    place in another language is shown only when none nearby speaks the visit's.
    Within each group: the places that train more of the person's weakest areas
    first, then the terminal's own region before national ones, then name. The
    site's help desk always comes last, so there is always at least one.
    """
    wanted = person_level(levels)
    weak = set(weakest_areas(levels))
    fitting = [i for i in catalogue if wanted in i.levels and i.region in (region, "national")]
    nearby = [i for i in fitting if i.region == region and i.mode == "in_person"]
    nearby_speaking = [i for i in nearby if language in i.languages]
    others_speaking = [i for i in fitting if i not in nearby and language in i.languages]

    def rank(initiative: Initiative) -> tuple[int, int, str, str]:
        return (
            -len(weak.intersection(initiative.areas)),
            0 if initiative.region == region else 1,
            initiative.name.casefold(),
            initiative.id,
        )

    first = nearby_speaking or nearby
    # Nothing nearby and nothing in the visit's language: any fitting place, named
    # with its languages, before the help desk alone.
    rest = [] if first or others_speaking else fitting
    room = limit - 1 if help_desk else limit
    chosen = [*sorted(first, key=rank), *sorted(others_speaking, key=rank), *sorted(rest, key=rank)]
    chosen = chosen[:room]
    if help_desk:
        chosen.append(help_desk)
    return chosen
