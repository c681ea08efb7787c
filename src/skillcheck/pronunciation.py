"""How read-aloud says a text: a per-language table translators edit. No textual.

`locales/<lang>/pronunciation.toml` (docs/translating.md) says how espeak-ng should
read what the screen shows: the answer numbers as words ("one: …"), web addresses
as the name of the website ("website of Safeonweb", never letter by letter), the
"@" and "." of an e-mail address, and words espeak-ng would spell out or say
wrongly ("bpost", "itsme", "eID"). `skillcheck check` checks every table.

A language without a table is read as written (espeak-ng's own reading); a table
that cannot be used is logged and read as written too: read-aloud never stops the
kiosk.
"""

from __future__ import annotations

import logging
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType

from skillcheck.datafile import DataFile, Problem, read_data_file

log = logging.getLogger(__name__)

PRONUNCIATION_FILE = "pronunciation.toml"
# Words every shipped table must say how to read (the same word when espeak-ng
# already says it right): the kiosk's texts use them in every language.
REQUIRED_WORDS = ("e-mail", "gsm", "itsme", "eID", "MyMinfin", "bpost")
# Answer numbers go from 1 to 9 (the digit keys).
NUMBER_COUNT = 9

_KEYS = ("numbers", "answer", "website", "at", "dot", "words", "sites")
_PLACEHOLDERS = {"answer": {"number", "text"}, "website": {"name"}}

# An e-mail address, and a web address with or without https:// (lower case only:
# "Digitaal.Talent" or "Interface3.Namur" are names, not addresses).
_EMAIL = re.compile(r"\b([A-Za-z0-9._%+-]+)@([a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,})\b")
_URL = re.compile(
    r"(?<![\w@.-])(?:https?://)?(?:www\.)?"
    r"((?:[a-z0-9-]+\.)+[a-z]{2,})(?![\w@-])(/[^\s]*[^\s.,;:!?)])?/?"
)


@dataclass(frozen=True)
class Pronunciation:
    """One language's read-aloud table; the defaults read everything as written."""

    language: str
    numbers: tuple[str, ...] = tuple(str(n) for n in range(1, NUMBER_COUNT + 1))
    answer: str = "{number}: {text}"
    website: str = "{name}"
    at: str = "@"
    dot: str = "."
    # written form -> what to say, matched as a whole word, ignoring capitals
    words: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    # web address (without www.) -> the website's name to say
    sites: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def number(self, n: int) -> str:
        """The answer number `n` (1 to 9) as said aloud."""
        return self.numbers[n - 1] if 1 <= n <= len(self.numbers) else str(n)

    def answer_text(self, n: int, text: str) -> str:
        """An answer as read: its spoken number, then its text ("one: I can do this")."""
        return self.answer.format(number=self.number(n), text=text)

    def site_name(self, host: str) -> str:
        """The name said for a web address: from the table, else its first part."""
        host = host.lower().removeprefix("www.")
        if host in self.sites:
            return self.sites[host]
        return host.split(".")[0].replace("-", " ").capitalize()

    def spoken(self, text: str) -> str:
        """`text` as it is sent to the speech engine: addresses and words replaced."""
        text = _EMAIL.sub(self._email, text)
        text = _URL.sub(self._url, text)
        return self._words_pattern.sub(lambda m: self._lower_words[m.group(0).lower()], text)

    def _email(self, match: re.Match[str]) -> str:
        user, host = match.group(1), match.group(2)
        return f"{user} {self.at} {self._host(host)}"

    def _url(self, match: re.Match[str]) -> str:
        host = match.group(1).lower().removeprefix("www.")
        if host in self.sites or match.group(0).startswith(("http://", "https://", "www.")):
            return self.website.format(name=self.site_name(host))
        # A bare address in a question (a fake parcel site) is part of what is asked:
        # say it as written, part by part, not as a website's name.
        return self._host(host)

    def _host(self, host: str) -> str:
        # "bpost-be-delivery.info" -> "bpost be delivery dot info": parts as words
        return f" {self.dot} ".join(part.replace("-", " ") for part in host.split("."))

    @cached_property
    def _lower_words(self) -> dict[str, str]:
        return {word.lower(): spoken for word, spoken in self.words.items()}

    @cached_property
    def _words_pattern(self) -> re.Pattern[str]:
        if not self.words:
            return re.compile(r"(?!x)x")  # matches nothing
        # Longest first, so "e-mail address" wins over "e-mail".
        words = sorted(self.words, key=len, reverse=True)
        alternatives = "|".join(re.escape(word) for word in words)
        return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE)


def pronunciation_path(locales_dir: Path, language: str) -> Path:
    """Where a language's table lives: beside its `LC_MESSAGES` folder."""
    return locales_dir / language / PRONUNCIATION_FILE


def load_pronunciation(locales_dir: Path, language: str) -> Pronunciation:
    """A language's table; read as written (with a logged warning) when unusable."""
    path = pronunciation_path(locales_dir, language)
    if not path.exists():
        return Pronunciation(language)
    table, problems = check_pronunciation(path, language)
    if table is None:
        for problem in problems:
            log.warning("%s; read aloud reads %s as written", problem, language)
        return Pronunciation(language)
    return table


def load_pronunciations(locales_dir: Path, languages: list[str]) -> dict[str, Pronunciation]:
    """One table per language, in the order given."""
    return {language: load_pronunciation(locales_dir, language) for language in languages}


def check_pronunciations(locales_dir: Path, languages: list[str]) -> list[Problem]:
    """Every problem of every language's table (`skillcheck check`)."""
    problems: list[Problem] = []
    for language in languages:
        path = pronunciation_path(locales_dir, language)
        if not path.exists():
            problems.append(
                Problem(
                    path,
                    0,
                    "file is missing: read aloud reads this language as written "
                    "(answer numbers as digits, web addresses letter by letter)",
                    "warning",
                )
            )
            continue
        problems += check_pronunciation(path, language)[1]
    return problems


def check_pronunciation(path: Path, language: str) -> tuple[Pronunciation | None, list[Problem]]:
    """Load one table and return it (None when unusable) with all its problems."""
    data_file, problems = read_data_file(path)
    if data_file is None:
        return None, problems
    data = data_file.data

    def problem(key: str, message: str, line: int | None = None) -> None:
        problems.append(Problem(path, line or data_file.top_line(key), message))

    values: dict[str, object] = {}
    for key in sorted(set(data) - set(_KEYS)):
        problem(key, f"unknown key '{key}' (use {', '.join(_KEYS)})")
    numbers = data.get("numbers")
    if numbers is None:
        problem("numbers", f"'numbers' is missing: the answer numbers 1 to {NUMBER_COUNT} as words")
    elif (
        not isinstance(numbers, list)
        or len(numbers) != NUMBER_COUNT
        or not all(isinstance(x, str) and x.strip() for x in numbers)
    ):
        problem("numbers", f"'numbers' must be a list of {NUMBER_COUNT} words (one to nine)")
    else:
        values["numbers"] = tuple(numbers)
    for key in ("answer", "website", "at", "dot"):
        value = data.get(key)
        if value is None:
            problem(key, f"'{key}' is missing")
            continue
        if not isinstance(value, str) or not value.strip():
            problem(key, f"'{key}' must be a text")
            continue
        wanted = _PLACEHOLDERS.get(key, set())
        found = _fields(value)
        if found is None or found != wanted:
            braces = ", ".join("{" + name + "}" for name in sorted(wanted)) or "no {…}"
            problem(key, f"'{key}' must contain exactly {braces}: {value!r}")
            continue
        values[key] = value
    for key in ("words", "sites"):
        if key not in data:
            continue
        table = data[key]
        if not isinstance(table, dict) or not all(
            isinstance(v, str) and v.strip() for v in table.values()
        ):
            problem(key, f'[{key}] must be a table of texts: "written" = "spoken"')
            continue
        values[key] = MappingProxyType(dict(table))
    words = {word.lower() for word in data.get("words", {})} if "words" in values else set()
    for word in REQUIRED_WORDS:
        if word.lower() not in words:
            problem(
                "words",
                f"[words] has no entry for '{word}': say how to read it "
                f'(write "{word}" = "{word}" when espeak-ng already says it right)',
                _table_line(data_file, "words"),
            )
    if any(p.severity == "error" for p in problems):
        return None, problems
    return Pronunciation(language, **values), problems  # type: ignore[arg-type]


def _fields(text: str) -> set[str] | None:
    """The `{name}` fields of a text, or None when it is not a valid format string."""
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError:
        return None


def _table_line(data_file: DataFile, name: str) -> int:
    header = re.compile(rf"^\s*\[\s*{re.escape(name)}\s*\]")
    for number, text in enumerate(data_file.lines, start=1):
        if header.match(text):
            return number
    return 1
