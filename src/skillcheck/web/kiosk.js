// skillcheck's kiosk page: starts textual-serve's terminal (exported by serve.py as
// window.SkillcheckTerminal) with links switched off, shows the kiosk's own notices
// and, when the connection closes (visit ended, kiosk restarted, server down), waits
// for the server and starts a fresh welcome screen by itself.
"use strict";

(function () {
  const RETRY_MS = 2000;

  // Nothing shown in the kiosk opens a window, a dialog or another page.
  window.open = function () { return null; };
  window.confirm = function () { return false; };
  window.alert = function () {};
  window.prompt = function () { return null; };
  // No context menu, no dragging, no pinch zoom, no history swipe.
  for (const name of ["contextmenu", "dragstart", "gesturestart"]) {
    document.addEventListener(name, function (event) { event.preventDefault(); });
  }

  let current = null;

  function show(state) {
    document.body.dataset.state = state;
  }

  async function freePlaces() {
    try {
      const response = await fetch("/alive", { cache: "no-store" });
      if (!response.ok) return -1;
      return (await response.json()).free;
    } catch (error) {
      return -1;
    }
  }

  // Wait until the server answers (and has a free place), then start again.
  function restartWhenBack() {
    setTimeout(async function again() {
      if ((await freePlaces()) > 0) {
        window.location.reload();
      } else {
        setTimeout(again, RETRY_MS);
      }
    }, RETRY_MS);
  }

  async function start() {
    const element = document.getElementById("terminal");
    const size = Number(element.dataset.fontSize) || 16;
    const scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    element.dataset.sessionWebsocketUrl = scheme + window.location.host + "/ws";
    // The terminal measures its cells once: load the bundled font before it does.
    try {
      await document.fonts.load(size + 'px "Roboto Mono"');
    } catch (error) { /* the fallback monospace font */ }
    const terminal = new window.SkillcheckTerminal(element, {});
    // Web addresses are text, never links (neither typed ones nor OSC 8 hyperlinks).
    terminal.weblinksAddon.dispose();
    terminal.terminal.options.linkHandler = {
      activate: function () {},
      allowNonHttpProtocols: false,
    };
    current = terminal;
    terminal.fit();
    await terminal.connect();
    const busyCode = Number(document.body.dataset.busyCode);
    terminal.socket.addEventListener("message", function (event) {
      if (typeof event.data === "string") {
        const message = JSON.parse(event.data);
        if (message[0] === "skillcheck") window.skillcheck.receive(message[1]);
      } else if (event.data.byteLength > 10) {
        show("running");
      }
    });
    terminal.socket.addEventListener("close", function (event) {
      terminal.terminal.reset();
      show(event.code === busyCode ? "busy" : "waiting");
      restartWhenBack();
    });
  }

  // Hooks for the kiosk app and for page controls added later.
  window.skillcheck = {
    // The xterm.js Terminal of this visit (tests read its screen text).
    terminal: function () { return current ? current.terminal : null; },
    // Text the app sends with app.open_url("skillcheck-page:" + JSON): e.g.
    // {"say": "...", "lang": "nl"}. Read-aloud (Web Speech) plugs in here.
    receive: function (text) {
      let message;
      try { message = JSON.parse(text); } catch (error) { return; }
      if (message && typeof message.say === "string") window.skillcheck.say(message.say, message.lang);
    },
    // Replaced by read-aloud; by default an event others can listen to.
    say: function (text, lang) {
      document.dispatchEvent(new CustomEvent("skillcheck:say", { detail: { text: text, lang: lang } }));
    },
    // For a "Larger text" control: change the size in place, the visit goes on.
    setFontSize: function (px) {
      if (!current) return;
      current.terminal.options.fontSize = px;
      current.fit();
    },
  };

  window.onload = function () {
    start().catch(function () {
      show("waiting");
      restartWhenBack();
    });
  };
})();
