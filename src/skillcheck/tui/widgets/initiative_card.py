"""A place to go next: what it offers, where, in which languages, and a QR code."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Static

from skillcheck.qr import QrTooLong, qr_rows

log = logging.getLogger(__name__)


def qr_text(text: str, error: str = "m", version: int | None = None) -> str:
    """The QR code of `text` as text: two modules per character with half blocks,
    dark on light, with a quiet zone of 4 modules on every side. `error` is segno's
    error correction level; with a `version` (the code's size), the highest level
    that still holds the text at that size is taken instead. Empty (and logged) when
    the text is too long for any QR code: `check --config` says so."""
    try:
        rows = qr_rows(text, error, version)
    except QrTooLong as error_:
        log.error("no QR code drawn for %r: %s (run `skillcheck check --config`)", text, error_)
        return ""
    return draw_matrix(rows)


def draw_matrix(modules: list[list[int]]) -> str:
    """QR modules as half blocks: each character is two modules, one above the other."""
    rows = [list(row) for row in modules]
    if len(rows) % 2:
        rows.append([0] * len(rows[0]))
    glyphs = {(1, 1): "█", (1, 0): "▀", (0, 1): "▄", (0, 0): " "}
    lines = []
    for top, bottom in zip(rows[::2], rows[1::2], strict=True):
        lines.append("".join(glyphs[(bool(a), bool(b))] for a, b in zip(top, bottom, strict=True)))
    return "\n".join(lines)


def shown_url(url: str) -> str:
    """The address as a person types it: no scheme, no trailing slash."""
    parts = urlsplit(url)
    if not parts.netloc:
        return url
    return (parts.netloc + parts.path).rstrip("/") + (f"?{parts.query}" if parts.query else "")


class QrCode(Static):
    """Dark modules on white, whatever the theme, so phones can read it."""

    DEFAULT_CSS = """
    QrCode {
        width: auto;
        height: auto;
        background: #FFFFFF;
        color: #000000;
        margin: 0 0 0 2;
    }
    """

    def __init__(
        self, url: str, error: str = "m", *, version: int | None = None, id: str | None = None
    ) -> None:
        super().__init__(Content(qr_text(url, error, version)), id=id)
        self.url = url


class UrlLine(Static):
    """A web address as plain text (never a link), on its own line, never broken
    in the middle: when the whole address does not fit, only the site is shown
    (the QR code beside it carries the whole address)."""

    DEFAULT_CSS = """
    UrlLine {
        width: 100%;
        height: 1;
        text-wrap: nowrap;
    }
    """

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url

    def render(self) -> Content:
        full = shown_url(self.url)
        width = self.content_region.width or self.size.width
        if cell_len(full) <= width:
            return Content(full)
        return Content(urlsplit(self.url).netloc or full)


class InitiativeCard(Horizontal):
    """One recommended initiative, with the lines already in the person's language."""

    DEFAULT_CSS = """
    InitiativeCard {
        height: auto;
        width: 100%;
        border: round $foreground 70%;
        padding: 0 1;
        margin: 0 0 1 0;
    }
    InitiativeCard .card-text {
        width: 1fr;
        height: auto;
    }
    InitiativeCard .card-name {
        text-style: bold;
        width: 100%;
    }
    InitiativeCard .card-line {
        width: 100%;
    }
    /* Too narrow for the QR code beside the text: below it. */
    InitiativeCard.-narrow {
        layout: vertical;
    }
    InitiativeCard.-narrow QrCode {
        margin: 1 0 0 0;
    }
    """

    # Below this width the text beside a QR code would be a word per line.
    NARROW = 76

    def __init__(self, name: str, lines: list[str], url: str | None) -> None:
        super().__init__()
        self.initiative_name = name
        self.lines = lines
        self.url = url

    def compose(self) -> ComposeResult:
        with Vertical(classes="card-text"):
            yield Static(Content(self.initiative_name), classes="card-name")
            for line in self.lines:
                yield Static(Content(line), classes="card-line")
            if self.url:
                yield UrlLine(self.url)
        if self.url:
            yield QrCode(self.url)

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < self.NARROW, "-narrow")
