"""Welcome: the same invitation in every offered language, side by side."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Static

from skillcheck.tui.screens.base import KioskScreen


class WelcomeScreen(KioskScreen):
    """Pick a language with 1, 2, 3 … or a touch; nothing of anyone before is here."""

    IDLE_RESET = False
    SHOW_LANGUAGE = False

    def compose_body(self) -> ComposeResult:
        translators = list(self.kiosk.translators.items())
        with VerticalScroll(classes="body"):
            yield Static(Content(self.kiosk.config.site), id="site")
            grid = Vertical(id="languages")
            grid.styles.grid_size_columns = len(translators)
            # All invitations first, then all buttons: the grid puts the buttons in
            # one row, so they line up however long each language's text is.
            with grid:
                for number, (_code, t) in enumerate(translators, start=1):
                    with Vertical(classes="language"):
                        yield Static(
                            Content(t.gettext("How good are you with computers and phones?")),
                            classes="invite-title",
                        )
                        yield Static(
                            Content(
                                t.gettext(
                                    "Find out in 5 to 8 minutes, and where you can learn more. "
                                    "Free, and we do not ask your name."
                                )
                            ),
                            classes="invite",
                        )
                        yield Static(
                            Content(
                                t.gettext("Press {key} or touch the button.").format(key=number)
                            ),
                            classes="invite",
                        )
                for number, (code, t) in enumerate(translators, start=1):
                    yield Button(Content(f"{number}  {t.name}"), id=f"lang-{code}")

    def key_hints(self) -> list[str]:
        return []

    def do_choose(self, number: int) -> None:
        codes = list(self.kiosk.translators)
        if 1 <= number <= len(codes):
            self.kiosk.choose_language(codes[number - 1])

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id and event.button.id.startswith("lang-"):
            self.kiosk.choose_language(event.button.id.removeprefix("lang-"))
