"""Run the web app for a shop folder on 127.0.0.1 and open the browser.

In: the shop folder, a port (0: a free one chosen by the system) and whether to open the
browser. Out: a uvicorn server running until Ctrl+C. The socket is bound here, before the app
is made, so the app knows the exact host:port names to answer to.
"""

from __future__ import annotations

import socket
import threading
import webbrowser
from collections.abc import Callable
from pathlib import Path

HOST = "127.0.0.1"


def bind(port: int) -> socket.socket:
    """A listening socket on 127.0.0.1:port (port 0: any free port)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((HOST, port))
    sock.listen(64)
    return sock


def serve(folder: Path, port: int, open_browser: bool, say: Callable[[str], None]) -> None:
    """Serve `folder` until interrupted; `say` tells the person the address."""
    import uvicorn

    from mailmerge.web.app import create_app

    sock = bind(port)
    port = sock.getsockname()[1]
    url = f"http://{HOST}:{port}/"
    app = create_app(folder, {f"{HOST}:{port}", f"localhost:{port}"})
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    say(f"{folder.resolve()} を {url} で開いています（終わるときは Ctrl+C）")
    if open_browser:
        # webbrowser may wait for the browser it starts: never on the server's thread.
        threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
    server.run(sockets=[sock])
