"""serve.py without a browser: the pin on textual-serve, who may connect, the page, the CLI."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer
from click.testing import CliRunner

from skillcheck import serve
from skillcheck.cli import cli
from skillcheck.config import SiteConfig, load_config
from skillcheck.datafile import ContentError
from skillcheck.i18n import load_translators
from skillcheck.paths import LOCALES_DIR


def test_textual_serve_is_the_version_the_page_was_checked_with():
    assert version("textual-serve") == serve.TEXTUAL_SERVE_VERSION
    serve.check_textual_serve()
    script = serve.kiosk_page_script().decode()
    # The one patch: the terminal class is reachable, right before the page's onload.
    assert script.count(serve._JS_EXPORT) == 1
    assert serve._JS_EXPORT + serve._JS_ANCHOR in script
    # What kiosk.js relies on inside that class.
    for name in ("this.weblinksAddon", "this.terminal=new", "this.socket=new WebSocket"):
        assert name in script


def test_another_textual_serve_is_refused(monkeypatch):
    monkeypatch.setattr(serve, "TEXTUAL_SERVE_VERSION", "0.0.1")
    with pytest.raises(serve.ServeError, match="textual-serve==0.0.1"):
        serve.check_textual_serve()
    monkeypatch.setattr(serve, "TEXTUAL_JS_SHA256", "0" * 64)
    with pytest.raises(serve.ServeError, match="sha256"):
        serve.kiosk_page_script()


@pytest.mark.parametrize(
    ("listening", "origin", "host", "allowed"),
    [
        ("127.0.0.1", "http://127.0.0.1:8000", "127.0.0.1:8000", True),
        ("127.0.0.1", "http://localhost:8000", "localhost:8000", True),
        ("127.0.0.1", "http://evil.example:8000", "evil.example:8000", False),  # rebinding
        ("127.0.0.1", "http://evil.example", "127.0.0.1:8000", False),
        ("127.0.0.1", "http://127.0.0.1:8001", "127.0.0.1:8000", False),
        ("127.0.0.1", "https://127.0.0.1:8000", "127.0.0.1:8000", False),
        ("127.0.0.1", "null", "127.0.0.1:8000", False),
        ("127.0.0.1", None, "127.0.0.1:8000", False),
        ("127.0.0.1", "http://127.0.0.1:8000", None, False),
        ("127.0.0.1", "http://localhost:8000", "127.0.0.1:8000", False),  # not the same
        ("192.168.1.5", "http://192.168.1.5:8000", "192.168.1.5:8000", True),
        ("192.168.1.5", "http://localhost:8000", "localhost:8000", False),
        ("0.0.0.0", "http://10.0.0.7:8000", "10.0.0.7:8000", True),
        ("0.0.0.0", "http://kiosk.example:8000", "kiosk.example:8000", False),
        ("::1", "http://[::1]:8000", "[::1]:8000", True),
    ],
)
def test_only_the_served_address_may_connect(listening, origin, host, allowed):
    address = serve.ServedAddress(listening, 8000)
    assert address.allows_origin(origin, host) is allowed


@pytest.mark.parametrize(("query", "size"), [(None, 16), ("24", 24), ("x", 16), ("999", 16)])
def test_font_size_from_the_address(query, size):
    assert serve.font_size_from(query) == size


def _server(tmp_path, **settings) -> serve.KioskServer:
    config = SiteConfig(site="Bib <Test>", pin_hash="x", path=tmp_path / "site.toml", **settings)
    translators = {k: v for k, v in load_translators(LOCALES_DIR).items() if k in config.languages}
    # A stand-in kiosk process that speaks no protocol and waits for its stdin to close.
    command = [
        sys.executable,
        "-c",
        "import sys; print('__GANGLION__', flush=True); sys.stdin.read()",
    ]
    return serve.KioskServer(
        config=config, translators=translators, command=command, host="127.0.0.1", port=80
    )


def _with_client(server: serve.KioskServer, check) -> None:
    async def run():
        async with TestClient(TestServer(server.make_app(), host="127.0.0.1", port=0)) as client:
            # The test server's own port is not 80: let the checks see it as served.
            server.address = serve.ServedAddress("127.0.0.1", client.port)
            await check(client)

    asyncio.run(run())


def test_the_page_is_the_kiosks_own(tmp_path):
    async def check(client):
        response = await client.get("/?fontsize=24")
        assert response.status == 200
        page = await response.text()
        assert "Bib &lt;Test&gt;" in page  # escaped
        assert 'data-font-size="24"' in page
        # No address outside the kiosk: no http(s)://, no protocol-relative //host.
        assert not re.search(r"https?://|[\"'(]//", page)
        css = await (await client.get("/kiosk/kiosk.css")).text()
        assert not re.search(r"https?://|[\"'(]//", css)
        assert "/static/fonts/RobotoMono" in css
        for url in re.findall(r'(?:href|src)="([^"]+)"', page) + re.findall(r'url\("([^"]+)"', css):
            assert (await client.get(url)).status == 200, url
        assert "Content-Security-Policy" in response.headers
        # The textual-serve page's texts are not there.
        assert "Session ended" not in page and "Restart" not in page

    _with_client(_server(tmp_path), check)


def test_page_texts_are_in_each_site_language(tmp_path):
    texts = serve.page_texts(load_translators(LOCALES_DIR))
    for key in ("starting", "waiting", "busy"):
        by_language = dict(texts[key])
        assert len(set(by_language[code] for code in ("nl", "fr", "en"))) == 3, key


def test_static_lists_nothing_and_foreign_origins_are_refused(tmp_path):
    async def check(client):
        for path in ("/static/", "/static/js/", "/kiosk/", "/static/../server.py"):
            response = await client.get(path)
            assert response.status in (403, 404), path
            assert "server.py" not in await response.text()
        response = await client.get("/download/abc")
        assert response.status == 404
        ws = await client.get(
            "/ws",
            headers={
                "Origin": "http://evil.example",
                "Connection": "Upgrade",
                "Upgrade": "websocket",
                "Sec-WebSocket-Version": "13",
                "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
            },
        )
        assert ws.status == 403
        response = await client.get("/", headers={"Host": "evil.example"})
        assert response.status == 421

    _with_client(_server(tmp_path), check)


def test_no_more_kiosk_processes_than_max_visitors(tmp_path):
    server = _server(tmp_path, max_visitors=2)

    async def check(client):
        origin = f"http://127.0.0.1:{client.port}"
        sockets = []
        for _ in range(2):
            sockets.append(await client.ws_connect("/ws", origin=origin))
        for _ in range(50):
            if len(server.visitors) == 2:
                break
            await asyncio.sleep(0.05)
        assert len(server.visitors) == 2
        third = await client.ws_connect("/ws", origin=origin)
        await third.receive()
        assert third.close_code == serve.BUSY_CLOSE_CODE
        assert (await (await client.get("/alive")).json()) == {"free": 0}
        await sockets[0].close()
        for _ in range(100):
            if len(server.visitors) < 2:
                break
            await asyncio.sleep(0.05)
        assert (await (await client.get("/alive")).json()) == {"free": 1}
        await sockets[1].close()

    _with_client(server, check)


def test_max_visitors_in_the_config(tmp_path):
    path = tmp_path / "site.toml"
    path.write_text("max_visitors = 3\n", encoding="utf-8")
    assert load_config(path).max_visitors == 3
    for bad in ("0", "65", '"4"', "true"):
        path.write_text(f"max_visitors = {bad}\n", encoding="utf-8")
        with pytest.raises(ContentError):
            load_config(path)
    assert SiteConfig().max_visitors == 4


def test_serve_refuses_to_start_without_a_pin(tmp_path):
    path = tmp_path / "site.toml"
    path.write_text("kiosk = false\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["serve", "--config", str(path)])
    assert result.exit_code == 2
    assert "set-pin" in result.output
    result = CliRunner().invoke(cli, ["serve"])
    assert result.exit_code == 2


def test_the_kiosk_command_is_always_kiosk_mode(tmp_path):
    command = serve.kiosk_command(tmp_path / "site.toml")
    assert command[2:5] == ["skillcheck", "run", "--kiosk"]


@pytest.mark.parametrize("host", ["999.1.1.1", "no such host.invalid"])
def test_a_bad_host_is_one_line(tmp_path, host):
    path = tmp_path / "site.toml"
    path.write_text("", encoding="utf-8")
    CliRunner().invoke(cli, ["set-pin", "--config", str(path)], input="246810\n246810\n")
    result = subprocess.run(
        [sys.executable, "-m", "skillcheck", "serve", "--config", str(path), "--host", host],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("skillcheck: cannot listen on")
    assert "Traceback" not in result.stderr


def test_serve_imports_no_textual():
    code = "import sys, skillcheck.serve; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_kiosk_process_that_ends_closes_the_page(tmp_path):
    server = _server(tmp_path)
    # A kiosk that fails at once (as with a broken config): the page must hear of it.
    server.command = f"{sys.executable} -c 'import sys; sys.exit(3)'"

    async def check(client):
        socket = await client.ws_connect("/ws", origin=f"http://127.0.0.1:{client.port}")
        message = await asyncio.wait_for(socket.receive(), timeout=30)
        assert message.type.name in ("CLOSE", "CLOSED", "CLOSING")
        assert socket.closed

    _with_client(server, check)


@pytest.mark.parametrize(
    ("voices", "languages"),
    [
        ("nl,fr,en,es", "nl,fr,en"),  # only the site's languages, in the site's order
        ("en,nl", "nl,en"),
        ("none", ""),
        (None, ""),  # a page that says nothing: no read aloud on the server's speaker
        ("nl;rm -rf /,fr", "fr"),  # anything else is dropped, never passed to a shell
    ],
)
def test_each_tab_reads_aloud_in_its_browsers_voices(tmp_path, voices, languages):
    server = _server(tmp_path)
    server.translators = {code: None for code in ("nl", "fr", "en")}
    command = server.command_for(voices)
    assert command.startswith("exec " + server.command + " ")
    assert shlex.split(command)[-2:] == ["--browser-voices", languages]


FAKE_KIOSK = Path(__file__).with_name("fake_kiosk.py")


def _recording_server(tmp_path, *, stubborn: bool = False) -> tuple[serve.KioskServer, Path]:
    server = _server(tmp_path)
    record = tmp_path / "record.jsonl"
    server.command = shlex.join(
        [sys.executable, str(FAKE_KIOSK), str(record)] + (["stubborn"] if stubborn else [])
    )
    return server, record


def _received(record: Path) -> list[dict]:
    if not record.exists():
        return []
    return [json.loads(line) for line in record.read_text(encoding="utf-8").splitlines()]


async def _until(condition, seconds: float = 20.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition not met")


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    # A zombie has ended; only its exit status waits to be read.
    return Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"


@pytest.mark.parametrize(
    "message",
    [
        '["resize", {"width": 1e999, "height": 24}]',  # inf: int() raised OverflowError
        '["resize", {"width": NaN, "height": 24}]',
        '["resize", {"width": -1e999, "height": 24}]',
        "[" * 2000 + "]" * 2000,  # too deep for json (RecursionError)
        '["resize", ' + "[" * 1500 + "]" * 1500 + "]",
        '{"stdin": "x"}',
        "[]",
        '[1e999, "x"]',
        '["ping", {"a": [1e999]}]',
    ],
    ids=range(9),
)
def test_no_message_ends_a_visit(tmp_path, message):
    server, record = _recording_server(tmp_path)

    async def check(client):
        socket = await client.ws_connect("/ws", origin=f"http://127.0.0.1:{client.port}")
        await socket.send_str(message)
        await socket.send_str('["ping", "after"]')
        answer = await asyncio.wait_for(socket.receive(), timeout=30)
        assert answer.type.name == "TEXT" and json.loads(answer.data) == ["pong", "after"]
        assert not socket.closed
        await socket.close()

    _with_client(server, check)


def test_a_size_the_page_cannot_ask_for_is_ignored(tmp_path):
    server, record = _recording_server(tmp_path)
    sizes = [
        {"width": 100_000, "height": 24},  # was cut to 400 and passed on
        {"width": 80, "height": 0},
        {"width": 80.5, "height": 24},
        {"width": True, "height": 24},
        {"width": "80", "height": "24"},
        {"width": 19, "height": 24},
        {"width": 100, "height": 30},  # the only one the page could send
    ]

    async def check(client):
        socket = await client.ws_connect("/ws", origin=f"http://127.0.0.1:{client.port}")
        for size in sizes:
            await socket.send_str(json.dumps(["resize", size]))
        await _until(lambda: any(m.get("meta", {}).get("width") == 100 for m in _received(record)))
        await socket.close()

    _with_client(server, check)
    resizes = [m["meta"] for m in _received(record) if m.get("meta", {}).get("type") == "resize"]
    assert resizes == [{"type": "resize", "width": 100, "height": 30}]


@pytest.mark.parametrize("burst", ["one frame", "many frames"])
def test_a_flood_of_keys_ends_the_visit_and_its_kiosk(tmp_path, caplog, burst):
    server, record = _recording_server(tmp_path)
    megabyte = "1" * 1_000_000

    async def check(client):
        socket = await client.ws_connect("/ws", origin=f"http://127.0.0.1:{client.port}")
        await _until(lambda: _received(record))
        if burst == "one frame":
            await socket.send_str(json.dumps(["stdin", megabyte]))
        else:
            for start in range(0, len(megabyte), 1000):
                if socket.closed:
                    break
                await socket.send_str(json.dumps(["stdin", megabyte[start : start + 1000]]))
        message = await asyncio.wait_for(socket.receive(), timeout=30)
        while message.type.name == "TEXT":  # a pong, say
            message = await asyncio.wait_for(socket.receive(), timeout=30)
        assert message.type.name in ("CLOSE", "CLOSED", "CLOSING")
        await _until(lambda: not server.visitors)

    with caplog.at_level("WARNING", logger="skillcheck.serve"):
        _with_client(server, check)
    received = sum(len(m.get("data", "")) for m in _received(record))
    assert received <= serve.VisitAllowance.BYTES  # the kiosk got a few keys, not a megabyte
    assert _gone(_received(record)[0]["pid"])
    assert "ended a visit" in caplog.text


def test_a_kiosk_that_does_not_quit_ends_when_its_tab_closes(tmp_path):
    server, record = _recording_server(tmp_path, stubborn=True)

    async def check(client):
        socket = await client.ws_connect("/ws", origin=f"http://127.0.0.1:{client.port}")
        await _until(lambda: _received(record))
        await socket.close()
        # Asked to quit, then SIGTERM (ignored), then SIGKILL: gone, place free again.
        await _until(lambda: not server.visitors)

    _with_client(server, check)
    pid = _received(record)[0]["pid"]
    assert _gone(pid)
    assert {"type": "quit"} in [m.get("meta") for m in _received(record)]


def test_the_browsers_voices_reach_the_kiosk_when_they_come(tmp_path):
    server, record = _recording_server(tmp_path)
    server.translators = {code: None for code in ("nl", "fr", "en")}

    async def check(client):
        origin = f"http://127.0.0.1:{client.port}"
        socket = await client.ws_connect("/ws/voices/none", origin=origin)
        await socket.send_str(json.dumps(["voices", "fr,es,nl"]))
        await _until(
            lambda: any("meta" in m and "languages" in m["meta"] for m in _received(record))
        )
        await socket.close()

    _with_client(server, check)
    voices = [m["meta"] for m in _received(record) if m.get("meta", {}).get("languages")]
    assert voices == [{"type": serve.VOICES_META, "languages": "nl,fr"}]
    from skillcheck.tui import browser

    assert browser.VOICES_META == serve.VOICES_META
    assert serve.KIOSK_DRIVER == f"{browser.__name__}:{browser.KioskWebDriver.__name__}"


def test_the_kiosk_is_the_process_serve_started(tmp_path):
    # textual-serve starts the command with a shell: without `exec` a signal ends the
    # shell and leaves the kiosk running, an orphan.
    server = _server(tmp_path)
    assert server.command_for("nl").startswith("exec ")


_SERVE_WITH_A_STUBBORN_KIOSK = """
import asyncio, shlex, sys
from pathlib import Path
from skillcheck import serve
from skillcheck.config import SiteConfig
config = SiteConfig(site="Bib", pin_hash="x", path=Path(sys.argv[1]) / "site.toml")
server = serve.KioskServer(
    config=config, translators={}, command=["true"], host="127.0.0.1", port=int(sys.argv[2])
)
server.command = shlex.join([sys.executable, sys.argv[3], sys.argv[4], "stubborn"])
asyncio.run(serve._serve(server, "127.0.0.1", int(sys.argv[2]), None))
"""


def test_serve_ends_on_sigterm_and_takes_every_kiosk_with_it(tmp_path):
    # A kiosk stuck behind a backlog of keys (it reads nothing more, ignores the quit
    # message and SIGTERM): serve used to wait for it for ever (its pipe to the kiosk
    # full), and the kiosk outlived it.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    record = tmp_path / "record.jsonl"
    server = subprocess.Popen(
        [sys.executable, "-c", _SERVE_WITH_A_STUBBORN_KIOSK, str(tmp_path), str(port)]
        + [str(FAKE_KIOSK), str(record)],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert "served on" in server.stderr.readline()

        async def visit():
            async with aiohttp.ClientSession() as session:
                url = f"http://127.0.0.1:{port}/ws"
                async with session.ws_connect(url, origin=f"http://127.0.0.1:{port}") as ws:
                    await _until(lambda: _received(record))
                    # Keys the stuck kiosk never reads: serve's pipe to it fills up.
                    for _ in range(200):
                        if ws.closed:
                            break
                        await ws.send_str(json.dumps(["stdin", "1" * 1000]))
                    server.send_signal(signal.SIGTERM)
                    message = await asyncio.wait_for(ws.receive(), timeout=30)
                    assert message.type.name in ("CLOSE", "CLOSED", "CLOSING")

        asyncio.run(visit())
        assert server.wait(timeout=15) == 0
    finally:
        server.kill()
        server.wait()
    assert _gone(_received(record)[0]["pid"])


def test_a_mouse_moved_for_a_minute_is_not_a_flood():
    now = [0.0]
    allowance = serve.VisitAllowance(clock=lambda: now[0])
    report = json.dumps(["stdin", "\x1b[<35;120;40M"])  # one cell crossed
    for _ in range(150 * 60):  # 150 cells a second, for a minute
        now[0] += 1 / 150
        assert allowance.take(len(report))
    # The same reports as fast as a script can send them: refused within a second's worth.
    taken = sum(allowance.take(len(report)) for _ in range(2000))
    assert taken < serve.VisitAllowance.MESSAGES
