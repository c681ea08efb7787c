"""The kiosk in a browser tab hears of the browser's voices after it started
(skillcheck.tui.browser): the page never waits for them before the welcome paints."""

from __future__ import annotations

from kiosk_driver import make_app, run
from skillcheck.speech import PageSpeaker
from skillcheck.tui.browser import VOICES_META, KioskWebDriver
from skillcheck.tui.messages import VoicesHeard
from skillcheck.tui.screens.welcome import WelcomeScreen

FOUR = ("nl", "fr", "de", "en")


def test_voices_heard_later_bring_the_read_aloud_button(tmp_path):
    sent: list[str] = []

    async def scenario():
        app = make_app(tmp_path, languages=FOUR, speaker=PageSpeaker([], sent.append))
        async with app.run_test(size=(80, 24)) as pilot:
            assert isinstance(app.screen, WelcomeScreen)
            assert not app.screen.query("#read-aloud-button")
            app.post_message(VoicesHeard(("nl", "fr", "en")))
            await pilot.pause()
            await pilot.pause()
            assert app.screen.query("#read-aloud-button")
            await pilot.press("r")
            assert sent and '"nl"' in sent[-1] and '"de"' not in sent[-1]

    run(scenario())


def test_the_driver_turns_the_voices_message_into_voices_heard():
    posted = []

    class Recording(KioskWebDriver):
        def __init__(self) -> None:  # no app, no terminal: only on_meta is tried
            pass

        def send_message(self, message) -> None:
            posted.append(message)

    driver = Recording()
    driver.on_meta(VOICES_META, {"type": VOICES_META, "languages": "nl,fr"})
    driver.on_meta(VOICES_META, {"type": VOICES_META, "languages": ["not", "text"]})
    assert [message.languages for message in posted] == [("nl", "fr")]


def test_sigterm_records_the_visit_at_once(tmp_path):
    """serve sends SIGTERM to a kiosk that did not quit when asked (keys waiting ahead
    of the quit); SIGKILL follows 1.5 s later. The visit is recorded in the signal's
    handler, before the exit waits its turn behind those keys."""
    import signal
    import sqlite3

    from kiosk_driver import start_visit

    def rows() -> list[tuple]:
        with sqlite3.connect(tmp_path / "sessions.db") as db:
            return db.execute("SELECT status, items_answered FROM sessions").fetchall()

    async def scenario():
        app = make_app(tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await start_visit(pilot, "nl")
            await pilot.press("3", "2")  # two items, after the internet question's yes
            app.end_on_signal(signal.SIGTERM)
            assert rows() == [("abandoned", 3)]  # before the app has ended

    run(scenario())
    assert rows() == [("abandoned", 3)]  # once
