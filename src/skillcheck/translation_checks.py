"""The translators' checks behind `skillcheck check`: every catalogue and the template.

Reports, as `path:line: problem`, what the kiosk would drop from a catalogue (see
`skillcheck.catalogues.usable_messages`) and more: untranslated and fuzzy entries,
headers, plural rules, entries missing from or unknown to the template, and a
template that no longer matches the sources. English is the source language: its
catalogue may leave `msgstr` empty (that means "use the English source text") and
is never reported as untranslated.

The Babel keywords that mark strings in the Python sources are `KEYWORDS` here,
used by this check and by `make i18n` (`pybabel_keyword_args`).
"""

from __future__ import annotations

import gettext as _gettext
import re
import sys
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog, Message

from skillcheck.catalogues import (
    DEFAULT_PLURAL_FORMS,
    ParsedPo,
    PoReadError,
    is_translated,
    msgid_text,
    placeholder_problems,
    plural_forms_of,
    plural_forms_problem,
    read_po_file,
    wrong_plural_count,
)
from skillcheck.datafile import Problem
from skillcheck.i18n import DOMAIN, SOURCE_LANGUAGE, discover_languages, writes_right_to_left
from skillcheck.plain_text import control_characters, line_of_controls

# The keywords that mark strings in the Python sources (`make i18n` asks for them).
KEYWORDS: dict[str, Any] = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "N_": None,
}
SOURCES_DIR = Path(__file__).resolve().parent
TEMPLATE_NAME = f"{DOMAIN}.pot"


def same_plural_rule(value: str, expected: str) -> bool:
    """Whether two valid Plural-Forms give the same form for every count we try."""

    def forms(text: str) -> list[int]:
        expression = re.search(r"plural\s*=\s*(.+?)\s*;?\s*$", text).group(1)  # type: ignore[union-attr]
        plural = _gettext.c2py(expression)
        return [int(plural(n)) for n in (*range(0, 201), 1000, 1001, 1000000)]

    return forms(value) == forms(expected)


def pybabel_keyword_args() -> list[str]:
    """KEYWORDS as `pybabel extract -k` options (`pgettext:1c,2`)."""
    args = []
    for name, spec in KEYWORDS.items():
        if spec is None:
            args.append(f"-k {name}")
            continue
        parts = [f"{p[0]}{p[1]}" if isinstance(p, tuple) else str(p) for p in spec]
        args.append(f"-k {name}:{','.join(parts)}")
    return args


def _describe(msg: Message) -> str:
    text = msgid_text(msg.id)
    if len(text) > 60:
        text = text[:57] + "..."
    context = f" (msgctxt {msg.context!r})" if msg.context else ""
    return f'"{text}"{context}'


def _header_line(parsed: ParsedPo, name: str) -> int:
    pattern = re.compile(rf'^\s*"{re.escape(name)}\s*:', re.IGNORECASE)
    for number, line in enumerate(parsed.lines, start=1):
        if pattern.match(line):
            return number
    return parsed.header_line


def _check_header(parsed: ParsedPo, language: str | None) -> list[Problem]:
    path = parsed.path
    problems = []
    header = parsed.header
    content_type = header.get("content-type", "")
    charset = re.search(r"charset\s*=\s*([\w-]+)", content_type)
    if not content_type:
        problems.append(
            Problem(
                path,
                parsed.header_line,
                "the header has no 'Content-Type: text/plain; charset=UTF-8'",
            )
        )
    elif not charset or charset.group(1).lower().replace("_", "-") != "utf-8":
        problems.append(
            Problem(
                path,
                _header_line(parsed, "Content-Type"),
                f"Content-Type must say charset=UTF-8, not {content_type!r}",
            )
        )
    if language is None:  # the template: no Language, no Plural-Forms needed
        return problems
    declared = header.get("language", "")
    if not declared:
        problems.append(
            Problem(path, parsed.header_line, f"the header has no 'Language: {language}'")
        )
    elif declared.replace("-", "_") != language:
        problems.append(
            Problem(
                path,
                _header_line(parsed, "Language"),
                f"the header says Language: {declared}, but the folder is {language}",
            )
        )
    plural_problem = plural_forms_problem(header.get("plural-forms"))
    if plural_problem:
        line = _header_line(parsed, "Plural-Forms") if "plural-forms" in header else None
        problems.append(Problem(path, line or parsed.header_line, plural_problem))
    elif (
        language in DEFAULT_PLURAL_FORMS
        and same_plural_rule(header.get("plural-forms", ""), DEFAULT_PLURAL_FORMS[language])
        is False
    ):
        # A valid rule can still be the wrong one for the language ("2 fichier" or
        # "1 bestanden"): the shipped languages' rules are known.
        problems.append(
            Problem(
                path,
                _header_line(parsed, "Plural-Forms"),
                f"Plural-Forms for {language} is usually "
                f"'{DEFAULT_PLURAL_FORMS[language]}', not '{header.get('plural-forms')}'",
                "warning",
            )
        )
    if parsed.header_fuzzy:
        problems.append(
            Problem(
                path,
                parsed.header_line,
                "the header is marked fuzzy: remove '#, fuzzy' above the first msgid",
                "warning",
            )
        )
    return problems


def check_po(
    parsed: ParsedPo,
    language: str,
    template: Catalog | None,
    *,
    allow_incomplete: bool = False,
) -> list[Problem]:
    """Every problem of one language's catalogue."""
    path = parsed.path
    problems = [Problem(path, line, f"syntax error: {msg}") for line, msg in parsed.syntax_errors]
    if parsed.bom:
        problems.append(
            Problem(
                path,
                1,
                "the file starts with a byte-order mark (BOM): save it as UTF-8 without BOM",
                "warning",
            )
        )
    problems += _check_header(parsed, language)
    _, count = plural_forms_of(parsed, language)
    # With a broken Plural-Forms, that header is the one problem to report.
    header_ok = plural_forms_problem(parsed.header.get("plural-forms")) is None
    source = language == SOURCE_LANGUAGE
    incomplete = "warning" if allow_incomplete or source else "error"
    untranslated = fuzzy = total = 0
    for msg in parsed.catalog:
        if not msg.id:
            continue
        total += 1
        line = msg.lineno or 1
        wrong = wrong_plural_count(msg, parsed, count) if header_ok else None
        if wrong is not None:
            problems.append(
                Problem(
                    path,
                    line,
                    f"{_describe(msg)} has {wrong} plural forms; "
                    f"Plural-Forms says nplurals={count}",
                )
            )
        if msg.fuzzy:
            fuzzy += 1
            problems.append(
                Problem(
                    path,
                    line,
                    f"fuzzy (shown in English until checked): {_describe(msg)}",
                    incomplete,
                )
            )
        elif not is_translated(msg):
            if not source:
                untranslated += 1
                problems.append(Problem(path, line, f"untranslated: {_describe(msg)}", incomplete))
            continue
        for text in placeholder_problems(msg):
            problems.append(Problem(path, line, f"{_describe(msg)}: {text}"))
        strings = msg.string if isinstance(msg.string, (list, tuple)) else (msg.string,)
        controls = control_characters("".join(strings))
        if controls:
            problems.append(
                Problem(
                    path,
                    line_of_controls(parsed.lines, "".join(strings), line),
                    f"{_describe(msg)}: control characters ({', '.join(controls)}) in the "
                    "translation: remove them (the kiosk drops them)",
                )
            )
    if template is not None:
        mine = {_key(m) for m in parsed.catalog if m.id}
        theirs = {_key(m) for m in template if m.id}
        if not source:
            for msg in template:
                if msg.id and _key(msg) not in mine:
                    untranslated += 1
                    total += 1
                    problems.append(
                        Problem(
                            path,
                            1,
                            f"missing (run `make i18n`): {_describe(msg)}",
                            incomplete,
                        )
                    )
        for msg in parsed.catalog:
            if msg.id and _key(msg) not in theirs:
                problems.append(
                    Problem(
                        path,
                        msg.lineno or 1,
                        f"not in {TEMPLATE_NAME} (run `make i18n`): {_describe(msg)}",
                        "warning",
                    )
                )
    for line, msgid in parsed.obsolete:
        problems.append(
            Problem(
                path,
                line,
                f'obsolete entry "{msgid[:60]}": reuse its text if it helps, then delete it',
                "warning",
            )
        )
    if untranslated or fuzzy:
        problems.append(
            Problem(
                path,
                1,
                f"{language}: {untranslated} untranslated and {fuzzy} fuzzy of {total} messages",
                incomplete,
            )
        )
    return problems


def _key(msg: Message) -> tuple[str | None, Any]:
    msgid = tuple(msg.id) if isinstance(msg.id, (list, tuple)) else msg.id
    return msg.context, msgid


def extract_sources(
    questions_dir: Path, sources_dir: Path = SOURCES_DIR
) -> tuple[list[tuple[Path, int, Any, str | None]], list[Problem]]:
    """Extract in-process what `make i18n` extracts: (path, line, msgid, msgctxt).

    Python sources with KEYWORDS, and the TOML files of `questions_dir` with the
    skillcheck_toml extractor.
    """
    from babel.messages.extract import extract

    from skillcheck.extract import extract_toml

    found: list[tuple[Path, int, Any, str | None]] = []
    problems: list[Problem] = []
    jobs: list[tuple[Path, Any]] = [(p, "python") for p in sorted(sources_dir.rglob("*.py"))]
    jobs += [(p, extract_toml) for p in sorted(questions_dir.rglob("*.toml"))]
    for path, method in jobs:
        try:
            with path.open("rb") as fileobj:
                for lineno, message, _comments, context in extract(
                    method, fileobj, keywords=KEYWORDS
                ):
                    found.append((path, lineno, message, context))
        except Exception as error:  # noqa: BLE001 - report, never a traceback
            problems.append(Problem(path, 1, f"cannot extract messages: {error}"))
    return found, problems


def check_template(
    template_path: Path, template: Catalog, questions_dir: Path, sources_dir: Path = SOURCES_DIR
) -> list[Problem]:
    """Whether the .pot has exactly the messages of the sources (else: run make i18n)."""
    extracted, problems = extract_sources(questions_dir, sources_dir)
    if problems:
        return problems
    in_template = {_key(m): m for m in template if m.id}
    in_sources: dict[tuple[str | None, Any], tuple[Path, int]] = {}
    for path, line, message, context in extracted:
        key = (context, tuple(message) if isinstance(message, (list, tuple)) else message)
        in_sources.setdefault(key, (path, line))
    for key, (path, line) in in_sources.items():
        if key not in in_template:
            context, msgid = key
            text = _describe(Message(msgid, context=context))
            problems.append(
                Problem(path, line, f"{text} is not in {template_path} (run `make i18n`)")
            )
    for key, msg in in_template.items():
        if key not in in_sources:
            problems.append(
                Problem(
                    template_path,
                    msg.lineno or 1,
                    f"{_describe(msg)} is no longer in the sources (run `make i18n`)",
                )
            )
    return problems


def check_locales(
    locales_dir: Path,
    questions_dir: Path,
    *,
    allow_incomplete: bool = False,
    sources_dir: Path = SOURCES_DIR,
) -> list[Problem]:
    """Check the template and every language's catalogue; one Problem per finding.

    Untranslated and fuzzy messages are errors in every language except English
    (the source language, whose empty msgstr means "the English text"), or
    warnings with `allow_incomplete`. Never raises.
    """
    problems: list[Problem] = []
    template: Catalog | None = None
    template_path = locales_dir / TEMPLATE_NAME
    try:
        parsed_template = read_po_file(template_path)
    except PoReadError as error:
        problems.append(Problem(error.path, error.line, f"{error.message} (run `make i18n`)"))
    else:
        problems += [
            Problem(template_path, line, f"syntax error: {msg}")
            for line, msg in parsed_template.syntax_errors
        ]
        problems += _check_header(parsed_template, None)
        if not parsed_template.syntax_errors:
            template = parsed_template.catalog
            try:
                problems += check_template(template_path, template, questions_dir, sources_dir)
            except Exception as error:  # noqa: BLE001
                problems.append(
                    Problem(template_path, 1, f"cannot compare with the sources: {error}")
                )
    languages = discover_languages(locales_dir)
    if not languages:
        problems.append(
            Problem(locales_dir, 0, f"no <lang>/LC_MESSAGES/{DOMAIN}.po found", "warning")
        )
    for language, path in languages.items():
        if writes_right_to_left(language):
            # One line, not a list of untranslated texts: nothing else matters first.
            problems.append(
                Problem(
                    path,
                    1,
                    f"{language} is written right to left, which the kiosk cannot show "
                    "(the terminal draws it back to front): see docs/translating.md",
                )
            )
            continue
        try:
            parsed = read_po_file(path)
        except PoReadError as error:
            problems.append(Problem(error.path, error.line, error.message))
            continue
        try:
            problems += check_po(parsed, language, template, allow_incomplete=allow_incomplete)
        except Exception as error:  # noqa: BLE001 - report, never a traceback
            problems.append(Problem(path, 1, f"cannot be checked: {error}"))
    return problems


if __name__ == "__main__":
    # `make i18n`: the keyword options for pybabel extract, from KEYWORDS above.
    if sys.argv[1:] == ["--pybabel-keywords"]:
        print(" ".join(pybabel_keyword_args()))
