"""One area of the result: its name, a bar and its level in words (never colour alone)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from skillcheck.tui.widgets.hanging import HangingText

# Steps filled out of three: the bar repeats the words, it never replaces them.
# Starting out is an empty bar (a third full read as "some" to a beginner).
_FILLED = {"none": 0, "basic": 2, "above_basic": 3}


def level_bar(level: str) -> str:
    """A text bar such as ████████░░░░ for a level."""
    filled = _FILLED.get(level, 0)
    return "████" * filled + "░░░░" * (3 - filled)


class AreaBar(Vertical):
    """Area name, bar, level words, what you can do and what to learn next."""

    DEFAULT_CSS = """
    AreaBar {
        height: auto;
        width: 100%;
        margin: 0 0 1 0;
    }
    AreaBar .area-head {
        width: 100%;
        text-style: bold;
    }
    AreaBar .area-text {
        width: 100%;
        padding: 0 0 0 2;
    }
    """

    def __init__(self, head: str, level: str, lines: list[str]) -> None:
        """`head`: "Area: level" in words; `lines`: the labelled lists under it."""
        super().__init__()
        self.head = head
        self.level = level
        self.lines = lines

    def compose(self) -> ComposeResult:
        # One line (bar, area, level in words) keeps the places to go within reach
        # on a small screen; a long translation wraps, it is never cut.
        yield HangingText(f"{level_bar(self.level)}  ", self.head, classes="area-head")
        # One line per answer, so each claim can be traced to one question; each
        # labelled list's points wrap under their text, not under the bullet.
        for block in self.lines:
            for line in block.split("\n"):
                if line.startswith("• "):
                    yield HangingText("• ", line.removeprefix("• "), classes="area-text")
                else:
                    yield Static(Content(line), classes="area-text")
