"""The facilitator PIN: its scrypt hash in a file only the kiosk's user can read, and
the wrong-PIN lock-out kept on disk so reloads, restarts and other processes share it.

The hash lives in the *pin file* beside the site config (`site.toml` → `site.pin`,
mode 0600), written by `skillcheck set-pin`. A `pin_hash` key in the config itself
(how older versions stored it) is still read when there is no pin file.

The lock-out lives in the state folder, one small JSON file per site config, changed
only under an exclusive `fcntl.flock`: wrong PINs typed in two browser tabs (two
processes) add up, and a restart does not clear them. `skillcheck unlock` does.
"""

from __future__ import annotations

import contextlib
import enum
import fcntl
import hashlib
import hmac
import json
import logging
import math
import os
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from skillcheck.paths import default_state_dir

log = logging.getLogger(__name__)

# scrypt cost of new hashes: one of OWASP's equivalent settings, 16 MiB of memory
# (N=2**17, r=8, p=1 would need 128 MiB, above hashlib's default maxmem). About 0.4 s
# a try on the reference machine, so the check runs off the screen's thread.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 5
MIN_PIN_DIGITS = 6
MAX_PIN_DIGITS = 12
FIRST_LOCK_SECONDS = 30
# A visitor pressing F12 must not lock staff out for days.
MAX_LOCK_SECONDS = 15 * 60
# One wrong try is forgiven per quarter of an hour without a wrong PIN: else the
# count only grew, and after a visitor's burst of guesses staff had one try per
# 15 minutes for ever (issue 24).
FORGIVE_SECONDS = 15 * 60


# --- the hash ------------------------------------------------------------------------


@dataclass(frozen=True)
class ScryptHash:
    """A parsed `scrypt$N$r$p$salt$digest` string."""

    n: int
    r: int
    p: int
    salt: bytes
    digest: bytes

    @property
    def current(self) -> bool:
        """Whether it uses today's cost (else the next right PIN upgrades it)."""
        return (self.n, self.r, self.p) == (SCRYPT_N, SCRYPT_R, SCRYPT_P)


def hash_pin(pin: str) -> str:
    """A salted scrypt hash of the PIN, as stored in the pin file."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def parse_hash(stored: str) -> ScryptHash | None:
    """The parts of a stored hash; None when it is not one `set-pin` could have written."""
    parts = stored.strip().split("$")
    if len(parts) != 6 or parts[0] != "scrypt":
        return None
    try:
        n, r, p = (int(x) for x in parts[1:4])
        salt, digest = bytes.fromhex(parts[4]), bytes.fromhex(parts[5])
    except ValueError:
        return None
    # Costs a hand-edited hash could make impossible (scrypt refuses an n that is not
    # a power of 2) or ruinous (a huge n exhausts memory at every PIN try).
    if not (2**10 <= n <= 2**20 and n & (n - 1) == 0 and 1 <= r <= 32 and 1 <= p <= 16):
        return None
    if not salt or not digest:
        return None
    return ScryptHash(n, r, p, salt, digest)


def verify_pin(pin: str, stored: str | None) -> bool:
    """Whether `pin` matches the stored hash (constant-time compare)."""
    parsed = parse_hash(stored) if stored else None
    if parsed is None:
        return False
    try:
        digest = hashlib.scrypt(
            pin.encode(),
            salt=parsed.salt,
            n=parsed.n,
            r=parsed.r,
            p=parsed.p,
            dklen=len(parsed.digest),
        )
    except (ValueError, MemoryError):
        return False  # a hash this machine cannot compute never matches
    return hmac.compare_digest(digest, parsed.digest)


def valid_pin(pin: str, min_digits: int = MIN_PIN_DIGITS) -> bool:
    """A PIN is 6 to 12 digits by default: typed on any keyboard, slow to search."""
    return pin.isascii() and pin.isdigit() and min_digits <= len(pin) <= MAX_PIN_DIGITS


# --- the pin file ----------------------------------------------------------------------


def pin_file_for(config_path: Path) -> Path:
    """Where `set-pin` keeps the hash for this site config: beside it, `.pin`."""
    return config_path.with_suffix(".pin")


def read_pin_file(path: Path) -> str | None:
    """The hash in a pin file, None when there is no such file (OSError if unreadable)."""
    try:
        return path.read_text(encoding="ascii").strip() or None
    except FileNotFoundError:
        return None


def write_pin_file(path: Path, pin_hash: str, owner_of: Path | None = None) -> None:
    """Write the hash, readable and writable only by its owner (mode 0600).

    An existing pin file keeps its owner; a new one takes the owner of `owner_of` (the
    config) when run as root, so `sudo skillcheck set-pin` leaves the kiosk's user
    able to read it. Written through a temporary file renamed into place; when the
    folder is not writable (a kiosk upgrading its own hash), rewritten in place.
    """
    data = (pin_hash + "\n").encode("ascii")
    owner: tuple[int, int] | None = None
    for source in (path, owner_of):
        if source is not None and source.exists():
            info = source.stat()
            owner = (info.st_uid, info.st_gid)
            break
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except PermissionError:
        if not path.exists():
            raise
        fd = os.open(path, os.O_WRONLY | os.O_TRUNC)
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        return
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(tmp, 0o600)  # whatever the umask
        if owner is not None and os.geteuid() == 0:
            os.chown(tmp, *owner)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


_LEGACY_LINE = re.compile(r"^[ \t]*pin_hash[ \t]*=.*\n?", re.MULTILINE)


def drop_config_hash(config_path: Path) -> bool:
    """Remove an old `pin_hash = ...` line from a config (kept as text: comments stay).

    Returns whether there was one. The file keeps its mode and owner.
    """
    text = config_path.read_text(encoding="utf-8")
    new_text, count = _LEGACY_LINE.subn("", text)
    if not count:
        return False
    info = config_path.stat()
    tmp = config_path.with_name(f".{config_path.name}.{secrets.token_hex(4)}.tmp")
    try:
        tmp.write_text(new_text, encoding="utf-8")
        os.chmod(tmp, info.st_mode & 0o7777)
        if os.geteuid() == 0:
            os.chown(tmp, info.st_uid, info.st_gid)
        tmp.replace(config_path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return True


# --- the lock-out ------------------------------------------------------------------------


@dataclass(frozen=True)
class PinLock:
    """Wrong-PIN lock-out: 30 s after the first wrong try, then 60 s, 120 s … 15 min;
    one wrong try forgiven per 15 minutes without a wrong PIN."""

    failures: int = 0
    locked_until: float = 0.0  # wall-clock seconds (time.time), shared by processes
    last_failure: float = 0.0  # when the last wrong PIN was typed (0: never)

    def seconds_left(self, now: float) -> int:
        """Seconds until a PIN may be tried again (0 when it may), never above the cap."""
        left = min(self.locked_until - now, MAX_LOCK_SECONDS)  # a clock set back
        return max(0, int(left + 0.999))

    def failures_at(self, now: float) -> int:
        """The wrong tries still counted at `now`: one fewer per FORGIVE_SECONDS since
        the last one (none forgiven when the clock was set back)."""
        quiet = now - self.last_failure
        if quiet <= 0:
            return self.failures
        return max(0, self.failures - int(quiet // FORGIVE_SECONDS))

    def after_failure(self, now: float) -> PinLock:
        """The lock after one more wrong PIN at time `now`."""
        failures = self.failures_at(now) + 1
        delay = min(FIRST_LOCK_SECONDS * 2 ** min(failures - 1, 20), MAX_LOCK_SECONDS)
        return PinLock(failures=failures, locked_until=now + delay, last_failure=now)


def lock_file_for(config_path: Path | None, state_dir: Path | None = None) -> Path:
    """The lock-out file of one site config in the state folder."""
    folder = state_dir or default_state_dir()
    if config_path is None:
        return folder / "pin-lock-default.json"
    key = hashlib.sha256(str(config_path.resolve()).encode()).hexdigest()[:16]
    return folder / f"pin-lock-{key}.json"


@contextlib.contextmanager
def _locked(path: Path, exclusive: bool) -> Iterator[tuple[int, PinLock]]:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        raw = b""
        while chunk := os.read(fd, 4096):
            raw += chunk
        try:
            data = json.loads(raw) if raw.strip() else {}
            until = float(data.get("locked_until", 0))
            # A file from before `last_failure` was kept: forgiving starts when its
            # lock-out ends.
            last = float(data.get("last_failure", until))
            lock = PinLock(int(data.get("failures", 0)), until, last)
            if not all(math.isfinite(v) for v in (until, last)) or lock.failures < 0:
                raise ValueError("NaN, infinity or a negative count")  # json reads NaN
        except (ValueError, TypeError, AttributeError, OverflowError):
            # A damaged file must not open the door: treat it as one more failure.
            log.warning("%s: unreadable lock-out file, counting it as a wrong PIN", path)
            now = time.time()
            lock = PinLock(1, now + FIRST_LOCK_SECONDS, now)
        yield fd, lock
    finally:
        os.close(fd)  # closing releases the flock


def _store(fd: int, lock: PinLock) -> None:
    data = json.dumps(
        {
            "failures": lock.failures,
            "locked_until": lock.locked_until,
            "last_failure": lock.last_failure,
        }
    ).encode()
    os.lseek(fd, 0, os.SEEK_SET)
    os.ftruncate(fd, 0)
    os.write(fd, data)
    os.fsync(fd)


def unlock(config_path: Path | None, state_dir: Path | None = None) -> bool:
    """Clear the lock-out of a site config; returns whether there was one."""
    path = lock_file_for(config_path, state_dir)
    if not path.exists():
        return False
    with _locked(path, exclusive=True) as (fd, lock):
        _store(fd, PinLock())
    return lock.failures > 0


# The lock-out of a lock file that cannot be used, kept for this process only.
_IN_MEMORY: dict[Path, PinLock] = {}
_MEMORY_GUARD = threading.Lock()


class Attempt(enum.Enum):
    """What one typed PIN led to."""

    RIGHT = "right"
    WRONG = "wrong"
    LOCKED = "locked"  # not even tried: the lock-out was still running


@dataclass(frozen=True)
class PinGuard:
    """The PIN of one terminal: the hash to check against, and its lock-out on disk.

    The hash is read from `pin_file` at each try (a `set-pin` takes effect without a
    restart), else `pin_hash` (from the config, or given directly in tests).
    """

    lock_file: Path
    pin_file: Path | None = None
    pin_hash: str | None = None
    clock: Callable[[], float] = time.time

    def stored_hash(self) -> str | None:
        """The hash in force now, None when no PIN is set."""
        if self.pin_file is not None:
            try:
                stored = read_pin_file(self.pin_file)
            except OSError as error:
                log.error("%s: cannot be read (%s)", self.pin_file, error)
                stored = None
            if stored:
                return stored
        return self.pin_hash

    @property
    def is_set(self) -> bool:
        """Whether a PIN protects the staff screen."""
        return self.stored_hash() is not None

    def seconds_left(self) -> int:
        """Seconds until a PIN may be tried again (0 when it may)."""
        try:
            with _locked(self.lock_file, exclusive=False) as (_fd, lock):
                return lock.seconds_left(self.clock())
        except OSError:
            with _MEMORY_GUARD:
                return _IN_MEMORY.get(self.lock_file, PinLock()).seconds_left(self.clock())

    def try_pin(self, pin: str) -> tuple[Attempt, int]:
        """Check a typed PIN; returns what happened and the seconds now left locked.

        Slow (scrypt): call it from a worker thread. The lock-out file stays locked
        while the hash is computed, so tries from other processes wait their turn and
        every wrong one counts.
        """
        try:
            with _locked(self.lock_file, exclusive=True) as (fd, lock):
                attempt, left, after = self._decide(pin, lock)
                if after != lock:
                    _store(fd, after)
                return attempt, left
        except OSError as error:
            # A state folder that cannot be written (a read-only home): the lock-out
            # still holds in this process, so staff are not shut out for good.
            log.error("%s: lock-out file unusable (%s); kept in memory", self.lock_file, error)
            with _MEMORY_GUARD:
                lock = _IN_MEMORY.get(self.lock_file, PinLock())
                attempt, left, _IN_MEMORY[self.lock_file] = self._decide(pin, lock)
                return attempt, left

    def _decide(self, pin: str, lock: PinLock) -> tuple[Attempt, int, PinLock]:
        """One try against `lock`: the outcome, seconds left, and the lock after it."""
        now = self.clock()
        left = lock.seconds_left(now)
        if left:
            return Attempt.LOCKED, left, lock
        stored = self.stored_hash()
        if not verify_pin(pin, stored):
            lock = lock.after_failure(now)
            return Attempt.WRONG, lock.seconds_left(now), lock
        self._upgrade(pin, stored)
        return Attempt.RIGHT, 0, PinLock()

    def _upgrade(self, pin: str, stored: str | None) -> None:
        """After a right PIN, rewrite an older-cost hash with today's cost."""
        parsed = parse_hash(stored) if stored else None
        if parsed is None or parsed.current or self.pin_file is None:
            return
        try:
            write_pin_file(self.pin_file, hash_pin(pin))
            log.info("%s: PIN hash upgraded to the current scrypt cost", self.pin_file)
        except OSError as error:
            log.warning("%s: cannot upgrade the PIN hash (%s)", self.pin_file, error)


def guard_for(config_path: Path | None, pin_hash: str | None) -> PinGuard:
    """The PIN guard of a site config: its pin file, its lock-out file, its hash."""
    return PinGuard(
        lock_file=lock_file_for(config_path),
        pin_file=pin_file_for(config_path) if config_path is not None else None,
        pin_hash=pin_hash,
    )
