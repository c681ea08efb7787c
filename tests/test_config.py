"""Site config validation (the PIN is tests/test_pin.py's)."""

from __future__ import annotations

from pathlib import Path

import pytest

from skillcheck.config import check_config, default_config, load_config

EXAMPLE = """\
# Bibliotheek Gent
site = "De Krook"
terminal = "krook-1"
region = "flanders"
languages = ["nl", "fr", "en"]
default_language = "nl"
idle_seconds = 90
warning_seconds = 20

[help_desk]
name = "Infobalie"
offer = { nl = "Vraag het aan de infobalie op het gelijkvloers.", en = "Ask at the desk." }

[[initiatives]]
id = "krook-computerles"
name = "Computerles in De Krook"
offer = { nl = "Elke dinsdag computerles voor beginners.", fr = "Cours le mardi." }
levels = ["none"]
region = "flanders"
languages = ["nl"]
"""


def test_example_config_loads(tmp_path: Path) -> None:
    path = tmp_path / "site.toml"
    path.write_text(EXAMPLE)
    config = load_config(path)
    assert config.site == "De Krook" and config.region == "flanders"
    assert config.help_desk is not None and config.help_desk.name == "Infobalie"
    assert config.initiatives[0].local_texts["offer"]["fr"] == "Cours le mardi."
    assert default_config().kiosk is False


def test_config_errors_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "site.toml"
    path.write_text(
        EXAMPLE.replace('region = "flanders"\nlanguages', 'region = "limburg"\nlanguages')
        .replace("warning_seconds = 20", "warning_seconds = 5")
        .replace('default_language = "nl"', 'default_language = "de"')
        + 'colour = "blue"\n'
    )
    config, problems = check_config(path)
    assert config is None
    messages = [str(p) for p in problems]
    assert any(m.startswith(f"{path}:4: unknown region 'limburg'") for m in messages), messages
    assert any(m.startswith(f"{path}:8:") and "warning_seconds" in m for m in messages)
    assert any(m.startswith(f"{path}:6:") and "'de' is not in languages" in m for m in messages)
    assert any("unknown key 'colour'" in m for m in messages)


def test_site_texts_missing_an_offered_language_are_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "site.toml"
    path.write_text(EXAMPLE)
    config, problems = check_config(path)
    assert config is not None  # warnings do not stop the kiosk
    messages = [str(p) for p in problems]
    # the help desk's offer has nl and en but the site offers fr too (line 12)
    assert any(
        m.startswith(f"{path}:12: warning: 'offer' of 'Infobalie' has no text in fr")
        for m in messages
    ), messages
    assert all(p.severity == "warning" for p in problems)


RANGES = [("idle_seconds", 15, 3600), ("warning_seconds", 20, 300)]


@pytest.mark.parametrize(("key", "low", "high"), RANGES)
def test_every_config_range_holds_at_both_edges(tmp_path: Path, key: str, low: int, high: int):
    path = tmp_path / "site.toml"
    for value, accepted in ((low - 1, False), (low, True), (high, True), (high + 1, False)):
        path.write_text(f'site = "x"\n{key} = {value}\n')
        config, problems = check_config(path)
        if accepted:
            assert config is not None and getattr(config, key) == value, problems
        else:
            assert config is None
            assert [(p.line, p.severity) for p in problems] == [(2, "error")]
            assert f"'{key}' must be between {low} and {high}" in problems[0].message


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('region = "limburg"', "unknown region 'limburg'"),
        ('theme = "dark"', "unknown theme 'dark'"),
        ("idle_seconds = true", "'idle_seconds' must be int"),
        ("kiosk = 1", "'kiosk' must be bool"),
        ("languages = []", "'languages' must be a list of codes"),
        ('languages = ["nl", "x"]', "'languages' must be a list of codes"),
        ('default_language = "it"', "'default_language' 'it' is not in languages"),
    ],
)
def test_every_other_config_value_is_checked(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "site.toml"
    path.write_text(f'site = "x"\n{line}\n')
    config, problems = check_config(path)
    assert config is None
    assert any(p.line == 2 and message in p.message for p in problems), problems


def test_spool_folders_are_read_from_the_config_folder(tmp_path):
    from skillcheck.config import load_config

    config = tmp_path / "site.toml"
    config.write_text('spool_folders = ["spool", "/run/x"]\n', encoding="utf-8")
    assert load_config(config).spool_folders == (tmp_path / "spool", Path("/run/x"))
    config.write_text('spool_folders = "spool"\n', encoding="utf-8")
    from skillcheck.config import check_config

    _, problems = check_config(config)
    assert any("spool_folders" in str(p) for p in problems)


def test_export_folder_is_read_from_the_config_folder(tmp_path):
    config = tmp_path / "site.toml"
    config.write_text('export_folder = "exports"\n', encoding="utf-8")
    assert load_config(config).export_folder == tmp_path / "exports"
    config.write_text('export_folder = "/media/usb"\n', encoding="utf-8")
    assert load_config(config).export_folder == Path("/media/usb")


def test_without_a_config_the_language_asked_for_is_offered_too(tmp_path):
    # `skillcheck run --lang it` without --config: a translator sees a language being
    # added, which the built-in default (nl, fr, de, en) does not offer yet.
    from skillcheck.config import default_config

    assert default_config().languages == ("nl", "fr", "de", "en")
    assert default_config("de").languages == ("nl", "fr", "de", "en")
    assert default_config("it").languages == ("nl", "fr", "de", "en", "it")


def test_make_run_offers_four_languages_german_third(tmp_path):
    """The README's promise: `make run` (no config) offers nl, fr, de and en, keys 1-4."""
    from textual.widgets import Button

    from kiosk_driver import run
    from skillcheck.config import default_config
    from skillcheck.paths import LOCALES_DIR, QUESTIONS_DIR
    from skillcheck.tui.launch import build_app

    async def scenario():
        app = build_app(
            config=default_config(),
            questions_dir=QUESTIONS_DIR,
            locales_dir=LOCALES_DIR,
            database=tmp_path / "sessions.db",
            idle_seconds=0,
        )
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert list(app.translators) == ["nl", "fr", "de", "en"]
            labels = [b.id for b in app.screen.query(Button) if (b.id or "").startswith("lang-")]
            assert labels == ["lang-nl", "lang-fr", "lang-de", "lang-en"], labels
            await pilot.press("3")
            await pilot.pause()
            assert app.language == "de" and app.t.gettext("Language") == "Sprache"

    run(scenario())


def test_a_config_may_offer_fewer_languages(tmp_path):
    path = tmp_path / "site.toml"
    path.write_text('languages = ["fr", "de"]\n', encoding="utf-8")
    config = load_config(path)
    assert config.languages == ("fr", "de") and config.default_language == "fr"
    path.write_text('site = "x"\n', encoding="utf-8")
    assert load_config(path).languages == ("nl", "fr", "de", "en")
