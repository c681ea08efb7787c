"""`skillcheck check` and the rules that keep the core free of textual."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from skillcheck.bank import check_bank
from skillcheck.cli import cli

CORE = ["bank", "session", "scoring", "initiatives", "i18n", "store", "reports", "config"]


def run_check(*args: str):
    return CliRunner().invoke(cli, ["check", *args])


def test_shipped_content_passes() -> None:
    result = run_check()
    assert result.exit_code == 0, result.output
    summary = result.output.strip().splitlines()[-1]
    assert summary.startswith(
        "OK: 36 items in 5 areas, 31 DSI activities (a visit: at most 16 steps), 21 of 21"
    )
    assert "initiatives" in summary and "nl" in summary and "fr" in summary


def test_broken_copies_exit_1_with_one_line_per_problem(questions_copy: Path) -> None:
    items = questions_copy / "items" / "1-information.toml"
    text = items.read_text()
    text = text.replace('band = "basic"', 'band = "beginner"', 1)
    items.write_text(text)
    catalogue = questions_copy / "initiatives.toml"
    catalogue.write_text(catalogue.read_text().replace('region = "brussels"', 'region = "gent"', 1))
    result = run_check("--questions", str(questions_copy))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    lines = result.output.splitlines()
    assert any(line.startswith(f"{items}:") and "unknown band 'beginner'" in line for line in lines)
    assert any(
        line.startswith(f"{catalogue}:") and "unknown region 'gent'" in line for line in lines
    )
    assert lines[-1] == "2 problem(s) found."


def test_missing_folder_is_reported_not_raised(tmp_path: Path) -> None:
    result = run_check("--questions", str(tmp_path / "nowhere"))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "areas.toml:0: file is missing" in result.output


def test_a_broken_config_is_named(tmp_path: Path) -> None:
    config = tmp_path / "site.toml"
    config.write_text('site = "Bib"\nregion = "flanders"\nidle_seconds = "long"\n')
    result = run_check("--config", str(config))
    assert result.exit_code == 1
    assert f"{config}:3: 'idle_seconds' must be int" in result.output


def test_help_and_core_do_not_import_textual() -> None:
    modules = ", ".join(f"skillcheck.{name}" for name in CORE)
    code = (
        f"import sys, skillcheck.cli, {modules}\n"
        "assert not [m for m in sys.modules if m.startswith('textual')], 'textual imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_python_dash_m_lists_the_commands() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "skillcheck", "--help"], capture_output=True, text=True, check=True
    )
    assert "check" in result.stdout


def test_check_config_names_a_database_that_is_not_skillchecks(tmp_path: Path) -> None:
    database = tmp_path / "notes.db"
    database.write_text("not a database")
    config = tmp_path / "site.toml"
    config.write_text(f'site = "Bib"\ndatabase = "{database}"\n')
    result = run_check("--config", str(config))
    assert result.exit_code == 1
    assert f"{config}:2: database: {database}: not an SQLite database" in result.output


def test_check_config_names_a_foreign_database_with_a_skillcheck_version_number(
    tmp_path: Path,
) -> None:
    """Recognised by its tables, not user_version; and left byte for byte unchanged."""
    import hashlib
    import sqlite3

    database = tmp_path / "other.db"
    conn = sqlite3.connect(database)
    conn.execute("CREATE TABLE birds (name)")
    conn.execute("PRAGMA user_version = 3")
    conn.commit()
    conn.close()
    before = hashlib.sha256(database.read_bytes()).hexdigest()
    config = tmp_path / "site.toml"
    config.write_text(f'site = "Bib"\ndatabase = "{database}"\n')
    result = run_check("--config", str(config))
    assert result.exit_code == 1
    assert "not a skillcheck database" in result.output
    assert hashlib.sha256(database.read_bytes()).hexdigest() == before


def test_an_empty_item_file_says_what_is_missing(questions_copy) -> None:
    """Reliability review, finding 10: an empty item file read "unknown area None"."""
    empty = questions_copy / "items" / "1-information.toml"
    empty.write_text("")
    bank, problems = check_bank(questions_copy)
    assert bank is None
    messages = [str(p) for p in problems if p.path == empty]
    assert any("no 'area = N'" in m for m in messages), messages
    assert not any("None" in m for m in messages)


def test_check_config_refuses_kiosk_mode_without_a_pin(tmp_path: Path) -> None:
    config = tmp_path / "site.toml"
    config.write_text('site = "Bib"\nkiosk = true\nread_aloud = false\n')
    result = run_check("--config", str(config))
    assert result.exit_code == 1
    assert f"{config}:2: kiosk = true but there is no facilitator PIN" in result.output
    from skillcheck.pin import hash_pin, write_pin_file

    write_pin_file(tmp_path / "site.pin", hash_pin("432100"), owner_of=config)
    assert run_check("--config", str(config)).exit_code == 0


def test_check_config_names_each_unknown_language_on_its_own_line(tmp_path: Path) -> None:
    config = tmp_path / "site.toml"
    config.write_text('site = "Bib"\nlanguages = ["nl", "xx", "fr", "yy"]\n')
    result = run_check("--config", str(config))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    for code in ("xx", "yy"):
        mine = [line for line in lines if f"no language '{code}'" in line]
        assert len(mine) == 1 and mine[0].startswith(f"{config}:2: languages:"), lines
    # No read-aloud warning about a voice for a language that does not exist.
    assert not any("voice" in line and ("xx" in line or "yy" in line) for line in lines)


def test_check_refuses_a_right_to_left_language_in_exactly_one_line(tmp_path: Path) -> None:
    import shutil

    from skillcheck.paths import LOCALES_DIR

    locales = tmp_path / "locales"
    shutil.copytree(LOCALES_DIR, locales)
    (locales / "ar" / "LC_MESSAGES").mkdir(parents=True)
    french = (LOCALES_DIR / "fr" / "LC_MESSAGES" / "skillcheck.po").read_text("utf-8")
    (locales / "ar" / "LC_MESSAGES" / "skillcheck.po").write_text(
        french.replace("Language: fr", "Language: ar"), "utf-8"
    )
    result = run_check("--locales", str(locales))
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if "/ar/" in line]
    assert len(lines) == 1, lines
    assert "ar is written right to left, which the kiosk cannot show" in lines[0]


def test_check_prints_the_digcomp_3_coverage_before_its_summary(bank) -> None:
    """DigComp 3.0 Annex 2: covered/all learning outcomes per competence x level."""
    lines = run_check().output.strip().splitlines()
    start = lines.index("DigComp 3.0 learning outcomes covered (Annex 2): covered/all per level")
    table = lines[start + 1 :]
    assert table[0].split() == ["comp.", "basic", "intermediate", "advanced", "highly", "adv."]
    rows = {line.split()[0]: line for line in table[1:23]}
    assert list(rows)[:21] == sorted(rows)[:21] and len(rows) == 22  # 21 competences, all
    coverage = bank.coverage()
    covered, total = coverage[("1.2", "basic")]
    assert rows["1.2"].split()[1] == f"{covered}/{total}"
    assert (
        rows["all"].split()[1]
        == f"{sum(c for (_, lv), (c, _) in coverage.items() if lv == 'basic')}/151"
    )
    assert table[23].startswith("AI-explicit outcomes covered: ") and "LO2.1.06" in table[23]
    assert lines[-1].startswith("OK: ")
