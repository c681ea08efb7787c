""" "Question 4 of at most 25" and a bar, drawn as one line of text.

Cheaper than Textual's `ProgressBar` (a container with a `Bar` child and reactive
styles): a new question only redraws this one line, with no new layout, because its
size never changes.
"""

from __future__ import annotations

from textual.content import Content
from textual.widget import Widget

FILLED, EMPTY = "━", "─"


class ProgressLine(Widget):
    """The progress text, then a bar filling the rest of the line."""

    DEFAULT_CSS = """
    ProgressLine {
        height: 1;
        width: 100%;
    }
    ProgressLine > .progress-line--empty {
        color: $foreground 30%;
    }
    ProgressLine > .progress-line--filled {
        color: $accent;
    }
    """

    COMPONENT_CLASSES = {"progress-line--empty", "progress-line--filled"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.text = ""
        self.done = 0
        self.total = 1

    def show(self, text: str, done: int, total: int) -> None:
        """Show `text` and a bar `done` of `total` full (a repaint, never a new layout)."""
        if (text, done, total) != (self.text, self.done, self.total):
            self.text, self.done, self.total = text, done, total
            self.refresh()

    def render(self) -> Content:
        width = self.size.width
        bar = max(0, width - len(self.text) - 2)
        filled = bar * self.done // max(1, self.total)
        return Content.assemble(
            self.text,
            "  ",
            (FILLED * filled, self.get_visual_style("progress-line--filled", partial=True)),
            (EMPTY * (bar - filled), self.get_visual_style("progress-line--empty", partial=True)),
        )
