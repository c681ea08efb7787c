"""Drive the browser kiosk as a touch-screen visitor: read the terminal's text and tap it.

The kiosk draws on a canvas, so the tests read xterm.js's screen buffer through the
page's `skillcheck.terminal()` hook and tap the middle of the cells showing a text.
"""

from __future__ import annotations

import json
import re
import time

from playwright.sync_api import Page

# Debian's chromium as root in a closed network (see docs/deploy.md, "Tests").
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

_SCREEN = """() => {
  const t = window.skillcheck && window.skillcheck.terminal();
  if (!t) return "";
  const lines = [];
  for (let y = 0; y < t.rows; y++) {
    lines.push(t.buffer.active.getLine(y).translateToString(true));
  }
  return lines.join("\\n");
}"""

_GEOMETRY = """() => {
  const t = window.skillcheck.terminal();
  const box = t.element.querySelector(".xterm-screen").getBoundingClientRect();
  return {x: box.x, y: box.y, w: box.width / t.cols, h: box.height / t.rows};
}"""


def screen(page: Page) -> str:
    """The text the kiosk shows now, one line per terminal row."""
    return page.evaluate(_SCREEN)


def wait_for_text(page: Page, pattern: str, timeout: float = 15.0) -> str:
    """Wait until the screen shows `pattern` (a regular expression); return the screen."""
    deadline = time.monotonic() + timeout
    text = ""
    while time.monotonic() < deadline:
        text = screen(page)
        if re.search(pattern, text):
            return text
        page.wait_for_timeout(50)
    raise AssertionError(f"{pattern!r} not on screen after {timeout} s:\n{text}")


def wait_for_state(page: Page, state: str, timeout: float = 20.0) -> None:
    """Wait for the page's own state: starting, running, waiting or busy."""
    page.wait_for_function(
        "(state) => document.body !== null && document.body.dataset.state === state",
        arg=state,
        timeout=timeout * 1000,
    )


def find(page: Page, text: str, last: bool = False) -> tuple[int, int]:
    """Row and column of the middle of `text` on screen (its first or last showing)."""
    hits = [
        (row, line.index(text) + len(text) // 2)
        for row, line in enumerate(screen(page).splitlines())
        if text in line
    ]
    if not hits:
        raise AssertionError(f"{text!r} not on screen:\n{screen(page)}")
    return hits[-1] if last else hits[0]


def tap_cell(page: Page, row: int, column: int) -> None:
    """A finger on one terminal cell."""
    box = page.evaluate(_GEOMETRY)
    page.touchscreen.tap(box["x"] + (column + 0.5) * box["w"], box["y"] + (row + 0.5) * box["h"])


def tap(page: Page, text: str, last: bool = False) -> None:
    """A finger on the text shown (a button's label)."""
    tap_cell(page, *find(page, text, last))


_FAKE_SPEECH = """
(() => {
  const log = [];
  const all = VOICES.map((lang) => ({
    lang: lang, name: "fake " + lang, voiceURI: "fake-" + lang, localService: true, default: false,
  }));
  let voices = LATE ? [] : all;
  const listeners = [];
  let queued = 0;
  const fake = {
    get speaking() { return queued > 0; },
    get pending() { return false; },
    get paused() { return false; },
    getVoices: () => voices.slice(),
    speak: (u) => {
      log.push({kind: "speak", text: u.text, lang: u.lang, voice: u.voice ? u.voice.lang : null});
      queued += 1;
    },
    cancel: () => { log.push({kind: "cancel"}); queued = 0; },
    pause: () => {}, resume: () => {},
    addEventListener: (name, listener) => {
      if (name === "voiceschanged") listeners.push(listener);
    },
    removeEventListener: () => {},
  };
  Object.defineProperty(window, "speechSynthesis", {value: fake, configurable: true});
  window.SpeechSynthesisUtterance = class {
    constructor(text) { this.text = text; this.lang = ""; this.voice = null; }
  };
  window.fakeSpeech = {
    log: log,
    finish: () => { queued = 0; },
    // The voice list comes (speech-dispatcher started): as Chromium, voiceschanged.
    arrive: () => {
      voices = all;
      for (const listener of listeners) listener(new Event("voiceschanged"));
    },
  };
})();
"""


def fake_speech(voices, late: bool = False) -> str:
    """An init script: a `speechSynthesis` with voices for these languages ("nl-NL"…)
    that records each utterance and cancel in `window.fakeSpeech.log` (it never ends
    an utterance by itself; `window.fakeSpeech.finish()` does). `late`: no voices
    until `window.fakeSpeech.arrive()` (as a speech-dispatcher that is starting)."""
    script = _FAKE_SPEECH.replace("LATE", json.dumps(late))
    return script.replace("VOICES", json.dumps(list(voices)))
