#!/usr/bin/env python3
"""A Trinity Agent Pool process worker, in plain Python (standard library only).

It speaks the JSON Lines protocol of docs/process-agents.md: one JSON object per line, requests
on stdin, answers on stdout, logs on stderr. Start it as the command of a process agent:

    ProcessAgentConfig.builder("python3", "examples/workers/wordcount_worker.py").build()

Ops (chosen by the "op" field of the task input):

  wordcount  text (string) or attachment "text" (UTF-8)  ->  words, lines, chars, unique, top
             top (optional int, default 3): how many of the most frequent words to return,
             as [word, count] pairs, most frequent first, ties alphabetical.
  reverse    text (string)  ->  reversed; an attachment "data", if sent, comes back reversed
             as the attachment "reversed" with the same media type.
  sleep      ms (int, 0..600000)  ->  slept_ms; sends a progress line every 100 ms and stops
             early with a "cancelled" line when the task is cancelled.
  hang       sends one progress line, then never writes again and ignores cancel: a stand-in
             for a stuck worker, so the pool's stuck detection and kill path can be tested.
  crash      writes a line to stderr and exits with code 3 in the middle of the task.
  flaky      answers with a retryable error.

Bad input is answered with {"type":"error","retryable":false,"message":"input.FIELD: ..."}.
"""

import base64
import collections
import json
import os
import re
import sys
import threading

AGENT = os.environ.get("TRINITY_AGENT_ID", "wordcount-worker")
_out_lock = threading.Lock()
_tasks_lock = threading.Lock()
_tasks = {}  # request id -> cancel event of the one task running


def send(message):
    """Writes one protocol line; the lock keeps lines from the task and main threads whole."""
    line = json.dumps(message, separators=(",", ":"), ensure_ascii=False)
    with _out_lock:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def log(text):
    sys.stderr.write(f"[{AGENT}] {text}\n")
    sys.stderr.flush()


class BadInput(Exception):
    pass


def shown(value):
    return "nothing" if value is None else repr(value)[:80]


def text_input(request, field="text"):
    attachment = request.get("attachments", {}).get(field)
    if attachment is not None:
        try:
            return base64.b64decode(attachment["base64"]).decode("utf-8")
        except (ValueError, UnicodeDecodeError) as e:
            raise BadInput(f"input.{field}: attachment is not UTF-8 text ({e})")
    value = request["input"].get(field)
    if not isinstance(value, str):
        raise BadInput(f"input.{field}: a string (or a text attachment) is required (got {shown(value)})")
    return value


def int_input(request, field, default, low, high):
    value = request["input"].get(field, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise BadInput(f"input.{field}: must be an integer between {low} and {high} (got {shown(value)})")
    return value


WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")


def wordcount(request, cancel):
    text = text_input(request)
    top = int_input(request, "top", 3, 0, 1000)
    words = [w.lower() for w in WORD.findall(text)]
    counts = collections.Counter(words)
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    return {
        "words": len(words),
        "lines": len(text.splitlines()),
        "chars": len(text),
        "unique": len(counts),
        "top": [[w, c] for w, c in ranked],
    }, {}


def reverse(request, cancel):
    text = request["input"].get("text", "")
    if not isinstance(text, str):
        raise BadInput(f"input.text: must be a string (got {shown(text)})")
    attachments = {}
    data = request.get("attachments", {}).get("data")
    if data is not None:
        raw = base64.b64decode(data["base64"])
        attachments["reversed"] = {"mediaType": data["mediaType"],
                                   "base64": base64.b64encode(raw[::-1]).decode("ascii")}
    return {"reversed": text[::-1]}, attachments


def sleep(request, cancel):
    ms = int_input(request, "ms", None, 0, 600000)
    steps = max(1, ms // 100)
    for step in range(steps):
        if cancel.wait(ms / steps / 1000.0):
            return None, None
        send({"type": "progress", "id": request["id"], "fraction": (step + 1) / steps,
              "note": f"slept {(step + 1) * ms // steps} of {ms} ms"})
    return {"slept_ms": ms}, {}


def hang(request, cancel):
    send({"type": "progress", "id": request["id"], "fraction": 0.0, "note": "about to hang"})
    log("hanging on purpose: no more output, cancel ignored")
    threading.Event().wait()


def crash(request, cancel):
    log("crashing on purpose with exit code 3")
    os._exit(3)


def flaky(request, cancel):
    raise RuntimeError("flaky op failed on purpose; another attempt may succeed")


OPS = {"wordcount": wordcount, "reverse": reverse, "sleep": sleep, "hang": hang, "crash": crash, "flaky": flaky}


def run(request, cancel):
    """Runs one task on its own thread so the main thread keeps reading cancel lines."""
    rid = request["id"]
    try:
        op = request["input"].get("op")
        if op not in OPS:
            raise BadInput(f"input.op: must be one of {', '.join(sorted(OPS))} (got {shown(op)})")
        output, attachments = OPS[op](request, cancel)
        if output is None:
            final = {"type": "cancelled", "id": rid}
        else:
            final = {"type": "result", "id": rid, "output": output, "attachments": attachments}
    except BadInput as e:
        final = {"type": "error", "id": rid, "message": str(e), "retryable": False}
    except RuntimeError as e:
        final = {"type": "error", "id": rid, "message": str(e), "retryable": True}
    except Exception as e:  # a bug in this worker: report it rather than leave the task waiting
        log(f"request {rid} failed: {e!r}")
        final = {"type": "error", "id": rid, "message": f"worker error: {e!r}", "retryable": False}
    # Free the slot before answering: the agent may send the next task the moment it reads this.
    with _tasks_lock:
        _tasks.pop(rid, None)
    send(final)


def main():
    send({"type": "ready", "info": {"worker": "wordcount_worker.py", "pid": os.getpid(), "ops": sorted(OPS)}})
    log("ready")
    while True:
        line = sys.stdin.readline()  # not "for line in sys.stdin": that may read ahead and delay cancels
        if not line:
            break  # end of stdin means stop, like a stop line
        line = line.strip()
        if not line:
            continue
        try:
            request = json.loads(line)
        except ValueError as e:
            log(f"ignored a stdin line that is not JSON: {e}")
            continue
        kind = request.get("type")
        if kind == "task":
            with _tasks_lock:
                busy = next(iter(_tasks), None)
                if busy is None:
                    cancel = threading.Event()
                    _tasks[request["id"]] = cancel
            if busy is not None:
                send({"type": "error", "id": request["id"], "retryable": True,
                      "message": f"worker is busy with request {busy}"})
                continue
            threading.Thread(target=run, args=(request, cancel), daemon=True).start()
        elif kind == "cancel":
            with _tasks_lock:
                cancel = _tasks.get(request.get("id"))
            if cancel is not None:
                cancel.set()
        elif kind == "stop":
            break
    log("stopping")
    with _tasks_lock:
        for cancel in _tasks.values():
            cancel.set()


if __name__ == "__main__":
    main()
