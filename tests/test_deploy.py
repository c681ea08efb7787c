"""deploy/: the systemd units verify, the chromium policy holds, the offline install works."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import venv
from importlib import metadata
from pathlib import Path

import pytest
from click.testing import CliRunner

import soak
from another_user import copy_for_another_user
from sample_records import make as sample_record
from skillcheck.cli import cli
from skillcheck.pin import pin_file_for
from skillcheck.records import record_to_json
from skillcheck.spool import append_line, spool_file
from skillcheck.store import Store

ROOT = Path(__file__).resolve().parents[1]
UNITS = sorted((ROOT / "deploy" / "systemd").glob("*.service"))
INSTALLED = "/opt/skillcheck/venv"


def canonical(name: str) -> str:
    """A distribution's name as pip compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


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


def settings(unit: Path) -> dict[str, list[str]]:
    """A unit's [Service] settings: each key with its values in order."""
    found: dict[str, list[str]] = {}
    section = None
    for line in unit.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("["):
            section = line
        elif section == "[Service]" and "=" in line and not line.startswith("#"):
            key, _, value = line.partition("=")
            found.setdefault(key, []).append(value)
    return found


def unit_named(name: str) -> Path:
    return ROOT / "deploy" / "systemd" / f"skillcheck-{name}.service"


@pytest.mark.parametrize("unit", UNITS, ids=lambda unit: unit.name)
def test_each_unit_restarts_and_runs_as_an_unprivileged_user(unit):
    text = unit.read_text(encoding="utf-8")
    assert "Restart=always" in text
    user = settings(unit)["User"]
    assert user == (["kiosk-browser"] if "browser" in unit.name else ["kiosk"])
    if "skillcheck run" in text:
        assert "--kiosk" in text


# What every unit's sandbox holds (issue 24); `systemd-analyze security` scores the rest.
SANDBOX = {
    "ProtectSystem": ["strict"],
    "ProtectHome": ["yes"],
    "PrivateTmp": ["yes"],
    "NoNewPrivileges": ["yes"],
    "UMask": ["0077"],
    "StateDirectoryMode": ["0700"],
    "CapabilityBoundingSet": [""],
}


@pytest.mark.parametrize("unit", UNITS, ids=lambda unit: unit.name)
def test_each_unit_is_sandboxed(unit):
    found = settings(unit)
    for key, value in SANDBOX.items():
        assert found.get(key) == value, key
    assert len(found["MemoryMax"]) == 1 and found["MemoryMax"][0].endswith("M")
    if "RuntimeDirectory" in found:
        assert found["RuntimeDirectoryMode"] == ["0700"]
    # Writes only where the unit's program writes: its own state folder (and the
    # login session's runtime folder, which cage and the spool use).
    (state,) = found["StateDirectory"]
    writable = " ".join(found["ReadWritePaths"]).split()
    assert set(writable) <= {f"/var/lib/{state}", "-/run/user"}, writable


def security_scores() -> dict[str, float]:
    """The overall exposure of each unit, as docs/deploy.md writes it."""
    text = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `(skillcheck-\w+\.service)` \| ([0-9.]+) ", text, re.MULTILINE)
    return {name: float(score) for name, score in rows}


@pytest.mark.parametrize("unit", UNITS, ids=lambda unit: unit.name)
def test_each_units_exposure_is_the_one_in_deploy_md(unit, tmp_path):
    copy = tmp_path / unit.name
    copy.write_text(unit.read_text(encoding="utf-8"), encoding="utf-8")
    result = subprocess.run(
        ["systemd-analyze", "security", "--offline=yes", "--no-pager", str(copy)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    measured = float(re.search(r"Overall exposure level for \S+: ([0-9.]+)", result.stdout)[1])
    assert measured == security_scores()[unit.name]
    assert measured <= 4.0  # "OK" in systemd's words; every unit was 8.6 to 9.2 before


def test_the_browser_waits_until_serve_listens():
    browser = settings(unit_named("browser"))
    (wait,) = [line for line in browser["ExecStartPre"] if "/dev/tcp/127.0.0.1/8000" in line]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    program, _, script = wait.partition(" -c ")
    assert program == "/bin/bash"
    script = script.strip("'").replace(":8000", f":{port}").replace("/8000", f"/{port}")
    waiting = subprocess.Popen(["/bin/bash", "-c", script])
    try:
        time.sleep(1.5)  # three tries with nobody listening: it still waits
        assert waiting.poll() is None
        with socket.create_server(("127.0.0.1", port)):
            assert waiting.wait(timeout=20) == 0
    finally:
        waiting.kill()
        waiting.wait()
    serve_unit = settings(unit_named("serve"))
    assert "--host 127.0.0.1 --port 8000" in serve_unit["ExecStart"][0]


def _system_user(name: str) -> None:
    if subprocess.run(["id", name], capture_output=True).returncode != 0:
        subprocess.run(["useradd", "--system", "--no-create-home", name], check=True)


def test_the_browser_cannot_read_the_pin_the_database_or_the_spool(tmp_path):
    """The layout the units make, as the units' users: the kiosk's user owns the PIN
    file, the database and the spool; the browser's user (chromium renders what the
    kiosk draws, and is the part an attacker would break into) reads none of them."""
    assert os.geteuid() == 0, "two users and runuser need root (as .ci/run runs the tests)"
    serve_unit, browser = settings(unit_named("serve")), settings(unit_named("browser"))
    # Test users standing for the units' own (this machine may have a real `kiosk`).
    kiosk_user = "skillcheck-t-" + serve_unit["User"][0]
    browser_user = "skillcheck-t-" + browser["User"][0]
    assert kiosk_user != browser_user
    for name in (kiosk_user, browser_user):
        _system_user(name)
    # /etc, /var/lib and /run of the units, in a folder both users may enter.
    root = Path(tempfile.mkdtemp(prefix="skillcheck-users-"))
    os.chmod(root, 0o755)
    try:
        etc = root / "etc" / "skillcheck"
        etc.mkdir(parents=True)
        os.chmod(root / "etc", 0o755)
        state = root / "var" / "lib" / serve_unit["StateDirectory"][0]
        runtime = root / "run" / serve_unit["RuntimeDirectory"][0]
        for folder, mode in (
            (state, serve_unit["StateDirectoryMode"][0]),
            (runtime, serve_unit["RuntimeDirectoryMode"][0]),
        ):
            folder.mkdir(parents=True)
            os.chmod(folder.parent, 0o755)
            os.chmod(folder, int(mode, 8))
        config = etc / "site.toml"
        database = state / "skillcheck.db"
        config.write_text(f'site = "Users test"\ndatabase = "{database}"\n', encoding="utf-8")
        os.chmod(config, 0o644)  # the config holds no secret (docs/deploy.md)
        subprocess.run(["chown", "-R", kiosk_user, str(etc), str(state), str(runtime)], check=True)
        # The PIN as docs/deploy.md says (set-pin as root: the file gets the config's
        # owner), then a session saved and one spooled under the units' umask.
        done = CliRunner().invoke(cli, ["set-pin", "--config", str(config)], input="246810\n" * 2)
        assert done.exit_code == 0, done.output
        old_umask = os.umask(int(serve_unit["UMask"][0], 8))
        try:
            Store(database).save(sample_record())
            spool = spool_file(database, runtime)
            append_line(spool, record_to_json(sample_record()))
        finally:
            os.umask(old_umask)
        subprocess.run(["chown", "-R", kiosk_user, str(state), str(runtime)], check=True)
        secrets = [pin_file_for(config), database, spool]

        def reads(user: str, path: Path) -> bool:
            done = subprocess.run(
                ["runuser", "-u", user, "--", "cat", str(path)], capture_output=True
            )
            return done.returncode == 0

        assert all(reads(kiosk_user, path) for path in secrets)  # the kiosk can
        assert not any(reads(browser_user, path) for path in secrets)
        assert reads(browser_user, config)  # (the test's own check: it can read at all)
        # Belt and braces: the browser's unit does not even see those folders, and keeps
        # its profile in its own state folder.
        hidden = " ".join(browser["InaccessiblePaths"]).split()
        for path in ("/var/lib/skillcheck", "/etc/skillcheck", "/run/skillcheck-serve"):
            assert f"-{path}" in hidden
        (own,) = browser["StateDirectory"]
        assert own != serve_unit["StateDirectory"][0]
        assert f"--user-data-dir=/var/lib/{own}/" in browser["ExecStart"][0]
    finally:
        shutil.rmtree(root, ignore_errors=True)


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
    # "*" leaves chrome:// pages open (tests/browser/test_policy.py tries them).
    assert {"*", "chrome://*", "view-source:*", "file://*"} <= set(policy["URLBlocklist"])
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
    # No index at all (and none of this machine's pip settings): every wheel must be
    # in the folder.
    offline = {"PATH": "/usr/bin:/bin", "PIP_CONFIG_FILE": "/dev/null"}
    if not soak.SOAK:
        # The suite's short version: pip resolves the whole install from the folder
        # alone without unpacking it; `make soak` installs it and starts the command.
        report = tmp_path / "install.json"
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--dry-run", "--ignore-installed"]
            + ["--report", report, "--no-index", "--find-links", wheelhouse, "skillcheck"],
            check=True,
            capture_output=True,
            env=offline,
        )
        resolved = {
            canonical(item["metadata"]["name"])
            for item in json.loads(report.read_text())["install"]
        }
        declared = {
            canonical(re.split(r"[ ;<>=!~\[]", requirement, maxsplit=1)[0])
            for requirement in metadata.requires("skillcheck") or []
            if "extra ==" not in requirement
        }
        assert declared and declared | {"skillcheck"} <= resolved, declared - resolved
        return
    target = tmp_path / "venv"
    venv.create(target, with_pip=True)
    python = target / "bin" / "python"
    subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "--no-index", "--find-links", wheelhouse]
        + ["skillcheck"],
        check=True,
        capture_output=True,
        env=offline,
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


def test_the_terminal_unit_shows_the_welcome_screen_under_cage():
    """The terminal unit's own command, under cage's headless backend, as a plain user
    (as root: a user of its own; as a plain user: that user)."""
    unit = ROOT / "deploy" / "systemd" / "skillcheck-terminal.service"
    command = _exec_start(unit)
    assert command[:2] == ["/usr/bin/cage", "--"]
    as_root = os.geteuid() == 0
    if as_root:
        _system_user(SMOKE_USER)
    # A folder the plain user can read (pytest's tmp_path is private to root), with
    # everything the kiosk needs copied in: nothing is read from the checkout.
    folder = Path(tempfile.mkdtemp(prefix="skillcheck smoke "))  # a space, on purpose
    os.chmod(folder, 0o755)
    config = folder / "site.toml"
    config.write_text(f'site = "Smoke test"\ndatabase = "{folder / "s.db"}"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["set-pin", "--config", str(config)], input="246810\n" * 2)
    assert result.exit_code == 0, result.output
    site_packages = copy_for_another_user(folder)
    # Debian's python3 (the same minor version as this venv's) on the copied packages.
    program = command.index("/opt/skillcheck/venv/bin/skillcheck")
    command[program : program + 1] = ["/usr/bin/python3", "-m", "skillcheck"]
    command[command.index("/etc/skillcheck/site.toml")] = str(config)
    # Cage on Debian 12 starts Xwayland, which wants the usual root-owned socket folder.
    x11 = Path("/tmp/.X11-unix")
    if not x11.exists() and as_root:
        x11.mkdir()
        os.chmod(x11, 0o1777)
    runtime = folder / "run"
    runtime.mkdir(mode=0o700)
    if as_root:
        subprocess.run(["chown", "-R", SMOKE_USER, str(folder)], check=True)
    as_user = ["runuser", "-u", SMOKE_USER, "--"] if as_root else []
    env = {
        "PATH": "/usr/bin:/bin",
        "XDG_RUNTIME_DIR": str(runtime),
        "WLR_BACKENDS": "headless",
        "WLR_RENDERER": "pixman",
        "WLR_LIBINPUT_NO_DEVICES": "1",
        "PYTHONPATH": f"{folder / 'src'}:{site_packages}",
        "XDG_STATE_HOME": str(folder / "state"),
        "XDG_CACHE_HOME": str(folder / "cache"),
        "XDG_DATA_HOME": str(folder / "data"),
        "SKILLCHECK_CACHE_DIR": str(folder / "cache"),
        "HOME": str(folder),
    }
    cage = subprocess.Popen(
        [*as_user, "env", *[f"{k}={v}" for k, v in env.items()]] + command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=folder,  # foot starts the kiosk in its working folder: one the user may enter
    )
    shot = folder / "screen.ppm"
    try:
        light = dark = 0.0
        for _ in range(60):  # up to ~30 s on a busy machine
            time.sleep(0.5)
            if not (runtime / "wayland-0").exists():
                continue
            taken = subprocess.run(
                [*as_user, "env", f"XDG_RUNTIME_DIR={runtime}"]
                + ["WAYLAND_DISPLAY=wayland-0", "grim", "-t", "ppm", str(shot)],
                capture_output=True,
                cwd=folder,
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
