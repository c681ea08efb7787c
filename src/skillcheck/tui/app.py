"""The kiosk App: owns the visit, switches screens, keeps the kiosk locked down.

Screens bind their own keys and post messages (`skillcheck.tui.messages`); the
handlers below move the visit on. The App holds the single reference to the
person's visit and drops it on every reset. Its own bindings only lock the
kiosk: nothing a person types quits, suspends, opens the command palette or
takes a screenshot.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import random
import signal
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from functools import cached_property, partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, on
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Button

from skillcheck.config import SiteConfig
from skillcheck.datafile import ContentError
from skillcheck.i18n import Translator
from skillcheck.speech import NEW_VISIT_MESSAGE, PAGE_SCHEME, PageSpeaker, Speaker
from skillcheck.tui import typography  # noqa: F401 - keeps no-break spaces unbroken
from skillcheck.tui.crash import CrashAdapter
from skillcheck.tui.messages import (
    ActivitiesTicked,
    Answered,
    BackRequested,
    Finished,
    FromScreen,
    LanguageChanged,
    LanguageChosen,
    LanguagePicked,
    LanguagesRequested,
    LeaveRequested,
    StaffRequested,
    StartOver,
    StartRequested,
    StopRequested,
    ThemeChanged,
    VoicesHeard,
)
from skillcheck.tui.screens.base import KioskScreen
from skillcheck.tui.screens.welcome import WelcomeScreen
from skillcheck.tui.themes import THEMES
from skillcheck.tui.visit import Visit

if TYPE_CHECKING:
    from skillcheck.bank import Bank
    from skillcheck.initiatives import Initiative
    from skillcheck.pin import PinGuard
    from skillcheck.pronunciation import Pronunciation
    from skillcheck.records import SessionRecord
    from skillcheck.session import Session
    from skillcheck.tui.launch import KioskContent

log = logging.getLogger("skillcheck.tui")

# Keys that must never leave the app (in practice mode Ctrl+Q quits): interrupt,
# suspend, SIGQUIT, command palette, screenshot/save, end of input, help.
SWALLOWED_KEYS = "ctrl+c,ctrl+z,ctrl+backslash,ctrl+p,ctrl+s,ctrl+d,f1"
# Input that shows someone is there (it resets the idle timer).
PRESENCE = (
    events.Key,
    events.MouseDown,
    events.MouseUp,
    events.MouseScrollDown,
    events.MouseScrollUp,
    events.Paste,
)


class SkillcheckApp(CrashAdapter, inherit_bindings=False):
    """The skillcheck kiosk (practice mode unless `kiosk=True`)."""

    CSS_PATH = "skillcheck.tcss"
    ENABLE_COMMAND_PALETTE = False
    TITLE = "skillcheck"
    BINDINGS = [
        Binding("ctrl+q", "quit_practice", show=False, priority=True),
        Binding(SWALLOWED_KEYS, "nothing", show=False, priority=True),
    ]

    def __init__(
        self,
        *,
        config: SiteConfig,
        content: Callable[[], KioskContent],
        translators: dict[str, Translator],
        database: Path,
        kiosk: bool = False,
        start_language: str | None = None,
        idle_seconds: float | None = None,
        warning_seconds: float | None = None,
        thanks_seconds: float = 8.0,
        speaker: Speaker | PageSpeaker | None = None,
        browser_voices: Sequence[str] | None = None,
        crash_for_test: bool = False,
        rng: random.Random | None = None,
    ) -> None:
        super().__init__()
        self.config = config
        # The question bank, catalogue and pronunciations: loaded (and checked) once the
        # first screen is painted, which only needs the translations (issue 8), or at
        # their first use if that comes sooner.
        self.load_content = content
        self._content: KioskContent | None = None
        # A problem in that content: the kiosk ends and `skillcheck run` prints it.
        self.content_error: ContentError | None = None
        self.translators = translators
        self.database = database
        self.kiosk_mode = kiosk
        self.idle_seconds = config.idle_seconds if idle_seconds is None else idle_seconds
        self.warning_seconds = (
            config.warning_seconds if warning_seconds is None else warning_seconds
        )
        self.thanks_seconds = thanks_seconds
        # Which variant of each rotating question a visit asks (None: the system's
        # randomness); a test passes a seeded one to see the same questions every run.
        self.rng = rng
        self.start_language = start_language if start_language in translators else None
        self.language = self.default_language()
        self.t = translators[self.language]
        self.visit: Visit | None = None
        self.last_input = time.monotonic()
        self.crashed_with: BaseException | None = None
        # The kiosk screen shown (under any dialog), and the question screen of the
        # visit, which is updated in place on each answer.
        self.base: KioskScreen | None = None
        self.questions: KioskScreen | None = None
        self.idle_warning_open = False
        # Read aloud (R): one speech at a time, in a subprocess (skillcheck.speech).
        # In a browser (`serve` passes the languages the visitor's browser has a voice
        # for), the page speaks, through the kiosk page's hook.
        if speaker is None and browser_voices is not None:
            speaker = PageSpeaker(browser_voices, self.send_to_page)
        self.speaker = speaker or Speaker(config.voices)
        self.crash_for_test = crash_for_test
        self._store = None
        self._store_lock = threading.Lock()
        # Copies saved sessions to the network's central database (docs/network.md),
        # in its own thread, when the site config names one.
        self.pusher = None
        for theme in THEMES.values():
            self.register_theme(theme)
        self.theme = self.site_theme()

    # --- the content ----------------------------------------------------------------

    def content(self) -> KioskContent:
        """The question bank, catalogue and pronunciations (loaded on first use)."""
        if self._content is None:
            self._content = self.load_content()
        return self._content

    @property
    def bank(self) -> Bank:
        return self.content().bank

    @property
    def catalogue(self) -> tuple[Initiative, ...]:
        """The shipped initiatives, then the site's own."""
        return self.content().catalogue + tuple(self.config.initiatives)

    @property
    def help_desk(self) -> Initiative | None:
        """The site's own help desk, else the shipped "Ask the staff here": always last."""
        return self.config.help_desk or self.content().help_desk

    @property
    def pronunciations(self) -> Mapping[str, Pronunciation]:
        return self.content().pronunciations

    @cached_property
    def pin(self) -> PinGuard:
        """The PIN and its lock-out on disk, shared with other kiosk processes (made
        when staff first ask: its hashing modules are not needed for the welcome)."""
        from skillcheck.pin import guard_for

        return guard_for(self.config.path, self.config.pin_hash)

    # --- start and end ------------------------------------------------------------

    def default_language(self) -> str:
        if self.start_language:
            return self.start_language
        if self.config.default_language in self.translators:
            return self.config.default_language
        return next(iter(self.translators))

    def site_theme(self) -> str:
        return THEMES.get(self.config.theme, THEMES["default"]).name

    def start_screen(self) -> KioskScreen:
        if self.start_language:
            from skillcheck.tui.screens.intro import IntroScreen

            return IntroScreen()
        return WelcomeScreen()

    def on_mount(self) -> None:
        # SIGTERM (shutdown, `systemctl stop`) and SIGHUP (terminal closed) end the
        # app the normal way, so an interrupted visit is recorded (on_unmount).
        loop = asyncio.get_running_loop()
        for number in (signal.SIGTERM, signal.SIGHUP):
            loop.add_signal_handler(number, self.end_on_signal, number)
        if self.idle_seconds:
            self.set_interval(1.0, self.check_inactivity)
        self.call_after_refresh(self.first_screen_painted)
        if self.crash_for_test:
            self.call_after_refresh(self.crash_now)

    def get_default_screen(self) -> KioskScreen:
        """The first start screen is the bottom of the screen stack: every later
        screen goes on top of it, so that `show` can replace it with the next one
        (Textual cannot switch away the bottom screen), and it is emptied then. A
        blank screen at the bottom cost a second screen's styles and a partial first
        frame (issue 8)."""
        self.base = self.start_screen()
        return self.base

    def shown_screens(self) -> list[Screen]:
        """The kiosk screen shown and its dialogs (not the first start screen kept
        under it, which no one sees again)."""
        stack = self.screen_stack
        return stack[stack.index(self.base) :] if self.base in stack else stack

    def first_screen_painted(self) -> None:
        """Resume garbage collection (`skillcheck` starts without it, see
        `skillcheck.__main__`), load and check the content, then open the database
        and write any spooled sessions (imports, in a thread holding the GIL much of
        the time: started earlier, it slowed down the first full frame, issue 8)."""
        gc.enable()
        try:
            self.content()
        except ContentError as error:
            # Not a crash to restart from: `skillcheck run` prints the problems.
            self.content_error = error
            self.exit(return_code=1)
            return
        self.run_worker(self.store, thread=True, group="store")

    def end_on_signal(self, number: int) -> None:
        """SIGTERM or SIGHUP: end the normal way, and say in the log why the kiosk
        ended (from outside: a shutdown, `systemctl stop`, a `timeout`).

        The visit is recorded at once, not when the exit gets its turn: keys still
        waiting ahead of it (a flood `serve` cut off) could outlast `serve`'s patience,
        and a kiosk then killed would record nothing of the visit."""
        log.warning("the kiosk ends: %s received", signal.Signals(number).name)
        self.record_interrupted()
        self.exit()

    def crash_now(self) -> None:
        """Test-only (launch.TEST_CRASHES): an unexpected error, as a bug would raise."""
        raise RuntimeError("crash requested for a test")

    def on_unmount(self) -> None:
        """The app ends (Ctrl+Q in practice, a signal, a closed browser tab, leaving
        through the staff screen): a visit in progress is recorded as abandoned."""
        self.speaker.stop()
        self.record_interrupted()
        if self.pusher is not None:
            # Sessions not sent yet stay in the outbox for the next start.
            self.pusher.stop(timeout=2.0)

    @property
    def session(self) -> Session | None:
        return self.visit.session if self.visit else None

    # --- the App's own keys: the kiosk lock-down ------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "quit_practice":
            return not self.kiosk_mode
        return True

    def action_nothing(self) -> None:
        """Swallowed: nothing a person types leaves the app."""

    def action_quit_practice(self) -> None:
        self.exit()

    @property
    def reads_aloud(self) -> bool:
        """Whether R and the top bar's button read aloud: on in the site config and a
        voice for the visit's language (espeak-ng installed, or in a browser a voice of
        the visitor's browser; without one the button is hidden). espeak-ng never
        speaks for a browser: it would speak on the server, not to the visitor."""
        return (
            self.config.read_aloud
            and self.speaker.speaks(self.language)
            and (self.speaker.plays_in_browser or not self.is_web)
        )

    def send_to_page(self, message: str) -> None:
        """A JSON text for the browser kiosk page (skillcheck.speech.PAGE_SCHEME)."""
        if self.is_web:
            self.open_url(PAGE_SCHEME + message)

    def pronunciation(self) -> Pronunciation:
        """How read aloud says things in the visit's language."""
        from skillcheck.pronunciation import Pronunciation

        return self.pronunciations.get(self.language) or Pronunciation(self.language)

    def action_read_aloud(self) -> None:
        """R (or the top bar's button): read the screen shown, or stop reading."""
        if not self.reads_aloud:
            return
        speech = getattr(self.screen, "speech", None)
        if speech is not None:
            self.speaker.toggle(speech())

    def action_contrast(self) -> None:
        """Switch between the site's theme and high contrast (key C, top bar button)."""
        high = THEMES["high-contrast"].name
        self.set_theme(THEMES["default"].name if self.theme == high else high)

    def set_theme(self, name: str) -> None:
        if name != self.theme:
            self.theme = name
            for screen in self.shown_screens():
                screen.post_message(ThemeChanged())

    # --- what the screens say --------------------------------------------------------

    def is_stale(self, message: FromScreen) -> bool:
        """A message from a screen that is no longer shown (or no longer the visit's)."""
        return message.screen is not self.base

    @on(VoicesHeard)
    def voices_heard(self, message: VoicesHeard) -> None:
        """The browser's voices came after the first screen: the read-aloud button and
        hint appear (or go) on the screens shown, as when the language changes."""
        if not isinstance(self.speaker, PageSpeaker):
            return
        before = self.reads_aloud
        self.speaker.hear(message.languages)
        if self.reads_aloud != before:
            for screen in self.shown_screens():
                screen.post_message(LanguageChanged())

    @on(LanguagePicked)
    def language_picked(self, message: LanguagePicked) -> None:
        if self.is_stale(message) or self.visit is not None:
            return
        self.set_language(message.code)
        from skillcheck.tui.screens.intro import IntroScreen

        self.show(IntroScreen())

    @on(LanguageChosen)
    def language_chosen(self, message: LanguageChosen) -> None:
        if not self.is_stale(message):
            self.set_language(message.code)

    @on(StartRequested)
    def start_questions(self, message: StartRequested) -> None:
        if self.is_stale(message) or self.visit is not None:
            return
        # Imported here, not at start-up: the welcome screen paints ~10 ms sooner.
        from skillcheck.session import Session

        self.visit = Visit(Session(self.bank, rng=self.rng), self.language)
        self.show_step()

    @on(Answered)
    def answered(self, message: Answered) -> None:
        visit = self.visit
        if self.is_stale(message) or visit is None:
            return
        current = visit.session.current
        if current is None or current.key != message.item_id:
            return  # a second key for a question already answered
        self.visit = visit.with_session(visit.session.answer(message.code))
        self.show_step()

    @on(ActivitiesTicked)
    def activities_ticked(self, message: ActivitiesTicked) -> None:
        visit = self.visit
        if self.is_stale(message) or visit is None:
            return
        current = visit.session.current
        if current is None or current.kind != "activities" or current.area != message.area:
            return  # a second Enter for a list already answered
        self.visit = visit.with_session(visit.session.tick(message.ticked))
        self.show_step()

    @on(BackRequested)
    def went_back(self, message: BackRequested) -> None:
        visit = self.visit
        if self.is_stale(message) or visit is None or not visit.session.can_go_back:
            return
        self.visit = visit.with_session(visit.session.back())
        self.show_step()

    @on(StopRequested)
    @on(StartOver)
    def start_over(self, message: FromScreen) -> None:
        if not self.is_stale(message):
            self.reset_to_welcome()

    @on(LanguagesRequested)
    def languages_requested(self, message: LanguagesRequested) -> None:
        if not self.is_stale(message):
            self.reset_to_welcome(WelcomeScreen())

    @on(Finished)
    def finished(self, message: Finished) -> None:
        if self.is_stale(message):
            return
        from skillcheck.tui.screens.thanks import ThanksScreen

        self.visit = None
        self.show(ThanksScreen())

    @on(StaffRequested)
    def staff_requested(self, message: StaffRequested) -> None:
        if self.is_stale(message):
            return
        from skillcheck.tui.screens.pin import PinModal

        if self.pin.is_set:
            self.push_screen(PinModal(), self.pin_given)
        elif not self.kiosk_mode:
            self.open_facilitator()

    @on(LeaveRequested)
    def leave(self, message: LeaveRequested) -> None:
        if not self.is_stale(message):
            self.exit()

    # --- the visit ----------------------------------------------------------------

    def show(self, screen: KioskScreen) -> None:
        """Replace whatever is shown (dialogs included) with `screen`."""
        self.speaker.stop()  # a new screen, or the idle reset: its reading ends
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.idle_warning_open = False
        self.base = screen
        if len(self.screen_stack) > 1:
            self.switch_screen(screen)
        else:
            first = self.screen
            self.push_screen(screen)
            # The first start screen stays at the bottom (get_default_screen), empty:
            # Textual still lays out the screen under the top one and repaints what
            # changes there (a button's press effect), unseen but not free.
            first.remove_children()

    def show_step(self) -> None:
        """The visit moved on: show the screen of its next step, which the Session
        decides (`Session.next_screen`, the visit's one order of screens). Questions
        follow each other in one screen, updated in place (issue 8)."""
        self.speaker.stop()  # what was read out is no longer shown
        from skillcheck.session import ACTIVITIES, RESULT

        session = self.session
        assert session is not None
        kind = session.next_screen
        if kind == RESULT:
            self.show_result()
        elif kind == ACTIVITIES:
            from skillcheck.tui.screens.activities import ActivitiesScreen

            self.questions = None
            self.show(ActivitiesScreen(session.current.area, session.previous_ticks()))
        elif self.questions is not None and self.base is self.questions:
            self.questions.show(session)  # type: ignore[attr-defined]
        else:
            from skillcheck.tui.screens.question import QuestionScreen

            self.questions = QuestionScreen()
            self.show(self.questions)

    def set_language(self, code: str) -> None:
        """Switch the language; answers stay in the session, screens are rebuilt."""
        if code not in self.translators or code == self.language:
            return
        self.speaker.stop()  # the screen is rebuilt in another language
        self.language = code
        self.t = self.translators[code]
        if self.visit:
            self.visit = Visit(self.visit.session, code, self.visit.started, self.visit.saved)
        for screen in self.shown_screens():
            screen.post_message(LanguageChanged())

    def show_result(self) -> None:
        """Show the result, then save it (so walking away still counts)."""
        from skillcheck.tui.screens.result import ResultScreen

        visit = self.visit
        assert visit is not None
        result = visit.session.result()
        self.visit = Visit(visit.session, visit.language, visit.started, saved=True)
        self.questions = None
        record = self.record_of(visit, "completed")
        # A wrong clock: the result's QR code leaves the date out (issue 19).
        self.show(ResultScreen(result, dated=record.clock == "ok"))
        self.save(record)

    def reset_to_welcome(self, screen: KioskScreen | None = None) -> None:
        """Drop everything of the person and show a new start screen (or `screen`:
        the languages, for the same person)."""
        self.record_interrupted(wait=False)
        self.language = self.default_language()
        self.t = self.translators[self.language]
        self.set_theme(self.site_theme())
        if screen is None:
            # The next visitor: in a browser, the text size goes back to the site's.
            self.send_to_page(NEW_VISIT_MESSAGE)
        self.show(screen or self.start_screen())

    def record_of(self, visit: Visit, status: str) -> SessionRecord:
        """The anonymous record a visit leaves (`visit_record.make_record`)."""
        # Imported when a visit ends: the records and scoring modules are not needed
        # for the first screen (start-up, issue 8).
        from skillcheck.visit_record import make_record

        return make_record(visit, self.config, self.bank, status)

    def record_interrupted(self, *, wait: bool = True) -> None:
        """Drop the visit; one that did not finish is recorded as abandoned (no
        answers kept). `wait`: save now, not in a worker (the app is ending)."""
        visit, self.visit = self.visit, None
        self.questions = None
        if visit is None or visit.saved:
            return
        record = self.record_of(visit, "abandoned")
        if not wait:
            self.save(record)
            return
        try:
            self.store().save(record)
        except Exception as error:  # already ending: keep the log only
            log.error("could not record the interrupted session: %r", error)

    def pin_given(self, right: bool | None) -> None:
        if right:
            self.open_facilitator()

    def open_facilitator(self) -> None:
        from skillcheck.tui.screens.facilitator import FacilitatorScreen

        self.record_interrupted(wait=False)
        self.show(FacilitatorScreen())

    # --- idle ---------------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        # events.Idle is not user inactivity: any key, touch or wheel is presence.
        if isinstance(event, PRESENCE):
            self.last_input = time.monotonic()
        if isinstance(event, events.Key) and event.key != "r":
            self.speaker.stop()  # any other key stops the reading (R toggles it)
        await super().on_event(event)

    @on(Button.Pressed)
    def button_pressed(self) -> None:
        """A touch or click on a screen's button (an answer, Back, Stop, a page, a
        language) changes what is shown: the reading stops, as it does for a key. The
        top bar's buttons run their action instead (Button `action=`), so "R ▶" still
        toggles the reading and the contrast button leaves it alone."""
        self.speaker.stop()

    def check_inactivity(self) -> None:
        base = self.base
        if self.idle_warning_open or not self.idle_seconds or base is None:
            return
        if not base.IDLE_RESET:
            return  # the welcome and thank-you screens hold nothing of anyone
        if time.monotonic() - self.last_input >= self.idle_seconds:
            self.show_idle_warning()

    def show_idle_warning(self) -> None:
        self.idle_warning_open = True
        from skillcheck.tui.screens.idle_warning import IdleWarningModal

        self.push_screen(
            IdleWarningModal(self.warning_seconds, self.answers_at_stake), self.idle_answered
        )

    @property
    def answers_at_stake(self) -> bool:
        """Whether starting over now deletes answers: a visit with answers, not yet saved."""
        visit = self.visit
        return visit is not None and not visit.saved and bool(visit.session.given)

    def idle_answered(self, timed_out: bool | None) -> None:
        self.idle_warning_open = False
        self.last_input = time.monotonic()
        if timed_out:
            self.reset_to_welcome()

    # --- storage (in a thread: never blocks the screen) ---------------------------

    def store(self):
        """The Store, opened on first use (in a worker thread)."""
        with self._store_lock:
            if self._store is None:
                # Imported in the worker, after the first paint. The Store saves through
                # the sqlite3 connection itself: sqlite-utils (and numpy, which it
                # imports when installed) never loads in the kiosk (issue 25).
                from skillcheck.store import Store

                self._store = Store(
                    self.database,
                    spool_folders=self.config.spool_folders or None,
                    region=self.config.region,
                )
                if self.config.central:
                    from skillcheck.push import Pusher

                    self.pusher = Pusher(self.database, self.config.central)
                    self.pusher.start()
            return self._store

    def save(self, record) -> None:
        self.run_worker(partial(self._save, record), thread=True, group="save")

    def _save(self, record) -> None:
        self.store().save(record)
        if self.pusher is not None:
            self.pusher.nudge()

    # --- errors never reach the screen --------------------------------------------

    def log_error(self, what: str, error: BaseException) -> None:
        log.error("%s: %r", what, error, exc_info=error)

    def handle_crash(self, error: BaseException) -> None:
        """An unexpected error: log it, record the visit; the app then ends and
        `skillcheck run` starts it again (tui/crash.py)."""
        self.log_error("unexpected error in the kiosk", error)
        self.crashed_with = error
        self.record_interrupted()
