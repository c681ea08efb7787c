"""Translations: run-time loading with English fallback, check_locales, the extractor."""

from __future__ import annotations

import io
import logging
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from babel.messages.extract import extract

from skillcheck.catalogues import brace_placeholders, percent_placeholders, read_po_file
from skillcheck.datafile import Problem
from skillcheck.extract import extract_toml
from skillcheck.i18n import LANGUAGE_ORDER, Translator, load_translators
from skillcheck.paths import LOCALES_DIR, QUESTIONS_DIR
from skillcheck.translation_checks import SOURCES_DIR, check_locales, extract_sources

# The shipped languages are whatever folders locales/ holds: adding one needs no list
# here (the English source, then the others in the kiosk's order).
SHIPPED = sorted(p.parent.parent.name for p in LOCALES_DIR.glob("*/LC_MESSAGES/skillcheck.po"))
TRANSLATED = [code for code in SHIPPED if code != "en"]

PLURALS = {
    "nl": "nplurals=2; plural=(n != 1);",
    "fr": "nplurals=2; plural=(n > 1);",
    "en": "nplurals=2; plural=(n != 1);",
    "de": "nplurals=2; plural=(n != 1);",
}


def header(language: str | None, plural_forms: str | None = None) -> str:
    lines = ['msgid ""', 'msgstr ""', '"Project-Id-Version: skillcheck test\\n"']
    if language:
        lines.append(f'"Language: {language}\\n"')
        lines.append(f'"Plural-Forms: {plural_forms or PLURALS[language]}\\n"')
    lines += [
        '"MIME-Version: 1.0\\n"',
        '"Content-Type: text/plain; charset=UTF-8\\n"',
        '"Content-Transfer-Encoding: 8bit\\n"',
    ]
    return "\n".join(lines) + "\n\n"


SOURCE_PY = """\
from skillcheck.digcomp import N_

GREETING = N_("Hello")


def show(t, n):
    return t.ngettext("{n} question", "{n} questions", n)


def menu(t):
    return t.pgettext("menu", "Start")


def saved(t, n):
    return t.gettext("Saved %(count)d answers") % {"count": n}
"""

AREAS_TOML = """\
version = "test"

[[areas]]
number = 1
name = "Finding information"
"""

ITEMS_TOML = """\
area = 1

[[items]]
id = "info-bus"
competence = "1.1"
kind = "knowledge"
band = "basic"
text = "Where do you find a bus time?"
note = "Keep 'De Lijn' as it is."
options = [
  { text = "On the website of De Lijn.", correct = true },
  { text = "In a cookbook." },
]
"""

# (msgctxt, msgid, msgid_plural, source location) of every message above.
TEMPLATE = [
    ("area-1", "Finding information", None, "questions/areas.toml:5"),
    ("info-bus", "Where do you find a bus time?", None, "questions/items/1.toml:8"),
    ("info-bus", "On the website of De Lijn.", None, "questions/items/1.toml:11"),
    ("info-bus", "In a cookbook.", None, "questions/items/1.toml:12"),
    (None, "Hello", None, "src/app.py:3"),
    (None, "{n} question", "{n} questions", "src/app.py:7"),
    ("menu", "Start", None, "src/app.py:11"),
    (None, "Saved %(count)d answers", None, "src/app.py:15"),
]

DUTCH = {
    "Finding information": "Informatie vinden",
    "Where do you find a bus time?": "Waar vindt u een busuur?",
    "On the website of De Lijn.": "Op de website van De Lijn.",
    "In a cookbook.": "In een kookboek.",
    "Hello": "Hallo",
    "{n} question": ["{n} vraag", "{n} vragen"],
    "Start": "Beginnen",
    "Saved %(count)d answers": "%(count)d antwoorden bewaard",
}


def entry(
    context: str | None,
    msgid: str,
    plural: str | None,
    translation: str | list[str] | None,
    *,
    location: str = "",
    flags: str = "",
) -> str:
    lines = []
    if location:
        lines.append(f"#: {location}")
    if flags:
        lines.append(f"#, {flags}")
    if context:
        lines.append(f'msgctxt "{context}"')
    lines.append(f'msgid "{msgid}"')
    if plural:
        lines.append(f'msgid_plural "{plural}"')
        forms = translation if isinstance(translation, list) else ["", ""]
        lines += [f'msgstr[{i}] "{text}"' for i, text in enumerate(forms)]
    else:
        lines.append(f'msgstr "{translation or ""}"')
    return "\n".join(lines) + "\n\n"


def po_text(language: str | None, translations: dict | None = None, **changes) -> str:
    """A catalogue of TEMPLATE; `changes` maps msgid -> (translation, flags)."""
    text = header(language)
    for context, msgid, plural, location in TEMPLATE:
        translation = (translations or {}).get(msgid)
        flags = ""
        if msgid in changes:
            translation, flags = changes[msgid]
        text += entry(context, msgid, plural, translation, location=location, flags=flags)
    return text


@pytest.fixture
def project(tmp_path: Path) -> dict[str, Path]:
    """A tiny project: sources, questions, a fresh .pot, complete nl and empty en."""
    sources = tmp_path / "src"
    sources.mkdir()
    (sources / "app.py").write_text(SOURCE_PY)
    questions = tmp_path / "questions"
    (questions / "items").mkdir(parents=True)
    (questions / "areas.toml").write_text(AREAS_TOML)
    (questions / "items" / "1.toml").write_text(ITEMS_TOML)
    locales = tmp_path / "locales"
    locales.mkdir()
    (locales / "skillcheck.pot").write_text(po_text(None))
    for language, translations in (("nl", DUTCH), ("en", {})):
        folder = locales / language / "LC_MESSAGES"
        folder.mkdir(parents=True)
        (folder / "skillcheck.po").write_text(po_text(language, translations))
    return {"src": sources, "questions": questions, "locales": locales}


def po_path(project: dict[str, Path], language: str = "nl") -> Path:
    return project["locales"] / language / "LC_MESSAGES" / "skillcheck.po"


def check(project: dict[str, Path], **kwargs) -> list[Problem]:
    return check_locales(
        project["locales"], project["questions"], sources_dir=project["src"], **kwargs
    )


def line_of(path: Path, needle: str, start: int = 1) -> int:
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if number >= start and needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def only(problems: list[Problem], path: Path) -> list[Problem]:
    return [p for p in problems if p.path == path]


# --- run-time loading -------------------------------------------------------------------


def test_complete_catalogue_translates_everything(project) -> None:
    nl = load_translators(project["locales"])["nl"]
    assert nl.gettext("Hello") == "Hallo"
    assert nl.pgettext("menu", "Start") == "Beginnen"
    assert nl.pgettext("area-1", "Finding information") == "Informatie vinden"
    assert nl.ngettext("{n} question", "{n} questions", 1) == "{n} vraag"
    assert nl.ngettext("{n} question", "{n} questions", 0) == "{n} vragen"
    assert nl.gettext("Saved %(count)d answers") % {"count": 3} == "3 antwoorden bewaard"


def test_missing_fuzzy_and_bad_placeholders_fall_back_to_english_per_message(project) -> None:
    po_path(project).write_text(
        po_text(
            "nl",
            DUTCH,
            Hello=("", ""),
            Start=("Beginnen", "fuzzy"),
            **{
                "{n} question": (["{aantal} vraag", "{aantal} vragen"], ""),
                "Saved %(count)d answers": ("%d antwoorden bewaard", ""),
            },
        )
    )
    nl = load_translators(project["locales"])["nl"]
    assert nl.gettext("Hello") == "Hello"  # missing
    assert nl.pgettext("menu", "Start") == "Start"  # fuzzy
    assert nl.ngettext("{n} question", "{n} questions", 2) == "{n} questions"  # {brace}
    assert nl.gettext("Saved %(count)d answers") == "Saved %(count)d answers"  # %-style
    assert nl.pgettext("area-1", "Finding information") == "Informatie vinden"  # the rest stays


def test_a_plural_entry_with_an_empty_form_falls_back(project) -> None:
    po_path(project).write_text(po_text("nl", DUTCH, **{"{n} question": (["{n} vraag", ""], "")}))
    nl = load_translators(project["locales"])["nl"]
    assert nl.ngettext("{n} question", "{n} questions", 5) == "{n} questions"


def test_unparseable_file_makes_the_whole_language_english(project, caplog) -> None:
    path = po_path(project)
    path.write_text(path.read_text().replace('msgstr "Hallo"', 'msgstr "Hallo'))
    with caplog.at_level(logging.WARNING, logger="skillcheck.i18n"):
        translators = load_translators(project["locales"])
    nl = translators["nl"]
    assert nl.language == "nl"
    assert nl.pgettext("area-1", "Finding information") == "Finding information"
    assert any(str(path) in r.getMessage() and "English" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(
    "content",
    [b"\xff\xfe not utf-8 \x80", b'msgid "x"\nmsgstr "y"\nnonsense\n', b""],
    ids=["not-utf8", "garbage", "empty"],
)
def test_broken_files_never_raise(project, content: bytes) -> None:
    po_path(project).write_bytes(content)
    nl = load_translators(project["locales"])["nl"]
    assert nl.gettext("Hello") == "Hello"
    assert nl.ngettext("{n} question", "{n} questions", 2) == "{n} questions"
    assert nl.format_number(1234.5) == "1.234,5"


def test_invalid_plural_forms_header_still_loads(project) -> None:
    path = po_path(project)
    path.write_text(path.read_text().replace("plural=(n != 1);", "plural=(n !!= 1);"))
    nl = load_translators(project["locales"])["nl"]
    assert nl.gettext("Hello") == "Hallo"
    assert nl.ngettext("{n} question", "{n} questions", 2) in {"{n} vragen", "{n} questions"}


def test_broken_french_plural_forms_uses_the_french_rule(project) -> None:
    folder = project["locales"] / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    french = {"{n} question": ["{n} question", "{n} questions"], "Hello": "Bonjour"}
    text = po_text("fr", french).replace("plural=(n > 1);", "plural=(n > 1;")
    (folder / "skillcheck.po").write_text(text)
    fr = load_translators(project["locales"])["fr"]
    assert fr.ngettext("{n} question", "{n} questions", 0) == "{n} question"
    assert fr.ngettext("{n} question", "{n} questions", 2) == "{n} questions"
    problems = only(check(project, allow_incomplete=True), folder / "skillcheck.po")
    errors = [p for p in problems if p.severity == "error"]
    assert len(errors) == 1 and "plural expression is not valid" in errors[0].message


def test_english_is_always_offered(tmp_path: Path) -> None:
    translators = load_translators(tmp_path / "no-such-folder")
    assert list(translators) == ["en"]
    assert translators["en"].gettext("Hello") == "Hello"
    assert translators["en"].ngettext("{n} day", "{n} days", 1) == "{n} day"


def test_kiosk_api_never_raises() -> None:
    t = Translator("nl")
    assert t.ngettext("a", "b", 2.5) in {"a", "b"}  # type: ignore[arg-type]
    assert t.format_number("not a number") == "not a number"  # type: ignore[arg-type]
    assert t.format_date(date(2026, 3, 1), format="no such format")
    assert isinstance(t.format_percent(None), str)  # type: ignore[arg-type]


def test_a_fourth_language_appears_with_no_code_change(tmp_path: Path) -> None:
    locales = tmp_path / "locales"
    shutil.copytree(LOCALES_DIR, locales)
    shutil.rmtree(locales / "de", ignore_errors=True)  # a German in progress, if any
    german = locales / "de" / "LC_MESSAGES"
    german.mkdir(parents=True)
    (german / "skillcheck.po").write_text(
        header("de") + entry(None, "I don't know", None, "Ich weiß es nicht"),
        encoding="utf-8",
    )
    translators = load_translators(locales)
    assert list(translators)[:4] == [*LANGUAGE_ORDER]
    de = translators["de"]
    assert de.name == "Deutsch"
    assert de.locale == "de_BE"
    assert de.gettext("I don't know") == "Ich weiß es nicht"
    assert de.gettext("I can do this with help") == "I can do this with help"


def test_shipped_languages_names_and_formats() -> None:
    translators = load_translators(LOCALES_DIR)
    # The usual four first, in their order; any other shipped language after them.
    usual = [code for code in LANGUAGE_ORDER if code in SHIPPED]
    assert list(translators) == usual + sorted(set(SHIPPED) - set(LANGUAGE_ORDER))
    nl, fr, de, en = (translators[code] for code in ("nl", "fr", "de", "en"))
    assert (nl.name, fr.name, de.name, en.name) == ("Nederlands", "Français", "Deutsch", "English")
    assert (nl.locale, fr.locale, de.locale) == ("nl_BE", "fr_BE", "de_BE")
    assert de.format_number(1234567.5) == "1.234.567,5"
    assert nl.format_number(1234567.5) == "1.234.567,5"
    assert fr.format_number(1234567.5) == "1\u202f234\u202f567,5"
    assert nl.format_percent(0.6) == "60%"
    assert fr.format_percent(0.6) == "60\xa0%"
    day = date(2026, 11, 27)
    assert nl.format_date(day) == "27 november 2026"
    assert fr.format_date(day) == "27 novembre 2026"
    assert de.format_date(day) == "27. November 2026"
    assert en.format_date(day) == "27 November 2026"


def test_shipped_french_plural_rule_is_n_greater_than_one() -> None:
    fr = load_translators(LOCALES_DIR)["fr"]
    catalogue = fr.catalogue
    assert catalogue.plural(0) == 0 and catalogue.plural(1) == 0 and catalogue.plural(2) == 1
    nl = load_translators(LOCALES_DIR)["nl"]
    assert nl.catalogue.plural(0) == 1 and nl.catalogue.plural(1) == 0


# --- placeholders -------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["{n!z} vraag", "{n:s} vraag", "{n:>{w}} vraag"])
def test_a_translation_that_would_raise_in_format_falls_back(project, bad: str) -> None:
    po_path(project).write_text(po_text("nl", DUTCH, **{"{n} question": ([bad, "{n} vragen"], "")}))
    translator = load_translators(project["locales"])["nl"]
    text = translator.ngettext("{n} question", "{n} questions", 1)
    assert text == "{n} question"  # the English, not the broken Dutch
    assert text.format(n=1) == "1 question"
    problems = only(check(project), po_path(project))
    assert any("placeholders differ" in p.message for p in problems), problems


def test_placeholder_parsing() -> None:
    assert brace_placeholders("{n} of {total}") == ["{n}", "{total}"]
    assert brace_placeholders("{} and {}") == ["{0}", "{1}"]
    assert brace_placeholders("{{literal}} {x:>3}") == ["{x:>3}"]
    assert brace_placeholders("broken {") is None
    # conversions and specs count: each of these would raise in .format()
    assert brace_placeholders("{site!z}") == ["{site!z}"] != brace_placeholders("{site}")
    assert brace_placeholders("{n:s}") != brace_placeholders("{n}")
    assert brace_placeholders("{key:>{w}}") is None
    assert percent_placeholders("%(n)d of %s, 100%%") == ["%(n)d", "%s"]
    assert percent_placeholders("60 % of people") == []


# --- check_locales --------------------------------------------------------------------------


def test_a_consistent_project_has_no_problems(project) -> None:
    assert check(project) == []


def test_syntax_error_is_reported_with_its_line(project) -> None:
    path = po_path(project)
    path.write_text(path.read_text().replace('msgstr "Hallo"', 'msgstr "Hallo'))
    problems = only(check(project), path)
    line = line_of(path, 'msgstr "Hallo')
    assert any(p.line == line and "syntax error" in p.message for p in problems), problems


def test_unknown_keyword_is_a_syntax_error(project) -> None:
    path = po_path(project)
    path.write_text(path.read_text().replace('msgstr "Hallo"', 'msgtsr "Hallo"'))
    problems = only(check(project), path)
    line = line_of(path, "msgtsr")
    assert any(p.line == line and "syntax error" in p.message for p in problems), problems


def test_untranslated_is_an_error_or_a_warning_when_allowed(project) -> None:
    path = po_path(project)
    path.write_text(po_text("nl", DUTCH, Hello=("", "")))
    line = line_of(path, 'msgid "Hello"')
    problems = only(check(project), path)
    hit = [p for p in problems if p.line == line]
    assert len(hit) == 1 and "untranslated" in hit[0].message and hit[0].severity == "error"
    assert str(hit[0]) == f'{path}:{line}: untranslated: "Hello"'
    assert any("1 untranslated and 0 fuzzy of 8 messages" in p.message for p in problems)
    relaxed = only(check(project, allow_incomplete=True), path)
    assert relaxed and all(p.severity == "warning" for p in relaxed)


def test_fuzzy_is_reported(project) -> None:
    path = po_path(project)
    path.write_text(po_text("nl", DUTCH, Start=("Beginnen", "fuzzy")))
    line = line_of(path, 'msgid "Start"')
    problems = only(check(project), path)
    assert any(p.line == line and p.message.startswith("fuzzy") for p in problems), problems
    assert any("0 untranslated and 1 fuzzy of 8" in p.message for p in problems)


def test_brace_placeholder_mismatch(project) -> None:
    path = po_path(project)
    path.write_text(
        po_text("nl", DUTCH, **{"{n} question": (["{n} vraag", "{aantal} vragen"], "")})
    )
    line = line_of(path, 'msgid "{n} question"')
    problems = only(check(project), path)
    hit = [p for p in problems if p.line == line]
    assert len(hit) == 1 and hit[0].severity == "error"
    assert "plural form 1: placeholders differ" in hit[0].message
    assert "{aantal}" in hit[0].message
    # still an error with allow_incomplete: it is a mistake, not work in progress
    assert any(p.severity == "error" for p in check(project, allow_incomplete=True))


def test_percent_placeholder_mismatch(project) -> None:
    path = po_path(project)
    path.write_text(po_text("nl", DUTCH, **{"Saved %(count)d answers": ("%(aantal)d bewaard", "")}))
    line = line_of(path, 'msgid "Saved %(count)d answers"')
    hit = [p for p in only(check(project), path) if p.line == line]
    assert len(hit) == 1 and "%-placeholders differ" in hit[0].message
    assert "%(aantal)d" in hit[0].message


def test_line_break_mismatch_is_reported(project) -> None:
    path = po_path(project)
    path.write_text(po_text("nl", DUTCH, Hello=("Hallo\\n", "")))
    line = line_of(path, 'msgid "Hello"')
    hit = [p for p in only(check(project), path) if p.line == line]
    assert len(hit) == 1 and "line break" in hit[0].message


def test_a_byte_order_mark_is_a_warning_not_a_failure(project) -> None:
    path = po_path(project)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert load_translators(project["locales"])["nl"].gettext("Hello") == "Hallo"
    problems = only(check(project), path)
    assert [(p.line, p.severity) for p in problems] == [(1, "warning")]
    assert "byte-order mark" in problems[0].message


def test_bad_plural_forms_header(project) -> None:
    path = po_path(project)
    path.write_text(path.read_text().replace("nplurals=2; plural=(n != 1);", "nplurals=2; n != 1"))
    line = line_of(path, '"Plural-Forms:')
    problems = only(check(project), path)
    assert any(p.line == line and "Plural-Forms" in p.message for p in problems), problems


def test_a_valid_but_wrong_plural_rule_for_dutch_is_a_warning(project) -> None:
    path = po_path(project)  # the project's catalogue is Dutch
    path.write_text(path.read_text().replace("plural=(n != 1);", "plural=(n > 1);"))
    line = line_of(path, '"Plural-Forms:')
    problems = only(check(project), path)
    assert [(p.line, p.severity) for p in problems] == [(line, "warning")], problems
    assert "Plural-Forms for nl is usually 'nplurals=2; plural=(n != 1);'" in problems[0].message


def test_plural_expression_out_of_range(project) -> None:
    path = po_path(project)
    path.write_text(path.read_text().replace("plural=(n != 1);", "plural=(n + 1);"))
    problems = only(check(project), path)
    assert any("outside 0..1" in p.message for p in problems), problems


@pytest.mark.parametrize("forms", [["{n} vraag"], ["{n} vraag", "{n} vragen", "{n} vragen"]])
def test_wrong_number_of_plural_forms(project, forms: list[str]) -> None:
    path = po_path(project)
    path.write_text(po_text("nl", DUTCH, **{"{n} question": (forms, "")}))
    line = line_of(path, 'msgid "{n} question"')
    problems = only(check(project), path)
    hit = [p for p in problems if p.line == line and "plural forms" in p.message]
    assert hit and f"has {len(forms)} plural forms" in hit[0].message, problems
    nl = load_translators(project["locales"])["nl"]
    assert nl.ngettext("{n} question", "{n} questions", 2) == "{n} questions"


def test_obsolete_entries_are_warnings(project) -> None:
    path = po_path(project)
    path.write_text(path.read_text() + '#~ msgid "Old text"\n#~ msgstr "Oude tekst"\n')
    line = line_of(path, '#~ msgid "Old text"')
    problems = only(check(project), path)
    assert [(p.line, p.severity) for p in problems] == [(line, "warning")]
    assert "obsolete" in problems[0].message and "Old text" in problems[0].message


def test_missing_headers(project) -> None:
    path = po_path(project)
    text = path.read_text()
    text = text.replace('"Language: nl\\n"\n', "").replace("charset=UTF-8", "charset=ISO-8859-1")
    text = text.replace('"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n', "")
    path.write_text(text)
    messages = " | ".join(p.message for p in only(check(project), path))
    assert "no 'Language: nl'" in messages
    assert "no Plural-Forms" in messages
    assert "charset=UTF-8" in messages


def test_language_header_must_match_the_folder(project) -> None:
    path = po_path(project)
    path.write_text(path.read_text().replace("Language: nl", "Language: fr"))
    problems = only(check(project), path)
    assert any("Language: fr, but the folder is nl" in p.message for p in problems)


def test_english_with_empty_msgstr_is_complete(project) -> None:
    assert only(check(project), po_path(project, "en")) == []


def test_stale_template_reports_missing_and_extra_ids(project) -> None:
    pot = project["locales"] / "skillcheck.pot"
    text = pot.read_text().replace('msgid "Hello"', 'msgid "Goodbye"')
    pot.write_text(text)
    problems = check(project)
    source = project["src"] / "app.py"
    assert any(
        p.path == source and p.line == 3 and '"Hello"' in p.message and "make i18n" in p.message
        for p in problems
    ), problems
    line = line_of(pot, 'msgid "Goodbye"')
    assert any(
        p.path == pot and p.line == line and "no longer in the sources" in p.message
        for p in problems
    ), problems


def test_entries_missing_from_a_catalogue_count_as_untranslated(project) -> None:
    path = po_path(project)
    text = path.read_text()
    start = text.index("#: src/app.py:3")
    path.write_text(text[:start] + text[text.index("#: src/app.py:7") :])
    problems = only(check(project), path)
    assert any(
        "missing (run `make i18n`)" in p.message and '"Hello"' in p.message for p in problems
    )


@pytest.mark.parametrize("content", [b"\xff\xfe\x80", b"", b"garbage\n"])
def test_unreadable_files_are_one_problem_not_a_traceback(project, content: bytes) -> None:
    po_path(project).write_bytes(content)
    (project["locales"] / "skillcheck.pot").write_bytes(content)
    problems = check(project)
    assert problems and all(isinstance(p, Problem) for p in problems)


def test_missing_template(project) -> None:
    (project["locales"] / "skillcheck.pot").unlink()
    problems = check(project)
    assert any("file is missing" in p.message and "make i18n" in p.message for p in problems)


# --- the extractor ------------------------------------------------------------------------


def test_extractor_gives_msgctxt_comments_and_real_lines() -> None:
    path = QUESTIONS_DIR / "items" / "4-safety.toml"
    lines = path.read_text(encoding="utf-8").splitlines()
    with path.open("rb") as fileobj:
        found = list(extract(extract_toml, fileobj, keywords={"pgettext": ((1, "c"), 2)}))
    assert found
    for lineno, message, comments, context in found:
        assert context and context.startswith("safety-")
        assert message[:20] in lines[lineno - 1].replace('\\"', '"'), (lineno, message)
        area = "Area 4: Safety, wellbeing and responsible use. Competence 4."
        assert any(c.startswith(area) for c in comments)
        assert any("Band: " in c for c in comments)
    https = [f for f in found if f[3] == "safety-https"]
    assert len(https) == 7  # the question, its skill, its good-to-know line, four answers
    assert any(c.startswith("Skill: ") for c in https[1][2])
    # the explanation of a knowledge check is translated too, with a note on where it shows
    (good_to_know,) = [f for f in https if any(c.startswith("Good to know: ") for c in f[2])]
    assert good_to_know[1].startswith("'https' only means")
    assert any(
        c.endswith("Competence 4.2: Protecting personal data and privacy.") for c in https[0][2]
    )
    right = [f[1] for f in https if any("the right answer" in c for c in f[2])]
    assert right == ["What you send is scrambled, but the site can still be a scam."]
    noted = [f for f in found if f[3] == "safety-fake-bpost-sms"]
    assert all(any(c.startswith("Note: ") for c in f[2]) for f in noted)


def test_extractor_on_areas_and_initiatives() -> None:
    with (QUESTIONS_DIR / "areas.toml").open("rb") as fileobj:
        areas = list(extract(extract_toml, fileobj))
    assert {f[3] for f in areas} == {f"area-{n}" for n in range(1, 6)}
    assert len(areas) == 5  # one name per area; what a person can do comes from items
    with (QUESTIONS_DIR / "initiatives.toml").open("rb") as fileobj:
        initiatives = list(extract(extract_toml, fileobj))
    becentral = [f for f in initiatives if f[3] == "becentral"]
    assert len(becentral) == 3
    assert all("BeCentral" in f[2][0] for f in becentral)
    assert not any(f[1] == "BeCentral" for f in initiatives)  # names stay as they are
    assert any(f[3] == "help-desk" and f[1] == "Ask the staff here" for f in initiatives)


def test_extractor_without_pgettext_keyword_still_works() -> None:
    data = io.BytesIO(AREAS_TOML.encode())
    comments = [
        "DigComp area 1: Information search, evaluation and management.",
        "the area's name, a heading on the result screen.",
    ]
    assert list(extract(extract_toml, data, keywords={"_": None})) == [
        (5, "Finding information", comments, None)
    ]


def test_extractor_reports_toml_errors_with_the_file() -> None:
    data = io.BytesIO(b"[[areas]\nname = 1\n")
    data.name = "broken.toml"  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="broken.toml"):
        list(extract(extract_toml, data))


# --- the shipped catalogues -----------------------------------------------------------------


def test_shipped_template_matches_the_sources() -> None:
    template = read_po_file(LOCALES_DIR / "skillcheck.pot").catalog
    extracted, problems = extract_sources(QUESTIONS_DIR, SOURCES_DIR)
    assert problems == []
    ids = {(m.context, m.id if isinstance(m.id, str) else tuple(m.id)) for m in template if m.id}
    found = {(c, m if isinstance(m, str) else tuple(m)) for _, _, m, c in extracted}
    assert found - ids == set(), "strings missing from locales/skillcheck.pot: run `make i18n`"
    assert ids - found == set(), "stale strings in locales/skillcheck.pot: run `make i18n`"


def test_shipped_catalogues_are_complete_and_valid() -> None:
    problems = check_locales(LOCALES_DIR, QUESTIONS_DIR)
    errors = [str(p) for p in problems if p.severity == "error"]
    assert errors == [], "run `make i18n` and translate:\n" + "\n".join(errors[:20])
    for language in TRANSLATED:
        catalog = read_po_file(LOCALES_DIR / language / "LC_MESSAGES" / "skillcheck.po").catalog
        assert all(m.string and not m.fuzzy for m in catalog if m.id), language


@pytest.mark.parametrize("language", SHIPPED)
def test_shipped_catalogues_pass_msgfmt_check(language: str, tmp_path: Path) -> None:
    path = LOCALES_DIR / language / "LC_MESSAGES" / "skillcheck.po"
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        # No GNU gettext here: use Babel's own checkers, which still prove something real.
        from babel.messages.catalog import TranslationError
        from babel.messages.checkers import num_plurals, python_format

        catalog = read_po_file(path).catalog
        assert catalog.plural_forms.startswith("nplurals=2;")
        for message in catalog:
            if message.id and message.string:
                for checker in (num_plurals, python_format):
                    try:
                        checker(catalog, message)
                    except TranslationError as error:
                        pytest.fail(f"{path}:{message.lineno}: {error}")
        pytest.fail("msgfmt (GNU gettext) is not installed: install gettext to run this check")
    result = subprocess.run(
        [msgfmt, "--check", "--statistics", "-o", str(tmp_path / "out.mo"), str(path)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "fuzzy" not in result.stderr
    if language != "en":
        assert "untranslated" not in result.stderr, result.stderr


def test_the_fast_language_names_agree_with_babel() -> None:
    from babel import Locale

    from skillcheck.i18n import _OWN_NAMES

    for code, name in _OWN_NAMES.items():
        babel_name = Locale.parse(code).get_display_name(code)
        assert name == babel_name[:1].upper() + babel_name[1:], code


def test_shipped_german_plural_rule_and_typography() -> None:
    """German: form 0 only for exactly 1; quotes are „…“, never straight or English ones."""
    de = load_translators(LOCALES_DIR)["de"]
    assert [de.catalogue.plural(n) for n in (0, 1, 2)] == [1, 0, 1]
    assert de.ngettext("Wrong PIN. Try again in {count} second.", "-", 1).startswith("Falsche")
    catalog = read_po_file(LOCALES_DIR / "de" / "LC_MESSAGES" / "skillcheck.po").catalog
    quoted = 0
    for message in catalog:
        if not message.id:
            continue
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in forms:
            assert "'" not in text and '"' not in text, text
            # every quotation opens with „ and closes with “, in that order
            marks = [c for c in text if c in "„“"]
            assert marks == ["„", "“"] * (len(marks) // 2), text
            assert "”" not in text and "«" not in text, text
            quoted += text.count("„")
    assert quoted >= 4  # the quoted search result, news message, Facebook word, SMS


def test_extractor_gives_skill_with_the_item_id_and_its_sentences() -> None:
    source = (
        'area = 2\n\n[[items]]\nid = "comm-video-call"\ncompetence = "2.1"\nkind = "can_do"\n'
        'band = "basic"\ntext = "Make a video call."\nskill = "make a video call with someone"\n'
    )
    found = list(
        extract(extract_toml, io.BytesIO(source.encode()), keywords={"pgettext": ((1, "c"), 2)})
    )
    skill = [f for f in found if f[1] == "make a video call with someone"]
    assert len(skill) == 1
    lineno, _message, comments, context = skill[0]
    assert context == "comm-video-call"
    assert lineno == 9
    assert any("You can already: …" in c and "Learn next: …" in c for c in comments)


# --- reading without Babel's private parser hooks ---------------------------------------


PO_WITH_MISTAKES = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: nl\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

msgid "Hello"
msgstr "Hallo"

msgctxt "menu"
msgid "Hello"
msgstr "Hoi"

msgid "Hello"
msgstr "Dag"

msgid "Lonely"

#-#-#-#-# conflict
msgid "Start"
msgstr "Beginnen"
"""


def test_reading_reports_duplicates_missing_msgstr_and_conflicts_with_lines(
    tmp_path: Path, capsys
) -> None:
    path = tmp_path / "nl.po"
    path.write_text(PO_WITH_MISTAKES, encoding="utf-8")
    parsed = read_po_file(path)
    errors = dict(parsed.syntax_errors)
    assert errors[14] == "duplicate message (first defined at line 7)"  # same context only
    assert 11 not in errors  # msgctxt "menu" makes it another message
    assert "msgid without a msgstr" in errors[17]
    assert "conflict" in errors[19]
    assert parsed.header["language"] == "nl" and parsed.header_line == 1
    assert parsed.catalog.get("Start").string == "Beginnen"
    assert capsys.readouterr().out == ""  # Babel's own printout never reaches the screen


def test_reading_finds_a_fuzzy_header_and_its_multi_line_text(tmp_path: Path) -> None:
    path = tmp_path / "fr.po"
    path.write_text(
        '# comment\n#, fuzzy\nmsgid ""\nmsgstr ""\n"Language: fr\\n"\n"Plural-Forms: '
        'nplurals=2; plural=(n > 1);\\n"\n\nmsgid "Yes"\nmsgstr "Oui"\n',
        encoding="utf-8",
    )
    parsed = read_po_file(path)
    assert parsed.syntax_errors == []
    assert parsed.header_fuzzy and parsed.header_line == 3
    assert parsed.header["plural-forms"] == "nplurals=2; plural=(n > 1);"


def test_make_i18n_and_check_use_the_same_keywords() -> None:
    from babel.messages.frontend import parse_keywords

    from skillcheck.translation_checks import KEYWORDS, pybabel_keyword_args

    makefile = (Path(__file__).resolve().parents[1] / "Makefile").read_text()
    assert "--pybabel-keywords" in makefile and " -k N_" not in makefile
    options = [arg.removeprefix("-k ") for arg in pybabel_keyword_args()]
    assert parse_keywords(options) == KEYWORDS


def test_the_shipped_languages_are_read_from_the_locales_folder(tmp_path: Path) -> None:
    """A new language folder needs no list in the tests: the tests find it."""
    assert {"nl", "fr", "de", "en"} <= set(SHIPPED) and "en" not in TRANSLATED
    import ast

    def codes(node: ast.AST) -> set[str]:
        if isinstance(node, (ast.List, ast.Tuple)):
            return {e.value for e in node.elts if isinstance(e, ast.Constant)}
        return set()

    # Where a list of languages decides what is tested (an `==` on the languages
    # found, a loop or a parametrize over them), it is never written out.
    tree = ast.parse(Path(__file__).read_text(encoding="utf-8"))
    lists = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            lists += node.comparators
        elif isinstance(node, ast.For):
            lists.append(node.iter)
        elif isinstance(node, ast.Call) and ast.unparse(node.func).endswith("parametrize"):
            lists += node.args[1:2]
    for node in lists:
        found = codes(node)
        assert not ({"nl", "fr"} <= found and found <= set(SHIPPED)), ast.unparse(node)


@pytest.mark.parametrize("code", ["ar", "he", "fa"])
def test_a_right_to_left_language_is_refused_in_one_line(tmp_path: Path, code: str) -> None:
    locales = tmp_path / "locales"
    shutil.copytree(LOCALES_DIR, locales)
    folder = locales / code / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "skillcheck.po").write_text(
        header(code, "nplurals=2; plural=(n != 1);") + entry(None, "Start", None, "ابدأ"),
        encoding="utf-8",
    )
    found = check_locales(locales, QUESTIONS_DIR)
    problems = [p for p in found if locales / code in p.path.parents]
    assert len(problems) == 1, problems
    assert problems[0].severity == "error"
    assert f"{code} is written right to left, which the kiosk cannot show" in problems[0].message
    docs = (Path(__file__).parents[1] / "docs" / "translating.md").read_text(encoding="utf-8")
    assert "Right-to-left languages" in docs and "cannot be added yet" in docs


@pytest.mark.parametrize("language", SHIPPED)
def test_one_word_for_one_thing_across_screens(language: str) -> None:
    """ "go on" is one verb on the stop dialog, the idle warning and their key hints;
    the language button's word is the language dialog's."""
    t = load_translators(LOCALES_DIR)[language]

    def after_colon(message: str) -> str:
        return t.gettext(message).split(":")[-1].strip().casefold()

    go_on = after_colon("Any key: go on")
    assert after_colon("2 or Esc: go on") == go_on
    assert go_on in t.gettext("2   No, go on (Esc)").casefold()
    assert after_colon("1 2 3 …: language") == t.gettext("Language").casefold()
