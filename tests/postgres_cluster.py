"""A throw-away PostgreSQL cluster for the tests: Debian's postgresql, nothing mocked.

`start_cluster` runs initdb in a fresh folder under /tmp (as the `postgres` user, or
`nobody`, when the tests run as root: PostgreSQL refuses to run as root), then the
server listening on a unix socket in that folder and on 127.0.0.1 only, with a free
port. Local (socket) connections are trusted, for the admin's set-up; TCP ones need
a password (scram-sha-256), so the terminals' logins are tested as a terminal uses
them, with a password file.

`python tests/postgres_cluster.py --check` prints one line saying what to install
when PostgreSQL is missing (`make test` runs it first).
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

INSTALL_HINT = (
    "the tests need PostgreSQL's server programs (initdb, pg_ctl): "
    "apt-get install postgresql (Debian/Ubuntu), then run the tests again"
)
ADMIN = "postgres"  # the cluster's superuser (trusted on the socket only)


def find_bindir() -> Path | None:
    """The folder of initdb and pg_ctl: Debian's newest /usr/lib/postgresql/N/bin, or PATH."""
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    for candidate in reversed(versions):
        if (candidate / "initdb").exists() and (candidate / "pg_ctl").exists():
            return candidate
    found = shutil.which("initdb")
    return Path(found).parent if found and shutil.which("pg_ctl") else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Cluster:
    """A running throw-away cluster; `url(dbname)` connects as its superuser on the socket."""

    bindir: Path
    folder: Path
    port: int
    user: pwd.struct_passwd | None

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def url(self, dbname: str = "postgres", user: str = ADMIN) -> str:
        return f"postgresql://{user}@/{dbname}?host={self.folder}&port={self.port}"

    def tcp_url(self, dbname: str, user: str, port: int | None = None) -> str:
        return f"postgresql://{user}@127.0.0.1:{port or self.port}/{dbname}"

    def _run(self, *args: str) -> None:
        _as_user(self.user, [str(self.bindir / args[0]), *args[1:]])

    def start(self) -> None:
        options = (
            # fsync=off: the tests crash the server, never the machine, so what was
            # written is in the page cache; synchronous_commit stays on, or a commit
            # acknowledged just before a crash (tests/test_central_push.py) is lost.
            f"-k {self.folder} -h 127.0.0.1 -p {self.port} -c fsync=off "
            "-c full_page_writes=off -c max_connections=150 "
            "-c shared_buffers=16MB"
        )
        self._run("pg_ctl", "start", "-w", "-s", "-D", str(self.data), "-o", options,
                  "-l", str(self.folder / "server.log"))  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "stop", "-w", "-s", "-m", mode, "-D", str(self.data))

    def remove(self) -> None:
        try:
            self.stop("immediate")
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.folder, ignore_errors=True)


def _as_user(user: pwd.struct_passwd | None, command: list[str]) -> None:
    if user is None:
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        return
    subprocess.run(
        command,
        check=True,
        stdout=subprocess.DEVNULL,
        user=user.pw_uid,
        group=user.pw_gid,
        extra_groups=[],
        cwd="/",
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"},
    )


def _unprivileged_user() -> pwd.struct_passwd | None:
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise RuntimeError("running as root, and neither a postgres nor a nobody user exists")


def start_cluster() -> Cluster:
    """initdb in a fresh folder, start the server; the caller removes it with `remove()`."""
    bindir = find_bindir()
    if bindir is None:
        raise RuntimeError(INSTALL_HINT)
    user = _unprivileged_user()
    folder = Path(tempfile.mkdtemp(prefix="skillcheck-pg-"))
    if user is not None:
        os.chown(folder, user.pw_uid, user.pw_gid)
    cluster = Cluster(bindir, folder, _free_port(), user)
    cluster._run(
        "initdb", "-D", str(cluster.data), "-U", ADMIN, "--no-sync", "--no-instructions",
        "-E", "UTF8", "--locale=C.UTF-8", "--auth-local=trust", "--auth-host=scram-sha-256",
    )  # fmt: skip
    try:
        cluster.start()
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return cluster


def kill_server(cluster: Cluster) -> None:
    """SIGKILL the postmaster (a crash, not a shutdown)."""
    pid = int((cluster.data / "postmaster.pid").read_text().split()[0])
    os.kill(pid, signal.SIGKILL)


if __name__ == "__main__":
    if "--check" in sys.argv:
        if find_bindir() is None:
            print(f"skillcheck: {INSTALL_HINT}", file=sys.stderr)
            sys.exit(1)
        try:
            import psycopg  # noqa: F401
        except ImportError:
            print("skillcheck: the tests need psycopg: pip install -e '.[test]'", file=sys.stderr)
            sys.exit(1)
