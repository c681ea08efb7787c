"""The kiosk beside two anchor apps, timed from outside the process (issue 25's goals).

Alternating runs (the two anchors, then one whole kiosk visit), medians of five:

- start to painted welcome: `skillcheck run` beside `anchors/bare_app.py` (goal ≤ 1.1×);
- key to next question: each answer that moves to the next question on the same
  screen, to its last frame (fully painted), beside the bare anchor's in-place
  update (goal ≤ 1.3× the median, p95 ≤ 8 ms); `anchors/plain_app.py` shows what
  the plainest full question change costs. Keys that bring a new screen (the
  internet question to a tick-list, a tick-list to its area's questions and back)
  and ticks are reported apart;
- last answer to the result fully painted: to the last frame before the kiosk is
  silent for 0.3 s, beside the bare anchor's start to paint in a terminal of the
  same size, 80×24 (goal ≤ 3×; the absolute is reported too);
- peak memory of the process over a whole visit, welcome to the thank-you screen
  (goal ≤ 40 MiB).

The visit goes as a person would by keys, in English: yes to the internet
question, in each area tick the first activity and go on, answer each question
with 1, Finish on the result. CPU time (user + system) is kept beside each wall
time: on a shared machine it says what the kiosk did, the wall time also what it
waited for a core.

Run: `.venv/bin/python benchmarks/outside_in.py [--runs 5]` (part of `make bench`,
which installs the `bench` extra: pyte and psutil). Results go to stdout and
`benchmarks/out/outside_in.json` (with the load average at the end).

`--baseline DIR` also times the kiosk of another source tree (DIR holds its `src/`,
`questions/` and `locales/`, e.g. `git archive main | tar -x -C DIR`) in the same
alternation, so a change is compared with what it replaces under the same load.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from paint import Terminal, measure  # noqa: E402

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


# What the kiosk's key hints line says on each kind of step (English).
_HINTS = {"answer": ": answer", "tick": ": tick"}
# Quiet time that ends "fully painted" for the result screen (not counted in it).
RESULT_QUIET = 0.3
# The same after a question or a tick-list (shorter: many per visit).
STEP_QUIET = 0.15


@dataclass
class Visit:
    """One whole visit, outside-in: start to the welcome, each key to the next step
    (by kind: "in place" question to question, "screen" a new screen: the internet
    question to a tick-list, a tick-list to its area's questions and back, "tick" a
    tick shown), the last answer to the result fully painted, and the peak memory of
    the whole visit (welcome to the thank-you screen)."""

    start_s: float
    start_cpu_s: float
    # (kind, ms to the first frame showing it, ms to fully painted, CPU ms)
    keys: list[tuple[str, float, float, float]] = field(default_factory=list)
    result_ms: float = 0.0
    result_cpu_ms: float = 0.0
    peak_rss_mib: float = 0.0


def _kind_on(text: str) -> str:
    """The step on screen: "answer" (a question), "tick" (a tick-list), "result"."""
    last = text.rstrip().splitlines()[-1] if text.strip() else ""
    for kind, hint in _HINTS.items():
        if hint in last:
            return kind
    return "result" if "Your result" in text else "?"


def kiosk_visit(database: Path, env: dict[str, str], size=(80, 24)) -> Visit:
    """Start the kiosk, wait for the welcome, then go through a whole visit in
    English by keys as a person would: the internet question "yes", in each area
    tick the first activity and go on, answer each question with 1; then Finish on
    the result. Raises SystemExit when a screen never comes."""
    cols, rows = size
    environment = {**env, "TERM": "xterm-256color", "COLUMNS": str(cols), "LINES": str(rows)}
    terminal = Terminal(_kiosk(database), cols, rows, environment)
    timeout = 30.0

    def expect(pattern: str, waited: float | None) -> float:
        if waited is None:
            raise SystemExit(f"kiosk: never showed {pattern!r}:\n{terminal.text()}")
        return waited

    def key(name: str, pattern: str, quiet: float = STEP_QUIET) -> tuple[float, float, float]:
        """Type `name`; milliseconds to the first frame showing `pattern`, to the last
        frame before the program fell silent (fully painted), and the CPU it used."""
        time.sleep(0.05)
        terminal.last_frame_end(0.0)  # whatever was still pending
        cpu = terminal.cpu_seconds()
        sent = time.perf_counter()
        terminal.send(name)
        shown = expect(pattern, terminal.wait_for(re.compile(pattern), timeout))
        end = terminal.last_frame_end(quiet)
        painted = max(shown, (end or 0.0) - sent)
        return shown * 1000, painted * 1000, (terminal.cpu_seconds() - cpu) * 1000

    try:
        welcome = r"(\d)\s+English"
        expect(welcome, terminal.wait_for(re.compile(welcome), timeout))
        visit = Visit(time.perf_counter() - terminal.started, terminal.cpu_seconds())
        terminal.last_frame_end(STEP_QUIET)
        english = re.search(welcome, terminal.text()).group(1)
        key(english, r"Before you start")
        key("Enter", r"Question 1 of(?s:.*): answer")
        while True:
            text = terminal.text()
            kind = _kind_on(text)
            number = int(re.search(r"Question (\d+) of", text).group(1))
            if kind == "tick":
                visit.keys.append(("tick", *key("1", r"\[X\] 1 ")))
                step = "Enter"
            elif kind == "answer":
                step = "1"
            else:
                raise SystemExit(f"kiosk: an unknown screen:\n{text}")
            after = rf"Question {number + 1} of(?s:.*)(: answer|: tick)|Your result"
            shown, painted, cpu = key(step, after, RESULT_QUIET)
            new_kind = _kind_on(terminal.text())
            if new_kind not in _HINTS:  # the last answer: the result
                visit.result_ms, visit.result_cpu_ms = painted, cpu
                break
            in_place = kind == new_kind == "answer"
            visit.keys.append(("in place" if in_place else "screen", shown, painted, cpu))
        # Finish: the thank-you screen ends the visit (its memory counts too).
        key("Enter", r"Thank you!")
        terminal._sample_rss()
        visit.peak_rss_mib = terminal.peak_rss / 2**20
        return visit
    finally:
        terminal.close()


GOALS = {
    "start_ratio": 1.1,  # start to the painted welcome, ÷ the bare app's
    "key_ratio": 1.3,  # key to the next question in place, ÷ the bare app's update
    "key_p95_ms": 8.0,
    "result_ratio": 3.0,  # last answer to the result, ÷ the bare app's start to paint
    "peak_rss_mib": 40.0,  # a whole visit
}


def run(runs: int, baseline: Path | None = None) -> dict:
    """Alternate the anchors and the kiosk `runs` times (and the baseline's kiosk,
    when given); return medians and ratios."""
    kiosks = ["kiosk"] + (["baseline"] if baseline is not None else [])
    starts: dict[str, list[float]] = {"bare": [], **{k: [] for k in kiosks}}
    start_cpu: dict[str, list[float]] = {"bare": [], **{k: [] for k in kiosks}}
    keys: dict[str, list[float]] = {"bare": [], "plain": [], **{k: [] for k in kiosks}}
    # CPU milliseconds per key (medians over runs): steadier than wall time when
    # other work shares the machine.
    key_cpu: dict[str, list[float]] = {"bare": [], "plain": [], **{k: [] for k in kiosks}}
    rss: dict[str, list[float]] = {"bare": [], **{k: [] for k in kiosks}}
    # The kiosk's keys to the first frame showing the next question (the times above
    # are to its last frame, fully painted).
    keys_shown: dict[str, list[float]] = {k: [] for k in kiosks}
    screens: dict[str, list[float]] = {k: [] for k in kiosks}
    ticks: dict[str, list[float]] = {k: [] for k in kiosks}
    result: dict[str, list[float]] = {k: [] for k in kiosks}
    result_cpu: dict[str, list[float]] = {k: [] for k in kiosks}
    steps = _answer_steps(1, r"Question {n} of at most 25")
    with tempfile.TemporaryDirectory() as folder:
        databases = {k: Path(folder) / f"{k}.db" for k in kiosks}
        envs = {"kiosk": ENV, "baseline": _env(baseline)}
        # A first start writes the .pyc files and the compiled catalogues, as on a kiosk.
        for name in kiosks:
            measure(_kiosk(databases[name]), r"\d\s+English", env=envs[name])
        for _ in range(runs):
            for name in ("bare", "plain"):
                anchor = measure(_anchor(f"{name}_app.py"), r"Answer number 5", steps, env=ENV)
                if anchor.start_s is None or None in anchor.keys_ms:
                    raise SystemExit(f"{name} got stuck:\n{anchor.screen}")
                if name == "bare":
                    starts[name].append(anchor.start_s)
                    start_cpu[name].append(anchor.start_cpu_s * 1000)
                    rss[name].append(anchor.peak_rss_mib)
                keys[name].extend(anchor.keys_ms)
                used = anchor.cpu_after_keys_s[-1] - anchor.start_cpu_s
                key_cpu[name].append(used / len(anchor.keys_ms) * 1000)
            for name in kiosks:
                visit = kiosk_visit(databases[name], envs[name])
                starts[name].append(visit.start_s)
                start_cpu[name].append(visit.start_cpu_s * 1000)
                in_place = [k for k in visit.keys if k[0] == "in place"]
                keys[name].extend(painted for _, _, painted, _ in in_place)
                keys_shown[name].extend(shown for _, shown, _, _ in in_place)
                key_cpu[name].append(statistics.median(cpu for *_, cpu in in_place))
                screens[name].extend(k[2] for k in visit.keys if k[0] == "screen")
                ticks[name].extend(k[2] for k in visit.keys if k[0] == "tick")
                result[name].append(visit.result_ms)
                result_cpu[name].append(visit.result_cpu_ms)
                rss[name].append(visit.peak_rss_mib)
    median = statistics.median
    bare_start_ms = median(starts["bare"]) * 1000
    figures = {
        "runs": runs,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "start_s": {name: round(median(values), 3) for name, values in starts.items()},
        "start_cpu_ms": {name: round(median(values)) for name, values in start_cpu.items()},
        "key_ms_median": {name: round(median(values), 1) for name, values in keys.items()},
        "key_ms_p95": {name: round(p95(values), 1) for name, values in keys.items()},
        "key_ms_shown": {k: [round(median(v), 1), round(p95(v), 1)] for k, v in keys_shown.items()},
        "key_cpu_ms": {name: round(median(values), 1) for name, values in key_cpu.items()},
        "screen_change_ms": {
            k: [round(median(v), 1), round(p95(v), 1)] for k, v in screens.items()
        },
        "tick_ms": {k: [round(median(v), 1), round(p95(v), 1)] for k, v in ticks.items()},
        "result_ms": {k: round(median(v), 1) for k, v in result.items()},
        "result_cpu_ms": {k: round(median(v)) for k, v in result_cpu.items()},
        "peak_rss_mib": {name: round(max(values), 1) for name, values in rss.items()},
        "goals": GOALS,
    }
    for name in kiosks:
        figures[f"{name}_ratios"] = {
            "start": round(median(starts[name]) / median(starts["bare"]), 2),
            "key": round(median(keys[name]) / median(keys["bare"]), 2),
            # Beside the plainest full change of a question: steadier than the bare
            # ratio on a loaded machine (both redraw a whole question).
            "key_plain": round(median(keys[name]) / median(keys["plain"]), 2),
            "result": round(median(result[name]) / bare_start_ms, 2),
        }
    if baseline is not None:
        figures["baseline"] = str(baseline)
    return figures


def report(result: dict) -> str:
    """The figures as the lines `make bench` prints."""
    goals = result["goals"]
    ratios = result["kiosk_ratios"]
    key_median, key_p95 = result["key_ms_median"], result["key_ms_p95"]
    start, cpu, key_cpu = result["start_s"], result["start_cpu_ms"], result["key_cpu_ms"]

    def verdict(ok: bool) -> str:
        return "meets the goal" if ok else "MISSES the goal"

    keys_ok = ratios["key"] <= goals["key_ratio"] and key_p95["kiosk"] <= goals["key_p95_ms"]
    screen, tick = result["screen_change_ms"]["kiosk"], result["tick_ms"]["kiosk"]
    lines = [
        f"outside-in, medians of {result['runs']} alternating runs "
        f"(load average at the end {result['load_average']}):",
        f"  start to welcome: kiosk {start['kiosk'] * 1000:.0f} ms, "
        f"bare {start['bare'] * 1000:.0f} ms -> {ratios['start']}x "
        f"(goal <= {goals['start_ratio']}x: {verdict(ratios['start'] <= goals['start_ratio'])}); "
        f"CPU kiosk {cpu['kiosk']} ms, bare {cpu['bare']} ms",
        f"  key to next question (in place): kiosk {key_median['kiosk']} ms "
        f"(p95 {key_p95['kiosk']}), bare {key_median['bare']} ms (p95 {key_p95['bare']}), "
        f"plain {key_median['plain']} ms (p95 {key_p95['plain']}) -> {ratios['key']}x "
        f"(goal <= {goals['key_ratio']}x, p95 <= {goals['key_p95_ms']} ms: "
        f"{verdict(keys_ok)}); kiosk / plain {ratios['key_plain']}x; CPU per key kiosk "
        f"{key_cpu['kiosk']} ms, bare {key_cpu['bare']} ms, plain {key_cpu['plain']} ms",
        f"  key to a new screen (internet question -> tick-list -> questions): median "
        f"{screen[0]} ms, p95 {screen[1]} ms; a tick shown: median {tick[0]} ms, p95 {tick[1]} ms",
        f"  last answer to the result fully painted: kiosk {result['result_ms']['kiosk']} ms "
        f"(CPU {result['result_cpu_ms']['kiosk']} ms) -> {ratios['result']}x the bare app's "
        f"start to paint (goal <= {goals['result_ratio']}x: "
        f"{verdict(ratios['result'] <= goals['result_ratio'])})",
        f"  peak memory of a whole visit: kiosk {result['peak_rss_mib']['kiosk']} MiB, bare "
        f"{result['peak_rss_mib']['bare']} MiB (goal <= {goals['peak_rss_mib']} MiB: "
        f"{verdict(result['peak_rss_mib']['kiosk'] <= goals['peak_rss_mib'])})",
    ]
    if "baseline" in result:
        base = result["baseline_ratios"]
        lines.append(
            f"  baseline ({result['baseline']}): start {start['baseline'] * 1000:.0f} ms "
            f"-> {base['start']}x (CPU {cpu['baseline']} ms); key {key_median['baseline']} ms "
            f"(p95 {key_p95['baseline']}) -> {base['key']}x (CPU {key_cpu['baseline']} ms); "
            f"screen {result['screen_change_ms']['baseline'][0]} ms; result "
            f"{result['result_ms']['baseline']} ms -> {base['result']}x; peak memory "
            f"{result['peak_rss_mib']['baseline']} MiB"
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
