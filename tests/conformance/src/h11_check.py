"""Reads HTTP/1.1 messages with h11, an HTTP parser independent of the one
in Stackscope's core (httparse). Input: JSON lines {"kind": "request" or
"response", "text": ...}. Output: one JSON line per message with what h11
read, or the error it raised."""
import json
import sys

import h11


def read(conn, data):
    conn.receive_data(data)
    events = []
    while True:
        ev = conn.next_event()
        if ev is h11.NEED_DATA:
            # The message is complete only if h11 saw its end.
            conn.receive_data(b"")
            ev = conn.next_event()
            if ev is h11.NEED_DATA or ev is h11.PAUSED:
                break
        if ev is h11.PAUSED:
            break
        events.append(ev)
        if isinstance(ev, (h11.EndOfMessage, h11.ConnectionClosed)):
            break
    return events


def check(kind, text):
    data = text.encode("utf-8")
    if kind == "request":
        conn = h11.Connection(our_role=h11.SERVER)
    else:
        conn = h11.Connection(our_role=h11.CLIENT)
        conn.send(h11.Request(method="GET", target="/", headers=[("Host", "x")]))
        conn.send(h11.EndOfMessage())
    events = read(conn, data)
    head = events[0] if events else None
    body = b"".join(bytes(e.data) for e in events if isinstance(e, h11.Data))
    ended = any(isinstance(e, h11.EndOfMessage) for e in events)
    out = {"ended": ended, "body_bytes": len(body)}
    if isinstance(head, h11.Request):
        out["start"] = [head.method.decode(), head.target.decode("utf-8", "replace")]
    elif isinstance(head, h11.Response):
        out["start"] = [str(head.status_code), head.reason.decode("utf-8", "replace")]
    if head is not None:
        out["headers"] = [[k.decode(), v.decode("utf-8", "replace")] for k, v in head.headers]
    return out


for line in sys.stdin:
    msg = json.loads(line)
    try:
        res = check(msg["kind"], msg["text"])
    except Exception as e:  # noqa: BLE001 - any refusal is the finding
        res = {"error": f"{type(e).__name__}: {e}"}
    print(json.dumps(res), flush=True)
