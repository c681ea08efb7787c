"""Outside-in timings: what a person at the terminal waits for.

Runs a command in a pseudo-terminal of a given size, feeds everything it writes to a
terminal emulator (pyte), and measures from outside the process:

- start: spawn -> the emulated screen first shows a marker (a regex) and the frame
  that drew it has been read to its end;
- keys: each key written to the terminal -> the same, for the next marker;
- peak RSS of the process tree, sampled every few milliseconds.

In-process timers miss the interpreter's start, the imports, the terminal's own
parsing and the last write; a person waits for all of them. Used by
`benchmarks/outside_in.py` (part of `make bench`); needs the `bench` extra (pyte, psutil).
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import termios
import time
from dataclasses import dataclass, field

import psutil
import pyte

KEYS = {"Enter": b"\r", "Escape": b"\x1b", "BSpace": b"\x7f", "Tab": b"\t"}
# Textual asks the terminal for its device attributes; a real terminal answers.
_DEVICE_ATTRIBUTES_QUERY = b"\x1b[c"
_DEVICE_ATTRIBUTES_REPLY = b"\x1b[?62;22c"
# Textual asks whether the terminal supports synchronized output (DECRQM for mode
# 2026); most current terminals do, and say so. Textual then brackets every frame
# with SYNC_START ... SYNC_END, so a clock can stop at the end of the whole frame
# rather than when the marker's line happens to have been read (a frame arrives in
# several reads).
_SYNC_QUERY = b"\x1b[?2026$p"
_SYNC_REPLY = b"\x1b[?2026;2$y"  # supported, currently off
SYNC_START, SYNC_END = b"\x1b[?2026h", b"\x1b[?2026l"


@dataclass
class Run:
    """One run: seconds to the first marker, milliseconds per key, peak memory, and
    the CPU seconds the program had used at the first marker and after each key
    (less sensitive than wall time to other work on a shared machine)."""

    start_s: float | None
    keys_ms: list[float | None] = field(default_factory=list)
    peak_rss_mib: float = 0.0
    screen: str = ""
    start_cpu_s: float = 0.0
    cpu_after_keys_s: list[float] = field(default_factory=list)


class Terminal:
    """A program in a pseudo-terminal, its output rendered by pyte."""

    def __init__(self, command: list[str], cols: int, rows: int, env: dict[str, str]):
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            command, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
        )
        os.close(slave)
        self.fd = master
        self.peak_rss = 0
        self._ps = psutil.Process(self.process.pid)
        # Inside a frame (after SYNC_START, before its SYNC_END); the last bytes read,
        # in case a sequence is split between two reads.
        self.in_frame = False
        self._tail = b""

    def _track_frames(self, data: bytes) -> None:
        seen = self._tail + data
        start, end = seen.rfind(SYNC_START), seen.rfind(SYNC_END)
        if start != end:  # at least one of them was seen: the later one wins
            self.in_frame = start > end
        self._tail = seen[-(len(SYNC_START) - 1) :]

    def _sample_rss(self) -> None:
        try:
            processes = [self._ps, *self._ps.children(recursive=True)]
            self.peak_rss = max(self.peak_rss, sum(p.memory_info().rss for p in processes))
        except psutil.Error:
            pass

    def cpu_seconds(self) -> float:
        """CPU time (user + system) used so far by the program and its children."""
        try:
            processes = [self._ps, *self._ps.children(recursive=True)]
            return sum(sum(p.cpu_times()[:2]) for p in processes)
        except psutil.Error:
            return 0.0

    def text(self) -> str:
        """The emulated screen as lines of text."""
        return "\n".join(self.screen.display)

    def _read(self, wait: float) -> bool | None:
        """Read what the program wrote within `wait` seconds into the emulator and
        answer its queries: True if something was read, None if the terminal closed."""
        ready, _, _ = select.select([self.fd], [], [], wait)
        if not ready:
            return False
        try:
            data = os.read(self.fd, 65536)
        except OSError:
            return None
        self.stream.feed(data)
        self._track_frames(data)
        if _DEVICE_ATTRIBUTES_QUERY in data:
            os.write(self.fd, _DEVICE_ATTRIBUTES_REPLY)
        if _SYNC_QUERY in data:
            os.write(self.fd, _SYNC_REPLY)
        return True

    def wait_for(self, pattern: re.Pattern[str], timeout: float) -> float | None:
        """Seconds from now until the screen matches `pattern` at the end of a frame,
        or None."""
        start = time.perf_counter()
        while time.perf_counter() - start < timeout:
            read = self._read(0.005)
            if read is None:
                return None
            if read and not self.in_frame and pattern.search(self.text()):
                return time.perf_counter() - start
            self._sample_rss()
            if self.process.poll() is not None:
                return None
        return None

    def last_frame_end(self, quiet: float) -> float | None:
        """Read until the program has been silent for `quiet` seconds; the
        `time.perf_counter()` at which the last frame read in that time ended (None
        if nothing more came). A screen that paints in several frames is fully
        painted only at its last one; the silence itself is not counted."""
        last_end = None
        heard = time.perf_counter()
        while time.perf_counter() - heard < quiet:
            read = self._read(0.005)
            if read is None:
                break
            if read:
                heard = time.perf_counter()
                if not self.in_frame:
                    last_end = heard
            self._sample_rss()
        return last_end

    def drain(self) -> None:
        """Read whatever is pending without waiting for anything (so the next key's
        clock does not include parsing frames of the one before)."""
        while self._read(0.0):
            pass

    def send(self, key: str) -> None:
        """Type one key (a character, or Enter, Escape, BSpace, Tab)."""
        os.write(self.fd, KEYS.get(key, key.encode()))

    def close(self) -> None:
        """Kill the program and its children."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()
        os.close(self.fd)


def measure(
    command: list[str],
    marker: str,
    steps: list[tuple[str, str]] = (),
    *,
    size: tuple[int, int] = (80, 24),
    settle: float = 0.05,
    timeout: float = 30.0,
    env: dict[str, str] | None = None,
) -> Run:
    """Start `command`, wait for `marker`, then for each (key, expected regex) time the key."""
    cols, rows = size
    environment = {
        **(env or os.environ),
        "TERM": "xterm-256color",
        "COLUMNS": str(cols),
        "LINES": str(rows),
    }
    terminal = Terminal(command, cols, rows, environment)
    try:
        first = terminal.wait_for(re.compile(marker), timeout)
        run = Run(start_s=None if first is None else time.perf_counter() - terminal.started)
        run.start_cpu_s = terminal.cpu_seconds()
        if first is not None:
            for key, expected in steps:
                time.sleep(settle)
                terminal.drain()
                terminal.send(key)
                waited = terminal.wait_for(re.compile(expected), timeout)
                run.keys_ms.append(None if waited is None else waited * 1000)
                run.cpu_after_keys_s.append(terminal.cpu_seconds())
                if waited is None:
                    break
        terminal._sample_rss()
        run.peak_rss_mib = terminal.peak_rss / 2**20
        run.screen = terminal.text()
        return run
    finally:
        terminal.close()
