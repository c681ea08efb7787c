"""What every kiosk screen shares: the top bar, a paged body, an actions row, key hints.

Each screen binds its own keys (`BINDINGS` + `action_*`) and posts messages
(`skillcheck.tui.messages`) that the App handles; dialogs are `ModalScreen[T]`
and return their answer with `dismiss`.

    ┌ TopBar: where you are · [read aloud] · L: language · C: contrast ┐
    │ PagedBody: the screen's text (scrolls; paged by the ↑ / More ↓ buttons) │
    │ actions: the screen's buttons (Back, Stop …), then ↑ / More ↓ when needed │
    └ KeyBar: the keys of this screen (or of the open dialog), one line ┘
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Generic, TypeVar, cast

from rich.cells import cell_len
from textual import events, on
from textual.app import ComposeResult
from textual.await_complete import AwaitComplete
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Static

from skillcheck.speech import Speech, page_speech
from skillcheck.tui.messages import LanguageChanged, LanguageChosen, StaffRequested, ThemeChanged
from skillcheck.tui.widgets.bars import KeyBar, TopBar
from skillcheck.tui.widgets.paging import PagedBody

if TYPE_CHECKING:
    from skillcheck.i18n import Translator
    from skillcheck.tui.app import SkillcheckApp

T = TypeVar("T")

# The page buttons where their words do not fit, or no language is chosen yet: an
# arrow and the key that does the same (issue 23: a button names its key).
PAGE_ARROWS = {"page-up": "↑ PgUp", "page-down": "↓ PgDn"}


class KioskParts:
    """What screens and dialogs share: the kiosk App (read only) and its translator."""

    app: SkillcheckApp

    @property
    def kiosk(self) -> SkillcheckApp:
        return cast("SkillcheckApp", self.app)

    @property
    def t(self) -> Translator:
        return self.kiosk.t

    def practice_hints(self) -> list[str]:
        """The quit hint, in practice mode only (kiosk mode has no way out)."""
        return [] if self.kiosk.kiosk_mode else [self.t.gettext("Ctrl+Q: quit")]

    def read_aloud_hints(self) -> list[str]:
        """ "R: read aloud", when this kiosk can read aloud."""
        return [self.t.gettext("R: read aloud")] if self.kiosk.reads_aloud else []

    def key_bar(self, hints: list[str]) -> KeyBar:
        """The key hints, one line: where that is too narrow (practice mode at 80
        columns, say), the read-aloud hint gives way, since the top bar's "R ▶"
        button stays in view; the screen's own keys and the way out never do."""
        return KeyBar(hints, droppable=self.read_aloud_hints())

    def speech(self) -> Speech:
        """What R reads: the screen's texts in order (screens with more to say, such
        as the question, override this with the core's reading of the visit)."""
        texts = []
        for widget in self.query(Static):  # type: ignore[attr-defined]
            if isinstance(widget, (TopBar, KeyBar)) or not widget.display:
                continue
            if any(isinstance(parent, TopBar) for parent in widget.ancestors):
                continue
            content = widget.content
            text = content.plain if isinstance(content, Content) else str(content)
            if any(c.isalpha() for c in text):  # not a bar, a QR code or an empty line
                texts.append(text)
        return page_speech(texts, self.kiosk.pronunciation())

    def on_screen_suspend(self) -> None:
        """Another screen or dialog covers this one: what it was reading stops."""
        self.kiosk.speaker.stop()


class KioskScreen(KioskParts, Screen[None]):
    """A full screen: top bar, paged body, actions row, key hints."""

    DEFAULT_CSS = """
    KioskScreen {
        layout: vertical;
    }
    KioskScreen .title {
        text-style: bold;
        margin: 1 0 1 0;
        width: 100%;
    }
    KioskScreen .text {
        width: 100%;
        margin: 0 0 1 0;
    }
    KioskScreen #actions {
        height: auto;
        width: 100%;
        padding: 0 2;
    }
    KioskScreen #actions Button {
        width: 1fr;
        margin: 0 1 0 0;
    }
    KioskScreen #actions Button.page {
        width: auto;
        min-width: 8;
        display: none;
    }
    KioskScreen #actions Button.page.-shown {
        display: block;
    }
    """

    BINDINGS = [
        Binding("c", "app.contrast", show=False),
        Binding("r", "app.read_aloud", show=False),
        Binding("pagedown", "page(1)", show=False),
        Binding("pageup", "page(-1)", show=False),
    ]

    # Whether inactivity here shows the idle warning and then starts over.
    IDLE_RESET = True
    # Whether the top bar offers the language dialog (not before a language is chosen).
    OFFERS_LANGUAGE = True

    def where(self) -> str:
        """The text at the top left."""
        return self.kiosk.config.site

    def key_hints(self) -> list[str]:
        """The keys of this screen, in the person's language."""
        return []

    def compose(self) -> ComposeResult:
        yield TopBar(self.where(), language=self.OFFERS_LANGUAGE)
        with PagedBody(id="body"):
            yield from self.compose_body()
        with Horizontal(id="actions"):
            yield from self.compose_actions()
        yield self.key_bar(self.key_hints() + self.read_aloud_hints() + self.practice_hints())

    def compose_body(self) -> ComposeResult:
        """The screen's text (scrolls)."""
        yield from ()

    def compose_actions(self) -> ComposeResult:
        """The screen's buttons, always in view below the body."""
        yield from ()

    # --- paging: large buttons, because touch screens have no wheel ---------------

    @on(PagedBody.Reach)
    async def show_page_buttons(self, event: PagedBody.Reach) -> None:
        # Added the first time the text does not fit: most screens never need them,
        # and every widget fewer shortens the start-up (issue 8).
        if (event.up or event.down) and not self.query("#page-down"):
            labels = self.page_labels()
            await self.query_one("#actions").mount_all(
                [
                    Button(
                        Content(labels[name]),
                        id=name,
                        classes="page",
                        compact=self.compact_page_buttons(),
                    )
                    for name in ("page-up", "page-down")
                ]
            )
        for button in self.query(".page").results(Button):
            button.set_class(event.up if button.id == "page-up" else event.down, "-shown")
        self.fit_actions(self.size.width)

    def compact_page_buttons(self) -> bool:
        """Whether the page buttons are one row tall, like the screen's other buttons
        (three rows, a touch target, unless the screen is short of room)."""
        return False

    def page_labels(self) -> dict[str, str]:
        """The page buttons' words, in the person's language."""
        t = self.t
        return {
            "page-up": t.gettext("↑ Back up (PgUp)"),
            "page-down": t.gettext("More ↓ (PgDn)"),
        }

    def on_resize(self, event: events.Resize) -> None:
        # No bar on the first start screen once emptied (a resize still reaches it).
        for bar in self.query(TopBar).results(TopBar):
            bar.fit_screen(*event.size)
        self.fit_actions(event.size.width)

    def action_labels(self) -> dict[str, tuple[str, str]]:
        """The actions row's own buttons (by id) that have a shorter label for a
        narrow row: (label, short label). None by default."""
        return {}

    def fit_actions(self, width: int) -> None:
        """Every label in the actions row whole, on one line: where they do not all fit
        (German at 80 columns once both page buttons are shown: "Zurück zu den
        Sprachen (Esc)" wrapped, the row grew and the buttons jumped), the page
        buttons show their arrows only; where that is not enough either (a tick-list
        at 60 columns, both page buttons shown), the screen's buttons show their
        short labels (`action_labels`)."""
        pages = list(self.query(".page").results(Button))
        if not pages or not width:
            return
        own = self.action_labels()
        words = self.page_labels() | {i: long for i, (long, _) in own.items()}
        arrows = PAGE_ARROWS | {i: long for i, (long, _) in own.items()}
        shortest = PAGE_ARROWS | {i: short for i, (_, short) in own.items()}
        row = self.query_one("#actions")
        room = width - row.styles.gutter.width

        def needed(page_labels: dict[str, str]) -> int:
            # The screen's own buttons share what the page buttons leave equally
            # (`width: 1fr`): each share must hold the longest of their labels.
            shared, longest, total = 0, 0, 0
            for button in row.query_children(Button):
                if button.has_class("page") and not button.has_class("-shown"):
                    continue
                styles = button.styles
                shown = str(button.label)  # blank: Back on the first step
                label = cell_len(page_labels.get(button.id or "", shown) if shown else "")
                # Textual's `line-pad` adds a cell each side of the label.
                drawn = label + styles.gutter.width + 2 * styles.line_pad
                least = int(styles.min_width.value) if styles.min_width else 0
                total += styles.margin.width
                if button.has_class("page"):
                    total += max(drawn, least)
                else:
                    shared += 1
                    longest = max(longest, drawn, least)
            return total + shared * longest

        labels = next((labels for labels in (words, arrows) if needed(labels) <= room), shortest)
        for button in row.query_children(Button):
            label = labels.get(button.id or "")
            if label is None or not str(button.label):  # blank: Back on the first step
                continue
            if str(button.label) != label:
                button.label = Content(label)
                button.refresh(layout=True)  # `width: auto`; a label is not a layout reactive

    def action_page(self, direction: int) -> None:
        self.query_one(PagedBody).page(direction)

    @on(Button.Pressed, "#page-up")
    def page_up(self) -> None:
        self.action_page(-1)

    @on(Button.Pressed, "#page-down")
    def page_down(self) -> None:
        self.action_page(1)

    # --- told by the App -----------------------------------------------------------

    @on(LanguageChanged)
    async def language_changed(self) -> None:
        await self.retranslate()

    async def retranslate(self) -> None:
        """The language changed: build the screen again (answers live in the visit)."""
        await self.recompose()

    @on(ThemeChanged)
    def contrast_changed(self) -> None:
        for bar in self.query(TopBar):
            bar.show_contrast()


class VisitorScreen(KioskScreen):
    """A screen of the visit: the language dialog and the facilitator key work here."""

    BINDINGS = [
        Binding("l", "language", show=False),
        Binding("f12", "staff", show=False),
    ]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "language":
            return self.OFFERS_LANGUAGE and len(self.kiosk.translators) > 1
        return True

    def action_language(self) -> None:
        from skillcheck.tui.screens.language import LanguageModal

        def chosen(code: str | None) -> None:
            if code is not None:
                self.post_message(LanguageChosen(self, code))

        self.app.push_screen(LanguageModal(), chosen)

    def action_staff(self) -> None:
        self.post_message(StaffRequested(self))


class KioskModal(KioskParts, ModalScreen[T], Generic[T]):
    """A dialog over a screen, with its own key hints at the bottom."""

    DEFAULT_CSS = """
    KioskModal {
        align: center middle;
        background: $background 70%;
    }
    KioskModal .dialog {
        width: 70;
        max-width: 100%;
        height: auto;
        max-height: 1fr;
        border: thick $primary;
        background: $background;
        padding: 0 2;
    }
    KioskModal .title {
        text-style: bold;
        margin: 1 0 0 0;
        width: 100%;
    }
    KioskModal .text {
        width: 100%;
        margin: 1 0 0 0;
    }
    KioskModal .dialog Button {
        width: 100%;
        margin: 1 0 0 0;
    }
    KioskModal .dialog Input {
        width: 100%;
        margin: 1 0 0 0;
    }
    KioskModal KeyBar {
        dock: bottom;
    }
    """

    BINDINGS = [Binding("r", "app.read_aloud", show=False)]

    def key_hints(self) -> list[str]:
        """The keys of this dialog (shown instead of the screen's while it is open)."""
        return []

    def dismiss(self, result: T | None = None) -> AwaitComplete:
        """Close with `result`, once: Textual's `dismiss` pops whatever screen is on
        top, so a second key or a late timer must not close the screen below."""
        if self.app.screen is not self:
            return AwaitComplete.nothing()
        return super().dismiss(result)

    def compose_hints(self) -> ComposeResult:
        yield self.key_bar(self.key_hints() + self.read_aloud_hints())

    @on(LanguageChanged)
    async def language_changed(self) -> None:
        await self.recompose()
