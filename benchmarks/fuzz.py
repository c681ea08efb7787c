"""Fuzz: 10,000 random keys, clicks, resizes and walk-aways in kiosk mode (issue 9),
with the invariants of tests/kiosk_fuzz.py checked after every event. Run:
`.venv/bin/python benchmarks/fuzz.py [--events N] [--seed S]` (part of `make bench`).

The seed fixes the events and the variants each visit asks. On a failure the events
sent so far are written to a JSON file (named in the message); `--replay FILE` sends
exactly those again, and `--shrink FILE` looks for a shorter list that still fails
(it drops ever smaller runs of events and keeps each drop after which a replay still
fails; each try is a fresh kiosk, so a long list takes a while). Timers (the idle warning's
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


async def fuzz(
    events: int, seed: int, folder: Path, replay: list[str] | None = None, save: bool = True
):
    from kiosk_driver import PIN_HASH, make_app
    from kiosk_fuzz import Fuzz

    app = make_app(folder, kiosk=True, pin_hash=PIN_HASH, warning_seconds=2, rng=Random(seed))
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
            if not save:
                raise
            saved = Path(tempfile.gettempdir()) / f"skillcheck-fuzz-seed{seed}-events.json"
            saved.write_text(json.dumps(runner.events), encoding="utf-8")
            raise AssertionError(
                f"{failure} (event {len(runner.events)}; the events: {saved})"
            ) from None
        finally:
            runner.close()
    return runner, kinds


def fails(events: list[str], seed: int) -> bool:
    """Whether replaying `events` in a fresh kiosk breaks an invariant."""
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("XDG_STATE_HOME", "XDG_DATA_HOME", "SKILLCHECK_CACHE_DIR"):
            os.environ[name] = str(Path(tmp) / name.lower())
        try:
            asyncio.run(fuzz(0, seed, Path(tmp), events, save=False))
        except AssertionError as failure:
            print(f"{len(events)} events: fails ({failure})", flush=True)
            return True
    print(f"{len(events)} events: passes", flush=True)
    return False


def shrink(events: list[str], still_fails) -> list[str]:
    """A shorter list for which `still_fails` holds: drop runs of events, from half
    the list down to single events, keeping every drop after which it still fails."""
    size = len(events) // 2
    while size >= 1:
        start = 0
        while start < len(events):
            trial = events[:start] + events[start + size :]
            if trial and still_fails(trial):
                events = trial
            else:
                start += size
        size //= 2
    return events


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--replay", type=Path, help="send the events of this JSON file")
    parser.add_argument("--shrink", type=Path, help="find a shorter failing list of these")
    args = parser.parse_args(argv)
    replay = json.loads(args.replay.read_text("utf-8")) if args.replay else None
    sys.path.insert(0, str(TESTS))
    if args.shrink:
        events = json.loads(args.shrink.read_text("utf-8"))
        if not fails(events, args.seed):
            sys.exit(f"{args.shrink}: the replay passes (timers on a busy machine?)")
        shortest = shrink(events, lambda trial: fails(trial, args.seed))
        target = args.shrink.with_name(args.shrink.stem + "-shortest.json")
        target.write_text(json.dumps(shortest), encoding="utf-8")
        print(f"{len(events)} -> {len(shortest)} events, still failing: {target}")
        return
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
