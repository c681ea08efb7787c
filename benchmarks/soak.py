"""Soak: 1,000 visits in one kiosk process (issue 9: RSS growth <= 5 MiB and no growth
in live widgets after the first 20 visits). Run: `.venv/bin/python benchmarks/soak.py
[--visits N]` (also part of `make bench`). The 100-visit version is a test
(tests/test_tui_memory.py)."""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent / "tests"


def rss_mib() -> float:
    """The resident memory of this process now (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def soak(visits: int, folder: Path) -> list[tuple[int, float, int, float]]:
    from kiosk_driver import make_app
    from kiosk_visits import live_widgets, one_visit, settle

    app = make_app(folder, warning_seconds=2)
    rows = []
    started = time.perf_counter()
    async with app.run_test(size=(80, 24)) as pilot:
        for number in range(visits):
            await one_visit(pilot, number, switches=number < 20)
            done = number + 1
            if done in (20, visits) or done % 100 == 0:
                await settle(pilot)
                rows.append((done, rss_mib(), live_widgets(), time.perf_counter() - started))
                print(
                    f"  {done:5d} visits: RSS {rows[-1][1]:6.1f} MiB, "
                    f"{rows[-1][2]} live widgets, {rows[-1][3]:.0f} s",
                    flush=True,
                )
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--visits", type=int, default=1000)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(TESTS))
    with tempfile.TemporaryDirectory() as tmp:
        print(f"{args.visits} visits in one process (stop, finish, idle):")
        rows = asyncio.run(soak(args.visits, Path(tmp)))
    first, last = rows[0], rows[-1]
    print(
        f"after visit 20 -> {last[0]}: RSS {first[1]:.1f} -> {last[1]:.1f} MiB "
        f"(growth {last[1] - first[1]:+.1f} MiB, goal <= 5), live widgets "
        f"{first[2]} -> {last[2]} (goal: no growth)"
    )


if __name__ == "__main__":
    main()
