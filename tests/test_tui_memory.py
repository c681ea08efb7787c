"""No leak: 30 visits in one process (60 under `make soak`), and the live widgets stay
flat after the first third (issue 9 finding 7: every closed screen's top bar stayed
alive through a watcher on the App, pruned only when the theme changed). The
1,000-visit version with RSS is `benchmarks/soak.py`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import soak
from kiosk_driver import make_app, run
from kiosk_visits import live_widgets, one_visit, settle

VISITS = soak.runs(30, 60)
THIRD = VISITS // 3


def test_live_widgets_stay_flat_over_many_visits(tmp_path):
    async def scenario():
        app = make_app(tmp_path, warning_seconds=2)
        counts = {}
        async with app.run_test(size=(80, 24)) as pilot:
            for number in range(VISITS):
                # Language and contrast switches only while warming up: a theme
                # change is what used to hide the leak.
                await one_visit(pilot, number, switches=number < THIRD)
                if (number + 1) % THIRD == 0:  # each after a stopped visit (9, 19, 29 …)
                    await settle(pilot)
                    counts[number + 1] = live_widgets()
        return counts

    counts = run(scenario())
    first, *later = counts.values()
    assert len(later) == 2 and all(count <= first for count in later), counts


def python_prints(code: str) -> str:
    """What `code` prints, run in a fresh interpreter (imports start from nothing)."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_kiosk_opens_its_store_without_sqlite_utils_or_numpy(tmp_path):
    """sqlite-utils imports numpy whenever it is installed (matplotlib brings it):
    ≈ 20 MiB the kiosk never uses, and sqlite-utils itself ≈ 5 MiB more. The Store
    opens, saves and counts through the sqlite3 connection itself; the facilitator
    commands still get sqlite-utils' Database from the same opener."""
    script = (
        "import datetime, sys\n"
        "from skillcheck.store import Store, open_database\n"
        f"store = Store(r'{tmp_path / 'k.db'}')\n"
        "store.counts(datetime.date.today())\n"
        "assert 'sqlite_utils' not in sys.modules, 'sqlite-utils was loaded'\n"
        "assert 'numpy' not in sys.modules, 'numpy was loaded'\n"
        f"db = open_database(r'{tmp_path / 'k.db'}', read_only=True)\n"
        "print(type(db).__module__)\n"
    )
    assert python_prints(script) == "sqlite_utils.db"


def test_collection_resumes_once_the_command_is_known(tmp_path):
    """`skillcheck` starts with the garbage collector paused (start-up speed, issue
    8): a facilitator command resumes it at once, the kiosk once its first screen is
    painted, so neither runs for hours without collecting."""
    import gc

    from click.testing import CliRunner

    from skillcheck.cli import cli

    try:
        gc.disable()
        done = CliRunner().invoke(cli, ["stats", "--db", str(tmp_path / "none.db")])
        assert done.exit_code == 2, done.output  # no such database: a clear error
        assert gc.isenabled()

        gc.disable()
        app = make_app(tmp_path)

        async def scenario():
            async with app.run_test(size=(80, 24)) as pilot:
                await settle(pilot)
                return gc.isenabled()

        assert run(scenario())
    finally:
        gc.enable()


def test_the_command_starts_without_collecting():
    """The console script and `python -m skillcheck` pause collection before the
    command line (click and every command) is imported."""
    from importlib.metadata import entry_points

    (script,) = entry_points(group="console_scripts", name="skillcheck")
    assert script.value == "skillcheck.__main__:main"
    code = (
        "import gc, sys\n"
        "from skillcheck.__main__ import main\n"
        "assert 'skillcheck.cli' not in sys.modules\n"
        "import skillcheck.cli\n"
        "skillcheck.cli.main = lambda: print('collecting:', gc.isenabled())\n"
        "main()\n"
    )
    assert python_prints(code) == "collecting: False"


def test_the_welcome_is_painted_before_the_content_modules_are_imported(tmp_path):
    """What the welcome does not need waits until it is painted (start-up speed,
    issue 8): the question bank, the catalogue, the PIN's hashing, TOML. Then the
    content loads, and with it those modules."""
    code = (
        "import asyncio, sys\n"
        "from skillcheck.config import default_config\n"
        "from skillcheck.paths import LOCALES_DIR, QUESTIONS_DIR\n"
        "from skillcheck.tui.launch import build_app\n"
        "LATE = {'skillcheck.bank', 'skillcheck.initiatives', 'skillcheck.pin',\n"
        "        'hashlib', 'tomllib'}\n"
        "app = build_app(config=default_config(), questions_dir=QUESTIONS_DIR,\n"
        f"                locales_dir=LOCALES_DIR, database=r'{tmp_path / 'k.db'}')\n"
        "seen = {}\n"
        "painted = app.first_screen_painted\n"
        "def first_screen_painted():\n"
        "    seen['at paint'] = sorted(LATE & set(sys.modules))\n"
        "    painted()\n"
        "    seen['after'] = sorted(LATE & set(sys.modules))\n"
        "app.first_screen_painted = first_screen_painted\n"
        "async def main():\n"
        "    async with app.run_test(size=(80, 24)) as pilot:\n"
        "        await pilot.pause()\n"
        "asyncio.run(main())\n"
        "print(seen)\n"
    )
    seen = python_prints(code)
    assert seen == repr(
        {
            "at paint": [],
            "after": ["skillcheck.bank", "skillcheck.initiatives", "tomllib"],
        }
    )


def test_a_whole_visit_saves_without_sqlite_utils_babel_or_matplotlib(tmp_path):
    """The kiosk's memory (issue 25: a whole visit within 40 MiB): its Store saves and
    counts through the sqlite3 connection itself, so sqlite-utils (≈ 5 MiB with
    dateutil, pluggy and email) is never imported; nor are Babel (the catalogues
    are read from their compiled cache) and matplotlib (reports only). Failed before:
    the Store opened the database through sqlite-utils."""
    tests = Path(__file__).resolve().parent
    database = tmp_path / "sessions.db"  # make_app's
    code = (
        "import asyncio, sqlite3, sys\n"
        f"sys.path.insert(0, {str(tests)!r})\n"
        "from pathlib import Path\n"
        "from kiosk_driver import answer_all, make_app, start_visit\n"
        f"app = make_app(Path({str(tmp_path)!r}))\n"
        "async def main():\n"
        "    async with app.run_test(size=(80, 24)) as pilot:\n"
        "        await start_visit(pilot, 'en')\n"
        "        await answer_all(pilot)\n"
        "        await pilot.pause()\n"
        "        await app.workers.wait_for_complete()\n"
        "        assert type(app.screen).__name__ == 'ResultScreen', app.screen\n"
        "asyncio.run(main())\n"
        f"saved = sqlite3.connect({str(database)!r}).execute(\n"
        "    \"SELECT count(*) FROM sessions WHERE status = 'completed'\").fetchone()[0]\n"
        "heavy = sorted(m for m in ('sqlite_utils', 'babel', 'matplotlib', 'numpy')\n"
        "               if m in sys.modules)\n"
        "print(saved, heavy)\n"
    )
    assert python_prints(code) == "1 []"
