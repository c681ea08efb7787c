"""The browser kiosk (docs/performance.md, "Browser"): a real `skillcheck serve`,
Debian's chromium driven by Playwright; each visit opens the page, picks English,
starts and answers three questions by key, then closes its tab. Measured:

- navigation to the welcome painted: from the page's navigation start to the first
  animation frame at which the terminal shows the welcome's languages, by the
  browser's own clock (`performance.now()`, polled every frame);
- from /proc, the peak RSS of each visit's kiosk process (the child `serve` starts
  for the tab) and `serve`'s own RSS after every visit (it must not grow with visits).

With `--one-tab`: that many whole visits in one open tab (to the result, Finish,
Back to the start), so one kiosk process serves them all, as on a kiosk left open
all day; its RSS after each visit.

Issue 25's goals: the welcome within 0.3 s, at most 50 MB (47.7 MiB) per kiosk
process after 100 visits. Run: `.venv/bin/python benchmarks/browser_memory.py
[--one-tab] [VISITS]` (default 100; `make bench` runs both, a tab per visit and one tab).
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests" / "browser"), str(ROOT / "tests")]

from kiosk_page import CHROMIUM, CHROMIUM_ARGS, wait_for_state, wait_for_text  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from conftest import make_kiosk  # noqa: E402  (the browser tests' kiosk set-up)


def rss_kib(pid: int) -> int:
    """Resident memory of one process (KiB), 0 when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def children(pid: int) -> list[int]:
    found = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return found
    for task in tasks:
        try:
            text = (task / "children").read_text().split()
        except OSError:  # a thread that ended while we looked
            continue
        found += [int(c) for c in text]
    return found


def descendants(pid: int) -> list[int]:
    """Every process below `pid` (the tab's kiosk; older versions had a shell between)."""
    found = []
    for child in children(pid):
        found += [child, *descendants(child)]
    return found


def kiosk_rss(serve_pid: int) -> int:
    """The tab's kiosk: the largest process below `serve`."""
    return max((rss_kib(pid) for pid in descendants(serve_pid)), default=0)


# Milliseconds from the navigation's start to the first frame whose terminal shows
# the welcome's languages (the page's `skillcheck.terminal()` hook, as kiosk_page reads).
_WELCOME_PAINTED = """() => {
  const t = window.skillcheck && window.skillcheck.terminal();
  if (!t) return false;
  for (let y = 0; y < t.rows; y++) {
    if (/\\d\\s+English/.test(t.buffer.active.getLine(y).translateToString(true))) {
      return performance.now();
    }
  }
  return false;
}"""


def visit(page, kiosk, serve_pid: int) -> tuple[int, float]:
    """One visit; returns the peak RSS (KiB) of its kiosk process and the
    milliseconds from navigation to the welcome painted."""
    page.goto(kiosk.url, wait_until="commit")
    welcome_ms = page.wait_for_function(_WELCOME_PAINTED, polling="raf", timeout=60_000)
    welcome_ms = float(welcome_ms.json_value())
    wait_for_state(page, "running")
    welcome = wait_for_text(page, "English")
    # The key for English: the site's languages are numbered in its order.
    english = re.search(r"(\d)\s+English", welcome).group(1)
    peak = kiosk_rss(serve_pid)
    page.focus(".xterm-helper-textarea")
    for key, shown in (
        (english, r"Before you start"),
        ("Enter", r"Question 1 of"),
        ("1", None),
        ("1", None),
    ):
        page.keyboard.press(key)
        if shown:  # on a busy machine 400 ms may not reach the first question
            wait_for_text(page, shown, timeout=60)
        page.wait_for_timeout(400)
        peak = max(peak, kiosk_rss(serve_pid))
    page.keyboard.press("1")
    wait_for_text(page, r"Question [2-9] of", timeout=60)
    for _ in range(5):
        page.wait_for_timeout(200)
        peak = max(peak, kiosk_rss(serve_pid))
    return peak, welcome_ms


def whole_visit(page, english: str) -> None:
    """One whole visit by keys in an open tab, from the welcome back to the welcome:
    English, Enter, yes to the internet question, in each area the first activity
    ticked and Enter, every question answered with 1, then Finish and Back to the
    start on the thank-you screen."""
    page.keyboard.press(english)
    wait_for_text(page, r"Before you start", timeout=60)
    page.keyboard.press("Enter")
    text = wait_for_text(page, r"Question 1 of", timeout=60)
    while "Your result" not in text:
        number = int(re.search(r"Question (\d+) of", text).group(1))
        if ": tick" in text:
            page.keyboard.press("1")
            wait_for_text(page, r"\[X\] 1 ", timeout=60)
            page.keyboard.press("Enter")
        else:
            page.keyboard.press("1")
        text = wait_for_text(page, rf"Question {number + 1} of|Your result", timeout=60)
    page.keyboard.press("Enter")
    wait_for_text(page, r"Thank you!", timeout=60)
    page.keyboard.press("Enter")
    wait_for_text(page, r"\d\s+English", timeout=60)


def measure_one_tab(visits: int) -> dict:
    """`visits` whole visits in one tab, so one kiosk process serves them all (a
    kiosk left open all day): that process's RSS after each visit."""
    with tempfile.TemporaryDirectory() as folder:
        kiosk = make_kiosk(Path(folder) / "kiosk")
        kiosk.start()
        try:
            serve_pid = kiosk.process.pid
            after = []
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
                page.goto(kiosk.url)
                wait_for_state(page, "running")
                welcome = wait_for_text(page, r"\d\s+English")
                english = re.search(r"(\d)\s+English", welcome).group(1)
                page.focus(".xterm-helper-textarea")
                for _ in range(visits):
                    whole_visit(page, english)
                    page.wait_for_timeout(300)
                    after.append(kiosk_rss(serve_pid))
                browser.close()
        finally:
            kiosk.stop()
    mib = 1024
    return {
        "visits_in_one_tab": visits,
        "kiosk_process_mib_after_visit": {
            str(n): round(after[n - 1] / mib, 1)
            for n in sorted({1, 2, 5, 10, 20, 50, 100, visits})
            if n <= visits
        },
        "goal_mib_after_100": round(50e6 / 2**20, 1),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def measure(visits: int) -> dict:
    """`visits` visits one after another on one `serve`; the figures."""
    with tempfile.TemporaryDirectory() as folder:
        kiosk = make_kiosk(Path(folder) / "kiosk")
        kiosk.start()
        try:
            serve_pid = kiosk.process.pid
            serve_before = rss_kib(serve_pid)
            peaks, welcomes, serve_after = [], [], []
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                for _ in range(visits):
                    context = browser.new_context(viewport={"width": 1280, "height": 800})
                    peak, welcome_ms = visit(context.new_page(), kiosk, serve_pid)
                    peaks.append(peak)
                    welcomes.append(welcome_ms)
                    context.close()
                    deadline = time.monotonic() + 20
                    while children(serve_pid) and time.monotonic() < deadline:
                        time.sleep(0.1)
                    serve_after.append(rss_kib(serve_pid))
                browser.close()
        finally:
            kiosk.stop()
    mib = 1024
    last = peaks[-10:]  # the kiosk processes after (nearly) all the visits
    return {
        "visits": visits,
        "navigation_to_welcome_ms": {
            "median": round(statistics.median(welcomes)),
            "p95": round(sorted(welcomes)[max(0, round(0.95 * len(welcomes)) - 1)]),
            "first": round(welcomes[0]),
            "goal": 300,
        },
        "visit_process_peak_mib": {
            "median": round(statistics.median(peaks) / mib, 1),
            "max": round(max(peaks) / mib, 1),
            "median_of_last_10": round(statistics.median(last) / mib, 1),
            "goal": round(50e6 / 2**20, 1),
        },
        "serve_rss_mib": {
            "start": round(serve_before / mib, 1),
            "after_first_visit": round(serve_after[0] / mib, 1),
            "after_last_visit": round(serve_after[-1] / mib, 1),
        },
        "commit": subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
        ).stdout.strip(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def main(argv: list[str] | None = None) -> None:
    """Measure (`argv`: the number of visits, 100 when none) and print the figures."""
    args = sys.argv[1:] if argv is None else argv
    one_tab = "--one-tab" in args
    numbers = [a for a in args if a != "--one-tab"]
    visits = int(numbers[0]) if numbers else 100
    print(f"load average at the start: {[round(x, 2) for x in os.getloadavg()]}", flush=True)
    if one_tab or argv == []:  # `make bench` runs both
        print(json.dumps(measure_one_tab(visits), indent=2), flush=True)
    if not one_tab:
        print(json.dumps(measure(visits), indent=2))


if __name__ == "__main__":
    main()
