"""Run the real `skillcheck run` in a pseudo-terminal, as a terminal would (no tests here)."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import sys
import termios
import threading
import time
from pathlib import Path

from kiosk_driver import PIN_HASH

ANSI = re.compile(rb"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b[()][A-Z0-9]|\x1b[=>]|\x1b\][^\x07]*\x07")


def write_config(folder: Path, *, kiosk: bool = True) -> Path:
    config = folder / "site.toml"
    config.write_text(
        f'site = "Bibliotheek Test"\nterminal = "t1"\nkiosk = {str(kiosk).lower()}\n'
        f'pin_hash = "{PIN_HASH}"\n',
        encoding="utf-8",
    )
    return config


class KioskProcess:
    """`python -m skillcheck run …` on a pty of 80x24 with its own session, so the
    terminal's Ctrl+C, Ctrl+\\ and Ctrl+Z become signals exactly as on a kiosk."""

    def __init__(self, folder: Path, *args: str, env: dict[str, str] | None = None) -> None:
        self.folder = folder
        self.log_path = folder / "state" / "skillcheck" / "log" / "skillcheck.log"
        environment = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("TEXTUAL", "PYTEST"))
        }
        environment.update(
            TERM="xterm-256color",
            HOME=str(folder),
            XDG_STATE_HOME=str(folder / "state"),
            XDG_DATA_HOME=str(folder / "data"),
            **(env or {}),
        )
        command = [sys.executable, "-m", "skillcheck", "run", *args]
        self.pid, self.master = pty.fork()
        if self.pid == 0:  # the child: the pty is its controlling terminal
            os.execve(sys.executable, command, environment)
        fcntl.ioctl(self.master, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.output = bytearray()
        self.status: int | None = None
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                ready, _, _ = select.select([self.master], [], [], 0.1)
                if ready:
                    chunk = os.read(self.master, 65536)
                    if not chunk:
                        return
                    self.output.extend(chunk)
            except OSError:
                return

    def text(self, since: int = 0) -> str:
        """What was painted (from byte `since` of the output on), escape codes removed."""
        return ANSI.sub(b"", bytes(self.output[since:])).decode("utf-8", "replace")

    def log(self) -> str:
        return self.log_path.read_text("utf-8") if self.log_path.exists() else ""

    def send(self, data: bytes) -> None:
        os.write(self.master, data)

    def state(self) -> str:
        """The process state letter: R/S running or sleeping, T stopped, Z ended."""
        if self.poll() is not None:
            return "ended"
        stat = Path(f"/proc/{self.pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0]

    def poll(self) -> int | None:
        """The exit status once ended (negative: killed by that signal)."""
        if self.status is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = os.waitstatus_to_exitcode(status)
        return self.status

    def wait_for(self, predicate, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if self.poll() is not None:
                raise AssertionError(f"the kiosk ended ({self.status}) before {what}")
            if time.monotonic() > deadline:
                raise AssertionError(f"no {what} within {timeout} s:\n{self.text()[-2000:]}")
            time.sleep(0.05)

    def end(self, timeout: float = 20) -> int:
        """SIGTERM, then the exit status (SIGKILL if it does not end)."""
        if self.poll() is None:
            os.kill(self.pid, signal.SIGTERM)
            deadline = time.monotonic() + timeout
            while self.poll() is None and time.monotonic() < deadline:
                time.sleep(0.05)
            if self.poll() is None:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
                raise AssertionError("the kiosk did not end on SIGTERM")
        os.close(self.master)
        return self.status if self.status is not None else -1
