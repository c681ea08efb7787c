"""`pip install .` gives a working kiosk anywhere: the wheel carries the content.

Built and installed without the network: the wheel is built with the hatchling of
the test environment (`--no-build-isolation`) and installed with `--no-index
--no-deps` into a fresh venv; the fresh venv sees the already-installed dependencies
through a .pth line (not the checkout: that .pth does not process the editable
install's own .pth), and `pip check` confirms every declared dependency is there.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from skillcheck.paths import CHECKOUT_ROOT

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "src" / "skillcheck"

START_HEADLESS = """
import sys
from skillcheck.config import default_config
from skillcheck.paths import LOCALES_DIR, QUESTIONS_DIR
from skillcheck.tui.launch import build_app

app = build_app(config=default_config(), questions_dir=QUESTIONS_DIR,
                locales_dir=LOCALES_DIR, database=sys.argv[1], idle_seconds=0)
seen = []

async def look(pilot):
    await pilot.pause()
    # One line per text (a welcome column holds several paragraphs).
    seen.extend(" ".join(str(w.content).split()) for w in app.screen.query("Static"))
    app.exit()

app.run(headless=True, size=(80, 24), auto_pilot=look)
print(QUESTIONS_DIR)
print(" | ".join(seen))
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheels")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--no-index", "-w", str(out), str(ROOT)],
        check=True,
    )  # fmt: skip
    (found,) = out.glob("skillcheck-*.whl")
    return found


@pytest.fixture(scope="module")
def fresh_venv(tmp_path_factory, wheel: Path) -> Path:
    venv = tmp_path_factory.mktemp("venv") / "fresh"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    # The dependencies already installed here, without the checkout's editable skillcheck.
    (Path(purelib) / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "--no-index", "--no-deps", str(wheel)],
        check=True,
    )
    return venv


def test_the_wheel_carries_the_content_the_licences_and_the_dependencies(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = next(archive.read(n) for n in names if n.endswith(".dist-info/METADATA"))
    metadata_text = metadata.decode()
    for shipped in ("questions/areas.toml", "questions/initiatives.toml", "questions/LICENSE",
                    "locales/skillcheck.pot", "locales/nl/LC_MESSAGES/skillcheck.po",
                    "locales/fr/LC_MESSAGES/skillcheck.po", "locales/LICENSE"):  # fmt: skip
        assert f"skillcheck/content/{shipped}" in names, shipped
    assert any(n.endswith("/licenses/LICENSE") for n in names)
    assert any(n.endswith("/licenses/LICENSES/CC-BY-4.0.txt") for n in names)
    assert "skillcheck/tui/skillcheck.tcss" in names
    assert "License-Expression: EUPL-1.2 AND CC-BY-4.0" in metadata_text
    from skillcheck import __version__

    assert f"\nVersion: {__version__}\n" in metadata_text

    def names(lines):
        return {re.split(r"[\s<>=!~;\[(]", line.split(":", 1)[1].strip(), maxsplit=1)[0].lower()
                for line in lines}  # fmt: skip

    requires = [line for line in metadata_text.splitlines() if line.startswith("Requires-Dist:")]
    declared = names(line for line in requires if "extra ==" not in line)
    # psycopg only for a terminal of a network (`central`): the optional extra (issue 22).
    central = names(line for line in requires if "extra ==" in line and "central" in line)
    assert central == {"psycopg"}, central
    for module in third_party_imports():
        assert module_distribution(module) in declared | central, module


def third_party_imports() -> set[str]:
    """Top-level modules imported anywhere in src/skillcheck (function level too)."""
    found = set()
    for path in SOURCES.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return {m for m in found if m not in sys.stdlib_module_names and m != "skillcheck"}


def module_distribution(module: str) -> str:
    from importlib.metadata import packages_distributions

    (name, *_) = packages_distributions()[module]
    return name.lower()


def test_pip_check_finds_every_declared_dependency(fresh_venv: Path) -> None:
    result = subprocess.run(
        [fresh_venv / "bin" / "python", "-m", "pip", "check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_installed_kiosk_checks_and_starts_from_another_folder(
    fresh_venv: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    check = subprocess.run(
        [fresh_venv / "bin" / "skillcheck", "check"],
        cwd=elsewhere, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.splitlines()[-1].startswith("OK: ")  # warnings may come first
    started = subprocess.run(
        [fresh_venv / "bin" / "python", "-c", START_HEADLESS, str(tmp_path / "s.db")],
        cwd=elsewhere, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert started.returncode == 0, started.stderr
    questions_dir, texts = started.stdout.strip().splitlines()[-2:]
    # the installed copy, not this checkout
    assert Path(questions_dir).is_relative_to(fresh_venv), questions_dir
    assert "skillcheck/content/questions" in questions_dir
    # the welcome screen in Dutch and French: the installed translations were read
    assert "Hoe goed kunt u" in texts and "Êtes-vous" in texts, texts


def test_a_checkout_uses_its_own_content_folders() -> None:
    # this test run is an editable install from the checkout: translators see their edits
    from skillcheck.paths import LOCALES_DIR, QUESTIONS_DIR

    assert CHECKOUT_ROOT == ROOT
    assert (QUESTIONS_DIR, LOCALES_DIR) == (ROOT / "questions", ROOT / "locales")
