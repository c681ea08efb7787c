"""Fuzz: 10,000 random keys, clicks, resizes and walk-aways in kiosk mode (issue 9),
with the invariants of tests/kiosk_fuzz.py checked after every event. Run:
`.venv/bin/python benchmarks/fuzz.py [--events N] [--seed S]` (part of `make bench`).

The seed fixes the events and the variants each visit asks. On a failure the events
sent so far are written to a JSON file (named in the message); `--replay FILE` sends
exactly those again, to cut a failing run down by hand. Timers (the idle warning's
countdown, the thank-you screen) run on the clock, so a replay on a busy machine can
differ. The kiosk's folders (state, spool, log) are temporary: nothing is shared with
other kiosks or runs on the machine. A signal from outside (a `timeout`) ends the
kiosk the normal way; the failure then names it ("SIGTERM received").
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from random import Random

TESTS = Path(__file__).resolve().parent.parent / "tests"


async def fuzz(events: int, seed: int, folder: Path, replay: list[str] | None = None):
    from kiosk_driver import PIN_HASH, make_app
    from kiosk_fuzz import Fuzz

    app = make_app(
        folder, kiosk=True, pin_hash=PIN_HASH, warning_seconds=2, form_random=Random(seed)
    )
    kinds: Counter[str] = Counter()
    async with app.run_test(size=(80, 24)) as pilot:
        runner = Fuzz(pilot, seed)
        try:
            for event in replay if replay is not None else range(events):
                if isinstance(event, str):
                    await runner.replay(event)
                else:
                    event = await runner.step()
                kinds[event.split()[0] if " " in event else "key"] += 1
            await app.workers.wait_for_complete()
        except AssertionError as failure:
            saved = Path(tempfile.gettempdir()) / f"skillcheck-fuzz-seed{seed}-events.json"
            saved.write_text(json.dumps(runner.events), encoding="utf-8")
            raise AssertionError(
                f"{failure} (event {len(runner.events)}; the events: {saved})"
            ) from None
        finally:
            runner.close()
    return runner, kinds


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--replay", type=Path, help="send the events of this JSON file")
    args = parser.parse_args(argv)
    replay = json.loads(args.replay.read_text("utf-8")) if args.replay else None
    sys.path.insert(0, str(TESTS))
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("XDG_STATE_HOME", "XDG_DATA_HOME", "SKILLCHECK_CACHE_DIR"):
            os.environ[name] = str(Path(tmp) / name.lower())
        runner, kinds = asyncio.run(fuzz(args.events, args.seed, Path(tmp), replay))
    print(
        f"{len(runner.events)} events (seed {args.seed}: {dict(kinds)}) in "
        f"{time.perf_counter() - started:.0f} s: {runner.visits_started} visits started, "
        f"{runner.resets} resets; no exception, no exit, no staff screen, no warning "
        "logged, a kiosk screen under every dialog, nothing left over"
    )


if __name__ == "__main__":
    main()
