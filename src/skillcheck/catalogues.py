"""Reading and compiling the gettext catalogues with Babel (what the kiosk needs).

`skillcheck.i18n` asks this module to compile a `.po` file into the catalogue the
kiosk uses (only when its cached copy is missing or stale). The translators' checks
(`skillcheck check`) are in `skillcheck.translation_checks`, built on the same
reading. Keeping Babel here keeps it out of the kiosk's start-up.

What the kiosk may use of a catalogue (`usable_messages`): translated, not fuzzy,
placeholders (`{brace}` or `%`-style) as in the English, the right number of
plural forms. A file that cannot be read or parsed gives no catalogue at all: the
whole language shows English, with a warning in the log.

`translation_checks.check_locales` reports the same things (and more) as
`path:line: problem`.
"""

from __future__ import annotations

import bisect
import contextlib
import gettext as _gettext
import io
import logging
import re
import string
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from babel import Locale
from babel.core import UnknownLocaleError
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, unescape

from skillcheck.plain_text import plain

log = logging.getLogger(__name__)

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


_KEYWORD_LINE = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr\[(\d+)\]|msgstr)\s+(.*)$")
_QUOTED = re.compile(r'^"(?:[^"\\]|\\.)*"$')


@dataclass
class _Entry:
    """One (not obsolete) entry as the line scanner sees it."""

    line: int  # the msgid line, as Babel's Message.lineno
    context: str | None = None
    msgid: str | None = None
    msgstr: list[str] = field(default_factory=list)  # msgstr (or msgstr[0]) pieces
    has_msgstr: bool = False
    fuzzy: bool = False


@dataclass
class _Scan:
    """What the line scanner finds, which Babel's public reader does not tell."""

    errors: list[tuple[int, str]] = field(default_factory=list)
    plural_counts: dict[int, int] = field(default_factory=dict)
    obsolete: list[int] = field(default_factory=list)
    entries: list[_Entry] = field(default_factory=list)
    # (context, msgid) -> its first entry: a dict, so a 5 MB file is read in linear time
    first: dict[tuple[str | None, str], _Entry] = field(default_factory=dict)


def _scan_lines(lines: list[str]) -> _Scan:
    """Line-level syntax of a .po file, its entries' keys, and the header's text.

    Babel's reader prints problems instead of returning them (or stops at the
    first); this scanner finds them with their line, so that Babel is only asked
    to build the catalogue.
    """
    scan = _Scan()
    entry: _Entry | None = None
    target: str | None = None  # the field a continuation line adds to
    fuzzy_next = False
    previous_obsolete = False
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        is_obsolete = line.startswith("#~")
        if is_obsolete and not previous_obsolete and not line.startswith("#~|"):
            scan.obsolete.append(number)
        previous_obsolete = is_obsolete
        if line.startswith("#-"):
            scan.errors.append((number, "a merge conflict marker: resolve the conflict"))
            continue
        if line.startswith("#,"):
            fuzzy_next = fuzzy_next or "fuzzy" in line[2:].replace(",", " ").split()
        if not line or line.startswith("#"):
            continue
        match = _KEYWORD_LINE.match(line)
        if match:
            keyword, index, rest = match.groups()
            quoted = bool(_QUOTED.match(rest))
            if not quoted:
                scan.errors.append(
                    (number, f"{keyword} needs one text in double quotes: {line[:60]}")
                )
            text = unescape(rest) if quoted else ""
            starts_entry = keyword == "msgctxt" or (
                keyword == "msgid" and (entry is None or entry.msgid is not None)
            )
            if starts_entry:
                _end_entry(scan, entry)
                entry = _Entry(line=number, fuzzy=fuzzy_next)
                fuzzy_next = False
            if entry is None:  # a msgstr before any msgid
                scan.errors.append((number, f"{keyword} before its msgid"))
                continue
            if keyword == "msgctxt":
                entry.context = text
            elif keyword == "msgid":
                entry.msgid, entry.line = text, number
            elif keyword.startswith("msgstr"):
                entry.has_msgstr = True
                if index is not None and entry.msgid is not None:
                    key = entry.line
                    scan.plural_counts[key] = scan.plural_counts.get(key, 0) + 1
                if index in (None, "0"):
                    entry.msgstr.append(text)
            target = keyword
        elif line.startswith('"'):
            if not _QUOTED.match(line):
                scan.errors.append((number, f"text is not closed by a double quote: {line[:60]}"))
            elif entry is None:
                scan.errors.append((number, "text line outside an entry"))
            elif target == "msgid" and entry.msgid is not None:
                entry.msgid += unescape(line)
            elif target == "msgctxt" and entry.context is not None:
                entry.context += unescape(line)
            elif target in ("msgstr", "msgstr[0]"):
                entry.msgstr.append(unescape(line))
        else:
            scan.errors.append(
                (number, f"expected msgid, msgstr, a quoted text or a # comment: {line[:60]}")
            )
    _end_entry(scan, entry)
    return scan


def _end_entry(scan: _Scan, entry: _Entry | None) -> None:
    if entry is None:
        return
    if entry.msgid is None:
        scan.errors.append((entry.line, "msgctxt without a msgid"))
        return
    if not entry.has_msgstr:
        scan.errors.append((entry.line, f"msgid without a msgstr: {entry.msgid[:60]!r}"))
    seen = scan.first.setdefault((entry.context, entry.msgid), entry)
    if seen is not entry:
        scan.errors.append((entry.line, f"duplicate message (first defined at line {seen.line})"))
    scan.entries.append(entry)


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
    scan = _scan_lines(lines)
    errors = scan.errors
    catalog = Catalog(locale=None, charset="utf-8")
    try:
        # Babel prints what it finds wrong; the scanner above has reported it with
        # its line already, so that printout is dropped.
        with contextlib.redirect_stdout(io.StringIO()):
            catalog = read_po(io.BytesIO(data), charset="utf-8")
    except Exception as error:  # noqa: BLE001 - Babel raises ValueError & co on bad headers
        errors.append((1, f"cannot be parsed: {error}"))
    by_line = sorted(
        ((m.lineno, m) for m in catalog.obsolete.values() if m.lineno is not None),
        key=lambda pair: pair[0],
    )
    numbers = [number for number, _ in by_line]
    obsolete = []
    for line in scan.obsolete:  # the first obsolete message at or after the line
        index = bisect.bisect_left(numbers, line)
        message = by_line[index][1] if index < len(by_line) else None
        obsolete.append((line, msgid_text(message.id) if message else "?"))
    header = next((e for e in scan.entries if e.msgid == "" and e.context is None), None)
    return ParsedPo(
        path=path,
        catalog=catalog,
        lines=lines,
        syntax_errors=sorted(set(errors)),
        plural_counts=scan.plural_counts,
        obsolete=obsolete,
        header=_parse_header("".join(header.msgstr) if header else ""),
        header_line=header.line if header else 1,
        header_fuzzy=header.fuzzy if header else False,
        bom=bom,
    )


def msgid_text(msgid: Any) -> str:
    """The singular msgid of a message (a plural one's is a tuple)."""
    return msgid[0] if isinstance(msgid, (list, tuple)) else str(msgid)


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


def placeholder_problems(msg: Message) -> list[str]:
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


def is_translated(msg: Message) -> bool:
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


def plural_forms_of(parsed: ParsedPo, language: str) -> tuple[str, int]:
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


def _safe_locale(language: str) -> str | None:
    try:
        Locale.parse(language)
    except (UnknownLocaleError, ValueError, TypeError):
        return None  # Babel's default rule, the English one (n != 1)
    return language


def wrong_plural_count(msg: Message, parsed: ParsedPo, count: int) -> int | None:
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
        if not msg.id or msg.fuzzy or not is_translated(msg):
            continue
        if wrong_plural_count(msg, parsed, num_plurals) is not None:
            continue
        if not msg.pluralizable and isinstance(msg.string, (list, tuple)):
            continue
        if placeholder_problems(msg):
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
        plural_forms, count = plural_forms_of(parsed, language)
        runtime = Catalog(locale=None, charset="utf-8")
        runtime.mime_headers = [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Plural-Forms", plural_forms),
        ]
        kept = 0
        for msg in usable_messages(parsed, count):
            # An escape sequence in a translation must never reach the terminal.
            if isinstance(msg.string, (list, tuple)):
                strings: Any = tuple(plain(text) for text in msg.string)
            else:
                strings = plain(msg.string)
            runtime.add(msg.id, strings, context=msg.context)
            kept += 1
        buffer = io.BytesIO()
        write_mo(buffer, runtime)
    except Exception as error:  # noqa: BLE001 - a bad file must not stop the kiosk
        log.warning("%s: cannot be used (%s); %s falls back to English", path, error, language)
        return None
    log.debug("%s: %d messages compiled", path, kept)
    return buffer.getvalue()
