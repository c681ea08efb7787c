"""`skillcheck check`: load everything the kiosk loads and report every problem."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog

from skillcheck.bank import Bank, Item, check_bank
from skillcheck.config import SiteConfig, check_config
from skillcheck.datafile import Problem
from skillcheck.digcomp import COMPETENCES, PROFICIENCY_LEVELS
from skillcheck.i18n import SOURCE_LANGUAGE, discover_languages, writes_right_to_left
from skillcheck.initiatives import check_initiatives
from skillcheck.pronunciation import check_pronunciations
from skillcheck.translation_checks import check_locales


@dataclass(frozen=True)
class Report:
    """The outcome of a check: problems (errors and warnings) and a summary line."""

    problems: tuple[Problem, ...]
    summary: str
    # The DigComp 3.0 coverage table (Annex 2), printed before the summary.
    coverage: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when nothing is an error (warnings are allowed)."""
        return not any(p.severity == "error" for p in self.problems)


def check_all(
    questions_dir: Path,
    locales_dir: Path,
    config_path: Path | None = None,
    allow_incomplete: bool = False,
) -> Report:
    """Check the bank, the initiatives, the locales and optionally a site config."""
    problems: list[Problem] = []
    bank, found = check_bank(questions_dir)
    problems += found
    initiatives, found = check_initiatives(questions_dir / "initiatives.toml")
    problems += found
    problems += check_locales(locales_dir, questions_dir, allow_incomplete=allow_incomplete)
    if bank is not None:
        problems += check_cues(bank, questions_dir, locales_dir)
    languages = sorted(
        p.parent.parent.name for p in locales_dir.glob("*/LC_MESSAGES/skillcheck.po")
    )
    # A right-to-left language gets its one line from check_locales, nothing more.
    problems += check_pronunciations(
        locales_dir, [code for code in languages if not writes_right_to_left(code)]
    )
    if config_path is not None:
        config, found = check_config(config_path)
        problems += found
        if config is not None and config.database is not None:
            problems += _check_database(config_path, config.database)
        if config is not None:
            problems += _check_site_languages(config_path, config, languages)
            problems += _check_kiosk_pin(config_path, config)
        if config is not None and config.read_aloud:
            problems += _check_read_aloud(config_path, config, languages)
        if config is not None and bank is not None:
            problems += check_qr_codes(config_path, config, bank, questions_dir, locales_dir)
    summary = ""
    coverage: tuple[str, ...] = ()
    if bank is not None:
        coverage = coverage_lines(bank)
        from skillcheck.session import longest_visit

        activities = len(bank.survey.activities) if bank.survey else 0
        summary = (
            f"OK: {len(bank.items)} items in {len(bank.areas)} areas, {activities} DSI "
            f"activities (a visit: at most {longest_visit(bank)} steps), "
            f"{len(bank.competences)} of {len(COMPETENCES)} competences, "
            f"{len(initiatives)} initiatives, languages: {', '.join(languages) or 'none'}"
            + (f", config {config_path}" if config_path else "")
        )
    return Report(problems=tuple(problems), summary=summary, coverage=coverage)


LEVEL_HEADINGS = {
    "basic": "basic",
    "intermediate": "intermediate",
    "advanced": "advanced",
    "highly_advanced": "highly adv.",
}


def coverage_lines(bank: Bank) -> tuple[str, ...]:
    """The DigComp 3.0 learning outcomes the bank covers, per competence x level.

    DigComp 3.0's Annex 2 (Box A2, step 7) suggests that a tool publish the share of
    learning outcomes it covers per competence and proficiency level: "covered/all"
    and the per cent, one row per competence, and the AI-explicit outcomes covered.
    """
    table = bank.coverage()
    width = 14
    head = "DigComp 3.0 learning outcomes covered (Annex 2): covered/all per level"
    lines = [head, "comp." + "".join(f"{LEVEL_HEADINGS[lv]:>{width}}" for lv in PROFICIENCY_LEVELS)]
    totals = dict.fromkeys(PROFICIENCY_LEVELS, (0, 0))
    for competence in COMPETENCES:
        cells = []
        for level in PROFICIENCY_LEVELS:
            covered, total = table[(competence, level)]
            cells.append(_cell(covered, total, width))
            mine, all_ = totals[level]
            totals[level] = (mine + covered, all_ + total)
        lines.append(f"{competence:<5}" + "".join(cells))
    lines.append("all  " + "".join(_cell(*totals[lv], width) for lv in PROFICIENCY_LEVELS))
    covered_ids = {o for item in bank.items for o in item.outcomes}
    explicit = [o for o in bank.outcomes if o.ai == "explicit" and o.id in covered_ids]
    lines.append(
        f"AI-explicit outcomes covered: {len(explicit)} "
        f"({', '.join(o.id for o in explicit) or 'none'})"
    )
    return tuple(lines)


def _cell(covered: int, total: int, width: int) -> str:
    if total == 0:
        return f"{'-':>{width}}"
    return f"{covered}/{total} {round(100 * covered / total):>3} %".rjust(width)


def longest_is_keyed(texts: Mapping[str, str], keyed: str) -> bool:
    """Whether the keyed answer is strictly the longest (in characters) of the options.

    `texts` maps each option's code to its text as shown. A test-wise person picks
    the longest, most careful-sounding answer; it must not be the right one by rule.
    """
    longest = max(len(text) for code, text in texts.items() if code != keyed)
    return len(texts[keyed]) > longest


def check_cues(bank: Bank, questions_dir: Path, locales_dir: Path) -> list[Problem]:
    """A warning per language and knowledge item whose right answer is the longest option.

    The text compared is what the kiosk shows: the translation when there is one
    (not empty, not fuzzy), otherwise the English source.
    """
    knowledge = [item for item in bank.items if item.kind == "knowledge"]
    problems: list[Problem] = []
    for item in knowledge:
        texts = {o.code: o.text for o in item.options}
        if longest_is_keyed(texts, _keyed(item)):
            path, line = _item_line(questions_dir, item.id)
            problems.append(_cue_problem(path, line, item, SOURCE_LANGUAGE))
    for language, path in discover_languages(locales_dir).items():
        if language == SOURCE_LANGUAGE or writes_right_to_left(language):
            continue  # a right-to-left language has its one line from check_locales
        catalog = _read_catalog(path)
        if catalog is None:
            continue  # check_locales reports why
        for item in knowledge:
            shown, lines = _shown_options(catalog, item)
            keyed = _keyed(item)
            if longest_is_keyed(shown, keyed):
                problems.append(_cue_problem(path, lines[keyed], item, language))
    return problems


def _keyed(item: Item) -> str:
    return next(o.code for o in item.options if o.correct)


def _cue_problem(path: Path, line: int, item: Item, language: str) -> Problem:
    return Problem(
        path,
        line,
        f"{language}: the right answer of '{item.id}' is the longest of its options "
        "(a give-away cue: shorten it or lengthen a wrong one)",
        "warning",
    )


def _read_catalog(path: Path) -> Catalog | None:
    from babel.messages.pofile import read_po

    try:
        with path.open("rb") as fileobj:
            return read_po(fileobj)
    except Exception:  # noqa: BLE001 - a broken file is check_locales' finding
        return None


def _shown_options(catalog: Catalog, item: Item) -> tuple[dict[str, str], dict[str, int]]:
    """Each option's text as the kiosk shows it in this language, and its .po line."""
    texts: dict[str, str] = {}
    lines: dict[str, int] = {}
    for option in item.options:
        message = catalog.get(option.text, context=item.id)
        translated = message is not None and message.string and not message.fuzzy
        texts[option.code] = message.string if translated else option.text
        lines[option.code] = message.lineno if message is not None else 1
    return texts, lines


def _item_line(questions_dir: Path, item_id: str) -> tuple[Path, int]:
    """The file and line of `id = "<item_id>"` in the bank (for a warning's location)."""
    wanted = f'id = "{item_id}"'
    files: Iterable[Path] = sorted((questions_dir / "items").glob("*.toml"))
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if line.strip() == wanted:
                return path, number
    return questions_dir / "items", 0


def _check_database(config_path: Path, database: Path) -> list[Problem]:
    """The config's database, when it exists, must be a skillcheck database we can use."""
    if not database.exists():
        return []  # the kiosk creates it on the first start
    from skillcheck.datafile import read_data_file
    from skillcheck.store import StoreError, open_database

    data_file, _ = read_data_file(config_path)
    line = data_file.top_line("database") if data_file else 1
    try:
        open_database(database, read_only=True, require_current=False).close()
    except StoreError as error:
        return [Problem(config_path, line, f"database: {error}")]
    except Exception as error:  # noqa: BLE001 - locked, unreadable …: report, never raise
        return [Problem(config_path, line, f"database {database} cannot be opened: {error}")]
    return []


def _check_site_languages(
    config_path: Path, config: SiteConfig, known: Iterable[str]
) -> list[Problem]:
    """One problem per offered language that has no catalogue in the locales folder.

    The kiosk would drop such a language from the welcome screen without a word, so
    the facilitator hears it here, each on its own line.
    """
    from skillcheck.datafile import read_data_file

    data_file, _ = read_data_file(config_path)
    line = data_file.top_line("languages") if data_file else 1
    found = set(known)
    return [
        Problem(
            config_path,
            line,
            f"languages: there is no language {language!r} in the locales folder "
            f"(offered here: {', '.join(sorted(found)) or 'none'})",
        )
        for language in config.languages
        if language not in found
    ]


def _check_kiosk_pin(config_path: Path, config: SiteConfig) -> list[Problem]:
    """Kiosk mode without a PIN cannot start: nobody could leave it."""
    if not config.kiosk or config.pin_hash:
        return []
    from skillcheck.datafile import read_data_file

    data_file, _ = read_data_file(config_path)
    line = data_file.top_line("kiosk") if data_file else 1
    return [
        Problem(
            config_path,
            line,
            "kiosk = true but there is no facilitator PIN, so the kiosk will not start: "
            f"run `skillcheck set-pin --config {config_path}`",
        )
    ]


def check_qr_codes(
    config_path: Path, config: SiteConfig, bank: Bank, questions_dir: Path, locales_dir: Path
) -> list[Problem]:
    """Draw every QR code the kiosk of this config will draw and name those that do not
    fit: the help desk, each initiative (config and catalogue) and the result's own,
    at its longest."""
    import datetime as dt

    from skillcheck.initiatives import check_catalogue
    from skillcheck.qr import qr_problem
    from skillcheck.scoring import LEVEL_LETTERS, summary_text

    problems: list[Problem] = []
    catalogue = questions_dir / "initiatives.toml"
    catalogue_initiatives, catalogue_help_desk, _ = check_catalogue(catalogue)
    places = [(config_path, config.help_desk), (catalogue, catalogue_help_desk)]
    places += [(config_path, i) for i in config.initiatives]
    places += [(catalogue, i) for i in catalogue_initiatives]
    for path, initiative in places:
        url = getattr(initiative, "url", None)
        if not url:
            continue
        why = qr_problem(url)
        if why:
            problems.append(Problem(path, _line_with(path, url), f"url {url[:60]!r}…: {why}"))
    # The result's own code (issue 24's take-home summary) is the same in every
    # language: its longest is every area at the longest level letters, dated.
    levels = {
        area.number: max(LEVEL_LETTERS, key=lambda lv: len(LEVEL_LETTERS[lv]))
        for area in bank.areas
    }
    longest = summary_text(levels, dt.date(2099, 12, 31))
    why = qr_problem(longest)
    if why:
        problems.append(
            Problem(
                config_path, _line_with(config_path, "languages"), f"the result's QR code: {why}"
            )
        )
    return problems


def _line_with(path: Path, text: str) -> int:
    """The first line of `path` that holds `text` (its first 40 characters), else 1."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 1
    return next((n for n, line in enumerate(lines, start=1) if text[:40] in line), 1)


def _check_read_aloud(config_path: Path, config: SiteConfig, known: Iterable[str]) -> list[Problem]:
    """Read aloud needs espeak-ng and a voice for every offered language (warnings).

    A language without a catalogue has its own problem (`_check_site_languages`):
    no voice warning for it on top.
    """
    from skillcheck.datafile import read_data_file
    from skillcheck.speech import ESPEAK, espeak_installed, installed_voices, voice_for

    data_file, _ = read_data_file(config_path)
    line = data_file.top_line("read_aloud") if data_file else 1
    if not espeak_installed():
        return [
            Problem(
                config_path,
                line,
                f"read_aloud: {ESPEAK} is not installed, so the Read aloud button is hidden "
                f"(install the Debian package {ESPEAK}, or set read_aloud = false)",
                "warning",
            )
        ]
    offered = set(known)
    voices = installed_voices()
    if voices is None:
        return []
    return [
        Problem(
            config_path,
            line,
            f"read_aloud: {ESPEAK} has no voice {voice_for(language, config.voices)!r} "
            f"for {language} (see `{ESPEAK} --voices`; set voice.{language})",
            "warning",
        )
        for language in config.languages
        if language in offered and voice_for(language, config.voices).lower() not in voices
    ]
