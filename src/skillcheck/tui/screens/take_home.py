"""Take your result home: the result's QR code alone, as large as the screen allows.

On the result screen the code shared a page with the text: at 80x24 it was split
over two pages, at 60x20 cut on the right, and no phone could read it (issue 24).
Here it is the only thing drawn, with its quiet zone, whole at 60x20 and up; beside
it the words (what to do, what the letters mean) and one large button back.
"""

from __future__ import annotations

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Static

from skillcheck.qr import QUIET_ZONE
from skillcheck.scoring import LEVEL_LETTERS, LEVEL_WORDS
from skillcheck.tui.screens.base import KioskModal
from skillcheck.tui.widgets.initiative_card import QrCode

# The text and the button beside the code need this many columns.
BESIDE = 22
# A bigger version only adds modules of the same size: above this, nothing gained.
LARGEST_VERSION = 5


def modules_of(version: int) -> int:
    """The width of a QR code of `version`, quiet zone included, in modules."""
    return 17 + 4 * version + 2 * QUIET_ZONE


def version_for(width: int, height: int) -> int | None:
    """The largest QR version drawn whole in `height` rows (two modules a row) and
    `width` less the words beside it; None when not even version 2 fits (version 1
    cannot hold the summary; smaller screens are not supported, docs/deploy.md)."""
    for version in range(LARGEST_VERSION, 1, -1):
        modules = modules_of(version)
        if (modules + 1) // 2 <= height and modules <= width - BESIDE:
            return version
    return None


class TakeHomeModal(KioskModal[None]):
    """The summary's QR code (`skillcheck.scoring.summary_text`); Esc or the button
    go back to the result."""

    DEFAULT_CSS = """
    TakeHomeModal {
        background: $background;
        align: left top;
    }
    TakeHomeModal #take-home {
        width: 100%;
        height: 1fr;
    }
    TakeHomeModal QrCode {
        margin: 0 1 0 0;
    }
    TakeHomeModal #take-home-words {
        width: 1fr;
        height: auto;
        padding: 0 1 0 0;
    }
    TakeHomeModal .title {
        margin: 0 0 1 0;
    }
    TakeHomeModal .text {
        margin: 0 0 1 0;
    }
    TakeHomeModal #back-to-result {
        width: 100%;
        min-height: 3;
    }
    """

    BINDINGS = [Binding("escape,q,enter", "back", show=False)]

    def __init__(self, summary: str) -> None:
        super().__init__()
        self.summary = summary
        self.version: int | None = None

    def compose(self) -> ComposeResult:
        t = self.t
        size = self.app.size
        self.version = version_for(size.width, size.height - 1)
        with Horizontal(id="take-home"):
            yield self.code()
            with Vertical(id="take-home-words"):
                yield Static(Content(t.gettext("Take your result home")), classes="title")
                yield Static(
                    Content(t.gettext("Point your phone's camera at the code.")),
                    classes="text",
                )
                letters = ", ".join(
                    f"{LEVEL_LETTERS[level]} {t.gettext(words)}"
                    for level, words in LEVEL_WORDS.items()
                )
                yield Static(Content(letters), classes="text", id="letters")
                yield Button(Content(t.gettext("Back to the result (Esc)")), id="back-to-result")
        yield from self.compose_hints()

    def code(self) -> QrCode:
        """The code at the largest size this screen holds whole (the highest error
        correction that size allows: a screen's glare or a shaky hand)."""
        return QrCode(self.summary, "l", version=self.version, id="take-home-code")

    def key_hints(self) -> list[str]:
        return [self.t.gettext("Esc: back to the result")]

    def on_resize(self, event: events.Resize) -> None:
        # A new size (a browser window made smaller): the code that fits it.
        if version_for(event.size.width, event.size.height - 1) != self.version:
            self.refresh(recompose=True)

    @on(Button.Pressed, "#back-to-result")
    def action_back(self) -> None:
        self.dismiss(None)
