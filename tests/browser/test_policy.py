"""deploy/chromium/skillcheck.json in Debian's chromium: the kiosk loads, nothing else.

Chromium reads managed policies only from /etc/chromium/policies/managed/. The test
never writes there: chromium starts in a private mount namespace (`unshare -m`, as
root) with a copy of /etc/chromium, holding this policy, bound over the real one;
the mount vanishes with the browser.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import pytest
from kiosk_page import CHROMIUM, CHROMIUM_ARGS, wait_for_text
from playwright.sync_api import Error, sync_playwright

from conftest import ROOT

POLICY = ROOT / "deploy" / "chromium" / "skillcheck.json"
# Pages a visitor (or a script in a page) could try; each must show chromium's
# "blocked by your administrator" page.
BLOCKED = [
    "chrome://settings",
    "chrome://flags",
    "chrome://history",
    "chrome://downloads",
    "chrome://version",
    "chrome://policy",
    "view-source:{kiosk}",
    "file:///etc/passwd",
    "data:text/html,<p>hello</p>",
    "http://127.0.0.2:{port}/",
    "https://example.org/",
]


def policy_chromium(folder: Path, port: int) -> Path:
    """A chromium that starts in its own mount namespace with the kiosk's policy."""
    etc = folder / "etc-chromium"
    shutil.copytree("/etc/chromium", etc)
    managed = etc / "policies" / "managed"
    managed.mkdir(parents=True, exist_ok=True)
    # The test's serve listens on a free port, not 8000; Playwright opens about:blank
    # first and waits for it (the kiosk's chromium starts on the kiosk's address).
    policy = json.loads(POLICY.read_text(encoding="utf-8").replace(":8000", f":{port}"))
    policy["URLAllowlist"].append("about:blank")
    # Playwright drives chromium through DevTools: the one policy it cannot run under
    # (tests/test_deploy.py checks the shipped file keeps DevTools off).
    del policy["DeveloperToolsAvailability"]
    (managed / "skillcheck.json").write_text(json.dumps(policy), encoding="utf-8")
    wrapper = folder / "chromium-with-policy"
    wrapper.write_text(
        "#!/bin/sh\n"
        'exec unshare -m --propagation private /bin/sh -c \'mount --bind "$0" /etc/chromium'
        f' && exec {CHROMIUM} "$@"\' "{etc}" "$@"\n',
        encoding="utf-8",
    )
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    return wrapper


@pytest.fixture(scope="module")
def policed_browser(kiosk, tmp_path_factory):
    """The browser's own profile (as the unit's): the policy forbids incognito, which is
    what Playwright's other contexts are."""
    folder = tmp_path_factory.mktemp("policy")
    executable = policy_chromium(folder, kiosk.port)
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            folder / "profile", executable_path=str(executable), args=CHROMIUM_ARGS, timeout=60_000
        )
        yield context
        context.close()


def test_the_policy_shows_the_kiosk_and_blocks_every_other_page(policed_browser, kiosk):
    assert os.geteuid() == 0, "the mount namespace needs root (as .ci/run runs the tests)"
    page = policed_browser.pages[0] if policed_browser.pages else policed_browser.new_page()
    page.goto(kiosk.url)
    wait_for_text(page, "Français")  # the kiosk itself loads and runs
    shown = {}
    for address in BLOCKED:
        url = address.format(kiosk=kiosk.url, port=kiosk.port)
        tab = policed_browser.new_page()
        try:
            tab.goto(url, timeout=10_000)
            shown[url] = tab.content()
        except Error as error:
            shown[url] = str(error).splitlines()[0]
        finally:
            if not tab.is_closed():
                tab.close()
    for url, what in shown.items():
        assert "ERR_BLOCKED_BY_ADMINISTRATOR" in what, (url, what[:300])
    policy = json.loads(POLICY.read_text(encoding="utf-8"))
    assert "chrome://*" in policy["URLBlocklist"]
