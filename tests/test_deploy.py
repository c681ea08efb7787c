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


def test_the_serve_unit_gives_the_spool_a_folder_in_memory():
    # Without a login session there is no XDG_RUNTIME_DIR: the spool's tmpfs fallback
    # (a full or read-only data disk) would be missing in browser mode.
    text = (ROOT / "deploy" / "systemd" / "skillcheck-serve.service").read_text()
    assert "RuntimeDirectory=skillcheck-serve\n" in text
    assert "RuntimeDirectoryPreserve=yes\n" in text  # a restart keeps waiting sessions
    assert "Environment=XDG_RUNTIME_DIR=/run/skillcheck-serve\n" in text


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


SMOKE_USER = "skillcheck-smoke"


def _exec_start(unit: Path) -> list[str]:
    line = next(x for x in unit.read_text().splitlines() if x.startswith("ExecStart="))
    return line.removeprefix("ExecStart=").split()


def _light_share(ppm: bytes) -> tuple[float, float]:
    """Shares of light and of dark pixels in a binary PPM (P6) picture."""
    magic, width, height, depth, pixels = ppm.split(maxsplit=4)
    assert magic == b"P6" and depth == b"255"
    count = int(width) * int(height)
    light = dark = 0
    for i in range(0, count * 3, 3 * 7):  # every 7th pixel is plenty
        total = pixels[i] + pixels[i + 1] + pixels[i + 2]
        light += total > 600
        dark += total < 150
    sampled = len(range(0, count * 3, 3 * 7))
    return light / sampled, dark / sampled


def test_the_terminal_unit_shows_the_welcome_screen_under_cage(tmp_path):
    """The terminal unit's own command, under cage's headless backend, as a plain user."""
    import os
    import time

    unit = ROOT / "deploy" / "systemd" / "skillcheck-terminal.service"
    command = _exec_start(unit)
    assert command[:2] == ["/usr/bin/cage", "--"]
    if subprocess.run(["id", SMOKE_USER], capture_output=True).returncode != 0:
        subprocess.run(["useradd", "--system", "--no-create-home", SMOKE_USER], check=True)
    # pytest's tmp_path is private to root: the plain user gets a folder of its own.
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="skillcheck-smoke-"))
    os.chmod(folder, 0o755)
    config = folder / "site.toml"
    config.write_text(f'site = "Smoke test"\ndatabase = "{folder / "s.db"}"\n', encoding="utf-8")
    from click.testing import CliRunner

    from skillcheck.cli import cli

    result = CliRunner().invoke(cli, ["set-pin", "--config", str(config)], input="246810\n" * 2)
    assert result.exit_code == 0, result.output
    # This checkout's Python may live in root's home; the plain user runs Debian's
    # python3 (the same minor version) on this venv's packages and this source tree.
    program = command.index("/opt/skillcheck/venv/bin/skillcheck")
    command[program : program + 1] = ["/usr/bin/python3", "-m", "skillcheck"]
    command[command.index("/etc/skillcheck/site.toml")] = str(config)
    site_packages = next(Path(sys.prefix, "lib").glob("python3*/site-packages"))
    # Cage on Debian 12 starts Xwayland, which wants the usual root-owned socket folder.
    x11 = Path("/tmp/.X11-unix")
    if not x11.exists():
        x11.mkdir()
        os.chmod(x11, 0o1777)
    runtime = folder / "run"
    runtime.mkdir(mode=0o700)
    subprocess.run(["chown", "-R", SMOKE_USER, str(folder)], check=True)
    env = {
        "PATH": "/usr/bin:/bin",
        "XDG_RUNTIME_DIR": str(runtime),
        "WLR_BACKENDS": "headless",
        "WLR_RENDERER": "pixman",
        "WLR_LIBINPUT_NO_DEVICES": "1",
        "PYTHONPATH": f"{site_packages}:{ROOT / 'src'}",
        "XDG_STATE_HOME": str(folder / "state"),
        "XDG_CACHE_HOME": str(folder / "cache"),
        "XDG_DATA_HOME": str(folder / "data"),
        "SKILLCHECK_CACHE_DIR": str(folder / "cache"),
        "HOME": str(folder),
    }
    cage = subprocess.Popen(
        ["runuser", "-u", SMOKE_USER, "--", "env", *[f"{k}={v}" for k, v in env.items()]] + command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    shot = folder / "screen.ppm"
    try:
        light = dark = 0.0
        for _ in range(60):  # up to ~30 s on a busy machine
            time.sleep(0.5)
            if not (runtime / "wayland-0").exists():
                continue
            taken = subprocess.run(
                ["runuser", "-u", SMOKE_USER, "--", "env", f"XDG_RUNTIME_DIR={runtime}"]
                + ["WAYLAND_DISPLAY=wayland-0", "grim", "-t", "ppm", str(shot)],
                capture_output=True,
            )
            if taken.returncode == 0:
                light, dark = _light_share(shot.read_bytes())
                # foot's own background is dark; the kiosk's welcome screen is light
                # with dark text.
                if light > 0.5 and dark > 0.01:
                    break
        if not (light > 0.5 and dark > 0.01):
            cage.terminate()
            raise AssertionError((light, dark, cage.communicate(timeout=20)[1][-2000:]))
    finally:
        cage.terminate()
        cage.wait(timeout=20)
        shutil.rmtree(folder, ignore_errors=True)
