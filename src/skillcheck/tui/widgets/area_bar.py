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

    def __init__(
        self,
        name: str,
        level: str,
        level_words: str,
        can: list[str],
        learn: list[str],
    ) -> None:
        super().__init__()
        self.area_name = name
        self.level = level
        self.level_words = level_words
        self.can = can
        self.learn = learn

    def compose(self) -> ComposeResult:
        t = self.app.t
        # One line (bar, area, level in words) keeps the places to go within reach
        # on a small screen; a long translation wraps, it is never cut.
        head = t.gettext("{area}: {level}").format(area=self.area_name, level=self.level_words)
        yield HangingText(f"{level_bar(self.level)}  ", head, classes="area-head")
        # One line per answer, so each claim can be traced to one question.
        for label, skills in (
            (t.gettext("You can already:"), self.can),
            (t.gettext("Learn next:"), self.learn),
        ):
            if skills:
                yield Static(Content(label), classes="area-text")
                for skill in skills:
                    yield HangingText("• ", skill, classes="area-text")
