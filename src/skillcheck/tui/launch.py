"""Start the kiosk: load its content, log errors, restart on a crash.

The translations are loaded before the first screen, the question bank and the
initiatives right after it is painted (a problem in them ends the kiosk with the
problems printed, before anyone can answer a question)."""

from __future__ import annotations

import gc
import logging
import logging.handlers
import os
import signal
import sys
import termios
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from skillcheck.config import MIN_WARNING_SECONDS, SiteConfig, default_config, load_config
from skillcheck.paths import default_database_path, default_log_path
from skillcheck.pronunciation import Pronunciation, load_pronunciations
from skillcheck.tui.visit import load_site_translators

if TYPE_CHECKING:
    from skillcheck.bank import Bank
    from skillcheck.initiatives import Initiative

log = logging.getLogger("skillcheck.tui")


def setup_logging(path: Path | None = None) -> Path:
    """Send the kiosk's log (and any error) to a file, never to the screen."""
    path = path or default_log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    # Size-limited, a few files: months of warnings never fill the disk the spool needs.
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=1024 * 1024, backupCount=3, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return path


# The signals a terminal sends for Ctrl+C, Ctrl+\\ and Ctrl+Z.
KEYBOARD_SIGNALS = (signal.SIGINT, signal.SIGQUIT, signal.SIGTSTP)
# Test-only: the first N starts of `run_kiosk` end in an unexpected error once the
# welcome screen is painted (tests/test_tui_restart.py); never set it on a kiosk.
TEST_CRASHES = "SKILLCHECK_TEST_CRASHES"


def ignore_keyboard_signals() -> None:
    """Ctrl+C, Ctrl+\\ and Ctrl+Z do nothing to the process (kiosk mode).

    Textual's driver installs its own Ctrl+Z (SIGTSTP) handler, which suspends the
    app; between two runs the terminal is in its normal mode, where these keys send
    signals, so this is set again after every run.
    """
    for number in KEYBOARD_SIGNALS:
        signal.signal(number, signal.SIG_IGN)


def terminal() -> int | None:
    """stdin's file descriptor when it is a terminal."""
    try:
        fd = sys.stdin.fileno()
        termios.tcgetattr(fd)
    except (OSError, ValueError, termios.error):
        return None  # a service, a test: the ignored signals suffice
    return fd


@contextmanager
def keys_without_signals() -> Iterator[None]:
    """While the kiosk runs, the terminal sends no signal for Ctrl+C, Ctrl+\\ or
    Ctrl+Z and echoes nothing, also between two runs of the app (Textual restores
    these settings when it stops, and its Ctrl+Z handler would suspend the app)."""
    fd = terminal()
    if fd is None:
        yield
        return
    saved = termios.tcgetattr(fd)
    quiet = list(saved)
    quiet[3] &= ~(termios.ISIG | termios.ECHO)  # the local modes
    termios.tcsetattr(fd, termios.TCSANOW, quiet)
    try:
        yield
    finally:
        termios.tcsetattr(fd, termios.TCSANOW, saved)


def drop_typed() -> None:
    """Forget what was typed during the restart pause: it is not for the next run."""
    fd = terminal()
    if fd is not None:
        termios.tcflush(fd, termios.TCIFLUSH)


def build_app(
    *,
    config: SiteConfig,
    questions_dir: Path,
    locales_dir: Path,
    database: Path | None = None,
    kiosk: bool = False,
    language: str | None = None,
    **options,
):
    """The App with its translations loaded; the rest of its content is loaded and
    checked once the first screen is painted (`KioskContent`)."""
    from skillcheck.tui.app import SkillcheckApp

    translators = load_site_translators(locales_dir, config.languages)
    return SkillcheckApp(
        config=config,
        content=partial(load_content, questions_dir, locales_dir, tuple(translators)),
        translators=translators,
        database=database or config.database or default_database_path(),
        kiosk=kiosk or config.kiosk,
        start_language=language,
        **options,
    )


@dataclass(frozen=True)
class KioskContent:
    """What the kiosk shows besides its translations."""

    bank: Bank
    catalogue: tuple[Initiative, ...]  # the shipped initiatives
    help_desk: Initiative | None  # the shipped "Ask the staff here"
    pronunciations: Mapping[str, Pronunciation]


def load_content(
    questions_dir: Path, locales_dir: Path, languages: tuple[str, ...]
) -> KioskContent:
    """Load and check the question bank, the initiatives and the pronunciations
    (raises `ContentError` with every problem found). Called once the welcome is
    painted, and so are these imports."""
    from skillcheck.bank import load_bank
    from skillcheck.initiatives import load_catalogue

    bank = load_bank(questions_dir)
    catalogue, help_desk = load_catalogue(questions_dir / "initiatives.toml")
    pronunciations = load_pronunciations(locales_dir, list(languages))
    return KioskContent(bank, tuple(catalogue), help_desk, MappingProxyType(pronunciations))


def run_kiosk(
    *,
    config_path: Path | None,
    database: Path | None,
    kiosk: bool,
    language: str | None,
    questions_dir: Path,
    locales_dir: Path,
    browser_voices: list[str] | None = None,
) -> int:
    """`skillcheck run`: returns the exit status (`browser_voices`: see SkillcheckApp)."""
    config = load_config(config_path) if config_path else default_config(language)
    kiosk = kiosk or config.kiosk
    if kiosk and not config.pin_hash:
        print(
            "Kiosk mode needs a facilitator PIN to leave it: "
            "run `skillcheck set-pin --config FILE` first.",
            file=sys.stderr,
        )
        return 2
    log_path = setup_logging()
    if kiosk:
        # Ctrl+C, Ctrl+Z and Ctrl+\ reach the app as keys (and do nothing there).
        os.environ.pop("TEXTUAL_ALLOW_SIGNALS", None)
    options = dict(
        config=config,
        questions_dir=questions_dir,
        locales_dir=locales_dir,
        database=database,
        kiosk=kiosk,
        language=language,
        browser_voices=browser_voices,
        warning_seconds=max(MIN_WARNING_SECONDS, config.warning_seconds),
    )
    if not kiosk:
        return run_until_done(options, kiosk=False, log_path=log_path)
    ignore_keyboard_signals()
    with keys_without_signals():
        return run_until_done(options, kiosk=True, log_path=log_path)


def run_until_done(options: dict, *, kiosk: bool, log_path: Path) -> int:
    """Run the app; after an unexpected error start it again (in practice mode,
    give up after three errors within a minute)."""
    crashes: list[float] = []
    test_crashes = int(os.environ.get(TEST_CRASHES, "0") or 0)
    while True:
        app = build_app(**options, crash_for_test=len(crashes) < test_crashes)
        # What is loaded so far (modules, translations) lives as long as this run:
        # kept out of the garbage collector's full passes, which otherwise walk it
        # again and again while the first screen is built (≈ 40 ms, issue 8).
        gc.freeze()
        try:
            app.run()
        finally:
            gc.unfreeze()
        if app.content_error is not None:
            raise app.content_error  # a bad file: no restart helps; the CLI prints it
        if app.crashed_with is None:
            return 0
        # The error is in the log; start again at the welcome screen.
        now = time.monotonic()
        crashes = [t for t in crashes if now - t < 60] + [now]
        if not kiosk and len(crashes) >= 3:
            print(f"skillcheck stopped after repeated errors; see {log_path}", file=sys.stderr)
            return 1
        pause = min(len(crashes), 5)
        log.info("starting again in %d s", pause)
        if kiosk:
            ignore_keyboard_signals()  # Textual's driver set its own Ctrl+Z handler
        time.sleep(pause)
        drop_typed()
