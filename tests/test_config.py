"""Site config validation and the facilitator PIN."""

from __future__ import annotations

from pathlib import Path

from skillcheck.config import (
    PinLock,
    check_config,
    default_config,
    hash_pin,
    load_config,
    valid_pin,
    verify_pin,
    write_pin_hash,
)

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


def test_pin_hash_round_trip_and_salt() -> None:
    first, second = hash_pin("4711"), hash_pin("4711")
    assert first != second  # salted
    assert first.startswith("scrypt$") and "4711" not in first
    assert verify_pin("4711", first) and verify_pin("4711", second)
    assert not verify_pin("4712", first)
    assert not verify_pin("4711", None) and not verify_pin("4711", "plain")
    assert valid_pin("0000") and not valid_pin("12") and not valid_pin("12ab")


def test_write_pin_hash_keeps_the_rest_of_the_file(tmp_path: Path) -> None:
    path = tmp_path / "site.toml"
    path.write_text(EXAMPLE)
    write_pin_hash(path, hash_pin("2468"))
    config = load_config(path)
    assert verify_pin("2468", config.pin_hash)
    assert "# Bibliotheek Gent" in path.read_text()
    write_pin_hash(path, hash_pin("1357"))
    text = path.read_text()
    assert text.count("pin_hash") == 1
    assert verify_pin("1357", load_config(path).pin_hash)


def test_lock_out_grows() -> None:
    lock = PinLock()
    assert lock.seconds_left(100.0) == 0
    lock = lock.after_failure(100.0)
    assert lock.seconds_left(100.0) == 30
    lock = lock.after_failure(130.0)
    assert lock.seconds_left(130.0) == 60
    lock = lock.after_failure(190.0)
    assert lock.seconds_left(190.0) == 120
    assert lock.seconds_left(400.0) == 0
    assert lock.after_success().failures == 0


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


def test_a_hand_edited_hash_with_impossible_costs_is_refused_not_a_crash(tmp_path: Path) -> None:
    for stored in (
        "scrypt$3$8$1$00112233$aabb",  # n not a power of 2: scrypt would raise
        "scrypt$1073741824$8$1$00112233$aabb",  # n = 2**30: gigabytes at every try
        "scrypt$16384$8$1$$aabb",  # no salt
    ):
        assert not verify_pin("1234", stored)
        path = tmp_path / "site.toml"
        path.write_text(f'site = "x"\npin_hash = "{stored}"\n')
        config, problems = check_config(path)
        assert config is None
        assert [p.line for p in problems] == [2]


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
