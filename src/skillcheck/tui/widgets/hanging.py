"""A line that starts with a bullet or a number and wraps under its text, not under
the bullet (a hanging indent): the bullet stands out on its own (issue 23)."""

from __future__ import annotations

import textwrap

from rich.cells import cell_len
from textual.content import Content
from textual.geometry import Size
from textual.widgets import Static


def hanging(prefix: str, text: str, width: int) -> str:
    """`prefix` then `text` wrapped to `width` cells, each continuation line indented
    under the text. Unwrapped when `width` is unknown (0) or too narrow to help."""
    indent = cell_len(prefix)
    if width - indent < 12:
        return prefix + text
    # textwrap breaks at ASCII spaces only: a French no-break space holds.
    lines = textwrap.wrap(text, width - indent, break_long_words=False, break_on_hyphens=False)
    return prefix + ("\n" + " " * indent).join(lines or [""])


class HangingText(Static):
    """`prefix` and `text`, wrapped with a hanging indent at whatever width it gets."""

    def __init__(self, prefix: str, text: str, *, classes: str | None = None) -> None:
        super().__init__(Content(prefix + text), classes=classes)
        self.prefix = prefix
        self.text = text

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return hanging(self.prefix, self.text, width).count("\n") + 1

    def render(self) -> Content:
        return Content(hanging(self.prefix, self.text, self.content_region.width))
