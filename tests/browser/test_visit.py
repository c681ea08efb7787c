"""A visitor at the browser kiosk, by touch, in Debian's chromium."""

from __future__ import annotations

import os
import re
import sqlite3
import time
from pathlib import Path
from urllib.parse import urlsplit

from kiosk_page import fake_speech, screen, tap, tap_cell, wait_for_state, wait_for_text

from conftest import PIN, make_kiosk, wait_until

# Screenshots for people to look at go outside the repository when asked for.
SHOTS = os.environ.get("SKILLCHECK_SHOTS")


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"))


def record_requests(page) -> list[str]:
    """Every address the page asks for, web sockets included."""
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    page.on("websocket", lambda socket: seen.append(socket.url))
    return seen


def question_pattern(t) -> str:
    text = t.ngettext(
        "Question {number} of at most {total}", "Question {number} of at most {total}", 2
    )
    return re.escape(text).replace(r"\{number\}", r"(\d+)").replace(r"\{total\}", r"\d+")


def open_kiosk(page, kiosk) -> None:
    page.goto(kiosk.url)
    wait_for_state(page, "running")
    wait_for_text(page, "English")


def answer_first_option(page, number_pattern: str, number: int) -> None:
    """Tap answer 1 at a person's pace; tap again if the screen did not take it."""
    for _ in range(3):
        page.wait_for_timeout(300)
        lines = screen(page).splitlines()
        row = next(i for i, line in enumerate(lines) if re.match(r"^\s{2,}1\s{2,}\S", line))
        tap_cell(page, row, lines[row].index("1"))
        for _ in range(60):
            match = re.search(number_pattern, screen(page))
            if not match or int(match.group(1)) != number:
                return
            page.wait_for_timeout(50)
    raise AssertionError(f"question {number} did not take the tap:\n{screen(page)}")


def wait_until_still(page, timeout: float = 15.0) -> None:
    """Wait until the screen stays the same for 0.4 s (a finger aims at what it sees;
    on a busy machine the kiosk may still be moving the rows)."""
    deadline = time.monotonic() + timeout
    shown = screen(page)
    while time.monotonic() < deadline:
        page.wait_for_timeout(400)
        now = screen(page)
        if now == shown:
            return
        shown = now
    raise AssertionError(f"the screen kept changing for {timeout} s:\n{shown}")


def page_down_to(page, text: str, more: str) -> None:
    """Tap `more` (the page-down button) until `text` is on screen or the list ends,
    each tap only once the screen has changed from the one before: a second tap
    sent before the page moved lands on whatever the page put under the finger."""
    for _ in range(10):
        shown = screen(page)
        if text in shown or more not in shown:
            return
        tap(page, more)
        for _ in range(100):
            if screen(page) != shown:
                break
            page.wait_for_timeout(50)
        page.wait_for_timeout(300)  # the rows are drawn one by one: let them settle


def next_step_by_touch(page, t, number_pattern: str, number: int) -> None:
    """One step of the visit by touch: on an area's tick-list, tick its first activity
    and tap Go on; on a question (the internet question first), tap answer 1."""
    page.wait_for_timeout(300)  # a person's pace; the screen is drawn by then
    if "[ ] 1" not in screen(page):
        answer_first_option(page, number_pattern, number)
        return
    tap(page, "[ ] 1")
    wait_for_text(page, re.escape("[X] 1"))
    # Go on says so once something is chosen (before, "Go on (Enter): first tick a
    # line", greyed).
    go_on = t.gettext("Go on (Enter)")
    page_down_to(page, go_on, t.gettext("More ↓ (PgDn)"))  # Go on is below a long list
    wait_for_text(page, re.escape(go_on))
    tap(page, go_on)
    for _ in range(200):
        match = re.search(number_pattern, screen(page))
        if not match or int(match.group(1)) != number:
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"the tick-list {number} did not go on:\n{screen(page)}")


def test_a_whole_visit_by_touch_stays_on_the_kiosk(page, kiosk, translators):
    nl = translators["nl"]
    requests = record_requests(page)
    open_kiosk(page, kiosk)
    shot(page, "welcome")
    tap(page, "Nederlands")
    wait_for_text(page, re.escape(nl.gettext("Start (Enter)")))
    tap(page, nl.gettext("Start (Enter)"))
    pattern = question_pattern(nl)
    answered = 0
    finish = re.escape(nl.gettext("Your result"))
    text = wait_for_text(page, pattern)
    while True:
        match = re.search(pattern, text)
        if not match:
            break
        if answered == 1:
            shot(page, "question")
        next_step_by_touch(page, nl, pattern, int(match.group(1)))
        answered += 1
        text = wait_for_text(page, f"{pattern}|{finish}")
    assert answered >= 5
    assert nl.gettext("Your result") in screen(page)
    shot(page, "result")
    # Larger text (the page's A+ button, twice): the kiosk gets fewer, larger cells,
    # and the result is still paged by touch to its Finish button below.
    cols = page.evaluate("window.skillcheck.terminal().cols")
    for _ in range(2):
        page.tap("#larger")
        page.wait_for_timeout(300)
    assert page.evaluate("window.skillcheck.terminal().cols") < cols
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # The result is paged by touch to its end (the tui branch's More ↓ button).
    more = nl.gettext("More ↓ (PgDn)")
    # The result is longer than the screen: More ↓ shows once it is laid out (the
    # QR codes and cards come after the first frame).
    wait_for_text(page, re.escape(more))
    pages = 0
    while more in screen(page) and pages < 30:
        before = screen(page)
        tap(page, more)
        for _ in range(40):
            if screen(page) != before:
                break
            page.wait_for_timeout(50)
        if screen(page) == before:
            break  # at the end: the button stays but the page does not move
        pages += 1
    assert pages >= 1
    shot(page, "result-end")
    tap(page, nl.gettext("Finish (Enter)"))
    wait_for_text(page, "English")

    def completed():
        with sqlite3.connect(kiosk.database) as db:
            return db.execute(
                "select count(*) from sessions where status = 'completed'"
            ).fetchone()[0]

    assert wait_until(completed)
    # Every request went to the kiosk's own address: the page, its files, its socket.
    assert requests
    for url in requests:
        parts = urlsplit(url)
        assert (parts.hostname, parts.port) == ("127.0.0.1", kiosk.port), url
    assert any(urlsplit(url).path.startswith("/ws/voices/") for url in requests)
    assert not any("fonts.googleapis" in url for url in requests)


def test_go_on_is_seen_before_the_first_tick(page, kiosk, translators):
    """On a tick-list Go on is there before anything is ticked, saying to tick a line
    first (issue 24: it appeared only after a tick, and a beginner by touch never
    found the way on); a tap on it then does nothing; after a tick it goes on."""
    en = translators["en"]
    open_kiosk(page, kiosk)
    tap(page, "English")
    wait_for_text(page, re.escape(en.gettext("Start (Enter)")))
    tap(page, en.gettext("Start (Enter)"))
    pattern = question_pattern(en)
    wait_for_text(page, pattern)
    answer_first_option(page, pattern, 1)  # the internet: yes
    wait_for_text(page, re.escape("[ ] 1"))
    waiting = en.gettext("Go on (Enter): first tick a line")
    page_down_to(page, waiting, en.gettext("More ↓ (PgDn)"))  # a long list, by touch
    wait_for_text(page, re.escape(waiting))
    wait_until_still(page)  # the list settles into its layout after its first frame
    shot(page, "tick-list-waiting")
    tap(page, waiting)
    page.wait_for_timeout(600)
    assert waiting in screen(page) and "[X]" not in screen(page)
    tap(page, "[ ]", last=True)  # the last line: None of these
    text = wait_for_text(page, re.escape("[X]"))
    go_on = en.gettext("Go on (Enter)")
    assert waiting not in text and go_on in text
    tap(page, go_on)
    for _ in range(100):
        if go_on not in screen(page):
            break
        page.wait_for_timeout(50)
    assert go_on not in screen(page), screen(page)


def test_each_language_reaches_its_first_question(page, kiosk, translators):
    open_kiosk(page, kiosk)
    for code, name in (("fr", "Français"), ("en", "English")):
        t = translators[code]
        tap(page, name)
        wait_for_text(page, re.escape(t.gettext("Start (Enter)")))
        tap(page, t.gettext("Start (Enter)"))
        wait_for_text(page, question_pattern(t))
        page.reload()
        wait_for_state(page, "running")
        wait_for_text(page, "English")


def test_the_language_can_be_switched_by_touch(page, kiosk, translators):
    open_kiosk(page, kiosk)
    tap(page, "Nederlands")
    nl, fr = translators["nl"], translators["fr"]
    wait_for_text(page, re.escape(nl.gettext("Start (Enter)")))
    tap(page, nl.gettext("Language"))
    wait_for_text(page, "Français")
    tap(page, "Français", last=True)
    wait_for_text(page, re.escape(fr.gettext("Start (Enter)")))


def test_a_wrong_pin_is_refused(page, kiosk, translators):
    open_kiosk(page, kiosk)
    # A keyboard on the terminal (staff bring one); the keys go to xterm's input.
    page.focus(".xterm-helper-textarea")
    page.keyboard.press("F12")
    page.wait_for_timeout(500)
    page.keyboard.type("000000")
    page.keyboard.press("Enter")
    wrong = translators["nl"].ngettext(
        "Wrong PIN. Try again in {count} second.", "Wrong PIN. Try again in {count} seconds.", 2
    )
    before_count = wrong.split("{count}")[0]
    shown = wait_for_text(page, re.escape(before_count))
    assert PIN not in shown
    shot(page, "wrong-pin")


def test_the_page_comes_back_by_itself_after_a_restart(browser, tmp_path, translators):
    kiosk = make_kiosk(tmp_path / "restart")
    kiosk.start()
    context = browser.new_context(viewport={"width": 1280, "height": 800}, has_touch=True)
    page = context.new_page()
    try:
        open_kiosk(page, kiosk)
        kiosk.stop()
        wait_for_state(page, "waiting")
        # The kiosk's own notice, in the site's languages; the old screen is gone.
        notice = page.inner_text("#waiting")
        for code in ("nl", "fr", "en"):
            assert (
                translators[code].gettext("One moment, please: the kiosk is starting again.")
                in notice
            )
        assert page.is_hidden("#terminal") or screen(page).strip() == ""
        kiosk.start()
        wait_for_state(page, "running", timeout=30)
        wait_for_text(page, "English")
    finally:
        context.close()
        kiosk.stop()


def test_visitors_beyond_the_limit_wait_for_a_free_place(browser, tmp_path):
    kiosk = make_kiosk(tmp_path / "busy", max_visitors=1)
    kiosk.start()
    first = browser.new_context(viewport={"width": 1280, "height": 800}, has_touch=True)
    second = browser.new_context(viewport={"width": 1280, "height": 800}, has_touch=True)
    try:
        one, two = first.new_page(), second.new_page()
        open_kiosk(one, kiosk)
        two.goto(kiosk.url)
        wait_for_state(two, "busy")
        first.close()
        wait_for_state(two, "running", timeout=30)
        wait_for_text(two, "English")
    finally:
        second.close()
        kiosk.stop()


def test_a_closed_tab_is_recorded_as_abandoned(browser, tmp_path, translators):
    kiosk = make_kiosk(tmp_path / "closed")
    kiosk.start()
    context = browser.new_context(viewport={"width": 1280, "height": 800}, has_touch=True)
    try:
        page = context.new_page()
        open_kiosk(page, kiosk)
        en = translators["en"]
        tap(page, "English")
        wait_for_text(page, re.escape(en.gettext("Start (Enter)")))
        tap(page, en.gettext("Start (Enter)"))
        pattern = question_pattern(en)
        for number in (1, 2, 3):  # the internet question and two tick-lists
            wait_for_text(page, pattern)
            next_step_by_touch(page, en, pattern, number)
        context.close()

        def abandoned():
            if not kiosk.database.exists():
                return None
            with sqlite3.connect(kiosk.database) as db:
                return db.execute(
                    "select status from sessions where status = 'abandoned'"
                ).fetchall()

        assert wait_until(abandoned, timeout=20)
    finally:
        kiosk.stop()


def test_an_idle_visit_returns_to_the_welcome_by_itself(browser, tmp_path, translators):
    # The shortest the config allows: 15 s idle, then a 20 s countdown (no key pressed).
    kiosk = make_kiosk(tmp_path / "idle", idle_seconds=15, warning_seconds=20)
    kiosk.start()
    context = browser.new_context(viewport={"width": 1280, "height": 800}, has_touch=True)
    context.add_init_script(fake_speech(["en-GB"]))
    try:
        page = context.new_page()
        open_kiosk(page, kiosk)
        en = translators["en"]
        tap(page, "English")
        wait_for_text(page, re.escape(en.gettext("Start (Enter)")))
        tap(page, en.gettext("Start (Enter)"))
        pattern = question_pattern(en)
        wait_for_text(page, pattern)
        answer_first_option(page, pattern, 1)
        wait_for_text(page, pattern)
        tap(page, "R ▶")  # question 2 read aloud (the fake voice never ends by itself)
        page.wait_for_function("() => window.fakeSpeech.log.some((e) => e.kind === 'speak')")
        # Nobody touches the screen: the warning, then the welcome, in the same page.
        wait_for_text(page, "Nederlands.*Français.*English", timeout=60)
        assert not re.search(pattern, screen(page))
        assert page.evaluate("document.body.dataset.state") == "running"
        # The reading stopped (at the warning dialog or the reset, not by a key).
        log = page.evaluate("window.fakeSpeech.log")
        speak = max(i for i, e in enumerate(log) if e["kind"] == "speak")
        assert any(e["kind"] == "cancel" for e in log[speak + 1 :]), log

        def abandoned():
            with sqlite3.connect(kiosk.database) as db:
                return db.execute(
                    "select count(*) from sessions where status = 'abandoned'"
                ).fetchone()[0]

        assert wait_until(abandoned)
    finally:
        context.close()
        kiosk.stop()
