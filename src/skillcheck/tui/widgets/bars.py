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
        buttons = []
        if app.reads_aloud:
            # Key and a play sign only: it must fit beside the language and contrast
            # buttons in every language at 60 columns; the key bar says "R: read aloud"
            # when it has room (KeyBar drops that hint first).
            buttons.append(self.top_button("R ▶", "read-aloud-button", "app.read_aloud"))
        buttons.append(self.top_button(self.contrast_label(), "contrast-button", "app.contrast"))
        if self.show_language and len(app.translators) > 1:
            # The label that fits the screen now (fit_line keeps it fitting).
            others = sum(self.drawn_width(button) for button in buttons)
            label = self.language_label(app.size.width, others, 5)
            buttons.insert(-1, self.top_button(label, "language-button", "screen.language"))
        return buttons

    def language_labels(self) -> tuple[str, str]:
        """The language button's label: "Language" in every offered language, so a
        person lost in a language they cannot read still finds the way back; and its
        short form, the languages' codes ("L: NL · FR · EN"), for where the words
        leave no room for where you are (four languages at 80 columns, French at 80)."""
        app = self.app
        words = " · ".join(
            dict.fromkeys(other.gettext("Language") for other in app.translators.values())
        )
        codes = " · ".join(code.upper() for code in app.translators)
        form = app.t.gettext("{key}: {words}")
        return form.format(key="L", words=words), form.format(key="L", words=codes)

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
        """Where you are on one line beside the buttons, the language button's words
        giving way to the languages' codes if that makes it fit; else wrapped between
        words, or on its own line above the buttons when that takes fewer rows or a
        word would not fit beside."""
        if not width:
            return
        others = 0
        language: Button | None = None
        for button in self.query(".top-button").results(Button):
            if button.id == "language-button":
                language = button
            else:
                others += self.drawn_width(button)
        if language is not None:
            padding = self.drawn_width(language) - cell_len(str(language.label))
            label = self.language_label(width, others, padding)
            if str(language.label) != label:
                language.label = Content(label)
                language.refresh(layout=True)  # not a layout reactive (see show_contrast)
            others += padding + cell_len(label)
        beside = width - others - 2  # #where: min-width 10, padding 0 1
        longest = max((cell_len(word) for word in self.where.split()), default=0)
        fits = beside >= max(longest, 8)
        beside_rows = len(wrap(self.where, beside)) if fits else width
        stacked_rows = len(wrap(self.where, width - 2)) + 1
        self.set_class(stacked_rows < beside_rows, "-stacked")

    def language_label(self, width: int, others: int, padding: int) -> str:
        """The language button's words if where you are still fits on one line beside
        all the buttons (`others` wide, this one adding `padding` to its label), else
        the languages' codes."""
        words, codes = self.language_labels()
        one_line = max(cell_len(self.where), 8) + 2  # as fit_line: padding 0 1, min-width 10
        return words if width - others - padding - cell_len(words) >= one_line else codes

    @staticmethod
    def drawn_width(button: Button) -> int:
        """A top button's width with its margin, as laid out; before the first
        layout, its label and the five cells around it (padding, margin)."""
        if button.outer_size.width:
            return button.outer_size.width + button.styles.margin.left
        return cell_len(str(button.label)) + 5

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
