"""Browser mode: `skillcheck serve`, the kiosk in a web page, as locked down as the terminal.

Each browser tab gets its own `skillcheck run --kiosk` process, driven through
textual-serve's `AppService` (the process protocol) and its bundled xterm page script.
The web application itself is ours, so that

- the page is the kiosk's own (fonts shipped with textual-serve, no request leaves
  the machine, texts in the site's languages, no "Session ended / Restart" page): when
  the connection closes the page waits and starts the welcome screen again by itself;
- `/ws` accepts only the served address as Origin and Host, and at most
  `max_visitors` kiosk processes run at once;
- a page (or a script posing as one) is held to what the page itself sends: a message
  of at most MESSAGE_BYTES, a visit's messages within VisitAllowance (else the visit
  ends and the log says why), sizes only within the sizes the page can ask for, and
  nothing it sends (1e999, NaN, deep nesting) ends the visit by accident;
- every kiosk process ends within STOP_SECONDS of its tab closing or `serve` stopping,
  however busy it is (asked to quit, then SIGTERM, then SIGKILL);
- `/static/` serves files, never a listing; nothing opens a link or a window: links
  are switched off in the page and `open_url` requests from the app are dropped.

This module imports no textual. Everything that depends on textual-serve's private
details (the page script's inside, the process protocol's meta types) is here and
pinned to TEXTUAL_SERVE_VERSION; tests/test_serve.py checks the pin.
"""

from __future__ import annotations

import asyncio
import hashlib
import html
import ipaddress
import json
import logging
import shlex
import signal
import sys
import time
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from string import Template
from urllib.parse import urlsplit

from aiohttp import WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager

from skillcheck.config import SiteConfig
from skillcheck.digcomp import N_
from skillcheck.i18n import Translator
from skillcheck.speech import PAGE_SCHEME

log = logging.getLogger("skillcheck.serve")

# The textual-serve release whose page script and process protocol this module was
# checked against; another one is refused at start (see check_textual_serve).
TEXTUAL_SERVE_VERSION = "1.1.3"
# sha256 of that release's static/js/textual.js: the patch below is exact text.
TEXTUAL_JS_SHA256 = "c1e7f29ed0facdd331181d6262f92acfc1cf908569d9e013c16038142a23a470"
# The page script keeps its terminal class private; the kiosk page needs it to turn
# links off, to load the bundled font first and to see the connection close.
_JS_ANCHOR = 'window.onload=e=>{const t=document.querySelectorAll(".textual-terminal")'
_JS_EXPORT = "window.SkillcheckTerminal=w;"

WEB_DIR = Path(__file__).with_name("web")
# A WebSocket close code of our own (4000-4999 are for applications): no free place.
BUSY_CLOSE_CODE = 4003
# A WebSocket close code of our own: the page sent more than a visitor can (see below).
FLOOD_CLOSE_CODE = 4008
DEFAULT_FONT_SIZE = 16
FONT_SIZES = range(10, 49)
# The terminal sizes the page can ask for, in cells: a 412-pixel phone at the smallest
# text (12 px) is 48 columns, a 4K screen at 12 px about 330; anything else is not
# our page, and is ignored (the kiosk keeps its size).
COLUMNS = range(20, 401)
ROWS = range(10, 201)
# The largest message the page sends is a paste of a few keys or a mouse report
# (tens of bytes); 4 KiB leaves room and refuses a megabyte in one frame.
MESSAGE_BYTES = 4096
# How long a kiosk process may take to quit once asked (it records the visit as
# abandoned), then to end on SIGTERM, before it is killed: within 5 s in all.
QUIT_SECONDS = 2.5
TERM_SECONDS = 1.5
STOP_SECONDS = QUIT_SECONDS + TERM_SECONDS

# Texts of the page around the kiosk, shown in every site language at once (before
# the visitor has chosen one).
STARTING = N_("One moment, please: the kiosk is starting.")
WAITING = N_("One moment, please: the kiosk is starting again.")
BUSY = N_("All places are in use. The kiosk starts as soon as one is free.")
# The page's text size buttons ("A+", "A−"), named for screen readers in every language.
LARGER = N_("Larger text")
SMALLER = N_("Smaller text")


class ServeError(Exception):
    """`serve` cannot start; the message is one line for the console."""


def textual_serve_dir() -> Path:
    """The installed textual-serve package folder (its static files and page script)."""
    import textual_serve

    return Path(textual_serve.__file__).parent


def check_textual_serve() -> None:
    """Refuse a textual-serve other than the one this module was checked against."""
    installed = version("textual-serve")
    if installed != TEXTUAL_SERVE_VERSION:
        raise ServeError(
            f"textual-serve {installed} is installed, but the kiosk page was checked with "
            f"{TEXTUAL_SERVE_VERSION}: install textual-serve=={TEXTUAL_SERVE_VERSION}"
        )


def kiosk_page_script() -> bytes:
    """textual-serve's page script with its terminal class made reachable by the page."""
    source = (textual_serve_dir() / "static" / "js" / "textual.js").read_bytes()
    digest = hashlib.sha256(source).hexdigest()
    if digest != TEXTUAL_JS_SHA256:
        raise ServeError(
            f"textual-serve's textual.js is not the one the kiosk page was checked with "
            f"(sha256 {digest[:12]}…): reinstall textual-serve=={TEXTUAL_SERVE_VERSION}"
        )
    text = source.decode("utf-8")
    # Exactly one place, else the file is not the one checked (the hash says so too).
    assert text.count(_JS_ANCHOR) == 1
    return text.replace(_JS_ANCHOR, _JS_EXPORT + _JS_ANCHOR).encode("utf-8")


# --- who may connect ---------------------------------------------------------------------

_LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class ServedAddress:
    """The address the kiosk listens on, and which Host and Origin values name it."""

    host: str
    port: int

    def allows_host(self, hostname: str) -> bool:
        """Whether a request's host name (from Host or Origin) names this server.

        Names other than the listening address are refused, so a page of another
        site that resolves its own name to this machine (DNS rebinding) gets nothing.
        """
        hostname = hostname.lower().strip("[]")
        listening = self.host.lower().strip("[]")
        if hostname == listening:
            return True
        if listening in _LOOPBACK_NAMES or _is_loopback(listening):
            return hostname in _LOOPBACK_NAMES or _is_loopback(hostname)
        if listening in ("0.0.0.0", "::", ""):
            # Every interface: any address literal of this machine, never a name.
            return _is_ip(hostname) or hostname in _LOOPBACK_NAMES
        return False

    def allows_origin(self, origin: str | None, host_header: str | None) -> bool:
        """A browser's Origin must be this server, the same as the Host it asked."""
        if not origin or not host_header:
            return False
        parts = urlsplit(origin)
        if parts.scheme != "http" or not parts.hostname:
            return False
        if (parts.port or 80) != self.port:
            return False
        host = urlsplit("//" + host_header)
        if host.hostname is None or (host.port or 80) != self.port:
            return False
        return (
            parts.hostname == host.hostname
            and self.allows_host(parts.hostname)
            and self.allows_host(host.hostname)
        )


def _is_loopback(name: str) -> bool:
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


# --- the page ------------------------------------------------------------------------------


def page_texts(translators: dict[str, Translator]) -> dict[str, list[tuple[str, str]]]:
    """Each page text in every site language: {"starting": [(lang, text), ...], ...}."""
    return {
        key: [(lang, t.gettext(message)) for lang, t in translators.items()]
        for key, message in (("starting", STARTING), ("waiting", WAITING), ("busy", BUSY))
    }


def render_page(config: SiteConfig, translators: dict[str, Translator], font_size: int) -> str:
    """The kiosk's own page: no external request, no link, texts in the site's languages."""
    template = Template((WEB_DIR / "kiosk.html").read_text(encoding="utf-8"))

    def block(key: str, texts: list[tuple[str, str]]) -> str:
        lines = "".join(
            f'<p lang="{html.escape(lang)}">{html.escape(text)}</p>' for lang, text in texts
        )
        return f'<div class="notice" id="{key}">{lines}</div>'

    notices = "\n".join(block(key, texts) for key, texts in page_texts(translators).items())
    first = next(iter(translators))

    def label(message: str) -> str:
        words = dict.fromkeys(t.gettext(message) for t in translators.values())
        return html.escape(" / ".join(words))

    return template.substitute(
        larger=label(LARGER),
        smaller=label(SMALLER),
        lang=html.escape(first),
        title=html.escape(config.site),
        notices=notices,
        font_size=str(font_size),
        busy_code=str(BUSY_CLOSE_CODE),
    )


def font_size_from(query: str | None) -> int:
    """`?fontsize=24` for large text; anything else gives the default size."""
    try:
        size = int(query or DEFAULT_FONT_SIZE)
    except ValueError:
        return DEFAULT_FONT_SIZE
    return size if size in FONT_SIZES else DEFAULT_FONT_SIZE


# --- the server -----------------------------------------------------------------------------


def kiosk_command(config_path: Path, database: Path | None = None) -> list[str]:
    """The command each browser tab runs: always kiosk mode, never practice mode."""
    command = [sys.executable, "-m", "skillcheck", "run", "--kiosk"]
    command += ["--config", str(config_path.resolve())]
    if database is not None:
        command += ["--db", str(database.resolve())]
    return command


class KioskServer:
    """The aiohttp application serving the kiosk page and one kiosk process per tab."""

    def __init__(
        self,
        *,
        config: SiteConfig,
        translators: dict[str, Translator],
        command: list[str],
        host: str,
        port: int,
    ) -> None:
        self.config = config
        self.translators = translators
        self.command = shlex.join(command)
        self.address = ServedAddress(host, port)
        self.visitors: set[object] = set()
        self._script = kiosk_page_script()
        # Tabs whose messages are being forwarded: closed (so their kiosks end) on stop.
        self.sockets: set[web.WebSocketResponse] = set()
        # Kiosk processes being ended (a task must be held while it runs).
        self._ending: set[asyncio.Future] = set()

    def make_app(self):
        """The web application (routes, headers, shutdown of every kiosk process)."""
        app = web.Application(middlewares=[self._headers])
        static = textual_serve_dir() / "static"
        app.add_routes(
            [
                web.get("/", self.handle_page),
                web.get("/alive", self.handle_alive),
                web.get("/favicon.ico", self.handle_no_icon),
                web.get("/ws", self.handle_websocket),
                # The page names the languages its browser has a voice for (read aloud).
                web.get("/ws/voices/{voices}", self.handle_websocket),
                web.get("/kiosk/textual.js", self.handle_script),
                web.static("/kiosk", WEB_DIR, show_index=False),
                # Only the files the page uses: the stylesheet and the bundled fonts.
                web.static("/static", static, show_index=False),
            ]
        )
        app.on_shutdown.append(self._stop_visitors)
        return app

    @staticmethod
    def _security_headers() -> dict[str, str]:
        return {
            # Belt and braces: the browser itself refuses any request to another host.
            "Content-Security-Policy": (
                "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                "img-src 'self' data:; font-src 'self'; connect-src 'self'; "
                "frame-ancestors 'none'; form-action 'none'; base-uri 'none'"
            ),
            "Referrer-Policy": "no-referrer",
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-store",
        }

    @property
    def _headers(self):
        @web.middleware
        async def headers(request, handler):
            host = request.url.host or ""
            if not self.address.allows_host(host):
                raise web.HTTPMisdirectedRequest(text="unknown host\n")
            response = await handler(request)
            response.headers.update(self._security_headers())
            return response

        return headers

    async def handle_page(self, request):
        size = font_size_from(request.query.get("fontsize"))
        body = render_page(self.config, self.translators, size)
        return web.Response(text=body, content_type="text/html", charset="utf-8")

    async def handle_alive(self, request):
        return web.json_response({"free": self.config.max_visitors - len(self.visitors)})

    async def handle_no_icon(self, request):
        return web.Response(status=204)

    async def handle_script(self, request):
        return web.Response(body=self._script, content_type="application/javascript")

    async def handle_websocket(self, request):
        if not self.address.allows_origin(
            request.headers.get("Origin"), request.headers.get("Host")
        ):
            log.warning("refused a connection from origin %r", request.headers.get("Origin"))
            raise web.HTTPForbidden(text="origin not allowed\n")
        # A larger frame closes the connection (1009) before it is read into memory.
        websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=MESSAGE_BYTES)
        await websocket.prepare(request)
        if len(self.visitors) >= self.config.max_visitors:
            log.info("no free place (%d kiosks running)", len(self.visitors))
            await websocket.close(code=BUSY_CLOSE_CODE, message=b"busy")
            return websocket
        width, height = terminal_size(
            {
                "width": _query_int(request.query.get("width")),
                "height": _query_int(request.query.get("height")),
            }
        ) or (80, 24)
        process = KioskProcess(
            self.command_for(request.match_info.get("voices")),
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=websocket.close,
            download_manager=DownloadManager(),
        )
        self.visitors.add(process)
        self.sockets.add(websocket)
        try:
            await process.start(width, height)
            await self._forward(websocket, process)
        except asyncio.CancelledError:
            await websocket.close()
        except Exception:
            log.exception("kiosk connection failed")
        finally:
            # The kiosk process ends (and records an interrupted visit as abandoned); its
            # place is free once it has. Shielded: aiohttp may cancel this handler when
            # the tab goes, and the process must end all the same.
            self.sockets.discard(websocket)
            ending = asyncio.ensure_future(process.stop())
            self._ending.add(ending)
            ending.add_done_callback(lambda _: self.visitors.discard(process))
            ending.add_done_callback(self._ending.discard)
            await asyncio.shield(ending)
        return websocket

    def command_for(self, voices: str | None) -> str:
        """The kiosk command for one tab: read aloud in the browser's voices.

        `voices` is the page's list ("nl,fr"; "none"): only the site's languages are
        kept. A page that says nothing (plain `/ws`) gets no read aloud: espeak-ng
        would speak on the server, not to the visitor.
        """
        languages = self.voices_heard(voices or "")
        # textual-serve starts the command with a shell: `exec` makes the kiosk that
        # shell's process, so a signal to the process it knows reaches the kiosk itself
        # (else SIGTERM ends the shell and the kiosk lives on, an orphan).
        return "exec " + self.command + " --browser-voices " + shlex.quote(",".join(languages))

    def voices_heard(self, voices: str) -> list[str]:
        """The site's languages among those a page says its browser has a voice for."""
        said = voices.split(",")
        return [code for code in self.translators if code in said]

    async def _forward(self, websocket, process: KioskProcess) -> None:
        """Keys, sizes and voices from the page to the kiosk process; nothing else."""
        allowance = VisitAllowance()
        async for message in websocket:
            if message.type == WSMsgType.ERROR:
                # A frame over MESSAGE_BYTES (aiohttp has closed with 1009) or a broken one.
                log.warning("ended a visit: %s", message.data)
                return
            if message.type != WSMsgType.TEXT:
                continue
            if not allowance.take(len(message.data)):
                log.warning(
                    "ended a visit: more than %d messages or %d bytes in a burst",
                    VisitAllowance.MESSAGES,
                    VisitAllowance.BYTES,
                )
                await websocket.close(code=FLOOD_CLOSE_CODE, message=b"too much")
                return
            envelope = page_message(message.data)
            if envelope is None:
                continue
            kind, data = envelope
            if kind == "stdin" and isinstance(data, str):
                await process.send_bytes(data.encode("utf-8", "replace"))
            elif kind == "resize":
                size = terminal_size(data)
                if size is not None:
                    await process.set_terminal_size(*size)
            elif kind == "voices" and isinstance(data, str):
                # The browser's voice list came after the kiosk started (it never waits).
                await process.send_meta(
                    {"type": VOICES_META, "languages": ",".join(self.voices_heard(data))}
                )
            elif kind == "ping" and isinstance(data, str) and len(data) <= 32:
                await websocket.send_json(["pong", data])  # the page's clock, echoed
            elif kind == "blur":
                await process.blur()
            elif kind == "focus":
                await process.focus()

    async def _stop_visitors(self, app) -> None:
        """On shutdown every kiosk process is asked to quit (the visit recorded); each
        ends within STOP_SECONDS however busy it is."""
        await asyncio.gather(
            *(process.stop() for process in list(self.visitors)), return_exceptions=True
        )
        for websocket in list(self.sockets):
            await websocket.close(code=1001, message=b"server stopping")


# The meta message that brings the browser's voices to the kiosk process (see
# skillcheck.tui.browser, which reads it).
VOICES_META = "skillcheck_voices"
KIOSK_DRIVER = "skillcheck.tui.browser:KioskWebDriver"


class VisitAllowance:
    """What one visit may send: a bucket of messages and of bytes, refilled each second.

    A person taps or types a PIN: a few messages a second, each tens of bytes. A mouse
    moved fast over the page sends the most, one report (about 30 bytes) per cell
    crossed, up to about 150 a second while it moves. A script sending a megabyte of
    keys in small messages empties the bucket in a fraction of a second, and its
    visit ends before the kiosk process has more than BYTES of keys to work through.
    """

    MESSAGES = 600
    BYTES = 24 * 1024
    MESSAGES_PER_SECOND = 200
    BYTES_PER_SECOND = 8 * 1024

    def __init__(self, clock=time.monotonic) -> None:
        self.clock = clock
        self.messages = float(self.MESSAGES)
        self.bytes = float(self.BYTES)
        self.last = clock()

    def take(self, size: int) -> bool:
        """Count one message of `size` bytes; False once the visit has sent too much."""
        now = self.clock()
        elapsed, self.last = max(0.0, now - self.last), now
        self.messages = min(self.MESSAGES, self.messages + elapsed * self.MESSAGES_PER_SECOND)
        self.bytes = min(self.BYTES, self.bytes + elapsed * self.BYTES_PER_SECOND)
        self.messages -= 1
        self.bytes -= size
        return self.messages >= 0 and self.bytes >= 0


def page_message(text: str) -> tuple[str, object] | None:
    """A page message `["kind", data]`, or None for anything else.

    Nothing in a message can end the visit: deep nesting (RecursionError), numbers
    beyond a float (1e999 is inf, then an OverflowError in int()), NaN: all are
    simply not a message of the page.
    """
    try:
        envelope = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(envelope, list) or not envelope or not isinstance(envelope[0], str):
        return None
    return envelope[0], envelope[1] if len(envelope) > 1 else None


def terminal_size(data: object) -> tuple[int, int] | None:
    """(columns, rows) from a resize, or None unless both are whole numbers the page
    can ask for (COLUMNS, ROWS): a size outside them is ignored, never clamped."""
    if not isinstance(data, dict):
        return None
    width, height = data.get("width"), data.get("height")
    if type(width) is not int or type(height) is not int:  # not bool, float, inf, NaN
        return None
    if width not in COLUMNS or height not in ROWS:
        return None
    return width, height


def _query_int(value: str | None) -> int | None:
    """A whole number in an address (`?width=80`), else None."""
    if value is None or not value.isdigit() or len(value) > 4:
        return None
    return int(value)


class KioskProcess(AppService):
    """One visitor's kiosk process; the app can close the page, never open a window."""

    async def on_meta(self, data: bytes) -> None:
        meta = json.loads(data)
        kind = meta.get("type")
        if kind == "exit":
            await self.remote_close()
        elif kind == "open_url" and str(meta.get("url", "")).startswith(PAGE_SCHEME):
            message = str(meta["url"])[len(PAGE_SCHEME) :]
            await self.remote_write_str(json.dumps(["skillcheck", message]))
        else:
            # open_url, deliver_file_start and anything newer: dropped on purpose.
            log.info("dropped a %r request from the kiosk process", kind)

    async def on_packed(self, payload: bytes) -> None:
        return None  # file chunks: the kiosk delivers no files

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        environment = super()._build_environment(width, height)
        # textual's web driver, plus the one message of ours: the browser's voices.
        environment["TEXTUAL_DRIVER"] = KIOSK_DRIVER
        return environment

    # The one ending of this process, however many ask for it (the tab's handler and
    # serve's shutdown may both).
    _stopping: asyncio.Future | None = None

    async def stop(self) -> None:
        """End the kiosk process within STOP_SECONDS, however busy it is.

        textual-serve's own stop asks the process to quit and waits for ever: a kiosk
        with a backlog of keys (or a stdin pipe that is full) never gets to the quit.
        Asked first, so an open visit is recorded as abandoned; then SIGTERM, which the
        kiosk also answers by recording the visit; then SIGKILL. A caller that is
        cancelled does not cancel the ending.
        """
        if self._stopping is None:
            self._stopping = asyncio.ensure_future(self._end())
        await asyncio.shield(self._stopping)

    async def _end(self) -> None:
        task, process = self._task, self._process
        if task is None or process is None:
            return

        async def asked() -> None:
            await self.send_meta({"type": "quit"})  # blocks while the pipe is full
            await process.wait()

        try:
            await asyncio.wait_for(asked(), QUIT_SECONDS)
        except (TimeoutError, OSError):
            for sig, seconds in ((signal.SIGTERM, TERM_SECONDS), (signal.SIGKILL, None)):
                if process.returncode is not None:
                    break
                log.warning("a kiosk process did not quit: sending %s", sig.name)
                try:
                    process.send_signal(sig)
                except ProcessLookupError:
                    break
                try:
                    await asyncio.wait_for(asyncio.shield(process.wait()), seconds)
                except TimeoutError:
                    continue
        try:
            await asyncio.wait_for(task, TERM_SECONDS)
        except TimeoutError:
            task.cancel()
        self._task = None

    async def run(self) -> None:
        """The process's output until it ends; then the page is told, whatever the cause.

        (A kiosk that failed to start or crashed would otherwise leave the page on its
        splash for ever.) The page then waits and starts a fresh welcome screen.
        """
        try:
            await super().run()
        finally:
            try:
                await self.remote_close()
            except Exception:  # the page may be gone already
                pass


# --- start -------------------------------------------------------------------------------


def check_ready(config: SiteConfig) -> None:
    """Refuse to serve without a PIN: the browser is always the kiosk."""
    if config.path is None:
        raise ServeError("serve needs a site config: --config FILE (see examples/site.toml)")
    if not config.pin_hash:
        raise ServeError(
            f"the browser kiosk needs a facilitator PIN: run "
            f"`skillcheck set-pin --config {config.path}` first"
        )


async def _serve(server: KioskServer, host: str, port: int, ready: asyncio.Event | None) -> None:
    runner = web.AppRunner(server.make_app(), handle_signals=False, access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        try:
            await site.start()
        except OSError as error:
            reason = error.strerror or str(error)
            raise ServeError(f"cannot listen on {host}:{port}: {reason}") from None
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            loop.add_signal_handler(sig, stop.set)
        shown = f"[{host}]" if ":" in host else host
        print(f"skillcheck: the kiosk is served on http://{shown}:{port}/", file=sys.stderr)
        if ready is not None:
            ready.set()
        await stop.wait()
    finally:
        await runner.cleanup()


def serve(
    *,
    config: SiteConfig,
    translators: dict[str, Translator],
    host: str,
    port: int,
    database: Path | None = None,
) -> None:
    """Run the browser kiosk until SIGINT, SIGTERM or SIGHUP (raises ServeError)."""
    check_ready(config)
    check_textual_serve()
    assert config.path is not None
    server = KioskServer(
        config=config,
        translators=translators,
        command=kiosk_command(config.path, database),
        host=host,
        port=port,
    )
    asyncio.run(_serve(server, host, port, None))
