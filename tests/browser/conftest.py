"""A real `skillcheck serve` and Debian's chromium, driven by Playwright (no download)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from kiosk_page import CHROMIUM, CHROMIUM_ARGS
from playwright.sync_api import sync_playwright

from skillcheck.cli import cli
from skillcheck.i18n import load_translators
from skillcheck.paths import LOCALES_DIR

PIN = "246810"
ROOT = Path(__file__).resolve().parents[2]


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(str(item.fspath)).parent == Path(__file__).parent:
            item.add_marker(pytest.mark.browser)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Kiosk:
    """One `skillcheck serve` process with its own config, database and state folders."""

    folder: Path
    config: Path
    database: Path
    port: int
    env: dict[str, str]
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "skillcheck", "serve", "--config", str(self.config)]
            + ["--port", str(self.port)],
            env=self.env,
            stderr=subprocess.PIPE,
            text=True,
        )
        line = self.process.stderr.readline()
        assert "served on" in line, line

    def stop(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=20)
            self.process = None


def make_kiosk(folder: Path, **settings: object) -> Kiosk:
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "site.toml"
    database = folder / "sessions.db"
    lines = ['site = "Test library"', 'terminal = "browser-1"', 'region = "brussels"']
    lines.append(f'database = "{database}"')
    lines += [f"{key} = {value}" for key, value in settings.items()]
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["set-pin", "--config", str(config)], input=f"{PIN}\n{PIN}\n")
    assert result.exit_code == 0, result.output
    env = dict(os.environ)
    # Each kiosk its own state, log and cache folders (the PIN lock-out lives there).
    env["XDG_STATE_HOME"] = str(folder / "state")
    env["XDG_CACHE_HOME"] = str(folder / "cache")
    env["XDG_DATA_HOME"] = str(folder / "data")
    return Kiosk(folder, config, database, free_port(), env)


@pytest.fixture(scope="session")
def translators():
    return load_translators(LOCALES_DIR)


@pytest.fixture(scope="module")
def kiosk(tmp_path_factory):
    kiosk = make_kiosk(tmp_path_factory.mktemp("kiosk"))
    kiosk.start()
    yield kiosk
    kiosk.stop()


# Module scope: Playwright's sync API holds an event loop while it runs, which the
# asyncio.run of later test files must not meet.
@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A touch screen of a library terminal: 1280×800."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, has_touch=True)
    page = context.new_page()
    yield page
    context.close()


def wait_until(condition, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("condition not met in time")
