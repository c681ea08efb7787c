"""The facilitator PIN: hashes, the pin file, the lock-out on disk, set-pin and unlock."""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from skillcheck.cli import cli
from skillcheck.config import check_config, load_config
from skillcheck.pin import (
    MAX_LOCK_SECONDS,
    Attempt,
    PinGuard,
    PinLock,
    hash_pin,
    lock_file_for,
    parse_hash,
    unlock,
    valid_pin,
    verify_pin,
)

PIN = "246810"


def old_hash(pin: str, n: int = 2**14, p: int = 1) -> str:
    """A hash as an older skillcheck wrote it (scrypt N=2**14, r=8, p=1)."""
    salt = os.urandom(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=n, r=8, p=p)
    return f"scrypt${n}$8${p}${salt.hex()}${digest.hex()}"


def test_new_hashes_use_the_owasp_cost_and_are_salted() -> None:
    first, second = hash_pin(PIN), hash_pin(PIN)
    assert first != second and PIN not in first
    parsed = parse_hash(first)
    assert parsed is not None and (parsed.n, parsed.r, parsed.p) == (2**14, 8, 5)
    assert parsed.current
    assert verify_pin(PIN, first) and verify_pin(PIN, second)
    assert not verify_pin("246811", first)
    assert not verify_pin(PIN, None) and not verify_pin(PIN, "plain")


def test_pins_have_six_to_twelve_ascii_digits_by_default() -> None:
    assert valid_pin("000000") and valid_pin("1" * 12)
    for bad in ("", "12345", "1" * 13, "12ab56", "１２３４５６", " 123456"):
        assert not valid_pin(bad), bad
    assert valid_pin("4711", min_digits=4)


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
        assert [p.line for p in problems if p.severity == "error"] == [2]


def test_lock_out_doubles_and_is_capped_at_fifteen_minutes() -> None:
    lock, now, delays = PinLock(), 1000.0, []
    for _ in range(12):
        lock = lock.after_failure(now)
        delays.append(lock.seconds_left(now))
    assert delays[:5] == [30, 60, 120, 240, 480]
    assert max(delays) == MAX_LOCK_SECONDS == 900
    assert lock.seconds_left(now + 900) == 0
    # a clock set back by a day never makes the lock longer than the cap
    assert lock.seconds_left(now - 86400) == MAX_LOCK_SECONDS


def guard(tmp_path: Path, stored: str, clock: list[float], pin_file: Path | None = None):
    return PinGuard(
        lock_file=tmp_path / "state" / "lock.json",
        pin_file=pin_file,
        pin_hash=stored,
        clock=lambda: clock[0],
    )


def test_the_lock_out_is_on_disk_and_survives_a_new_guard(tmp_path: Path) -> None:
    stored, clock = old_hash(PIN, n=2**10), [1000.0]
    first = guard(tmp_path, stored, clock)
    assert first.try_pin("000000") == (Attempt.WRONG, 30)
    # a restart (or another tab): a fresh guard on the same files
    second = guard(tmp_path, stored, clock)
    assert second.seconds_left() == 30
    assert second.try_pin(PIN) == (Attempt.LOCKED, 30)  # even the right PIN waits
    clock[0] += 30
    assert second.try_pin("111111") == (Attempt.WRONG, 60)  # the second failure
    lock_file = tmp_path / "state" / "lock.json"
    assert stat.S_IMODE(lock_file.stat().st_mode) == 0o600
    clock[0] += 60
    assert first.try_pin(PIN) == (Attempt.RIGHT, 0)
    clock[0] += 1
    assert second.try_pin("000000") == (Attempt.WRONG, 30)  # a right PIN reset the count


def test_wrong_tries_are_forgiven_one_per_quarter_hour_without_a_wrong_pin(tmp_path: Path) -> None:
    """A burst of guesses no longer locks staff out for good: before, the count only
    grew, so after six wrong PINs every later slip meant 15 minutes again."""
    stored, clock = old_hash(PIN, n=2**10), [1000.0]
    g = guard(tmp_path, stored, clock)
    for _ in range(6):
        clock[0] += g.seconds_left()
        attempt, left = g.try_pin("000000")
        assert attempt is Attempt.WRONG
    assert left == MAX_LOCK_SECONDS
    # An hour without a wrong PIN: four tries forgiven (6 -> 2), the next slip is the third.
    clock[0] += 60 * 60
    assert guard(tmp_path, stored, clock).try_pin("000000") == (Attempt.WRONG, 120)
    # Two hours more: all forgiven, a slip counts as the first again.
    clock[0] += 2 * 60 * 60
    assert g.try_pin("000000") == (Attempt.WRONG, 30)
    # A clock set back forgives nothing.
    clock[0] -= 86400
    assert PinLock(3, 0.0, clock[0] + 86400).failures_at(clock[0]) == 3


def test_a_damaged_lock_file_keeps_the_door_shut(tmp_path: Path) -> None:
    clock = [1000.0]
    g = guard(tmp_path, old_hash(PIN, n=2**10), clock)
    g.lock_file.parent.mkdir(parents=True)
    g.lock_file.write_text("{not json")
    assert g.try_pin(PIN)[0] is Attempt.LOCKED


def test_unlock_clears_the_lock_out_of_one_config(tmp_path: Path) -> None:
    config = tmp_path / "site.toml"
    config.write_text('site = "x"\n')
    state = tmp_path / "state"
    g = PinGuard(lock_file=lock_file_for(config, state), pin_hash=old_hash(PIN, n=2**10))
    assert g.try_pin("000000")[0] is Attempt.WRONG
    other = lock_file_for(tmp_path / "other.toml", state)
    assert other != g.lock_file
    assert unlock(config, state) is True
    assert g.seconds_left() == 0
    assert unlock(config, state) is False


def test_an_old_hash_is_accepted_then_upgraded_on_the_right_pin(tmp_path: Path) -> None:
    pin_file = tmp_path / "site.pin"
    stored = old_hash(PIN)
    pin_file.write_text(stored + "\n")
    pin_file.chmod(0o600)
    clock = [1000.0]
    g = guard(tmp_path, None, clock, pin_file=pin_file)
    assert g.try_pin("000000")[0] is Attempt.WRONG
    assert pin_file.read_text().strip() == stored  # a wrong PIN upgrades nothing
    clock[0] += 31
    assert g.try_pin(PIN) == (Attempt.RIGHT, 0)
    upgraded = pin_file.read_text().strip()
    assert upgraded != stored and parse_hash(upgraded).current
    assert verify_pin(PIN, upgraded)
    assert stat.S_IMODE(pin_file.stat().st_mode) == 0o600
    assert g.try_pin(PIN) == (Attempt.RIGHT, 0)


TRY_IN_A_PROCESS = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from skillcheck.pin import PinGuard
    lock, stored, pin, now = sys.argv[1:5]
    guard = PinGuard(lock_file=Path(lock), pin_hash=stored, clock=lambda: float(now))
    sys.stdin.readline()  # start together
    attempt, left = guard.try_pin(pin)
    print(attempt.value, left)
    """
)


def tries_in_processes(lock: Path, stored: str, pins: list[str], now: float) -> list[str]:
    children = [
        subprocess.Popen(
            [sys.executable, "-c", TRY_IN_A_PROCESS, str(lock), stored, pin, str(now)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for pin in pins
    ]
    for child in children:
        child.stdin.write("go\n")
        child.stdin.flush()
    return sorted(child.communicate()[0].strip() for child in children)


def test_wrong_pins_in_several_processes_add_up_and_none_slips_through(tmp_path: Path) -> None:
    lock, stored = tmp_path / "lock.json", old_hash(PIN, n=2**10)
    # Four tabs guess at the same moment: one guess is checked, the others wait for the
    # file lock and find the door locked. Without it each would read "0 failures".
    results = tries_in_processes(lock, stored, ["000001", "000002", "000003", "000004"], 1000.0)
    assert results == ["locked 30", "locked 30", "locked 30", "wrong 30"]
    # later, in other processes: the count goes on from the first process's failure
    assert tries_in_processes(lock, stored, ["000005"], 1031.0) == ["wrong 60"]
    assert tries_in_processes(lock, stored, [PIN], 1060.0) == ["locked 31"]
    assert tries_in_processes(lock, stored, [PIN], 1092.0) == ["right 0"]


def test_config_reads_the_pin_file_beside_it_and_warns_about_an_old_pin_hash(
    tmp_path: Path,
) -> None:
    config = tmp_path / "site.toml"
    stored = old_hash(PIN, n=2**10)
    config.write_text(f'site = "x"\npin_hash = "{stored}"\n')
    loaded, problems = check_config(config)
    assert loaded is not None and loaded.pin_hash == stored
    assert [(p.line, p.severity) for p in problems] == [(2, "warning")]
    assert "set-pin" in problems[0].message
    new = hash_pin(PIN)
    (tmp_path / "site.pin").write_text(new + "\n")
    assert load_config(config).pin_hash == new  # the pin file wins
    (tmp_path / "site.pin").write_text("garbage\n")
    loaded, problems = check_config(config)
    assert loaded is None and any(
        str(p).startswith(f"{tmp_path / 'site.pin'}:1:") for p in problems
    )


def set_pin(config: Path, typed: str):
    return CliRunner().invoke(cli, ["set-pin", "--config", str(config)], input=typed)


def test_set_pin_writes_a_0600_pin_file_and_moves_an_old_hash_out_of_the_config(
    tmp_path: Path,
) -> None:
    config = tmp_path / "site.toml"
    config.write_text(f'# my terminal\nsite = "x"\npin_hash = "{old_hash(PIN, n=2**10)}"\n')
    config.chmod(0o644)
    result = set_pin(config, "12\n135790\n135790\n")
    assert result.exit_code == 0, result.output
    assert "6 to 12 digits" in result.output  # "12" refused before the confirmation
    pin_file = tmp_path / "site.pin"
    assert stat.S_IMODE(pin_file.stat().st_mode) == 0o600
    assert config.read_text() == '# my terminal\nsite = "x"\n'
    assert stat.S_IMODE(config.stat().st_mode) == 0o644
    assert "135790" not in pin_file.read_text()
    assert verify_pin("135790", load_config(config).pin_hash)


def test_set_pin_keeps_the_owner_of_the_files(tmp_path: Path) -> None:
    config = tmp_path / "site.toml"
    config.write_text('site = "x"\n')
    owner = 65534 if os.geteuid() == 0 else os.geteuid()
    if os.geteuid() == 0:
        os.chown(config, owner, owner)
    assert set_pin(config, "135790\n135790\n").exit_code == 0
    pin_file = tmp_path / "site.pin"
    assert pin_file.stat().st_uid == owner
    assert set_pin(config, "246802\n246802\n").exit_code == 0  # again: owner kept
    assert pin_file.stat().st_uid == owner and config.stat().st_uid == owner


@pytest.mark.parametrize(
    "text",
    ['site = "x\n', "[help_desk\n", "pin_hash = \n", b"\xff\xfe".decode("latin-1")],
)
def test_set_pin_refuses_a_config_that_is_not_valid_toml(tmp_path: Path, text: str) -> None:
    config = tmp_path / "site.toml"
    config.write_text(text, encoding="latin-1" if "\xff" in text else "utf-8")
    before = config.read_bytes()
    result = set_pin(config, "135790\n135790\n")
    assert result.exit_code == 2, result.output
    assert "nothing was changed" in result.output and "Traceback" not in result.output
    assert config.read_bytes() == before
    assert not (tmp_path / "site.pin").exists()


def test_set_pin_into_a_missing_folder_is_one_line(tmp_path: Path) -> None:
    config = tmp_path / "no-such-folder" / "site.toml"
    result = set_pin(config, "135790\n135790\n")
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"skillcheck: {config}: the folder {config.parent} does not exist"
    ]


def test_unlock_command_clears_a_lock_out_for_the_config(tmp_path: Path) -> None:
    config = tmp_path / "site.toml"
    config.write_text('site = "x"\n')
    g = replace(
        PinGuard(lock_file=lock_file_for(config), pin_hash=old_hash(PIN, n=2**10)),
        clock=lambda: 1000.0,
    )
    assert g.try_pin("000000")[0] is Attempt.WRONG
    result = CliRunner().invoke(cli, ["unlock", "--config", str(config)])
    assert result.exit_code == 0 and "Lock-out cleared." in result.output
    assert g.seconds_left() == 0


def test_check_warns_about_a_pin_file_others_can_read(tmp_path: Path) -> None:
    config = tmp_path / "site.toml"
    config.write_text('site = "x"\n')
    pin_file = tmp_path / "site.pin"
    pin_file.write_text(old_hash(PIN, n=2**10) + "\n")
    pin_file.chmod(0o644)
    loaded, problems = check_config(config)
    assert loaded is not None  # a warning: the kiosk still starts
    assert [(p.path, p.severity) for p in problems] == [(pin_file, "warning")]
    assert "chmod 600" in problems[0].message
    pin_file.chmod(0o600)
    assert check_config(config)[1] == []


def test_a_state_folder_that_cannot_be_written_keeps_the_lock_out_in_memory(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the state folder should be")
    clock = [1000.0]
    g = PinGuard(
        lock_file=blocker / "lock.json", pin_hash=old_hash(PIN, n=2**10), clock=lambda: clock[0]
    )
    assert g.try_pin("000000") == (Attempt.WRONG, 30)
    assert g.seconds_left() == 30
    assert g.try_pin(PIN) == (Attempt.LOCKED, 30)
    clock[0] += 30
    assert g.try_pin(PIN) == (Attempt.RIGHT, 0)  # staff are never shut out for good
