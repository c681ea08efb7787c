"""Your result: the overall result in words, each area with a bar, where to go next."""

from __future__ import annotations

from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Button, Static

from skillcheck.initiatives import initiative_text, place_lines, recommend
from skillcheck.scoring import LEVEL_MEANING, SUMMARY_HINT, category_words, summary_text
from skillcheck.session import Result
from skillcheck.speech import Speech, result_lines, result_speech
from skillcheck.tui.messages import Finished
from skillcheck.tui.screens.base import VisitorScreen
from skillcheck.tui.widgets.area_bar import AreaBar
from skillcheck.tui.widgets.initiative_card import InitiativeCard


class ResultScreen(VisitorScreen):
    """Paged by the ↑ / More ↓ buttons when long; Finish (Enter) ends the visit."""

    BINDINGS = [
        Binding("enter", "finish", show=False),
        Binding("q", "take_home", show=False),
    ]

    def __init__(self, result: Result, *, dated: bool = True) -> None:
        """`dated` False: the kiosk's clock is implausible, the QR code has no date."""
        super().__init__()
        self.result = result
        self.dated = dated

    def where(self) -> str:
        return self.t.gettext("Your result")

    def compose_body(self) -> ComposeResult:
        t = self.t
        bank = self.kiosk.bank
        result = self.result
        yield Static(Content(t.gettext("Your result")), classes="title")
        yield Static(Content(t.gettext(category_words(result.levels))), classes="text")
        if result.assessed:
            yield Static(Content(t.gettext(LEVEL_MEANING)), classes="text")
        # Only what this person answered: each line is one of their answers.
        for head, level, lines in result_lines(bank, result, t):
            yield AreaBar(head, level, lines)
        if result.assessed:
            # The code itself is on its own screen (Take it home), drawn whole there.
            yield Static(Content(t.gettext(SUMMARY_HINT)), classes="text")
        yield Static(Content(t.gettext("Where you can learn more")), classes="title")
        recommendations = self.recommendations()
        if any(initiative.url for initiative in recommendations):
            yield Static(
                Content(t.gettext("Scan a QR code with your phone to take the address home.")),
                classes="text",
            )
        for initiative in recommendations:
            name = initiative_text(initiative, "name", t)
            yield InitiativeCard(name, place_lines(initiative, t), initiative.url)

    def compose_actions(self) -> ComposeResult:
        t = self.t
        # Someone not assessed has no levels, so no code to take home.
        if self.result.assessed:
            yield Button(Content(t.gettext("Take it home (Q)")), id="take-home")
        yield Button(Content(t.gettext("Finish (Enter)")), id="finish")

    def speech(self) -> Speech:
        """The result in words, each area, then each place (read aloud, R)."""
        kiosk = self.kiosk
        return result_speech(
            kiosk.bank, self.result, self.recommendations(), self.t, kiosk.pronunciation()
        )

    def recommendations(self):
        kiosk = self.kiosk
        # Someone not assessed is matched as a beginner (the help desk comes last).
        levels = self.result.levels if self.result.assessed else dict.fromkeys(range(1, 6), "none")
        return recommend(
            kiosk.catalogue,
            levels,
            kiosk.config.region,
            kiosk.language,
            kiosk.help_desk,
        )

    def on_mount(self) -> None:
        self.query_one("#finish", Button).focus(scroll_visible=False)

    def key_hints(self) -> list[str]:
        t = self.t
        if not self.result.assessed:
            return [t.gettext("Enter: finish")]
        return [t.gettext("Q: take it home"), t.gettext("Enter: finish")]

    @on(Button.Pressed, "#take-home")
    def action_take_home(self) -> None:
        """The result's QR code alone, large (screens/take_home.py)."""
        if not self.result.assessed:
            return
        from skillcheck.tui.screens.take_home import TakeHomeModal

        self.app.push_screen(
            TakeHomeModal(summary_text(self.result.levels, date.today() if self.dated else None))
        )

    @on(Button.Pressed, "#finish")
    def action_finish(self) -> None:
        self.post_message(Finished(self))
