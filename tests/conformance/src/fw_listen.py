# Listens on 0.0.0.0 for each port in argv and accepts forever, greeting
# each connection with one byte ("k") and keeping it open (a close would
# answer the probe's byte with a reset). Run inside the server network
# namespace; stopped by its pid.
import select, socket, sys

ls, kept = [], []
for p in sys.argv[1:]:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", int(p)))
    s.listen(512)
    ls.append(s)
print("listening", flush=True)
while True:
    r, _, _ = select.select(ls, [], [])
    for s in r:
        c, _ = s.accept()
        c.send(b"k")
        kept.append(c)
