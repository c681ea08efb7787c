"""The bar at the top (where you are, language, contrast) and the key hints below."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Button, Static

from skillcheck.tui.themes import THEMES


class TopBar(Horizontal):
    """Where you are, and two buttons that work on every screen: language and contrast."""

    def __init__(self, where: str, *, language: bool = True) -> None:
        super().__init__()
        self.where = where
        self.show_language = language

    def compose(self) -> ComposeResult:
        app = self.app
        t = app.t
        yield Static(Content(self.where), id="where")
        if self.show_language and len(app.translators) > 1:
            # "Language" in every offered language, so a person lost in a language
            # they cannot read still finds the way back.
            words = " · ".join(other.gettext("Language") for other in app.translators.values())
            label = t.gettext("{key}: {words}").format(key="L", words=words)
            button = Button(Content(label), id="language-button", action="app.language")
            button.can_focus = False  # the L key does this; clicks still work
            yield button
        button = Button(self.contrast_label(), id="contrast-button", action="app.contrast")
        button.can_focus = False  # the C key does this; clicks still work
        yield button

    def on_mount(self) -> None:
        self.watch(self.app, "theme", self.theme_changed, init=False)

    def theme_changed(self, _theme: str) -> None:
        self.query_one("#contrast-button", Button).label = self.contrast_label()

    def contrast_label(self) -> Content:
        """What C does now: switch to high contrast, or back to normal."""
        app = self.app
        high = app.theme == THEMES["high-contrast"].name
        if self.show_language:
            t = app.t
            words = t.gettext("Normal contrast") if high else t.gettext("High contrast")
        else:
            # Before a language is chosen (welcome), one short word in every offered
            # language ("Contrast · Contraste"): the long form would not fit one line.
            words = " · ".join(
                dict.fromkeys(o.gettext("Contrast") for o in app.translators.values())
            )
        return Content(app.t.gettext("{key}: {words}").format(key="C", words=words))


class KeyBar(Static):
    """Which key does what on this screen, in the person's language."""

    def __init__(self, hints: list[str]) -> None:
        super().__init__(Content("   ".join(hints)))
