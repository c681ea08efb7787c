// skillcheck's kiosk page: starts textual-serve's terminal (exported by serve.py as
// window.SkillcheckTerminal) with links switched off, shows the kiosk's own notices
// and, when the connection closes (visit ended, kiosk restarted, server down), waits
// for the server and starts a fresh welcome screen by itself.
"use strict";

(function () {
  const RETRY_MS = 2000;
  // "Larger text" / "Smaller text": the terminal's font size in these steps; a size
  // that leaves fewer than 60×20 cells (the layout the kiosk is tested at) is refused.
  const FONT_STEPS = [12, 14, 16, 18, 20, 24, 28, 32, 36, 40, 48];
  const MIN_COLS = 60;
  const MIN_ROWS = 20;
  const synth = window.speechSynthesis || null;

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

  // --- read aloud: the browser's own voices (Web Speech API) ---------------------

  function primary(lang) {
    return String(lang || "").toLowerCase().replace("_", "-").split("-")[0];
  }

  // The languages of the browser's voices ("nl,fr"; "none"). Chromium fills its list
  // after a moment (voiceschanged): with speech-dispatcher the first list after a boot
  // took 4.3 s here, and a browser without voices may never say. The page never waits
  // for it: the kiosk starts with the voices known now, and hears of the rest later.
  function spokenLanguages() {
    const voices = synth ? synth.getVoices() : [];
    const spoken = Array.from(new Set(voices.map(function (v) { return primary(v.lang); })))
      .filter(function (code) { return /^[a-z]{2,3}$/.test(code); });
    return spoken.join(",") || "none";
  }

  // Each change of the voice list goes to the kiosk (read aloud is offered in those).
  function sendVoicesWhenTheyChange(socket, first) {
    if (!synth || !synth.addEventListener) return;
    let said = first;
    function send() {
      const now = spokenLanguages();
      if (now === said || socket.readyState !== WebSocket.OPEN) return;
      said = now;
      socket.send(JSON.stringify(["voices", now]));
    }
    synth.addEventListener("voiceschanged", send);
    // A list that came between the first look and the connection.
    socket.addEventListener("open", send);
    send();
  }

  // A Belgian voice first (nl-BE, fr-BE, de-BE), else any of the language.
  function voiceFor(lang) {
    const voices = synth ? synth.getVoices() : [];
    const belgian = lang + "-be";
    return (
      voices.find(function (v) { return v.lang.toLowerCase().replace("_", "-") === belgian; }) ||
      voices.find(function (v) { return primary(v.lang) === lang; }) ||
      null
    );
  }

  function speak(text, lang) {
    if (!synth) return;
    const utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = lang;
    const voice = voiceFor(lang);
    if (voice) utterance.voice = voice;
    synth.speak(utterance);
  }

  function silence() {
    if (synth) synth.cancel();
  }

  // --- larger text ---------------------------------------------------------------

  function fits(terminal) {
    return terminal.cols >= MIN_COLS && terminal.rows >= MIN_ROWS;
  }

  // Change the terminal's font size in place and refit (the kiosk gets a resize; the
  // visit goes on). Returns the size in use: the old one when the new leaves too few cells.
  function setFontSize(px) {
    if (!current) return null;
    const terminal = current.terminal;
    const before = terminal.options.fontSize;
    terminal.options.fontSize = px;
    current.fit();
    if (!fits(terminal)) {
      terminal.options.fontSize = before;
      current.fit();
    }
    showFontButtons();
    return terminal.options.fontSize;
  }

  // A window too small for 60×20 cells at the site's size (a small screen, a large
  // `?fontsize=`): smaller steps until the kiosk's tested layout fits, or the smallest.
  function fitTheLayout() {
    if (!current) return;
    const terminal = current.terminal;
    const smaller = FONT_STEPS.filter(function (s) { return s < terminal.options.fontSize; });
    while (!fits(terminal) && smaller.length) {
      terminal.options.fontSize = smaller.pop();
      current.fit();
    }
    showFontButtons();
  }

  // The site's text size (`?fontsize=` or the config), as a new page starts with:
  // what the last visitor chose with A+ / A− is not the next one's.
  function siteFontSize() {
    if (!current) return;
    const size = Number(document.getElementById("terminal").dataset.fontSize) || 16;
    if (Number(current.terminal.options.fontSize) !== size) setFontSize(size);
    fitTheLayout();
  }

  function nextSize(direction) {
    const size = current ? Number(current.terminal.options.fontSize) : 16;
    const steps = direction > 0 ? FONT_STEPS.filter(function (s) { return s > size; })
      : FONT_STEPS.filter(function (s) { return s < size; }).reverse();
    return steps.length ? steps[0] : size;
  }

  // Each button is shown only when it can do something.
  function showFontButtons() {
    if (!current) return;
    const size = Number(current.terminal.options.fontSize);
    document.getElementById("larger").disabled = size >= FONT_STEPS[FONT_STEPS.length - 1];
    document.getElementById("smaller").disabled = size <= FONT_STEPS[0];
  }

  function changeSize(direction) {
    const size = Number(current.terminal.options.fontSize);
    if (setFontSize(nextSize(direction)) === size && direction > 0) {
      document.getElementById("larger").disabled = true;  // already the largest that fits
    }
    current.terminal.focus();
  }

  // --- the visit -------------------------------------------------------------------

  async function start() {
    const element = document.getElementById("terminal");
    const size = Number(element.dataset.fontSize) || 16;
    const scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    // The terminal measures its cells once: load the bundled font before it does.
    await document.fonts.load(size + 'px "Roboto Mono"').catch(function () {});
    const spoken = spokenLanguages();
    element.dataset.sessionWebsocketUrl = scheme + window.location.host + "/ws/voices/" + spoken;
    const terminal = new window.SkillcheckTerminal(element, {});
    // Web addresses are text, never links (neither typed ones nor OSC 8 hyperlinks).
    terminal.weblinksAddon.dispose();
    terminal.terminal.options.linkHandler = {
      activate: function () {},
      allowNonHttpProtocols: false,
    };
    current = terminal;
    terminal.fit();
    fitTheLayout();
    await terminal.connect();
    sendVoicesWhenTheyChange(terminal.socket, spoken);
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
      silence();
      terminal.terminal.reset();
      show(event.code === busyCode ? "busy" : "waiting");
      restartWhenBack();
    });
  }

  // Hooks for the kiosk app and for page controls added later.
  window.skillcheck = {
    // The xterm.js Terminal of this visit (tests read its screen text).
    terminal: function () { return current ? current.terminal : null; },
    // Text the app sends with app.open_url("skillcheck-page:" + JSON), built by
    // skillcheck.speech.page_message: {"say": [{"lang": "nl", "text": "…"}, …],
    // "toggle": false} reads aloud (toggle: R stops a speech still playing);
    // {"stop": true} stops (another key, a new screen, an idle reset);
    // {"newVisit": true}: the next visitor gets the site's text size again.
    receive: function (text) {
      let message;
      try { message = JSON.parse(text); } catch (error) { return; }
      if (!message) return;
      if (message.newVisit) siteFontSize();
      if (message.stop) window.skillcheck.stop();
      if (!Array.isArray(message.say)) return;
      const playing = synth && (synth.speaking || synth.pending);
      window.skillcheck.stop();
      if (message.toggle && playing) return;
      for (const part of message.say) {
        if (typeof part.text === "string") window.skillcheck.say(part.text, String(part.lang));
      }
    },
    // One passage in its language, after what is already queued.
    say: speak,
    stop: silence,
    // "Larger text": the size in place, refitted; the visit goes on.
    setFontSize: setFontSize,
  };

  window.onload = function () {
    // A tap on a button must not take the focus from the terminal (keys go there).
    for (const [id, direction] of [["larger", 1], ["smaller", -1]]) {
      const button = document.getElementById(id);
      button.addEventListener("pointerdown", function (event) { event.preventDefault(); });
      button.addEventListener("click", function () { changeSize(direction); });
    }
    window.addEventListener("resize", function () { setTimeout(fitTheLayout, 100); });
    start().catch(function () {
      show("waiting");
      restartWhenBack();
    });
  };
})();
