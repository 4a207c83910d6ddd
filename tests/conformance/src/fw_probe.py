# Connects from each (source, port) of argv[1] (JSON: [[src, dst, port], ...])
# at once, without blocking, and prints JSON: "open", "refused" or "timeout"
# per case, in order. Run inside the client network namespace.
import errno, json, select, socket, sys, time

cases = json.load(open(sys.argv[1]))
deadline = float(sys.argv[2]) if len(sys.argv) > 2 else 0.6
socks, out, connected = [], ["timeout"] * len(cases), []
for i, (src, dst, port) in enumerate(cases):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setblocking(False)
    s.bind((src, 0))
    r = s.connect_ex((dst, port))
    if r not in (0, errno.EINPROGRESS):
        out[i] = "refused" if r == errno.ECONNREFUSED else f"errno {r}"
        s.close()
        continue
    socks.append((i, s))
end = time.time() + deadline
pending = dict(socks)
while pending and time.time() < end:
    _, w, _ = select.select([], list(pending.values()), [], max(0.0, end - time.time()))
    for s in w:
        i = next(k for k, v in pending.items() if v is s)
        err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        out[i] = "open" if err == 0 else ("refused" if err == errno.ECONNREFUSED else f"errno {err}")
        del pending[i]
        if err == 0:
            connected.append((i, s))
        else:
            s.close()
for s in pending.values():
    s.close()
# A connection that opened: does what follows the SYN get through? Send a
# byte; a reset (or an ICMP error) shows within the pause; the listener
# greets every connection it accepts with "k", so silence is "hangs" (the
# handshake's last ACK never reached it).
for i, s in connected:
    try:
        s.send(b"x")
    except OSError:
        pass
time.sleep(0.3)
for i, s in connected:
    err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
    if err:
        out[i] = "reset"
    else:
        try:
            data = s.recv(1)
            out[i] = "open" if data == b"k" else f"read {data!r}"
        except BlockingIOError:
            out[i] = "hangs"
        except OSError:
            out[i] = "reset"
    s.close()
print(json.dumps(out))
