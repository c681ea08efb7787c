"""The result's QR summary: the day and a level per area, in the visit's language."""

from __future__ import annotations

import random
from datetime import date

import pytest

from session_driver import finished as visit
from skillcheck.bank import Bank
from skillcheck.i18n import load_translators
from skillcheck.paths import LOCALES_DIR
from skillcheck.scoring import LEVEL_WORDS, summary_text
from skillcheck.session import Session

TRANSLATORS = load_translators(LOCALES_DIR)


def finished(bank: Bank, seed: int) -> Session:
    rng = random.Random(seed)
    return visit(bank, rng, rng.random())


@pytest.mark.parametrize("language", ["en", "nl", "fr"])
@pytest.mark.parametrize("seed", range(5))
def test_summary_holds_the_date_and_each_area_level_in_the_language(
    bank: Bank, language: str, seed: int
) -> None:
    t = TRANSLATORS[language]
    levels = finished(bank, seed).result().levels
    text = summary_text(bank, levels, t, date(2026, 11, 28))
    lines = text.splitlines()
    assert len(lines) == 6
    month = {"en": "November", "nl": "november", "fr": "novembre"}[language]
    assert f"28 {month} 2026" in lines[0]
    for line, area in zip(lines[1:], bank.areas, strict=True):
        assert line.startswith(t.pgettext(area.context, area.name))
        assert line.endswith(t.gettext(LEVEL_WORDS[levels[area.number]]))
    assert "http" not in text and "www." not in text  # text only, nothing to look up
    if language != "en":
        assert "My digital skills" not in text


def test_summary_qr_fits_80_columns(bank: Bank) -> None:
    """The longest summary (French, the longest level words) as the kiosk draws it."""
    from skillcheck.tui.widgets.initiative_card import qr_text

    longest = max(
        (
            summary_text(bank, dict.fromkeys(range(1, 6), level), t, date(2026, 9, 30))
            for t in TRANSLATORS.values()
            for level in LEVEL_WORDS
        ),
        key=lambda text: len(text.encode()),
    )
    drawn = qr_text(longest, error="l").splitlines()
    assert max(len(line) for line in drawn) <= 76
