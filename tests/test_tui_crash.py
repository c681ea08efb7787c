"""The crash adapter (`skillcheck.tui.crash`) pinned to the Textual it was read against.

It overrides Textual's private `App._handle_exception`; when Textual moves, these tests
fail first, before a visitor's answers could reach the screen in a traceback.
"""

from __future__ import annotations

import inspect
import subprocess
import sys
import textwrap

import textual
from textual.app import App

from skillcheck.tui.crash import TESTED_TEXTUAL, CrashAdapter

SECRET = "SECRET-ANSWERS-4-3-2"

# A tiny app that fails in a timer with a visitor's answers in a local variable.
CRASHING_APP = textwrap.dedent(
    """
    import sys
    from textual.app import App
    from textual.widgets import Label
    from skillcheck.tui.crash import CrashAdapter

    BASE = CrashAdapter if sys.argv[1] == "adapter" else App

    class Crashing(BASE):
        calls = []

        def compose(self):
            yield Label("hello")

        def handle_crash(self, error):
            self.calls.append(type(error).__name__)

        def on_mount(self):
            visitor_answers = "SECRET"
            self.set_timer(0.05, lambda: 1 / 0 if visitor_answers else None)

    app = Crashing()
    app.run(headless=True)
    print("handle_crash calls:", app.calls, "return code:", app.return_code, file=sys.stderr)
    """.replace("SECRET", SECRET)
)


def run_crashing_app(base: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", CRASHING_APP, base],
        capture_output=True,
        text=True,
        timeout=60,
        env={"TERM": "xterm-256color", "COLUMNS": "80", "LINES": "24", "PATH": "/usr/bin"},
    )


def test_the_adapter_was_read_against_the_installed_textual():
    major_minor = ".".join(textual.__version__.split(".")[:2])
    assert major_minor in TESTED_TEXTUAL, (
        f"Textual {textual.__version__}: re-read App._handle_exception, then add "
        f"{major_minor!r} to skillcheck.tui.crash.TESTED_TEXTUAL"
    )


def test_the_private_hook_still_has_the_shape_the_adapter_overrides():
    hook = App.__dict__.get("_handle_exception")
    assert hook is not None and callable(hook), "App._handle_exception is gone"
    assert list(inspect.signature(hook).parameters) == ["self", "error"]
    assert "_handle_exception" in CrashAdapter.__dict__


def test_without_the_adapter_textual_prints_the_locals():
    # The control: what the adapter protects against, so the next test can fail.
    shown = run_crashing_app("plain")
    assert SECRET in shown.stdout + shown.stderr


def test_with_the_adapter_one_plain_line_no_traceback_and_the_hook_called_once():
    shown = run_crashing_app("adapter")
    output = shown.stdout + shown.stderr
    assert SECRET not in output
    assert "Traceback" not in output
    assert "an unexpected error was written to the log" in output
    assert "handle_crash calls: ['ZeroDivisionError'] return code: 1" in shown.stderr
