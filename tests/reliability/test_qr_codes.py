"""`check --config` draws every QR code the kiosk will draw (issue 19, finding 4).

Before the fix a help-desk URL too long for a QR code passed `check --config`, then
crashed the kiosk on every result screen (segno's DataOverflowError)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from skillcheck.cli import cli
from skillcheck.qr import MAX_COLUMNS, qr_problem, qr_rows

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "site.toml"


def config_with(tmp_path: Path, url: str, where: str) -> Path:
    config = tmp_path / "site.toml"
    text = EXAMPLE.read_text(encoding="utf-8")
    anchor = (
        'name = "De Krook – digitale hulp"'
        if where == "help desk"
        else ('name = "Computerles voor beginners"')
    )
    text = text.replace(anchor, f'{anchor}\nurl = "{url}"', 1)
    config.write_text(text, encoding="utf-8")
    return config


@pytest.mark.parametrize("where", ["help desk", "initiative"])
@pytest.mark.parametrize("length", [3000, 400])  # too long for any QR code; too wide
def test_a_url_whose_qr_code_does_not_fit_is_named(tmp_path, where, length):
    url = "https://www.example.be/" + "a" * length
    config = config_with(tmp_path, url, where)
    line = config.read_text(encoding="utf-8").splitlines().index(f'url = "{url}"') + 1
    result = CliRunner().invoke(cli, ["check", "--config", str(config)])
    assert result.exit_code == 1, result.output
    expected = "too long for a QR code" if length == 3000 else f"more than the {MAX_COLUMNS}"
    assert f"{config}:{line}: url " in result.output and expected in result.output


def test_a_short_url_passes(tmp_path):
    config = config_with(tmp_path, "https://www.dekrook.be/digitaal", "help desk")
    result = CliRunner().invoke(cli, ["check", "--config", str(config)])
    assert result.exit_code == 0, result.output


def test_no_translation_can_lengthen_the_results_own_qr_code(tmp_path, locales_copy):
    """The result's code (issue 24's take-home summary) is letters and digits, the same
    in every language: a 300-character translation of an area's line leaves it, and
    `check`, unchanged; its longest (every area at the longest level letters, dated)
    is checked and fits."""
    from skillcheck.scoring import LEVEL_LETTERS, summary_text

    po = locales_copy / "fr" / "LC_MESSAGES" / "skillcheck.po"
    text = po.read_text(encoding="utf-8")
    lines = text.splitlines()
    index = lines.index('msgid "{area}: {level}"')
    lines[index + 1] = 'msgstr "{area} ' + "x" * 300 + ' : {level}"'
    po.write_text("\n".join(lines) + "\n", encoding="utf-8")
    config = tmp_path / "site.toml"
    shutil.copy(EXAMPLE, config)
    result = CliRunner().invoke(
        cli, ["check", "--config", str(config), "--locales", str(locales_copy)]
    )
    assert result.exit_code == 0, result.output
    longest = max(LEVEL_LETTERS.values(), key=len)
    level = next(lv for lv, letters in LEVEL_LETTERS.items() if letters == longest)
    summary = summary_text(dict.fromkeys(range(1, 6), level), date(2026, 12, 17))
    assert "x" not in summary and qr_problem(summary) is None


def test_the_kiosk_draws_no_qr_code_rather_than_crash():
    from skillcheck.tui.widgets.initiative_card import qr_text

    assert qr_text("https://www.example.be/" + "a" * 3000) == ""
    assert qr_problem("https://www.dekrook.be") is None
    assert len(qr_rows("https://www.dekrook.be")[0]) <= MAX_COLUMNS
