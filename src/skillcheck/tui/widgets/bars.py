"""The bar at the top (where you are, language, contrast) and the key hints below."""

from __future__ import annotations

from collections.abc import Iterable
from textwrap import wrap

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Button, Static

from skillcheck.tui.themes import THEMES

# The longest "Language" in every offered language that the top bar shows in words.
LANGUAGE_WORDS_WIDTH = 28


class TopBar(Horizontal):
    """Where you are, and small buttons that work on every screen (language, contrast).

    The buttons do what a key does (`action=`), so they never take the focus. A new
    small button (read aloud, say) goes between `#where` and the language button,
    with `classes="top-button"`.

    The contrast words are updated by the screen (`show_contrast`) when the App
    announces a theme change: the bar never watches the App (a watcher on the App
    would keep every closed screen's bar alive, issue 9 finding 7).
    """

    DEFAULT_CSS = """
    TopBar {
        height: auto;
        background: $panel;
        color: $foreground;
    }
    TopBar #where {
        width: 1fr;
        min-width: 10;
        height: auto;
        padding: 0 1;
        text-style: bold;
    }
    TopBar .top-button {
        height: 1;
        min-width: 0;
        width: auto;
        padding: 0 1;
        margin: 0 0 0 1;
    }
    TopBar #top-buttons {
        width: auto;
        height: 1;
    }
    /* Too narrow for one line (60 columns, German): where you are on its own line,
       wrapped between words, and the buttons on the next, never cut. */
    TopBar.-stacked {
        layout: vertical;
    }
    TopBar.-stacked #where {
        width: 100%;
    }
    TopBar.-stacked #top-buttons {
        width: 100%;
        align-horizontal: right;
    }
    """

    def __init__(self, where: str, *, language: bool = True) -> None:
        super().__init__()
        self.where = where
        self.show_language = language

    def compose(self) -> ComposeResult:
        yield Static(Content(self.where), id="where")
        with Horizontal(id="top-buttons"):
            yield from self.buttons()

    def buttons(self) -> Iterable[Button]:
        app = self.app
        t = app.t
        if app.reads_aloud:
            # Key and a play sign only: it must fit beside the language and contrast
            # buttons in every language at 60 columns; the key bar says "R: read aloud"
            # when it has room (KeyBar drops that hint first).
            yield self.top_button("R ▶", "read-aloud-button", "app.read_aloud")
        if self.show_language and len(app.translators) > 1:
            # "Language" in every offered language, so a person lost in a language
            # they cannot read still finds the way back.
            words = " · ".join(
                dict.fromkeys(other.gettext("Language") for other in app.translators.values())
            )
            if len(words) > LANGUAGE_WORDS_WIDTH:
                # Four languages ("Taal · Langue · Sprache · Language") leave no room for
                # where you are at 80 columns: their codes instead ("NL · FR · DE · EN").
                words = " · ".join(code.upper() for code in app.translators)
            label = t.gettext("{key}: {words}").format(key="L", words=words)
            yield self.top_button(label, "language-button", "screen.language")
        yield self.top_button(self.contrast_label(), "contrast-button", "app.contrast")

    @staticmethod
    def top_button(label: str | Content, button_id: str, action: str) -> Button:
        """A one-line button doing what its key does; clicks work, Tab skips it."""
        content = Content(label) if isinstance(label, str) else label
        button = Button(content, id=button_id, action=action, classes="top-button", compact=True)
        button.can_focus = False
        return button

    def show_contrast(self) -> None:
        """The theme changed: say what C does now."""
        button = self.query_one("#contrast-button", Button)
        button.label = self.contrast_label()
        # Button.label is not a layout reactive: measure the button again, else a
        # longer label ("C: Normaler Kontrast") is cut to the old one's width.
        button.refresh(layout=True)
        self.fit_line(self.size.width)

    def on_resize(self, event) -> None:
        self.fit_line(event.size.width)

    def fit_line(self, width: int) -> None:
        """Where you are beside the buttons, wrapped between words; on its own line
        above them when that takes fewer rows, or when a word would not fit beside."""
        if not width:
            return
        # Each button as laid out (label, padding, margin); before the first layout
        # its label and the five cells a compact top button adds around it.
        buttons = 0
        for button in self.query(".top-button"):
            drawn = button.outer_size.width
            buttons += (drawn or cell_len(str(button.label)) + 4) + button.styles.margin.left
        beside = width - buttons - 2  # #where: min-width 10, padding 0 1
        longest = max((cell_len(word) for word in self.where.split()), default=0)
        fits = beside >= max(longest, 8)
        beside_rows = len(wrap(self.where, beside)) if fits else width
        stacked_rows = len(wrap(self.where, width - 2)) + 1
        self.set_class(stacked_rows < beside_rows, "-stacked")

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
    """Which key does what on this screen (or dialog), in the person's language.

    One line whenever it can be: hints in `droppable` (the read-aloud hint, whose
    key the top bar's "R ▶" button already shows) are left out when the line is
    too narrow for all of them, the last first. If the other hints still do not fit,
    the bar wraps rather than cut a hint off.
    """

    DEFAULT_CSS = """
    KeyBar {
        height: auto;
        width: 100%;
        padding: 0 1;
        background: $panel;
        color: $foreground;
    }
    """

    SEPARATOR = "  "

    def __init__(self, hints: list[str], *, droppable: Iterable[str] = ()) -> None:
        self.hints = list(hints)
        self.droppable = frozenset(droppable)
        super().__init__(Content(self.SEPARATOR.join(self.hints)))

    def hints_for(self, width: int) -> list[str]:
        """The hints to show on a line `width` cells wide."""
        shown = list(self.hints)
        for hint in reversed(self.hints):
            if cell_len(self.SEPARATOR.join(shown)) <= width:
                break
            if hint in self.droppable:
                shown.remove(hint)
        return shown

    def fit(self, width: int) -> None:
        """Show the hints that fit `width` cells (the content width)."""
        if width <= 0:
            return
        text = self.SEPARATOR.join(self.hints_for(width))
        if str(self.content) != text:
            self.update(Content(text))

    def on_mount(self) -> None:
        # Fit before the first layout: the bar is as wide as the screen.
        self.fit(self.screen.size.width - self.styles.gutter.width)

    def on_resize(self) -> None:
        self.fit(self.size.width)
