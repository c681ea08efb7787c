"""The kiosk page's own controls in Debian's chromium: read aloud with the browser's
voices (Web Speech API), the larger-text buttons, and the PIN lock-out across a reload.

Read aloud: the page's `speechSynthesis` is a fake (an init script) that has voices
for nl, fr and en but not de, and records every utterance and cancel; the tests
compare what the page was asked to say with what the core builds for the screen.
"""

from __future__ import annotations

import json
import random
import re

import pytest
from kiosk_page import fake_speech, find, screen, tap, wait_for_state, wait_for_text

from conftest import PIN, make_kiosk
from skillcheck.bank import load_bank
from skillcheck.paths import LOCALES_DIR, QUESTIONS_DIR
from skillcheck.pronunciation import load_pronunciations
from skillcheck.session import Session
from skillcheck.speech import page_message, question_speech, welcome_speech

SITE_LANGUAGES = ("nl", "fr", "en", "de")
# The fake browser has voices for these (Belgian French, to see the page prefer it).
BROWSER_VOICES = ("nl-NL", "fr-FR", "fr-BE", "en-GB", "es-ES")
SPOKEN = ("nl", "fr", "en")
READ_BUTTON = "R ▶"

FAKE_SPEECH = fake_speech(BROWSER_VOICES)


@pytest.fixture(scope="module")
def kiosk(tmp_path_factory):
    kiosk = make_kiosk(tmp_path_factory.mktemp("page"), languages=json.dumps(SITE_LANGUAGES))
    kiosk.start()
    yield kiosk
    kiosk.stop()


@pytest.fixture
def page(browser, kiosk):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, has_touch=True)
    context.add_init_script(FAKE_SPEECH)
    page = context.new_page()
    page.goto(kiosk.url)
    wait_for_state(page, "running")
    wait_for_text(page, "Deutsch")
    yield page
    context.close()


@pytest.fixture(scope="module")
def site_translators(translators):
    return {code: translators[code] for code in SITE_LANGUAGES}


@pytest.fixture(scope="module")
def pronunciations():
    return load_pronunciations(LOCALES_DIR, list(SITE_LANGUAGES))


def spoken(page) -> list[dict]:
    return page.evaluate("window.fakeSpeech.log.slice()")


def utterances(page) -> list[dict]:
    """What the page said since its last cancel: [{"lang", "text", "voice"}, …]."""
    log = spoken(page)
    last_cancel = max((i for i, e in enumerate(log) if e["kind"] == "cancel"), default=-1)
    return [e for e in log[last_cancel + 1 :] if e["kind"] == "speak"]


def wait_for_speech(page, count: int = 1) -> list[dict]:
    page.wait_for_function(
        "(n) => window.fakeSpeech.log.filter((e) => e.kind === 'speak').length >= n",
        arg=count,
        timeout=10_000,
    )
    return spoken(page)


def press(page, key: str) -> None:
    """A key on the terminal's keyboard (the keys go to xterm's input)."""
    page.focus(".xterm-helper-textarea")
    page.keyboard.press(key)


def expected(message: str) -> list[dict]:
    return [{"lang": p["lang"], "text": p["text"]} for p in json.loads(message)["say"]]


def said(entries: list[dict]) -> list[dict]:
    return [{"lang": e["lang"], "text": e["text"]} for e in entries]


def test_the_page_tells_the_kiosk_which_languages_its_browser_speaks(browser, kiosk):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.add_init_script(FAKE_SPEECH)
    try:
        page = context.new_page()
        sockets: list[str] = []
        page.on("websocket", lambda socket: sockets.append(socket.url))
        page.goto(kiosk.url)
        wait_for_state(page, "running")
        assert len(sockets) == 1
        assert "/ws/voices/nl,fr,en,es?" in sockets[0]
    finally:
        context.close()


def test_the_welcome_never_waits_for_the_browsers_voices(browser, kiosk):
    # A browser whose voice list comes late (speech-dispatcher starting) or never: the
    # page used to wait up to 6 s for it before it even connected.
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.add_init_script(fake_speech(BROWSER_VOICES, late=True))
    try:
        page = context.new_page()
        sockets: list[str] = []
        page.on("websocket", lambda socket: sockets.append(socket.url))
        page.goto(kiosk.url)
        wait_for_text(page, "Deutsch")
        assert "/ws/voices/none?" in sockets[0]
        assert READ_BUTTON not in screen(page)
        # The voices come while the welcome is shown: read aloud is offered at once.
        page.evaluate("window.fakeSpeech.arrive()")
        wait_for_text(page, re.escape(READ_BUTTON))
        press(page, "r")
        wait_for_speech(page, len(SPOKEN))
        assert [e["lang"] for e in utterances(page)] == list(SPOKEN)
        assert len(sockets) == 1  # the same visit, no reload
    finally:
        context.close()


def test_the_welcome_is_read_in_each_language_the_browser_has_a_voice_for(
    page, site_translators, pronunciations
):
    # The welcome's R button and hint: the first site language (nl) has a voice.
    assert READ_BUTTON in screen(page)
    press(page, "r")
    wait_for_speech(page, len(SPOKEN))
    message = page_message(welcome_speech(site_translators, pronunciations), SPOKEN)
    got = utterances(page)
    assert said(got) == expected(message)
    assert [e["lang"] for e in got] == list(SPOKEN)  # German (no voice) left out
    # Each in a voice of its language, the Belgian one where the browser has it.
    assert [e["voice"] for e in got] == ["nl-NL", "fr-BE", "en-GB"]
    assert all(e["text"].strip() for e in got)


def test_a_question_is_read_as_the_core_builds_it_and_a_key_stops_it(
    page, site_translators, pronunciations
):
    nl = site_translators["nl"]
    tap(page, "Nederlands")
    wait_for_text(page, re.escape(nl.gettext("Start (Enter)")))
    tap(page, nl.gettext("Start (Enter)"))
    wait_for_text(page, re.escape(nl.gettext("Stop")))
    before = len(spoken(page))
    # The top bar's button, by touch.
    tap(page, READ_BUTTON)
    log = wait_for_speech(page, 1 + sum(e["kind"] == "speak" for e in spoken(page)[:before]))
    got = utterances(page)
    assert len(got) == 1 and got[0]["lang"] == "nl"
    # The core's reading of this screen: the visit's first step, the internet
    # question, built as the kiosk does.
    bank = load_bank(QUESTIONS_DIR)
    session = Session(bank, rng=random.Random(7))
    speech = question_speech(bank, session, nl, pronunciations["nl"])
    assert said(got) == expected(page_message(speech, SPOKEN))
    # Any other key stops the reading (C: contrast, which keeps the screen).
    cancels = sum(e["kind"] == "cancel" for e in log)
    press(page, "c")
    page.wait_for_function(
        "(n) => window.fakeSpeech.log.filter((e) => e.kind === 'cancel').length > n",
        arg=cancels,
        timeout=10_000,
    )
    assert spoken(page)[-1]["kind"] == "cancel"


def test_r_again_stops_and_r_after_the_end_reads_again(page):
    press(page, "r")
    wait_for_speech(page, 3)
    count = len(spoken(page))
    press(page, "r")  # still speaking (the fake never ends by itself): stop
    page.wait_for_function("(n) => window.fakeSpeech.log.length > n", arg=count)
    page.wait_for_timeout(300)
    assert spoken(page)[-1]["kind"] == "cancel"
    assert len(spoken(page)) == count + 1
    press(page, "r")  # silent now: read again
    wait_for_speech(page, 6)
    page.evaluate("window.fakeSpeech.finish()")  # the browser finished reading
    count = sum(e["kind"] == "speak" for e in spoken(page))
    press(page, "r")
    wait_for_speech(page, count + 3)


def test_no_read_aloud_button_in_a_language_the_browser_cannot_speak(page, site_translators):
    de = site_translators["de"]
    tap(page, "Deutsch")
    wait_for_text(page, re.escape(de.gettext("Start (Enter)")))
    assert READ_BUTTON not in screen(page)
    assert de.gettext("R: read aloud") not in screen(page)
    press(page, "r")
    page.wait_for_timeout(500)
    assert not [e for e in spoken(page) if e["kind"] == "speak"]
    # The language dialog: French has a voice, and its screens show the button.
    # The top bar's language button: at 1280 pixels "Language" in all four
    # languages fits beside where you are ("L: Taal · Langue · Language · Sprache").
    tap(page, "L: Taal")
    wait_for_text(page, "Français")
    tap(page, "Français", last=True)
    fr = site_translators["fr"]
    wait_for_text(page, re.escape(fr.gettext("Start (Enter)")))
    assert READ_BUTTON in screen(page)


def test_larger_text_grows_the_cells_and_the_screen_still_fits(page, site_translators):
    nl = site_translators["nl"]
    tap(page, "Nederlands")
    wait_for_text(page, re.escape(nl.gettext("Start (Enter)")))
    tap(page, nl.gettext("Start (Enter)"))
    first = nl.ngettext(
        "Question {number} of at most {total}", "Question {number} of at most {total}", 2
    ).split("{total}")[0]
    wait_for_text(page, re.escape(first.format(number=1)))
    cell = "() => window.skillcheck.terminal()._core._renderService.dimensions.css.cell"
    before = page.evaluate(cell)
    cols = page.evaluate("window.skillcheck.terminal().cols")
    page.tap("#larger")
    page.wait_for_function("(c) => window.skillcheck.terminal().cols < c", arg=cols)
    after = page.evaluate(cell)
    assert after["width"] > before["width"] and after["height"] > before["height"]
    # The visit goes on at the larger size (no reload): the same question, redrawn
    # row by row after the resize: wait for the question's own line.
    wait_for_text(page, re.escape(first.format(number=1)))
    # Tap until the button says no more: the kiosk still has at least 60×20 cells.
    for _ in range(12):
        if page.is_disabled("#larger"):
            break
        page.tap("#larger")
        page.wait_for_timeout(200)
    assert page.is_disabled("#larger")
    size = page.evaluate("[window.skillcheck.terminal().cols, window.skillcheck.terminal().rows]")
    assert size[0] >= 60 and size[1] >= 20
    # Nothing sticks out of the window; the terminal ends left of the buttons.
    box = page.evaluate(
        """() => {
          const s = document.querySelector('#terminal .xterm-screen').getBoundingClientRect();
          const b = document.querySelector('.text-size').getBoundingClientRect();
          return {right: s.right, bottom: s.bottom, buttons: b.left,
                  scroll: document.documentElement.scrollWidth, width: window.innerWidth,
                  height: window.innerHeight};
        }"""
    )
    assert box["scroll"] <= box["width"]
    assert box["right"] <= box["buttons"] and box["bottom"] <= box["height"]
    # Stop is on screen and takes a tap at the largest size (the internet question,
    # the visit's first, has no Back button: Backspace goes back, the key bar says so).
    text = wait_for_text(page, re.escape(nl.gettext("Stop")))
    assert nl.gettext("Backspace: back") in text
    find(page, nl.gettext("Stop"))
    page.tap("#smaller")
    page.wait_for_function("() => !document.querySelector('#larger').disabled")


def test_the_next_visitor_gets_the_sites_text_size(page, site_translators):
    """A+ is one visitor's choice: after Stop the welcome is at the site's size again
    (it stayed larger for the next person, issue 24)."""
    nl = site_translators["nl"]
    size = "() => Number(window.skillcheck.terminal().options.fontSize)"
    site = page.evaluate("() => Number(document.getElementById('terminal').dataset.fontSize)")
    assert page.evaluate(size) == site
    tap(page, "Nederlands")
    wait_for_text(page, re.escape(nl.gettext("Start (Enter)")))
    tap(page, nl.gettext("Start (Enter)"))
    wait_for_text(page, re.escape(nl.gettext("Stop (Esc)")))
    page.tap("#larger")
    page.wait_for_function(f"() => ({size})() > {site}")
    page.keyboard.press("Escape")
    wait_for_text(page, re.escape(nl.gettext("Do you want to stop?")))
    page.keyboard.press("1")
    wait_for_text(page, "Français")
    page.wait_for_function(f"() => ({size})() === {site}")


def test_a_small_window_gets_smaller_text_until_the_layout_fits(browser, kiosk):
    """The kiosk is laid out for at least 60×20 cells: a window too small for that at
    the site's text size (here 600×400 at 16 px: about 54 columns) starts a step or
    two smaller, as "Smaller text" would, instead of cutting buttons off."""
    context = browser.new_context(viewport={"width": 600, "height": 400}, has_touch=True)
    context.add_init_script(FAKE_SPEECH)
    page = context.new_page()
    try:
        page.goto(kiosk.url)
        wait_for_state(page, "running")
        wait_for_text(page, "Deutsch")
        size = page.evaluate(
            "() => { const t = window.skillcheck.terminal();"
            " return [t.cols, t.rows, t.options.fontSize]; }"
        )
        assert size[0] >= 60 and size[1] >= 20, size
        assert size[2] < 16, size
    finally:
        context.close()


def test_the_pin_lock_out_holds_across_a_reload(page, site_translators):
    nl = site_translators["nl"]
    wrong = re.escape(
        nl.ngettext(
            "Wrong PIN. Try again in {count} second.",
            "Wrong PIN. Try again in {count} seconds.",
            2,
        )
    ).replace(r"\{count\}", r"(\d+)")
    press(page, "F12")
    wait_for_text(page, re.escape(nl.gettext("For staff: enter the PIN")))
    page.keyboard.type("000000")
    page.keyboard.press("Enter")
    wait_for_text(page, wrong)
    page.reload()  # a new visit: a new kiosk process
    wait_for_state(page, "running")
    wait_for_text(page, "Deutsch")
    press(page, "F12")
    # The new process reads the lock-out from disk: the dialog opens locked.
    left = int(re.search(wrong, wait_for_text(page, wrong)).group(1))
    assert 0 < left <= 30
    # Even the right PIN is not taken while the lock-out runs.
    page.keyboard.type(PIN)
    page.keyboard.press("Enter")
    page.wait_for_timeout(1500)
    text = screen(page)
    assert re.search(wrong, text), text
    assert nl.gettext("For staff: enter the PIN") in text
