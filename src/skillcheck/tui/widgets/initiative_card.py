"""A place to go next: what it offers, where, in which languages, and a QR code."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Static


def qr_text(url: str) -> str:
    """The QR code of `url` as text: two modules per character with half blocks."""
    import segno  # only when a result is shown: keeps the start fast

    rows = [list(row) for row in segno.make(url, error="m").matrix_iter(scale=1, border=2)]
    if len(rows) % 2:
        rows.append([0] * len(rows[0]))
    glyphs = {(1, 1): "█", (1, 0): "▀", (0, 1): "▄", (0, 0): " "}
    lines = []
    for top, bottom in zip(rows[::2], rows[1::2], strict=True):
        lines.append("".join(glyphs[(bool(a), bool(b))] for a, b in zip(top, bottom, strict=True)))
    return "\n".join(lines)


class QrCode(Static):
    """Dark modules on white, whatever the theme, so phones can read it."""

    def __init__(self, url: str) -> None:
        super().__init__(Content(qr_text(url)))
        self.url = url


class InitiativeCard(Horizontal):
    """One recommended initiative, with the lines already in the person's language."""

    def __init__(self, name: str, lines: list[str], url: str | None, qr: bool) -> None:
        super().__init__()
        self.initiative_name = name
        self.lines = lines
        self.url = url
        self.qr = qr

    def compose(self) -> ComposeResult:
        with Vertical(classes="card-text"):
            yield Static(Content(self.initiative_name), classes="card-name")
            for line in self.lines:
                yield Static(Content(line), classes="card-line")
        if self.url and self.qr:
            yield QrCode(self.url)
