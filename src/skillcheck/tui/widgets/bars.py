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

# From this screen size up every button a visitor uses is three rows tall, a touch
# target (WCAG 2.2, 2.5.8: 24x24 CSS px at least; a row is 21 px at 16 px text);
# below it (60x20) one row each, or the text and the answers would not fit (issue 24).
ROOMY = (80, 24)


def roomy(width: int, height: int) -> bool:
    """Whether a screen this size gets three-row buttons (`ROOMY`)."""
    return width >= ROOMY[0] and height >= ROOMY[1]


class TopBar(Horizontal):
    """Where you are, and buttons that work on every screen (read aloud, language,
    contrast): one row on a small screen (60x20), three rows tall from `ROOMY` up
    (touch targets, issue 24), where you are beside them either way.

    The buttons do what a key does (`action=`), so they never take the focus. A new
    button goes between `#where` and the language button, with `classes="top-button"`,
    and its labels in `labels`.

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
    /* One row: no padding beside the label (Textual's line-pad keeps a cell each
       side), so the three buttons and where you are fit 60 columns in one row. */
    TopBar .top-button {
        height: 1;
        min-width: 0;
        width: auto;
        padding: 0;
        margin: 0 0 0 1;
    }
    TopBar #top-buttons {
        width: auto;
        height: 1;
    }
    /* From 80x24 up (`ROOMY`): the buttons three rows tall, where you are beside
       them in the middle row (or wrapped over the three). */
    TopBar.-tall .top-button {
        height: 3;
        padding: 0 1;
    }
    TopBar.-tall #top-buttons {
        height: 3;
    }
    TopBar.-tall #where {
        min-height: 3;
        content-align-vertical: middle;
    }
    /* Narrower than the buttons' shortest labels and a few letters (below 60
       columns): where you are on its own line, wrapped, the buttons on the next. */
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

    # The fewest cells where you are keeps beside the buttons; with less, the bar
    # stacks (`fit`).
    LEAST_WHERE = 8
    # The buttons whose short label comes first where room is short: the languages'
    # codes read the same in every language; "C: Contrast" says less than "C: High
    # contrast" (what C does now), so it gives way second.
    GIVING_WAY = ("language-button", "contrast-button")

    def __init__(self, where: str, *, language: bool = True) -> None:
        super().__init__()
        self.where = where
        self.show_language = language

    def compose(self) -> ComposeResult:
        # Tall or not, and the labels that fit, from the start: set later, they
        # would cost a second layout before the first frame.
        width, height = self.app.size
        self.set_class(roomy(width, height), "-tall")
        labels, shown, stacked = self.fit(width)
        self.set_class(stacked, "-stacked")
        yield Static(Content(shown), id="where")
        with Horizontal(id="top-buttons"):
            for button_id, action in self.button_actions().items():
                yield self.top_button(labels[button_id], button_id, action)

    def button_actions(self) -> dict[str, str]:
        """The buttons this bar shows, left to right, and the action of each."""
        app = self.app
        actions = {}
        if app.reads_aloud:
            actions["read-aloud-button"] = "app.read_aloud"
        if self.show_language and len(app.translators) > 1:
            actions["language-button"] = "screen.language"
        actions["contrast-button"] = "app.contrast"
        return actions

    def labels(self, button_id: str) -> tuple[str, ...]:
        """A button's labels, longest first; the bar takes the longest that leave
        where you are whole beside them (`fit`)."""
        if button_id == "read-aloud-button":
            # Key and a play sign only; the key bar says "R: read aloud" when it
            # has room (KeyBar drops that hint first).
            return ("R ▶",)
        if button_id == "language-button":
            return self.language_labels()
        return self.contrast_labels()

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

    def contrast_labels(self) -> tuple[str, str]:
        """What C does now: switch to high contrast, or back to normal; and its short
        form, the one word "Contrast", for a narrow screen (60 columns)."""
        app = self.app
        t = app.t
        form = t.gettext("{key}: {words}")
        high = app.theme == THEMES["high-contrast"].name
        if self.show_language:
            words = t.gettext("Normal contrast") if high else t.gettext("High contrast")
        else:
            # Before a language is chosen (welcome), one short word in every offered
            # language ("Contrast · Contraste").
            words = " · ".join(
                dict.fromkeys(o.gettext("Contrast") for o in app.translators.values())
            )
        return form.format(key="C", words=words), form.format(key="C", words=t.gettext("Contrast"))

    def top_button(self, label: str, button_id: str, action: str) -> Button:
        """A button doing what its key does, one row tall or three (`fit_screen`);
        clicks work, Tab skips it."""
        compact = not self.has_class("-tall")
        button = Button(
            Content(label), id=button_id, action=action, classes="top-button", compact=compact
        )
        button.can_focus = False
        return button

    def fit_screen(self, width: int, height: int) -> None:
        """The screen has a new size: buttons three rows tall from `ROOMY` up."""
        tall = roomy(width, height)
        if tall != self.has_class("-tall"):
            self.set_class(tall, "-tall")
            for button in self.query(".top-button").results(Button):
                button.compact = not tall
            self.fit_line(width)

    def show_where(self, where: str) -> None:
        """Say where the person is now (the question screen puts the area here from
        `ROOMY` up, a row its own heading would take below)."""
        if where != self.where:
            self.where = where
            self.fit_line(self.size.width or self.app.size.width)

    def show_contrast(self) -> None:
        """The theme changed: say what C does now."""
        self.fit_line(self.size.width or self.app.size.width)

    def on_resize(self, event) -> None:
        self.fit_line(event.size.width)

    def button_width(self, label: str) -> int:
        """The cells a top button takes with this label: Textual's line-pad (a cell
        each side), the padding (none in one row, a cell each side when tall) and the
        margin before it (see DEFAULT_CSS)."""
        return cell_len(label) + 2 + (2 if self.has_class("-tall") else 0) + 1

    def fit(self, width: int) -> tuple[dict[str, str], str, bool]:
        """The labels, the words of where you are and whether the bar stacks, for a
        bar `width` cells wide: the longest labels that leave where you are whole
        beside the buttons, in the bar's rows (one, or three when tall); else the
        shortest labels and where you are cut at a word ("Bibliotheek Gent…");
        where even a few letters have no room (below 60 columns), stacked."""
        rows = 3 if self.has_class("-tall") else 1
        choices = {button_id: self.labels(button_id) for button_id in self.button_actions()}
        longest = max((cell_len(word) for word in self.where.split()), default=0)
        beside = 0
        for level in range(len(self.GIVING_WAY) + 1):
            short = self.GIVING_WAY[:level]
            labels = {i: forms[-1] if i in short else forms[0] for i, forms in choices.items()}
            beside = width - sum(self.button_width(label) for label in labels.values()) - 2
            if beside >= max(longest, self.LEAST_WHERE) and len(wrap(self.where, beside)) <= rows:
                return labels, self.where, False
        if beside < self.LEAST_WHERE:
            return labels, self.where, True
        return labels, self.cut(beside, rows), False

    def cut(self, width: int, rows: int) -> str:
        """Where you are, as many of its words as fit `rows` lines `width` wide,
        then "…"."""
        words = self.where.split()
        for count in range(len(words) - 1, 0, -1):
            text = " ".join(words[:count]) + "…"
            if max(cell_len(w) for w in words[:count]) <= width and len(wrap(text, width)) <= rows:
                return text
        return "…"

    def fit_line(self, width: int) -> None:
        """Give the buttons and where you are what `fit` finds for this width."""
        if not width:
            return
        labels, shown, stacked = self.fit(width)
        for button in self.query(".top-button").results(Button):
            label = labels.get(button.id or "")
            if label is not None and button.label.plain != label:
                button.label = Content(label)
                # Button.label is not a layout reactive: measure the button again,
                # else a longer label ("C: Normaler Kontrast") is cut to the old width.
                button.refresh(layout=True)
        where = self.query_one("#where", Static)
        if str(where.content) != shown:
            where.update(Content(shown))
        self.set_class(stacked, "-stacked")


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
