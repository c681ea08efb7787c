"""Start the kiosk: load and validate everything first, log errors, restart on a crash."""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path

from skillcheck.bank import load_bank
from skillcheck.config import MIN_WARNING_SECONDS, SiteConfig, default_config, load_config
from skillcheck.initiatives import load_catalogue
from skillcheck.paths import default_database_path, default_log_path
from skillcheck.pronunciation import load_pronunciations
from skillcheck.tui.visit import load_site_translators

log = logging.getLogger("skillcheck.tui")


def setup_logging(path: Path | None = None) -> Path:
    """Send the kiosk's log (and any error) to a file, never to the screen."""
    path = path or default_log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return path


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
    """The App with every piece of content loaded and validated (fail fast)."""
    from skillcheck.tui.app import SkillcheckApp

    bank = load_bank(questions_dir)
    catalogue, help_desk = load_catalogue(questions_dir / "initiatives.toml")
    translators = load_site_translators(locales_dir, config.languages)
    return SkillcheckApp(
        config=config,
        bank=bank,
        catalogue=catalogue,
        help_desk=help_desk,
        translators=translators,
        database=database or config.database or default_database_path(),
        kiosk=kiosk or config.kiosk,
        start_language=language,
        pronunciations=load_pronunciations(locales_dir, list(translators)),
        **options,
    )


def run_kiosk(
    *,
    config_path: Path | None,
    database: Path | None,
    kiosk: bool,
    language: str | None,
    questions_dir: Path,
    locales_dir: Path,
) -> int:
    """`skillcheck run`: returns the exit status."""
    config = load_config(config_path) if config_path else default_config()
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
    warning = max(MIN_WARNING_SECONDS, config.warning_seconds)
    crashes: list[float] = []
    while True:
        app = build_app(
            config=config,
            questions_dir=questions_dir,
            locales_dir=locales_dir,
            database=database,
            kiosk=kiosk,
            language=language,
            warning_seconds=warning,
        )
        app.run()
        if app.crashed_with is None:
            return 0
        # The error is in the log; start again at the welcome screen.
        now = time.monotonic()
        crashes = [t for t in crashes if now - t < 60] + [now]
        if not kiosk and len(crashes) >= 3:
            print(f"skillcheck stopped after repeated errors; see {log_path}", file=sys.stderr)
            return 1
        time.sleep(min(len(crashes), 5))
