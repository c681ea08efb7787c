"""The result's QR summary: the day and a level per area, short enough for a code
drawn whole at 60x20 (the take-home screen)."""

from __future__ import annotations

import random
from datetime import date

import pytest
import segno

from session_driver import finished as visit
from skillcheck.bank import Bank
from skillcheck.scoring import LEVEL_LETTERS, LEVEL_WORDS, summary_text
from skillcheck.session import Session
from skillcheck.tui.screens.take_home import modules_of, version_for


def finished(bank: Bank, seed: int) -> Session:
    rng = random.Random(seed)
    return visit(bank, rng, rng.random())


@pytest.mark.parametrize("seed", range(5))
def test_summary_holds_the_date_and_each_area_level(bank: Bank, seed: int) -> None:
    levels = finished(bank, seed).result().levels
    text = summary_text(levels, date(2026, 11, 28))
    words = text.split(" ")
    assert words[:2] == ["SKILLCHECK", "2026-11-28"]
    assert words[2:] == [
        f"{area.number}:{LEVEL_LETTERS[levels[area.number]]}" for area in bank.areas
    ]
    assert "http" not in text and "www." not in text  # text only, nothing to look up


def test_the_longest_summary_fits_the_code_a_60x20_screen_holds() -> None:
    """Every level has its letters; the longest summary fits the version drawn at
    60x20 (19 rows above the key bar), in QR's compact alphanumeric mode."""
    assert set(LEVEL_LETTERS) == set(LEVEL_WORDS)
    longest = summary_text(dict.fromkeys(range(1, 6), "above_basic"), date(2026, 12, 31))
    version = version_for(60, 19)
    assert version is not None and (modules_of(version) + 1) // 2 <= 19
    code = segno.make_qr(longest, error="l", version=version, boost_error=True)
    assert code.mode == "alphanumeric"
    # at 80x24 the larger code carries the highest error correction
    bigger = segno.make_qr(longest, error="l", version=version_for(80, 23), boost_error=True)
    assert bigger.error == "H"
