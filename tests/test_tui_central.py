"""The kiosk pushes in the background and the staff screen says what waits (issue 22)."""

from __future__ import annotations

import asyncio
import time

from kiosk_driver import make_app, run
from sample_records import varied
from skillcheck.push import read_outbox_status
from skillcheck.store import open_database, save_sessions
from skillcheck.tui.screens.facilitator import FacilitatorScreen
from test_central_push import assert_same_sessions


def saved(tmp_path, count: int):
    path = tmp_path / "sessions.db"
    db = open_database(path)
    save_sessions(db, [varied(i, site="Bibliotheek Test", terminal="t1") for i in range(count)])
    db.close()
    return path


async def staff_text(app, pilot) -> str:
    app.open_facilitator()
    await pilot.pause()
    assert isinstance(app.screen, FacilitatorScreen)
    await app.workers.wait_for_complete()
    await pilot.pause()
    return str(app.screen.query_one("#counts").content)


def test_the_kiosk_pushes_in_the_background(network, tmp_path) -> None:
    central_db, terminal = network
    _, url = terminal("t1", site="Bibliotheek Test")
    path = saved(tmp_path, 12)

    async def scenario():
        app = make_app(tmp_path, central=url, languages=("en", "nl"), default_language="en")
        async with app.run_test(size=(80, 24)) as pilot:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                await asyncio.sleep(0.1)
                if app.pusher and read_outbox_status(path).waiting == 0:
                    break
            return await staff_text(app, pilot)

    text = run(scenario())
    assert "All sessions are sent to the network." in text
    assert_same_sessions([path], central_db)


def test_the_staff_screen_says_how_many_wait_and_since_when(tmp_path) -> None:
    path = saved(tmp_path, 3)
    down = "postgresql://t1@127.0.0.1:1/skillcheck?connect_timeout=2"

    async def scenario():
        app = make_app(tmp_path, central=down, languages=("en", "nl"), default_language="en")
        async with app.run_test(size=(80, 24)) as pilot:
            await app.workers.wait_for_complete()
            deadline = time.monotonic() + 20
            while app.pusher is None or app.pusher.status().last_error is None:
                await asyncio.sleep(0.1)
                assert time.monotonic() < deadline
            return await staff_text(app, pilot)

    text = run(scenario())
    assert "Waiting to be sent to the network: 3 (the oldest of 14 March 2025)" in text
    assert "Last problem with the network: connection failed" in text
    assert read_outbox_status(path).waiting == 3


def test_a_networked_terminals_staff_screen_says_where_the_figures_are(tmp_path) -> None:
    """Issue 22: a terminal's login may not read the central database, and the network
    publishes there only, so its own file has no release: the staff screen offers no
    (empty) export, and says its counts are this terminal's and where the network's
    published figures are."""
    saved(tmp_path, 3)
    down = "postgresql://t1@127.0.0.1:1/skillcheck?connect_timeout=2"

    async def scenario(central):
        app = make_app(tmp_path, central=central, languages=("en", "nl"), default_language="en")
        async with app.run_test(size=(80, 24)) as pilot:
            await staff_text(app, pilot)
            screen = app.screen
            buttons = [b.id for b in screen.query("#actions Button")]
            source = [str(s.content) for s in screen.query("#figures-source")]
            return buttons, source, app.focused.id

    buttons, source, focused = run(scenario(down))
    assert buttons == ["close", "leave"] and focused == "close"
    assert source == [
        "Counts of this terminal only. The network's published figures are on its central "
        "database: your coordinator exports them (skillcheck export)."
    ]
    buttons, source, focused = run(scenario(None))  # a terminal on its own: as before
    assert buttons == ["export", "close", "leave"] and focused == "export" and source == []
