"""Shared fixtures: the shipped content, and copies of it to break on purpose."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from skillcheck.bank import Bank, load_bank
from skillcheck.paths import LOCALES_DIR, QUESTIONS_DIR

# Compiled catalogues go to a fresh folder: tests never read a cache from a past run.
os.environ["SKILLCHECK_CACHE_DIR"] = tempfile.mkdtemp(prefix="skillcheck-cache-")
# The user data and state folders (fallback spool, spool status, log) likewise: a test
# never reads or leaves files in the home folder of whoever runs it.
os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="skillcheck-data-")
os.environ["XDG_STATE_HOME"] = tempfile.mkdtemp(prefix="skillcheck-state-")

TESTS = Path(__file__).parent

# The slow groups, longest first: `make quick` leaves them out, `make test` and CI run
# them all. They start first, so with pytest-xdist the long ones run beside the many
# short ones instead of after them (the run ends when the last long one does).
SLOW_GROUPS = (
    "test_tui_fuzz.py",  # 500 random keys, clicks and resizes through the kiosk
    "test_tui_memory.py",  # 30 visits in one process, live widgets counted
    "test_deploy.py",  # a wheelhouse installed into a fresh venv, the unit under cage
    "browser",  # Debian's Chromium against a real `skillcheck serve`
    "reliability",  # kill -9, full and read-only disks, several processes
    "test_packaging.py",  # `pip install .` into a fresh venv
    "test_tui_restart.py",  # the kiosk in a pseudo-terminal through crash restarts
    "test_scoring_enumeration.py",  # every answer pattern of every area
    # whole expert visits, every question paged through, at 60x20 in four languages
    "test_tui_layout.py::test_main_screens_usable_at_60x20",
    # whole visits by key and by mouse, each in its languages; the result paged by taps
    "test_tui_visit.py::test_beginner_visit_is_short_saved_and_leaves_nothing",
    "test_tui_visit.py::test_mouse_alone_does_a_whole_visit",
    "test_tui_visit.py::test_idle_with_real_short_timers",  # waits for real timers
    "test_tui_layout.py::test_the_result_is_paged_to_the_end_by_taps_at_80x24",
    # whole visits, the top bar measured on every screen, in four languages
    "test_tui_layout.py::test_the_top_bar_is_one_row_on_every_screen_at_80x24",
    # every screen at the large size (80x24 and 60x20 stay quick)
    "test_tui_screens.py::test_every_screen_fits[nl-120x40]",
    "test_tui_screens.py::test_every_screen_fits[fr-120x40]",
    "test_tui_screens.py::test_every_screen_fits[en-120x40]",
    "test_tui_screens.py::test_every_screen_fits[de-120x40]",
    # the attackers on a year of a generated network's released figures (issue 21)
    "test_published_figures.py",
    "test_releases.py::test_two_exports_bracketing_one_visit",  # 60 trials
    "test_item_statistics.py",  # a generated database of many visits, two planted faults
)


def slow_group(item: pytest.Item) -> int | None:
    """The item's place in SLOW_GROUPS (a folder, a file, or a file::test prefix), or
    None for a quick test."""
    where = Path(str(item.fspath)).relative_to(TESTS)
    test = f"{where.as_posix()}::{item.name}"
    for rank, group in enumerate(SLOW_GROUPS):
        if where.parts[0] == group or test.startswith(group):
            return rank
    return None


def pilot_test(item: pytest.Item) -> bool:
    """Whether the item drives the kiosk through Textual's pilot."""
    return Path(str(item.fspath)).name.startswith("test_tui_")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    ranks = {}
    for item in items:
        rank = slow_group(item)
        if rank is not None:
            item.add_marker(pytest.mark.slow)
        if pilot_test(item):
            item.add_marker(pytest.mark.pilot)
        ranks[item.nodeid] = len(SLOW_GROUPS) if rank is None else rank
    # Then the Pilot tests (tests/test_tui_*.py), which mostly wait (Textual's pilot
    # sleeps until the app is idle after each key), before the core tests, which
    # mostly compute: with xdist the core tests fill the waits instead of running
    # alone at the end.
    items.sort(key=lambda item: (ranks[item.nodeid], not pilot_test(item)))  # stable
    # With pytest-xdist and `--maxschedchunk=1` (the Makefile), each worker is handed
    # two tests to begin with, then one at a time: deal the longest tests one to each
    # worker (a quick one beside each), so no worker runs two long ones in a row.
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    if workers > 1:
        slow = [item for item in items if ranks[item.nodeid] < len(SLOW_GROUPS)]
        quick = [item for item in items if ranks[item.nodeid] == len(SLOW_GROUPS)]
        dealt = []
        for _ in range(min(workers, len(slow), len(quick))):
            dealt += [slow.pop(0), quick.pop(0)]
        items[:] = dealt + slow + quick


@pytest.fixture(autouse=True)
def state_folder(tmp_path_factory, monkeypatch) -> Path:
    """Each test its own state folder: no PIN lock-out leaks from one test to the next."""
    folder = tmp_path_factory.mktemp("state")
    monkeypatch.setenv("XDG_STATE_HOME", str(folder))
    return folder


@pytest.fixture(scope="session")
def bank() -> Bank:
    """The shipped question bank."""
    return load_bank(QUESTIONS_DIR)


@pytest.fixture
def questions_copy(tmp_path: Path) -> Path:
    """A writable copy of questions/ for tests that break a file."""
    target = tmp_path / "questions"
    shutil.copytree(QUESTIONS_DIR, target)
    return target


@pytest.fixture
def locales_copy(tmp_path: Path) -> Path:
    """A writable copy of locales/."""
    target = tmp_path / "locales"
    shutil.copytree(LOCALES_DIR, target)
    return target


# --- PostgreSQL (the central database, issue 22) ---------------------------------
# One throw-away cluster per test session (under pytest-xdist: per worker), started
# only when a test asks for it; one fresh database per test.


@pytest.fixture(scope="session")
def postgres_cluster():
    """A running cluster of Debian's postgresql (tests/postgres_cluster.py)."""
    from postgres_cluster import INSTALL_HINT, find_bindir, start_cluster

    if find_bindir() is None:
        pytest.fail(INSTALL_HINT, pytrace=False)
    cluster = start_cluster()
    yield cluster
    cluster.remove()


@pytest.fixture
def central_db(postgres_cluster):
    """A fresh, empty database in the cluster: its superuser URL (on the unix socket)."""
    import uuid

    import psycopg

    name = "t_" + uuid.uuid4().hex[:10]
    with psycopg.connect(postgres_cluster.url(), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return postgres_cluster.url(name)


@pytest.fixture
def network(postgres_cluster, central_db: str, tmp_path: Path):
    """An initialised central database and a function making terminals (SQLite + URL)."""
    from sample_records import varied
    from skillcheck import central
    from skillcheck.store import open_database, save_sessions
    from test_central import dbname_of, terminal_url

    central.init_central(central_db)
    dbname = dbname_of(central_db)
    made = []

    def terminal(name: str, site: str = "Gent", sessions: int = 0, port: int | None = None):
        login = central.add_terminal(central_db, site, name, login=f"{dbname}_{name}_{len(made)}")
        url = terminal_url(postgres_cluster, dbname, login, tmp_path)
        if port is not None:
            url = url.replace(f":{postgres_cluster.port}/", f":{port}/")
        path = tmp_path / f"{name}-{len(made)}.db"
        db = open_database(path)
        save_sessions(
            db, [varied(hash((site, name, i)), site=site, terminal=name) for i in range(sessions)]
        )
        db.close()
        made.append(path)
        return path, url

    return central_db, terminal
