"""The one sanitiser for text that comes from a file (issue 19).

Translations, items, the initiatives catalogue, a site config and the site and
terminal names stored in a database are written by people, and may carry control
characters: an escape sequence that retitles or queries a terminal, a bidi override
that shows a name backwards. `skillcheck check` refuses them with file:line
(`control_characters`); every loader and every writer of a terminal line, CSV or
PDF strips them (`plain`), so none reaches a screen or a file. A newline is text.

Spreadsheets run a cell that starts with = + - @ (or a tab or carriage return) as a
formula; `spreadsheet_cell` neutralises such a cell as OWASP's "CSV Injection" page
advises: a leading single quote, the cell in double quotes.
"""

from __future__ import annotations

import re

# Unicode category Cc except newline, and the bidi embeddings, overrides and isolates.
_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def plain(text: str) -> str:
    """`text` without control characters (newlines kept)."""
    return _CONTROL.sub("", text)


def control_characters(text: str) -> list[str]:
    """The control characters in `text`, named as U+001B, in order, each once."""
    return list(dict.fromkeys(f"U+{ord(c):04X}" for c in _CONTROL.findall(text)))


def visible(text: str) -> str:
    """`text` with each control character shown as its code (for error messages)."""
    return _CONTROL.sub(lambda match: f"<U+{ord(match.group()):04X}>", text)


def spreadsheet_cell(text: str) -> str:
    """A CSV cell a spreadsheet shows as text: a leading ' before a formula start."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def line_of_controls(lines: list[str], text: str, start: int = 1) -> int:
    """The line (from `start`) where a control character of `text` is written, raw or
    as a TOML or .po escape (`\\u001b`, `\\e`, `\\t` ...); `start` if none is seen."""
    forms = []
    for char in dict.fromkeys(_CONTROL.findall(text)):
        code = ord(char)
        forms += [char, f"\\u{code:04x}", f"\\u{code:04X}", f"\\U{code:08x}", f"\\U{code:08X}"]
        forms += [f"\\x{code:02x}", f"\\x{code:02X}"] if code < 256 else []
        forms += {"\x1b": ["\\e"], "\t": ["\\t"], "\r": ["\\r"], "\b": ["\\b"], "\f": ["\\f"]}.get(
            char, []
        )
    for number in range(max(start, 1), len(lines) + 1):
        if any(form in lines[number - 1] for form in forms):
            return number
    return start
