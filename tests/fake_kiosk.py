"""A stand-in for a kiosk process under `serve`: it speaks textual's process protocol
(the prelude, then packets on stdin), writes each packet it gets as one JSON line to
the file named first, and quits when asked or when its stdin closes; `stubborn`
ignores quit, SIGTERM and the end of its stdin, and after its first keys reads
nothing more (a kiosk stuck behind a backlog of keys: its stdin pipe fills up).

    python fake_kiosk.py RECORD [stubborn]
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time

# (serve appends its own options, `--browser-voices ...`, after ours.)
record_path, stubborn = sys.argv[1], "stubborn" in sys.argv[2:]
if stubborn:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
with open(record_path, "a", encoding="utf-8") as record:
    record.write(json.dumps({"pid": os.getpid()}) + "\n")
    record.flush()
    sys.stdout.write("__GANGLION__\n")
    sys.stdout.flush()
    stdin = sys.stdin.buffer
    while True:
        head = stdin.read(5)
        if len(head) < 5:
            while stubborn:
                time.sleep(1)
            break
        payload = stdin.read(int.from_bytes(head[1:5], "big"))
        if head[:1] == b"M":
            meta = json.loads(payload)
            record.write(json.dumps({"meta": meta}) + "\n")
            if meta.get("type") == "quit" and not stubborn:
                break
        else:
            record.write(json.dumps({"data": payload.decode("utf-8", "replace")}) + "\n")
            record.flush()
            while stubborn:
                time.sleep(1)
        record.flush()
