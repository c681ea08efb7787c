"""Fuzz: 10,000 random keys, clicks, resizes and walk-aways in kiosk mode (issue 9),
with the invariants of tests/kiosk_fuzz.py checked after every event. Run:
`.venv/bin/python benchmarks/fuzz.py [--events N] [--seed S]` (part of `make bench`)."""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent / "tests"


async def fuzz(events: int, seed: int, folder: Path):
    from kiosk_driver import PIN_HASH, make_app
    from kiosk_fuzz import Fuzz

    app = make_app(folder, kiosk=True, pin_hash=PIN_HASH, warning_seconds=2)
    kinds: Counter[str] = Counter()
    async with app.run_test(size=(80, 24)) as pilot:
        runner = Fuzz(pilot, seed)
        for _ in range(events):
            event = await runner.step()
            kinds[event.split()[0] if " " in event else "key"] += 1
        await app.workers.wait_for_complete()
    return runner, kinds


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(TESTS))
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        runner, kinds = asyncio.run(fuzz(args.events, args.seed, Path(tmp)))
    print(
        f"{args.events} events (seed {args.seed}: {dict(kinds)}) in "
        f"{time.perf_counter() - started:.0f} s: {runner.visits_started} visits started, "
        f"{runner.resets} resets; no exception, no exit, no staff screen, nothing left over"
    )


if __name__ == "__main__":
    main()
