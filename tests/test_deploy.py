"""deploy/: the systemd units verify, the chromium policy holds, the offline install works."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
UNITS = sorted((ROOT / "deploy" / "systemd").glob("*.service"))
INSTALLED = "/opt/skillcheck/venv"


def test_there_are_units_for_both_modes():
    names = {unit.name for unit in UNITS}
    assert names == {
        "skillcheck-terminal.service",
        "skillcheck-serve.service",
        "skillcheck-browser.service",
    }


@pytest.mark.parametrize("unit", UNITS, ids=lambda unit: unit.name)
def test_each_unit_verifies(unit, tmp_path):
    # The units name the install folder of docs/deploy.md; here, this checkout's venv.
    text = unit.read_text(encoding="utf-8").replace(INSTALLED, sys.prefix)
    copy = tmp_path / unit.name
    copy.write_text(text, encoding="utf-8")
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(copy)], capture_output=True, text=True
    )
    # Any complaint (an unknown key, a missing program) fails the test.
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr


@pytest.mark.parametrize("unit", UNITS, ids=lambda unit: unit.name)
def test_each_unit_restarts_and_runs_as_the_kiosk_user(unit):
    text = unit.read_text(encoding="utf-8")
    assert "Restart=always" in text
    assert "User=kiosk" in text
    if "skillcheck run" in text:
        assert "--kiosk" in text


def test_the_browser_shows_only_the_served_kiosk():
    browser = (ROOT / "deploy" / "systemd" / "skillcheck-browser.service").read_text()
    serve_unit = (ROOT / "deploy" / "systemd" / "skillcheck-serve.service").read_text()
    assert "--kiosk" in browser and "http://127.0.0.1:8000/?fontsize=" in browser
    assert "--host 127.0.0.1 --port 8000" in serve_unit
    assert "After=skillcheck-serve.service" in browser.replace(" systemd", "\nsystemd")
    policy = json.loads((ROOT / "deploy" / "chromium" / "skillcheck.json").read_text())
    assert policy["DeveloperToolsAvailability"] == 2  # DevTools off
    assert policy["URLBlocklist"] == ["*"]
    assert policy["URLAllowlist"] == ["http://127.0.0.1:8000"]
    assert policy["IncognitoModeAvailability"] == 1
    assert policy["BrowserGuestModeEnabled"] is False
    assert policy["DownloadRestrictions"] == 3


def test_the_wheelhouse_installs_without_an_index(tmp_path):
    wheelhouse = tmp_path / "wheelhouse"
    subprocess.run(
        ["make", "--no-print-directory", "wheelhouse", f"WHEELHOUSE={wheelhouse}"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    wheels = sorted(path.name for path in wheelhouse.glob("*.whl"))
    assert any(name.startswith("skillcheck-") for name in wheels), wheels
    target = tmp_path / "venv"
    venv.create(target, with_pip=True)
    python = target / "bin" / "python"
    # No index at all: every wheel must be in the folder.
    subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "--no-index", "--find-links", wheelhouse]
        + ["skillcheck"],
        check=True,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "PIP_CONFIG_FILE": "/dev/null"},
    )
    done = subprocess.run(
        [target / "bin" / "skillcheck", "--version"], check=True, capture_output=True, text=True
    )
    assert "skillcheck" in done.stdout
    subprocess.run([python, "-c", "import skillcheck.serve, textual"], check=True)
    shutil.rmtree(target)
