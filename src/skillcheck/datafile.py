"""The one loader for skillcheck's TOML data files, with line numbers for errors.

`tomllib` gives no positions for values, so we keep a small map from each
`[[table]]` entry and each `key =` line back to its line number. That is enough
for `skillcheck check` to say `path:line: what is wrong`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from skillcheck.plain_text import control_characters, line_of_controls, plain, visible

T = TypeVar("T")


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a data file, reported as `path:line: message`."""

    path: Path
    line: int
    message: str
    severity: str = "error"  # or "warning"

    def __str__(self) -> str:
        prefix = "" if self.severity == "error" else "warning: "
        # A message may quote a text with an escape sequence in it: never echo it raw.
        return visible(f"{self.path}:{self.line}: {prefix}{self.message}")


class ContentError(Exception):
    """Raised when data files are invalid; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def value_or_raise(value: T | None, problems: list[Problem]) -> T:
    """The loaded value, or ContentError when any problem is an error."""
    errors = [p for p in problems if p.severity == "error"]
    if errors or value is None:
        raise ContentError(errors or problems)
    return value


_TOML_ERROR_LINE = re.compile(r"\(at line (\d+), column \d+\)")


@dataclass(frozen=True)
class Entry:
    """One `[[name]]` table of a data file with the line of each of its keys."""

    data: dict[str, Any]
    line: int
    key_lines: dict[str, int] = field(default_factory=dict)

    def line_of(self, key: str) -> int:
        """The line of `key = ...` in this entry, or the entry's header line."""
        return self.key_lines.get(key, self.line)


@dataclass(frozen=True)
class DataFile:
    """A parsed TOML file and the positions needed to report problems in it."""

    path: Path
    data: dict[str, Any]
    lines: list[str]

    def key_line(self, key: str) -> int:
        """Line of a top-level `key =`, or of a `[key]` / `[[key]]` table, else 1."""
        line = self.top_line(key)
        if line > 1:
            return line
        [(header, _end)] = self.spans(key, 1)
        return header

    def top_line(self, key: str) -> int:
        """Line of a top-level `key =` (before the first table), else 1."""
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for number, text in enumerate(self.lines, start=1):
            if text.lstrip().startswith("["):
                break
            if pattern.match(text):
                return number
        return 1

    def entries(self, name: str) -> list[Entry]:
        """The `[[name]]` tables in file order, each with its line numbers."""
        values = self.data.get(name, [])
        if not isinstance(values, list):
            return []
        header = re.compile(rf"^\s*\[\[\s*{re.escape(name)}\s*\]\]")
        starts = [n for n, text in enumerate(self.lines, start=1) if header.match(text)]
        result = []
        for index, value in enumerate(values):
            start = starts[index] if index < len(starts) else 1
            key_lines = self.key_lines_after(start)
            data = value if isinstance(value, dict) else {}
            result.append(Entry(data=data, line=start, key_lines=key_lines))
        return result

    def table(self, name: str) -> Entry | None:
        """The single `[name]` table with the line of each of its keys, if there is one."""
        value = self.data.get(name)
        if not isinstance(value, dict):
            return None
        [(line, _end)] = self.spans(name, 1)
        return Entry(data=value, line=line, key_lines=self.key_lines_after(line))

    def spans(self, name: str, count: int) -> list[tuple[int, int]]:
        """(header line, end line) of each `[[name]]` (or `[name]`) table, in file order.

        `count` is how many tables the parsed data holds; tables written inline
        (without a header line) get the span of the whole file.
        """
        header = re.compile(rf"^\s*\[\[?\s*{re.escape(name)}\s*\]\]?\s*(#.*)?$")
        starts = [n for n, text in enumerate(self.lines, start=1) if header.match(text)]
        starts += [1] * (count - len(starts))
        return [(start, self._table_end(start)) for start in starts[:count]]

    def line_of_value(
        self, key: str, value: str, start: int, end: int, taken: set[tuple[int, str]]
    ) -> int:
        """The line in [start, end) where `key = ` holds `value` (else the first `key =`).

        `taken` remembers lines already given, so two options with the same key
        (`{ text = … }`) each get their own line.
        """
        key_re = re.compile(rf"(^|[\s{{,]){re.escape(key)}\s*=")
        first = value.strip().splitlines()[0][:30] if value.strip() else ""
        fallback = None
        for number in range(max(start, 1), min(end, len(self.lines) + 1)):
            line = self.lines[number - 1]
            if not key_re.search(line):
                continue
            window = line
            if '"""' in line or "'''" in line:  # a multi-line string starts here
                window = " ".join(self.lines[number - 1 : number + 3])
            window = window.replace('\\"', '"').replace("\\'", "'")
            if first and first in window and (number, first) not in taken:
                taken.add((number, first))
                return number
            if fallback is None:
                fallback = number
        return fallback if fallback is not None else start

    def key_lines_after(self, start: int) -> dict[str, int]:
        """The line of each `key =` in the table whose header is at line `start`."""
        key_lines: dict[str, int] = {}
        for number in range(start + 1, self._table_end(start)):
            match = re.match(r"^\s*([A-Za-z0-9_-]+)\s*=", self.lines[number - 1])
            if match and match.group(1) not in key_lines:
                key_lines[match.group(1)] = number
        return key_lines

    def _table_end(self, start: int) -> int:
        for number in range(start + 1, len(self.lines) + 1):
            if re.match(r"^\s*\[\[?[^\]]+\]\]?\s*(#.*)?$", self.lines[number - 1]):
                return number
        return len(self.lines) + 1


def read_data_file(path: Path) -> tuple[DataFile | None, list[Problem]]:
    """Read and parse one TOML file; problems instead of exceptions."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, [Problem(path, 0, "file is missing")]
    except UnicodeDecodeError as error:
        return None, [Problem(path, 1, f"not UTF-8 text ({error.reason})")]
    except OSError as error:
        return None, [Problem(path, 0, f"cannot be read ({error.strerror})")]
    return parse_data_text(text, path)


def parse_data_text(text: str, path: Path) -> tuple[DataFile | None, list[Problem]]:
    """Parse TOML text read elsewhere (e.g. handed over by Babel) as a DataFile."""
    import tomllib  # here: the kiosk's welcome needs no TOML, and is painted sooner

    try:
        data = tomllib.loads(text)
    except RecursionError:
        return None, [Problem(path, 1, "TOML syntax error: arrays or tables nested too deeply")]
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        match = _TOML_ERROR_LINE.search(message)
        line = int(match.group(1)) if match else 1
        message = _TOML_ERROR_LINE.sub("", message).strip()
        return None, [Problem(path, line, f"TOML syntax error: {message}")]
    lines = text.splitlines()
    found: list[str] = []
    data = _without_controls(data, found)
    problems = [
        Problem(
            path,
            line_of_controls(lines, value),
            f"control characters ({', '.join(control_characters(value))}) in a text: "
            "remove them (an escape sequence or a direction override would reach the screen)",
        )
        for value in found
    ]
    return DataFile(path=path, data=data, lines=lines), problems


def _without_controls(value: Any, found: list[str]) -> Any:
    """`value` with control characters stripped from every text in it; each text that
    had some is added to `found` (for `skillcheck check`, which refuses them)."""
    if isinstance(value, str):
        if control_characters(value):
            found.append(value)
            return plain(value)
        return value
    if isinstance(value, dict):
        return {_without_controls(k, found): _without_controls(v, found) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_controls(item, found) for item in value]
    return value
