"""Take your result home: the result's QR code alone, whole at 80x24 and 60x20, read
back from the kiosk's own screenshot and decoded by zbarimg as a phone would."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date

import pytest
from textual.widgets import Button

from kiosk_driver import (
    answer_all,
    assert_fully_visible,
    make_app,
    mastered_number,
    run,
    screenshot_text,
    tappable,
    tick_all,
)
from skillcheck.qr import QUIET_ZONE
from skillcheck.scoring import summary_text
from skillcheck.tui.screens.result import ResultScreen
from skillcheck.tui.screens.take_home import TakeHomeModal

FOUR = ("nl", "fr", "de", "en")
SIZES = [(80, 24), (60, 20)]
# Each half block is two modules, one above the other.
GLYPHS = {"█": (1, 1), "▀": (1, 0), "▄": (0, 1), " ": (0, 0)}


def decode(rows: list[str], tmp_path) -> str:
    """The text a QR reader finds in these rows of half blocks (drawn at 8 pixels a
    module, nothing added around them: the quiet zone must be on the screen)."""
    modules = []
    for row in rows:
        pairs = [GLYPHS[char] for char in row]
        modules.append([top for top, _ in pairs])
        modules.append([bottom for _, bottom in pairs])
    scale = 8
    data = bytearray()
    for line in modules:
        pixels = bytes(0 if dark else 255 for dark in line for _ in range(scale))
        data += pixels * scale
    image = tmp_path / "code.pgm"
    header = b"P5\n%d %d\n255\n" % (len(modules[0]) * scale, len(modules) * scale)
    image.write_bytes(header + bytes(data))
    zbarimg = shutil.which("zbarimg")
    assert zbarimg, "zbarimg (zbar-tools) is needed for this test"
    done = subprocess.run([zbarimg, "--raw", "-q", str(image)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.rstrip("\n")


def code_rows(app) -> list[str]:
    """The QR code's rows as the screenshot shows them, from its place on the screen."""
    code = app.screen.query_one("#take-home-code")
    region = code.region
    width, height = app.size
    assert region.right <= width and region.bottom <= height, (region, app.size)
    shown = screenshot_text(app)[region.y : region.bottom]
    rows = [line[region.x : region.right] for line in shown]
    assert all(set(row) <= set(GLYPHS) for row in rows), rows
    # the quiet zone: light on every side, in the screenshot itself
    assert rows[0].strip() == "" and rows[1].strip() == "", rows[:2]
    assert all(row[:QUIET_ZONE].strip() == "" and row[-QUIET_ZONE:].strip() == "" for row in rows)
    return rows


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_result_code_is_whole_and_decodes_to_the_summary(tmp_path, size):
    """From the result by a tap on the large button: the code alone, whole, and a
    phone reads exactly the summary (at 80x24 it was split over two pages, at 60x20
    cut on the right)."""

    async def scenario():
        app = make_app(tmp_path, languages=FOUR)
        async with app.run_test(size=size) as pilot:
            await pilot.click("#lang-nl")
            await pilot.pause()
            await pilot.click("#start")
            await pilot.pause()
            # The internet question, every list ticked whole, every item mastered.
            await answer_all(pilot, mastered_number, tick_all)
            assert isinstance(app.screen, ResultScreen)
            result = app.screen.result
            button = app.screen.query_one("#take-home", Button)
            assert tappable(button) and button.region.height >= 3
            await pilot.click("#take-home")
            await pilot.pause()
            assert isinstance(app.screen, TakeHomeModal)
            assert_fully_visible(app)
            assert tappable(app.screen.query_one("#back-to-result", Button))
            rows = code_rows(app)
            summary = summary_text(result.levels, date.today())
            await app.workers.wait_for_complete()
            await pilot.click("#back-to-result")
            await pilot.pause()
            assert isinstance(app.screen, ResultScreen)
            await pilot.press("q")  # the key does the same
            await pilot.pause()
            assert isinstance(app.screen, TakeHomeModal)
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, ResultScreen)
            return rows, summary

    rows, summary = run(scenario())
    assert decode(rows, tmp_path) == summary
    assert summary.startswith("SKILLCHECK ") and "http" not in summary


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("language", FOUR)
def test_the_take_home_words_fit_beside_the_code(tmp_path, size, language):
    """The longest summary (every area above basic) in every language: the words and
    the button whole beside the code, the code read back by zbarimg."""
    levels = dict.fromkeys(range(1, 6), "above_basic")
    summary = summary_text(levels, date(2026, 12, 17))

    async def scenario():
        app = make_app(tmp_path, languages=FOUR)
        async with app.run_test(size=size) as pilot:
            app.set_language(language)
            app.push_screen(TakeHomeModal(summary))
            await pilot.pause()
            assert_fully_visible(app)
            back = app.screen.query_one("#back-to-result", Button)
            assert tappable(back) and back.region.height >= 3
            return code_rows(app)

    assert decode(run(scenario()), tmp_path) == summary
