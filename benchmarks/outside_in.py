"""The kiosk beside two anchor apps, timed from outside the process (issue 8's goals).

Alternating runs, medians of five:

- start to painted welcome: `skillcheck run` beside `anchors/bare_app.py` (goal ≤ 1.3×);
- key to next question painted: twenty answers in English beside the bare anchor's
  in-place update (goal ≤ 2× the median, and a p95 ≤ 20 ms); `anchors/plain_app.py`
  shows what the plainest full question change costs;
- peak memory of a visit (goal ≤ 60 MiB).

Run: `.venv/bin/python benchmarks/outside_in.py [--runs 5]` (part of `make bench`,
which installs the `bench` extra: pyte and psutil). Results go to stdout and
`benchmarks/out/outside_in.json`.

`--baseline DIR` also times the kiosk of another source tree (DIR holds its `src/`,
`questions/` and `locales/`, e.g. `git archive main | tar -x -C DIR`) in the same
alternation, so a change is compared with what it replaces under the same load.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from paint import measure  # noqa: E402

ANCHORS = HERE / "anchors"
QUESTIONS = 20  # answers timed per run
# As on a kiosk: its own .pyc files are written once and reused.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _kiosk(database: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "skillcheck", "run", "--db", str(database), *args]


def _env(source: Path | None) -> dict[str, str]:
    """The environment; with `source`, skillcheck is imported from that tree's src/."""
    if source is None:
        return ENV
    return {**ENV, "PYTHONPATH": str(source / "src")}


def _anchor(name: str) -> list[str]:
    return [sys.executable, str(ANCHORS / name)]


def _answer_steps(first_question: int, pattern: str) -> list[tuple[str, str]]:
    return [("3", pattern.format(n=n)) for n in range(first_question + 1, QUESTIONS + 2)]


def p95(values: list[float]) -> float:
    """The 95th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def _kiosk_runs(database: Path, env: dict[str, str]):
    """One start to the welcome, and one visit of twenty answers."""
    welcome = measure(_kiosk(database), r"\d\s+English", env=env)
    visit = measure(
        _kiosk(database, "--lang", "en"),
        r"Before you start",
        [("Enter", r"Question 1 of")] + _answer_steps(1, r"Question {n} of"),
        env=env,
    )
    return welcome, visit


def run(runs: int, baseline: Path | None = None) -> dict:
    """Alternate the anchors and the kiosk `runs` times (and the baseline's kiosk,
    when given); return medians and ratios."""
    starts: dict[str, list[float]] = {"bare": [], "kiosk": []}
    keys: dict[str, list[float]] = {"bare": [], "plain": [], "kiosk": []}
    rss: dict[str, list[float]] = {"bare": [], "kiosk": []}
    # CPU milliseconds the process used to its first paint, and per key (medians over
    # runs): steadier than wall time when other work shares the machine.
    start_cpu: dict[str, list[float]] = {"bare": [], "kiosk": []}
    key_cpu: dict[str, list[float]] = {"bare": [], "plain": [], "kiosk": []}
    if baseline is not None:
        starts["baseline"], keys["baseline"], rss["baseline"] = [], [], []
        start_cpu["baseline"], key_cpu["baseline"] = [], []
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "bench.db"
        # A first start writes the .pyc files and the compiled catalogues, as on a kiosk.
        measure(_kiosk(database), r"\d\s+English", env=ENV)
        if baseline is not None:
            measure(_kiosk(Path(folder) / "baseline.db"), r"\d\s+English", env=_env(baseline))
        for _ in range(runs):
            bare = measure(
                _anchor("bare_app.py"),
                r"Answer number 5",
                _answer_steps(1, r"Question {n} of at most 25"),
                env=ENV,
            )
            plain = measure(
                _anchor("plain_app.py"),
                r"Answer number 5",
                _answer_steps(1, r"Question {n} of at most 25"),
                env=ENV,
            )
            kiosks = {"kiosk": _kiosk_runs(database, ENV)}
            if baseline is not None:
                kiosks["baseline"] = _kiosk_runs(Path(folder) / "baseline.db", _env(baseline))
            for name, result in (("bare", bare), *((k, w) for k, (w, _) in kiosks.items())):
                if result.start_s is None:
                    raise SystemExit(f"{name} never painted:\n{result.screen}")
                starts[name].append(result.start_s)
                start_cpu[name].append(result.start_cpu_s * 1000)
            for name, result in (
                ("bare", bare),
                ("plain", plain),
                *((k, v) for k, (_, v) in kiosks.items()),
            ):
                timed = result.keys_ms if name in ("bare", "plain") else result.keys_ms[1:]
                if None in timed:
                    raise SystemExit(f"{name} got stuck:\n{result.screen}")
                keys[name].extend(timed)
                cpu = result.cpu_after_keys_s
                if name in ("bare", "plain"):
                    per_key = (cpu[-1] - result.start_cpu_s) / len(cpu)
                else:  # from after Enter, which builds the question screen (not timed)
                    per_key = (cpu[-1] - cpu[0]) / (len(cpu) - 1)
                key_cpu[name].append(per_key * 1000)
            rss["bare"].append(bare.peak_rss_mib)
            for name, (welcome, visit) in kiosks.items():
                rss[name].append(max(welcome.peak_rss_mib, visit.peak_rss_mib))
    median = statistics.median
    return {
        "runs": runs,
        "start_s": {name: round(median(values), 3) for name, values in starts.items()},
        "start_ratio": round(median(starts["kiosk"]) / median(starts["bare"]), 2),
        "key_ms_median": {name: round(median(values), 1) for name, values in keys.items()},
        "key_ms_p95": {name: round(p95(values), 1) for name, values in keys.items()},
        "key_ratio": round(median(keys["kiosk"]) / median(keys["bare"]), 2),
        # Beside the plainest full change of a question: steadier than the bare
        # ratio on a loaded machine (both redraw a whole question).
        "key_ratio_plain": round(median(keys["kiosk"]) / median(keys["plain"]), 2),
        "peak_rss_mib": {name: round(max(values), 1) for name, values in rss.items()},
        "start_cpu_ms": {name: round(median(values)) for name, values in start_cpu.items()},
        "key_cpu_ms": {name: round(median(values), 1) for name, values in key_cpu.items()},
        "goals": {"start_ratio": 1.3, "key_ratio": 2.0, "key_p95_ms": 20, "peak_rss_mib": 60},
        **(
            {
                "baseline": str(baseline),
                "baseline_start_ratio": round(
                    median(starts["baseline"]) / median(starts["bare"]), 2
                ),
                "baseline_key_ratio": round(median(keys["baseline"]) / median(keys["bare"]), 2),
            }
            if baseline is not None
            else {}
        ),
    }


def report(result: dict) -> str:
    """The figures as the lines `make bench` prints."""
    goals = result["goals"]
    key_median, key_p95 = result["key_ms_median"], result["key_ms_p95"]

    def verdict(ok: bool) -> str:
        return "meets the goal" if ok else "MISSES the goal"

    keys_ok = result["key_ratio"] <= goals["key_ratio"] and key_p95["kiosk"] <= goals["key_p95_ms"]

    lines = [
        f"outside-in, medians of {result['runs']} alternating runs:",
        f"  start to welcome: kiosk {result['start_s']['kiosk'] * 1000:.0f} ms, "
        f"bare {result['start_s']['bare'] * 1000:.0f} ms -> {result['start_ratio']}x "
        f"(goal <= {goals['start_ratio']}x: "
        f"{verdict(result['start_ratio'] <= goals['start_ratio'])})",
        f"  key to next question: kiosk {key_median['kiosk']} ms (p95 {key_p95['kiosk']}), "
        f"bare {key_median['bare']} ms (p95 {key_p95['bare']}), "
        f"plain {key_median['plain']} ms (p95 {key_p95['plain']}) -> "
        f"{result['key_ratio']}x (goal <= {goals['key_ratio']}x, p95 <= "
        f"{goals['key_p95_ms']} ms: "
        f"{verdict(keys_ok)}); kiosk / plain {result['key_ratio_plain']}x",
        f"  peak memory: kiosk {result['peak_rss_mib']['kiosk']} MiB, bare "
        f"{result['peak_rss_mib']['bare']} MiB (goal <= {goals['peak_rss_mib']} MiB: "
        f"{verdict(result['peak_rss_mib']['kiosk'] <= goals['peak_rss_mib'])})",
    ]
    cpu, key_cpu = result["start_cpu_ms"], result["key_cpu_ms"]
    lines.append(
        f"  CPU used: to the welcome kiosk {cpu['kiosk']} ms, bare {cpu['bare']} ms "
        f"({cpu['kiosk'] / cpu['bare']:.2f}x); per key kiosk {key_cpu['kiosk']} ms, "
        f"bare {key_cpu['bare']} ms, plain {key_cpu['plain']} ms"
    )
    if "baseline" in result:
        lines.append(
            f"  baseline ({result['baseline']}): "
            f"start {result['start_s']['baseline'] * 1000:.0f} ms "
            f"-> {result['baseline_start_ratio']}x; key {key_median['baseline']} ms "
            f"(p95 {key_p95['baseline']}) -> {result['baseline_key_ratio']}x; "
            f"peak memory {result['peak_rss_mib']['baseline']} MiB; CPU to the welcome "
            f"{cpu['baseline']} ms, per key {key_cpu['baseline']} ms"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Measure, print, and keep the figures in benchmarks/out/outside_in.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--baseline", type=Path, help="another source tree whose kiosk is timed alongside"
    )
    args = parser.parse_args(argv)
    result = run(args.runs, args.baseline)
    print(report(result), flush=True)
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    (out / "outside_in.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
