"""Runs app.py under uvicorn with worker processes and TCP_NODELAY on every accepted connection.

Usage: python3 serve.py PORT [WORKERS]   (binds 127.0.0.1; BACKEND_ID and DELAY_*_MS as in app.py)

Why not `python3 -m uvicorn app:app --workers 2`: with worker processes, uvicorn hands each worker
a listening socket whose protocol field is 0, and asyncio then skips TCP_NODELAY on the connections
it accepts (uvloop would set it; Debian's uvicorn 0.17 runs on plain asyncio with h11). h11 writes
the response head and body in two sends, so on a reused keep-alive connection the body waits for
the client's delayed ACK: about 40 ms per request for any client that keeps connections open.
Fresh connections escape it (Linux acknowledges at once early in a connection), so a pooling
proxy would pay a penalty the direct run never sees. Measured with
`curl -w '%{time_total}\n' URL URL` against the stock command: 0.102 s, then 0.142 s.
"""

import socket
import sys

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol


class NoDelayH11Protocol(H11Protocol):
    def connection_made(self, transport):
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)


def main() -> None:
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: python3 serve.py PORT [WORKERS]")
    port = int(sys.argv[1])
    workers = int(sys.argv[2]) if len(sys.argv) == 3 else 2
    uvicorn.run(
        "app:app",
        app_dir=__file__.rsplit("/", 1)[0] or ".",
        host="127.0.0.1",
        port=port,
        workers=workers,
        http=NoDelayH11Protocol,
        access_log=False,
        log_level="warning",
    )


if __name__ == "__main__":
    main()
