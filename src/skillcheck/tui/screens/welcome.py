"""Welcome: the same invitation in every offered language, side by side."""

from __future__ import annotations

import math

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid
from textual.content import Content
from textual.widgets import Button, Static

from skillcheck.speech import Speech, welcome_speech, welcome_texts
from skillcheck.tui.messages import LanguagePicked
from skillcheck.tui.screens.base import PAGE_ARROWS, VisitorScreen
from skillcheck.tui.widgets.bars import roomy

# A column narrower than this wraps the invitation a word per line. Four columns of
# it fit 80 cells: four invitations side by side, all in view at 80x24 (in two rows
# of two, the third and fourth were below the fold).
COLUMN_WIDTH = 17


def columns_for(languages: int, width: int) -> int:
    """How many languages side by side at this width, balanced over the rows."""
    most = max(1, min(languages, width // COLUMN_WIDTH))
    rows = math.ceil(languages / most)
    return math.ceil(languages / rows)


class WelcomeScreen(VisitorScreen):
    """Pick a language with 1, 2, 3 … or a touch; nothing of anyone before is here.

    The invitations scroll (paged by buttons when they do not fit); the language
    buttons stay in view below them, in the same columns.
    """

    DEFAULT_CSS = """
    WelcomeScreen #languages {
        margin: 1 0 0 0;
    }
    /* From 80x24 up the top bar is three rows (touch targets): the invitations start
       right under it and take a cell more each side, so that four of them, German's
       the longest, stay whole above the buttons at 80x24 (columns 18 wide, not 17). */
    WelcomeScreen.-roomy #languages {
        margin: 0;
    }
    WelcomeScreen.-roomy PagedBody, WelcomeScreen.-roomy #actions {
        padding: 0 1;
    }
    WelcomeScreen #languages, WelcomeScreen #language-buttons {
        height: auto;
        width: 100%;
        grid-gutter: 0 2;
    }
    WelcomeScreen #language-buttons {
        width: 1fr;
    }
    WelcomeScreen .language {
        height: auto;
        width: 100%;
    }
    WelcomeScreen #language-buttons Button {
        width: 100%;
        margin: 0;
    }
    """

    BINDINGS = [Binding(str(n), f"pick({n})", show=False) for n in range(1, 10)]

    IDLE_RESET = False
    OFFERS_LANGUAGE = False

    def page_labels(self) -> dict[str, str]:
        """No language is chosen yet: arrows, which read the same in every one."""
        return dict(PAGE_ARROWS)

    def compose_body(self) -> ComposeResult:
        # The site's name is in the top bar: the rows below are the invitations'.
        with self.language_grid("languages"):
            for number, t in enumerate(self.kiosk.translators.values(), start=1):
                title, invite, press = welcome_texts(t, number)
                # One text per language, its paragraphs a blank line apart: a third
                # of the widgets three Statics in a container would be, and the
                # welcome is what start-up waits for (issue 8).
                yield Static(
                    Content.assemble((title, "bold"), "\n\n", invite, "\n\n", press),
                    classes="language",
                )

    def compose_actions(self) -> ComposeResult:
        with self.language_grid("language-buttons"):
            for number, (code, t) in enumerate(self.kiosk.translators.items(), start=1):
                yield Button(Content(f"{number}  {t.name}"), id=f"lang-{code}")

    def language_grid(self, grid_id: str) -> Grid:
        """A grid with the columns this width takes, from the start (set later, they
        would cost a second layout before the first frame)."""
        grid = Grid(id=grid_id)
        grid.styles.grid_size_columns = self.columns(self.app.size.width)
        return grid

    def columns(self, width: int) -> int:
        return columns_for(len(self.kiosk.translators), width - 4)

    def on_resize(self, event: events.Resize) -> None:
        super().on_resize(event)
        self.set_class(roomy(*event.size), "-roomy")
        columns = self.columns(event.size.width)
        for grid in self.query(Grid):
            if grid.styles.grid_size_columns != columns:
                grid.styles.grid_size_columns = columns

    def read_aloud_hints(self) -> list[str]:
        """Before a language is chosen: "R: Voorlezen · Lire à voix haute · …"."""
        if not self.kiosk.reads_aloud:
            return []
        translators = self.kiosk.translators.values()
        words = " · ".join(dict.fromkeys(t.gettext("Read aloud") for t in translators))
        return [self.t.gettext("{key}: {words}").format(key="R", words=words)]

    def speech(self) -> Speech:
        """The invitation in every offered language, each in its own voice (R)."""
        return welcome_speech(self.kiosk.translators, self.kiosk.pronunciations)

    def action_pick(self, number: int) -> None:
        codes = list(self.kiosk.translators)
        if 1 <= number <= len(codes):
            self.post_message(LanguagePicked(self, codes[number - 1]))

    @on(Button.Pressed, "#language-buttons Button")
    def picked(self, event: Button.Pressed) -> None:
        self.post_message(LanguagePicked(self, (event.button.id or "").removeprefix("lang-")))
