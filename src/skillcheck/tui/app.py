"""The kiosk App: the one place for its key bindings, the visit, idle and safety.

Screens render; this class forwards a key to the current screen's `do_*` method,
holds the single reference to the person's visit, and drops it on every reset.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from functools import partial
from pathlib import Path

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.widgets import Input

from skillcheck.bank import Bank
from skillcheck.config import PinLock, SiteConfig
from skillcheck.i18n import Translator
from skillcheck.initiatives import Initiative
from skillcheck.session import Session
from skillcheck.tui import typography  # noqa: F401 - keeps no-break spaces unbroken
from skillcheck.tui.screens.base import KioskModal, KioskScreen
from skillcheck.tui.screens.idle_warning import IdleWarningModal
from skillcheck.tui.screens.intro import IntroScreen
from skillcheck.tui.screens.welcome import WelcomeScreen
from skillcheck.tui.themes import THEMES
from skillcheck.tui.visit import Visit, make_record

log = logging.getLogger("skillcheck.tui")

# The key a facilitator presses to reach the PIN (docs/deploy.md).
FACILITATOR_KEY = "f12"
# Keys that must do nothing in kiosk mode (and never leave the app in any mode):
# quit/interrupt, suspend, SIGQUIT, command palette, screenshot/save.
SWALLOWED_KEYS = "ctrl+c,ctrl+z,ctrl+backslash,ctrl+p,ctrl+s,ctrl+d,f1"
SCREEN_ACTIONS = ("choose", "back", "stop", "confirm")


class SkillcheckApp(App[None], inherit_bindings=False):
    """The skillcheck kiosk (practice mode unless `kiosk=True`)."""

    CSS_PATH = "skillcheck.tcss"
    ENABLE_COMMAND_PALETTE = False
    TITLE = "skillcheck"
    BINDINGS = [
        Binding("ctrl+q", "quit_practice", show=False, priority=True),
        Binding(SWALLOWED_KEYS, "nothing", show=False, priority=True),
        *(Binding(str(n), f"choose({n})", show=False, priority=True) for n in range(1, 10)),
        Binding("backspace", "back", show=False, priority=True),
        Binding("escape", "stop", show=False, priority=True),
        Binding("enter", "confirm", show=False, priority=True),
        Binding("l,f3", "language", show=False, priority=True),
        Binding("c,f2", "contrast", show=False, priority=True),
        Binding(FACILITATOR_KEY, "facilitator", show=False, priority=True),
    ]

    def __init__(
        self,
        *,
        config: SiteConfig,
        bank: Bank,
        catalogue: Sequence[Initiative],
        help_desk: Initiative | None = None,
        translators: dict[str, Translator],
        database: Path,
        kiosk: bool = False,
        start_language: str | None = None,
        idle_seconds: float | None = None,
        warning_seconds: float | None = None,
        thanks_seconds: float = 8.0,
    ) -> None:
        super().__init__()
        self.config = config
        self.bank = bank
        self.catalogue = tuple(catalogue) + tuple(config.initiatives)
        # The site's own help desk, else the shipped "Ask the staff here": always last.
        self.help_desk = config.help_desk or help_desk
        self.translators = translators
        self.database = database
        self.kiosk_mode = kiosk
        self.idle_seconds = config.idle_seconds if idle_seconds is None else idle_seconds
        self.warning_seconds = (
            config.warning_seconds if warning_seconds is None else warning_seconds
        )
        self.thanks_seconds = thanks_seconds
        self.start_language = start_language if start_language in translators else None
        self.language = self.default_language()
        self.t = translators[self.language]
        self.visit: Visit | None = None
        self.pin_lock = PinLock()
        self.last_input = time.monotonic()
        self.crashed = False
        self._store = None
        self._store_lock = threading.Lock()
        self._swallow_mouse_up = False
        for theme in THEMES.values():
            self.register_theme(theme)
        self.theme = THEMES.get(config.theme, THEMES["default"]).name

    # --- start ------------------------------------------------------------------

    def default_language(self) -> str:
        if self.start_language:
            return self.start_language
        if self.config.default_language in self.translators:
            return self.config.default_language
        return next(iter(self.translators))

    def on_mount(self) -> None:
        # Every kiosk screen sits on the (blank) default screen, so a reset can
        # replace whatever is on top with a fresh welcome screen.
        self.push_screen(IntroScreen() if self.start_language else WelcomeScreen())
        if self.idle_seconds:
            self.set_interval(1.0, self.check_inactivity)
        # Open the database (and write any spooled sessions) once the screen is up.
        self.call_after_refresh(self.run_worker, self.store, thread=True, group="store")

    @property
    def session(self) -> Session | None:
        return self.visit.session if self.visit else None

    def extra_hints(self) -> list[str]:
        """Hints every screen shows: how to quit, in practice mode only."""
        if self.kiosk_mode:
            return []
        return [self.t.gettext("Ctrl+Q: quit (practice)")]

    # --- keys: one table above, forwarded to the screen here ---------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        typing = isinstance(self.focused, Input)
        if action in SCREEN_ACTIONS:
            if typing and action != "stop":
                return False  # the PIN / export field gets its digits and Enter
            return hasattr(self.screen, f"do_{action}")
        if action in ("language", "contrast"):
            return not typing
        if action == "quit_practice":
            return not self.kiosk_mode
        return True

    def action_choose(self, number: int) -> None:
        self.screen.do_choose(number)  # type: ignore[attr-defined]

    def action_back(self) -> None:
        self.screen.do_back()  # type: ignore[attr-defined]

    def action_stop(self) -> None:
        self.screen.do_stop()  # type: ignore[attr-defined]

    def action_confirm(self) -> None:
        self.screen.do_confirm()  # type: ignore[attr-defined]

    def action_nothing(self) -> None:
        """Swallowed: nothing a person types leaves the app."""

    def action_quit_practice(self) -> None:
        self.exit()

    def action_contrast(self) -> None:
        high = THEMES["high-contrast"].name
        self.theme = THEMES["default"].name if self.theme == high else high

    def action_language(self) -> None:
        if isinstance(self.screen, (WelcomeScreen, KioskModal)) or len(self.translators) < 2:
            return
        from skillcheck.tui.screens.language import LanguageModal

        self.push_screen(LanguageModal(), self.set_language)

    def action_facilitator(self) -> None:
        from skillcheck.tui.screens.pin import PinModal

        if isinstance(self.screen, PinModal):
            return
        if self.config.pin_hash:
            self.push_screen(PinModal(), lambda ok: self.open_facilitator() if ok else None)
        elif not self.kiosk_mode:
            self.open_facilitator()

    # --- the visit ----------------------------------------------------------------

    def choose_language(self, code: str) -> None:
        """From the welcome screen: this language, then "Before you start"."""
        self.set_language(code, rebuild=False)
        self.switch_screen(IntroScreen())

    def set_language(self, code: str | None, rebuild: bool = True) -> None:
        """Switch the language; answers stay in the session, screens are rebuilt."""
        if code is None or code not in self.translators or code == self.language:
            return
        self.language = code
        self.t = self.translators[code]
        if self.visit:
            self.visit = Visit(self.visit.session, code, self.visit.started, self.visit.saved)
        if rebuild:
            for screen in self.screen_stack:
                if isinstance(screen, (KioskScreen, KioskModal)):
                    screen.retranslate()

    def start_questions(self) -> None:
        # Imported here, not at start-up: the welcome screen paints ~10 ms sooner.
        from skillcheck.tui.screens.question import QuestionScreen

        self.visit = Visit(Session(self.bank), self.language)
        self.switch_screen(QuestionScreen())

    def answer(self, code: str) -> None:
        visit = self.visit
        if visit is None or visit.session.finished:
            return
        self.visit = visit.with_session(visit.session.answer(code))
        from skillcheck.tui.screens.question import QuestionScreen

        if self.visit.session.finished:
            self.show_result()
        elif isinstance(self.screen, QuestionScreen):
            self.screen.show_current()

    def go_back(self) -> None:
        visit = self.visit
        if visit is None or not visit.session.can_go_back:
            return
        self.visit = visit.with_session(visit.session.back())
        from skillcheck.tui.screens.question import QuestionScreen

        if isinstance(self.screen, QuestionScreen):
            self.screen.show_current()

    def ask_stop(self) -> None:
        from skillcheck.tui.screens.confirm_stop import ConfirmStopModal

        def stop(confirmed: bool | None) -> None:
            if confirmed:
                self.reset_to_welcome()

        self.push_screen(ConfirmStopModal(), stop)

    def show_result(self) -> None:
        """Show the result, then save it (so walking away still counts)."""
        from skillcheck.tui.screens.result import ResultScreen

        visit = self.visit
        assert visit is not None
        result = visit.session.result()
        self.visit = Visit(visit.session, visit.language, visit.started, saved=True)
        self.switch_screen(ResultScreen(result))
        self.save(make_record(visit, self.config, self.bank, "completed"))

    def finish(self) -> None:
        """Finish on the result: drop the visit, say thank you."""
        from skillcheck.tui.screens.thanks import ThanksScreen

        self.visit = None
        self._clear_to_bottom()
        self.switch_screen(ThanksScreen())

    def reset_to_welcome(self) -> None:
        """Drop everything of the person and show a new welcome screen."""
        visit, self.visit = self.visit, None
        if visit is not None and not visit.saved:
            self.save(make_record(visit, self.config, self.bank, "abandoned"))
        self.language = self.default_language()
        self.t = self.translators[self.language]
        self.theme = THEMES.get(self.config.theme, THEMES["default"]).name
        self._clear_to_bottom()
        self.switch_screen(IntroScreen() if self.start_language else WelcomeScreen())

    def open_facilitator(self) -> None:
        from skillcheck.tui.screens.facilitator import FacilitatorScreen

        visit, self.visit = self.visit, None
        if visit is not None and not visit.saved:
            self.save(make_record(visit, self.config, self.bank, "abandoned"))
        self._clear_to_bottom()
        self.switch_screen(FacilitatorScreen())

    def _clear_to_bottom(self) -> None:
        while len(self.screen_stack) > 2:
            self.pop_screen()

    # --- idle ---------------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown, events.MouseUp, events.Paste)) or (
            isinstance(event, (events.MouseScrollDown, events.MouseScrollUp))
        ):
            self.last_input = time.monotonic()
            if isinstance(event, events.MouseUp) and self._swallow_mouse_up:
                self._swallow_mouse_up = False
                return
            if isinstance(self.screen, IdleWarningModal) and isinstance(
                event, (events.Key, events.MouseDown)
            ):
                # Any key or touch continues; it does nothing else.
                self._swallow_mouse_up = isinstance(event, events.MouseDown)
                self.pop_screen()
                return
        await super().on_event(event)

    def check_inactivity(self) -> None:
        screen = self.screen
        if isinstance(screen, IdleWarningModal) or not self.idle_seconds:
            return
        if len(self.screen_stack) < 2 or not getattr(self.screen_stack[1], "IDLE_RESET", True):
            return  # the welcome and thank-you screens hold nothing of anyone
        if time.monotonic() - self.last_input >= self.idle_seconds:
            self.show_idle_warning()

    def show_idle_warning(self) -> None:
        self.push_screen(IdleWarningModal(self.warning_seconds, self.answers_at_stake))

    @property
    def answers_at_stake(self) -> bool:
        """Whether starting over now deletes answers: a visit with answers, not yet saved."""
        visit = self.visit
        return visit is not None and not visit.saved and bool(visit.session.given)

    def idle_timeout(self) -> None:
        """The warning reached zero: the session is abandoned, the kiosk starts over."""
        self.reset_to_welcome()

    # --- storage (in a thread: never blocks the screen) ---------------------------

    def store(self):
        """The Store, opened on first use (in a worker thread)."""
        with self._store_lock:
            if self._store is None:
                from skillcheck.store import Store

                self._store = Store(self.database)
            return self._store

    def save(self, record) -> None:
        self.run_worker(partial(self._save, record), thread=True, group="save")

    def _save(self, record) -> None:
        self.store().save(record)

    def default_export_path(self) -> Path:
        return Path.home() / "skillcheck-export.csv"

    def export_figures(self, path: Path) -> Path:
        """Write the aggregate figures (small cells suppressed) to `path`."""
        from skillcheck.reports import export_database, write_export

        table = export_database(self.database)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as out:
            write_export(table, out)
        return path

    # --- errors never reach the screen --------------------------------------------

    def log_error(self, what: str, error: BaseException) -> None:
        log.error("%s: %r", what, error, exc_info=error)

    def _handle_exception(self, error: Exception) -> None:
        """Log the error (never show a traceback) and end; `skillcheck run` restarts."""
        self.log_error("unexpected error in the kiosk", error)
        visit, self.visit = self.visit, None
        if visit is not None and not visit.saved:
            try:
                self.store().save(make_record(visit, self.config, self.bank, "abandoned"))
            except Exception as save_error:  # already failing: keep the log only
                log.error("could not record the interrupted session: %r", save_error)
        self.crashed = True
        self._return_code = 1
        if self._exception is None:
            self._exception = error
            self._exception_event.set()
        self._close_messages_no_wait()
