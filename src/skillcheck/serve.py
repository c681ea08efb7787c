"""Browser mode: `skillcheck serve`, the kiosk in a web page, as locked down as the terminal.

Each browser tab gets its own `skillcheck run --kiosk` process, driven through
textual-serve's `AppService` (the process protocol) and its bundled xterm page script.
The web application itself is ours, so that

- the page is the kiosk's own (fonts shipped with textual-serve, no request leaves
  the machine, texts in the site's languages, no "Session ended / Restart" page): when
  the connection closes the page waits and starts the welcome screen again by itself;
- `/ws` accepts only the served address as Origin and Host, and at most
  `max_visitors` kiosk processes run at once;
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
DEFAULT_FONT_SIZE = 16
FONT_SIZES = range(10, 49)

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
        websocket = web.WebSocketResponse(heartbeat=15)
        await websocket.prepare(request)
        if len(self.visitors) >= self.config.max_visitors:
            log.info("no free place (%d kiosks running)", len(self.visitors))
            await websocket.close(code=BUSY_CLOSE_CODE, message=b"busy")
            return websocket
        width = _int(request.query.get("width"), 80, 20, 400)
        height = _int(request.query.get("height"), 24, 10, 200)
        process = KioskProcess(
            self.command_for(request.match_info.get("voices")),
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=websocket.close,
            download_manager=DownloadManager(),
        )
        self.visitors.add(process)
        try:
            await process.start(width, height)
            await self._forward(websocket, process)
        except asyncio.CancelledError:
            await websocket.close()
        except Exception:
            log.exception("kiosk connection failed")
        finally:
            # The kiosk process ends (and records an interrupted visit as abandoned).
            await process.stop()
            self.visitors.discard(process)
        return websocket

    def command_for(self, voices: str | None) -> str:
        """The kiosk command for one tab: read aloud in the browser's voices.

        `voices` is the page's list ("nl,fr"; "none"): only the site's languages are
        kept. A page that says nothing (plain `/ws`) gets no read aloud: espeak-ng
        would speak on the server, not to the visitor.
        """
        said = (voices or "").split(",")
        languages = [code for code in self.translators if code in said]
        return self.command + " --browser-voices " + shlex.quote(",".join(languages))

    @staticmethod
    async def _forward(websocket, process: KioskProcess) -> None:
        """Keys and sizes from the page to the kiosk process; nothing else."""
        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                envelope = json.loads(message.data)
                kind, data = envelope[0], envelope[1] if len(envelope) > 1 else None
            except (ValueError, TypeError, IndexError, KeyError):
                continue
            if kind == "stdin" and isinstance(data, str):
                await process.send_bytes(data.encode("utf-8"))
            elif kind == "resize" and isinstance(data, dict):
                width = _int(data.get("width"), 80, 20, 400)
                height = _int(data.get("height"), 24, 10, 200)
                await process.set_terminal_size(width, height)
            elif kind == "ping":
                await websocket.send_json(["pong", data])
            elif kind == "blur":
                await process.blur()
            elif kind == "focus":
                await process.focus()

    async def _stop_visitors(self, app) -> None:
        """On shutdown every kiosk process is asked to quit (the visit recorded)."""
        await asyncio.gather(
            *(process.stop() for process in list(self.visitors)), return_exceptions=True
        )


def _int(value: object, default: int, low: int, high: int) -> int:
    try:
        number = int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return default
    return min(max(number, low), high)


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
