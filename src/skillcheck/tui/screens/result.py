"""Your result: the overall result in words, each area with a bar, where to go next."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Static

from skillcheck.i18n import language_name
from skillcheck.initiatives import initiative_text, recommend
from skillcheck.scoring import CATEGORY_WORDS, LEVEL_WORDS, area_advice
from skillcheck.session import Result
from skillcheck.tui.screens.base import KioskScreen
from skillcheck.tui.widgets.area_bar import AreaBar
from skillcheck.tui.widgets.initiative_card import InitiativeCard


class ResultScreen(KioskScreen):
    """Scrolls when needed; Finish (Enter) ends the visit."""

    def __init__(self, result: Result) -> None:
        super().__init__()
        self.result = result

    def where(self) -> str:
        return self.t.gettext("Your result")

    def compose_body(self) -> ComposeResult:
        t = self.t
        kiosk = self.kiosk
        bank = kiosk.bank
        result = self.result
        with VerticalScroll(classes="body", id="result-body"):
            yield Static(Content(t.gettext("Your result")), classes="title")
            yield Static(Content(t.gettext(CATEGORY_WORDS[result.category])), classes="text")
            for area in bank.areas:
                level = result.levels[area.number]
                can, learn = area_advice(bank, area.number, level)
                yield AreaBar(
                    t.pgettext(area.context, area.name),
                    level,
                    t.gettext(LEVEL_WORDS[level]),
                    t.pgettext(area.context, can) if can else None,
                    t.pgettext(area.context, learn) if learn else None,
                )
            yield Static(Content(t.gettext("Where you can learn more")), classes="title")
            recommendations = self.recommendations()
            if any(initiative.url for initiative in recommendations):
                yield Static(
                    Content(t.gettext("Scan a QR code with your phone to take the address home.")),
                    classes="text",
                )
            for initiative in recommendations:
                lines = [initiative_text(initiative, "offer", t)]
                for field in ("audience", "where"):
                    text = initiative_text(initiative, field, t)
                    if text:
                        lines.append(text)
                if initiative.address:
                    lines.append(t.gettext("Address: {address}").format(address=initiative.address))
                if initiative.languages:
                    names = ", ".join(self.language_names(initiative.languages))
                    lines.append(t.gettext("Languages: {names}").format(names=names))
                if initiative.url:
                    lines.append(initiative.url)
                yield InitiativeCard(
                    initiative_text(initiative, "name", t), lines, initiative.url, qr=True
                )
            with Horizontal(classes="row"):
                yield Button(Content(t.gettext("Finish (Enter)")), id="finish")

    def recommendations(self):
        kiosk = self.kiosk
        return recommend(
            kiosk.catalogue,
            self.result.levels,
            kiosk.config.region,
            kiosk.language,
            kiosk.help_desk,
        )

    def language_names(self, codes: tuple[str, ...]) -> list[str]:
        return [language_name(code) for code in codes]

    def on_mount(self) -> None:
        self.query_one("#finish", Button).focus(scroll_visible=False)

    def key_hints(self) -> list[str]:
        t = self.t
        return [t.gettext("Arrow keys: scroll"), t.gettext("Enter: finish")]

    def do_confirm(self) -> None:
        self.kiosk.finish()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "finish":
            self.do_confirm()
