"""Reading, compiling and checking the gettext catalogues with Babel.

`skillcheck.i18n` asks this module to compile a `.po` file into the catalogue the
kiosk uses (only when its cached copy is missing or stale), and `skillcheck check`
uses `check_locales`. Keeping Babel here keeps it out of the kiosk's start-up.

What the kiosk may use of a catalogue (`usable_messages`): translated, not fuzzy,
placeholders (`{brace}` or `%`-style) as in the English, the right number of
plural forms. A file that cannot be read or parsed gives no catalogue at all: the
whole language shows English, with a warning in the log.

`check_locales` reports the same things (and more) as `path:line: problem`.
English is the source language: its catalogue may leave `msgstr` empty (that
means "use the English source text") and is never reported as untranslated.
"""

from __future__ import annotations

import gettext as _gettext
import io
import logging
import re
import string
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel import Locale
from babel.core import UnknownLocaleError
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileParser

from skillcheck.datafile import Problem
from skillcheck.i18n import DOMAIN, SOURCE_LANGUAGE, discover_languages

log = logging.getLogger(__name__)

TEMPLATE_NAME = f"{DOMAIN}.pot"
# The keywords that mark strings in the Python sources (also used by `make i18n`).
KEYWORDS: dict[str, Any] = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "N_": None,
}
SOURCES_DIR = Path(__file__).resolve().parent
# The gettext plural rules of the shipped languages, used when a file's own
# Plural-Forms header is broken (Babel's CLDR rule for French has three forms).
DEFAULT_PLURAL_FORMS = {
    "nl": "nplurals=2; plural=(n != 1);",
    "fr": "nplurals=2; plural=(n > 1);",
    "en": "nplurals=2; plural=(n != 1);",
    "de": "nplurals=2; plural=(n != 1);",
}


# --- reading .po files ------------------------------------------------------------


@dataclass
class ParsedPo:
    """A .po (or .pot) file as read, with what the checks need beyond Babel's Catalog."""

    path: Path
    catalog: Catalog
    lines: list[str]
    syntax_errors: list[tuple[int, str]]
    # msgid line -> number of msgstr[N] lines of a plural entry
    plural_counts: dict[int, int]
    # (line of the first #~ line, msgid) of each obsolete entry
    obsolete: list[tuple[int, str]]
    header: dict[str, str]
    header_line: int
    header_fuzzy: bool
    bom: bool = False


class PoReadError(Exception):
    """The file cannot be read at all (missing, not UTF-8, ...)."""

    def __init__(self, path: Path, line: int, message: str):
        self.path, self.line, self.message = path, line, message
        super().__init__(f"{path}:{line}: {message}")


class _RecordingParser(PoFileParser):
    """Babel's parser, recording problems with their line instead of printing them."""

    def __init__(self, catalog: Catalog):
        super().__init__(catalog, ignore_obsolete=False, abort_invalid=False)
        self.errors: list[tuple[int, str]] = []
        self.seen: dict[tuple[Any, str | None], int] = {}
        self.header_text: str | None = None
        self.header_line = 1
        self.header_fuzzy = False

    def _invalid_pofile(self, line: str, lineno: int, msg: str) -> None:
        self.errors.append((lineno + 1, msg))

    def _add_message(self) -> None:
        msgid = tuple(m.denormalize() for m in self.messages)
        key = (msgid, self.context.denormalize() if self.context else None)
        if msgid == ("",) and not self.obsolete and self.header_text is None:
            self.header_text = self.translations[0][1].denormalize() if self.translations else ""
            self.header_line = self.offset + 1
            self.header_fuzzy = "fuzzy" in self.flags
        elif not self.obsolete:
            if key in self.seen:
                self.errors.append(
                    (self.offset + 1, f"duplicate message (first defined at line {self.seen[key]})")
                )
            else:
                self.seen[key] = self.offset + 1
        super()._add_message()


_KEYWORD_LINE = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr\[(\d+)\]|msgstr)\s+(.*)$")
_QUOTED = re.compile(r'^"(?:[^"\\]|\\.)*"$')


def _scan_lines(lines: list[str]) -> tuple[list[tuple[int, str]], dict[int, int], list[int]]:
    """Line-level syntax of a .po file, which Babel's parser does not check.

    Returns (syntax errors, plural-form counts by msgid line, first line of each
    obsolete entry).
    """
    errors: list[tuple[int, str]] = []
    plural_counts: dict[int, int] = {}
    obsolete: list[int] = []
    current: int | None = None  # msgid line of the current entry
    in_entry = False
    previous_obsolete = False
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        is_obsolete = line.startswith("#~")
        if is_obsolete and not previous_obsolete and not line.startswith("#~|"):
            obsolete.append(number)
        previous_obsolete = is_obsolete
        if not line or line.startswith("#"):
            continue
        match = _KEYWORD_LINE.match(line)
        if match:
            keyword, index, rest = match.groups()
            if not _QUOTED.match(rest):
                errors.append((number, f"{keyword} needs one text in double quotes: {line[:60]}"))
            if keyword == "msgid":
                current = number
            if index is not None and current is not None:
                plural_counts[current] = plural_counts.get(current, 0) + 1
            in_entry = True
        elif line.startswith('"'):
            if not _QUOTED.match(line):
                errors.append((number, f"text is not closed by a double quote: {line[:60]}"))
            elif not in_entry:
                errors.append((number, "text line outside an entry"))
        else:
            errors.append(
                (number, f"expected msgid, msgstr, a quoted text or a # comment: {line[:60]}")
            )
    return errors, plural_counts, obsolete


def _parse_header(text: str) -> dict[str, str]:
    header: dict[str, str] = {}
    for line in text.splitlines():
        name, sep, value = line.partition(":")
        if sep:
            header[name.strip().lower()] = value.strip()
    return header


def read_po_file(path: Path) -> ParsedPo:
    """Read a .po/.pot file; raise PoReadError only when it cannot be read at all."""
    try:
        data = path.read_bytes()
    except FileNotFoundError as error:
        raise PoReadError(path, 0, "file is missing") from error
    except OSError as error:
        raise PoReadError(path, 0, f"cannot be read ({error.strerror})") from error
    bom = data.startswith(b"\xef\xbb\xbf")
    if bom:  # some editors on Windows write one; Babel's parser would choke on it
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise PoReadError(path, line, "not UTF-8 text (save the file as UTF-8)") from error
    lines = text.splitlines()
    scan_errors, plural_counts, obsolete_lines = _scan_lines(lines)
    catalog = Catalog(locale=None, domain=DOMAIN, charset="utf-8")
    parser = _RecordingParser(catalog)
    try:
        parser.parse(io.BytesIO(data))
    except Exception as error:  # noqa: BLE001 - Babel raises ValueError & co on bad headers
        scan_errors.append((parser.offset + 1, f"cannot be parsed: {error}"))
    # Babel reports too many plural forms as a parse problem; we report it per entry.
    babel_errors = [
        (line, msg)
        for line, msg in parser.errors
        if "more translations than num_plurals" not in msg
    ]
    known = {line for line, _ in scan_errors}
    errors = sorted(scan_errors + [e for e in babel_errors if e[0] not in known])
    by_line = {m.lineno: m for m in catalog.obsolete.values()}
    obsolete = []
    for line in obsolete_lines:
        message = next((m for n, m in sorted(by_line.items()) if n is not None and n >= line), None)
        obsolete.append((line, _msgid_text(message.id) if message else "?"))
    return ParsedPo(
        path=path,
        catalog=catalog,
        lines=lines,
        syntax_errors=errors,
        plural_counts=plural_counts,
        obsolete=obsolete,
        header=_parse_header(parser.header_text or ""),
        header_line=parser.header_line,
        header_fuzzy=parser.header_fuzzy,
        bom=bom,
    )


# --- placeholders and plural forms ----------------------------------------------------

_PERCENT = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[-#0+]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?(?P<type>[diouxXeEfFgGcrs%])"
)
_PERCENT_SAME = {"i": "d", "u": "d", "X": "x", "F": "f", "g": "f", "G": "f", "e": "f", "E": "f"}


def percent_placeholders(text: str) -> list[str]:
    """The `%`-style placeholders of a text (`%s`, `%(name)s`), without `%%`.

    A `%` followed by a space ("60 % of people") is text, not a placeholder.
    """
    result = []
    for match in _PERCENT.finditer(text):
        kind = match.group("type")
        if kind == "%":
            continue
        name = match.group("name")
        kind = _PERCENT_SAME.get(kind, kind)
        result.append(f"%({name}){kind}" if name is not None else f"%{kind}")
    return sorted(result)


def brace_placeholders(text: str) -> list[str] | None:
    """The `{brace}` fields of a text (`{n}`, `{name!r}`, `{n:>3}`), None if malformed.

    A field keeps its conversion and format spec: `{n:s}` or `{site!z}` in a
    translation would raise in `.format()` where the English `{n}` does not, so
    they must count as different. A nested field in a spec (`{n:>{w}}`) is refused.
    """
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:
        return None
    fields = []
    auto = 0
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if spec and "{" in spec:
            return None
        if name == "":
            name = str(auto)
            auto += 1
        field = name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
        fields.append("{" + field + "}")
    return sorted(fields)


def _show(fields: list[str] | None) -> str:
    if fields is None:
        return "an unmatched { or }"
    return " ".join(fields) if fields else "none"


def _placeholder_problems(msg: Message) -> list[str]:
    """How the placeholders of a translation differ from the English, if they do."""
    ids = msg.id if isinstance(msg.id, (list, tuple)) else (msg.id,)
    strings = msg.string if isinstance(msg.string, (list, tuple)) else (msg.string,)
    problems = []
    source_braces = brace_placeholders(ids[-1])
    if source_braces is not None and len(ids) > 1:
        singular = brace_placeholders(ids[0]) or []
        source_braces = sorted(set(source_braces) | set(singular))
    source_percent = sorted(set().union(*(percent_placeholders(i) for i in ids)))
    for index, text in enumerate(strings):
        if not text:
            continue
        which = f"plural form {index}: " if len(strings) > 1 else ""
        braces = brace_placeholders(text)
        if source_braces is not None and braces is not None:
            braces = sorted(set(braces))
        if source_braces is not None and braces != sorted(set(source_braces)):
            problems.append(
                f"{which}placeholders differ: the English has {_show(sorted(set(source_braces)))}"
                f", the translation has {_show(braces)}"
            )
        for edge, where in ((text[:1], ids[0][:1]), (text[-1:], ids[0][-1:])):
            if (edge == "\n") != (where == "\n"):
                problems.append(
                    f"{which}the English and the translation must both start (and end) "
                    "with a line break, or both not (msgfmt --check)"
                )
                break
        percent = percent_placeholders(text)
        if len(ids) > 1:
            percent = sorted(set(percent))
        if percent != source_percent and (len(ids) == 1 or set(percent) != set(source_percent)):
            problems.append(
                f"{which}%-placeholders differ: the English has {_show(source_percent)}"
                f", the translation has {_show(percent)}"
            )
    return problems


def _is_translated(msg: Message) -> bool:
    if isinstance(msg.string, (list, tuple)):
        return bool(msg.string) and all(msg.string)
    return bool(msg.string)


def plural_forms_problem(value: str | None) -> str | None:
    """What is wrong with a Plural-Forms header value, or None when it is valid."""
    if not value:
        return "the header has no Plural-Forms (e.g. 'nplurals=2; plural=(n != 1);')"
    match = re.fullmatch(r"\s*nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*(.+?)\s*;?\s*", value)
    if not match:
        return f"Plural-Forms is not 'nplurals=N; plural=EXPRESSION;': {value!r}"
    count = int(match.group(1))
    if count < 1:
        return f"Plural-Forms: nplurals must be at least 1: {value!r}"
    try:
        plural = _gettext.c2py(match.group(2))
        values = {plural(n) for n in (*range(0, 201), 1000, 1001, 1000000)}
    except Exception:  # noqa: BLE001 - c2py raises ValueError, SyntaxError & co
        return f"Plural-Forms: the plural expression is not valid: {match.group(2)!r}"
    if any(not 0 <= int(v) < count for v in values):
        return f"Plural-Forms: the expression gives a form outside 0..{count - 1}: {value!r}"
    return None


def _plural_forms(parsed: ParsedPo, language: str) -> tuple[str, int]:
    """The Plural-Forms to use: the header's when valid, else Babel's for the language."""
    value = parsed.header.get("plural-forms")
    if plural_forms_problem(value) is None:
        assert value is not None
        count = int(re.search(r"nplurals\s*=\s*(\d+)", value).group(1))  # type: ignore[union-attr]
        return value.strip(), count
    if language in DEFAULT_PLURAL_FORMS:
        value = DEFAULT_PLURAL_FORMS[language]
        return value, int(value.split(";")[0].split("=")[1])
    fallback = Catalog(locale=_safe_locale(language))
    return fallback.plural_forms, fallback.num_plurals


def _same_rule(value: str, expected: str) -> bool:
    """Whether two valid Plural-Forms give the same form for every count we try."""

    def forms(text: str) -> list[int]:
        expression = re.search(r"plural\s*=\s*(.+?)\s*;?\s*$", text).group(1)  # type: ignore[union-attr]
        plural = _gettext.c2py(expression)
        return [int(plural(n)) for n in (*range(0, 201), 1000, 1001, 1000000)]

    return forms(value) == forms(expected)


def _safe_locale(language: str) -> str:
    try:
        Locale.parse(language)
    except (UnknownLocaleError, ValueError, TypeError):
        return SOURCE_LANGUAGE
    return language


def _wrong_plural_count(msg: Message, parsed: ParsedPo, count: int) -> int | None:
    """The number of plural forms an entry has, when it is not `count`."""
    if not msg.pluralizable:
        return None
    found = parsed.plural_counts.get(msg.lineno or -1)
    if found is None:
        found = len(msg.string) if isinstance(msg.string, (list, tuple)) else 1
    return found if found != count else None


# --- loading at run time ---------------------------------------------------------------


def usable_messages(parsed: ParsedPo, num_plurals: int) -> Iterable[Message]:
    """The messages the kiosk may use: translated, not fuzzy, placeholders as in English."""
    for msg in parsed.catalog:
        if not msg.id or msg.fuzzy or not _is_translated(msg):
            continue
        if _wrong_plural_count(msg, parsed, num_plurals) is not None:
            continue
        if not msg.pluralizable and isinstance(msg.string, (list, tuple)):
            continue
        if _placeholder_problems(msg):
            continue
        yield msg


def compile_catalogue(language: str, path: Path) -> bytes | None:
    """The usable messages of one `.po` file as `.mo` bytes; None (logged) if unusable."""
    try:
        parsed = read_po_file(path)
    except PoReadError as error:
        log.warning("%s: %s; %s falls back to English", path, error.message, language)
        return None
    if parsed.syntax_errors:
        line, message = parsed.syntax_errors[0]
        log.warning(
            "%s:%d: %s; %s falls back to English (run `skillcheck check`)",
            path,
            line,
            message,
            language,
        )
        return None
    try:
        plural_forms, count = _plural_forms(parsed, language)
        runtime = Catalog(locale=None, domain=DOMAIN, charset="utf-8")
        runtime.mime_headers = [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Plural-Forms", plural_forms),
        ]
        kept = 0
        for msg in usable_messages(parsed, count):
            runtime.add(msg.id, msg.string, context=msg.context)
            kept += 1
        buffer = io.BytesIO()
        write_mo(buffer, runtime)
    except Exception as error:  # noqa: BLE001 - a bad file must not stop the kiosk
        log.warning("%s: cannot be used (%s); %s falls back to English", path, error, language)
        return None
    log.debug("%s: %d messages compiled", path, kept)
    return buffer.getvalue()


# --- checking (skillcheck check) -----------------------------------------------------


def _msgid_text(msgid: Any) -> str:
    return msgid[0] if isinstance(msgid, (list, tuple)) else str(msgid)


def _describe(msg: Message) -> str:
    text = _msgid_text(msg.id)
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
        and _same_rule(header.get("plural-forms", ""), DEFAULT_PLURAL_FORMS[language]) is False
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
    _, count = _plural_forms(parsed, language)
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
        wrong = _wrong_plural_count(msg, parsed, count) if header_ok else None
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
        elif not _is_translated(msg):
            if not source:
                untranslated += 1
                problems.append(Problem(path, line, f"untranslated: {_describe(msg)}", incomplete))
            continue
        for text in _placeholder_problems(msg):
            problems.append(Problem(path, line, f"{_describe(msg)}: {text}"))
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
