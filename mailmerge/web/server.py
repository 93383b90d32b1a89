"""Run the web app for a shop folder and open the browser.

In: the shop folder, a port (0: a free one chosen by the system), whether to open the browser
and, for other computers of the shop, a host to listen on with the password they must give.
Out: a uvicorn server running until Ctrl+C. Without a host it listens on 127.0.0.1 only and
asks no password. The socket is bound here, before the app is made, so the app knows the exact
host:port names to answer to.
"""

from __future__ import annotations

import socket
import threading
import webbrowser
from collections.abc import Callable
from pathlib import Path

from mailmerge.errors import HagakiError
from mailmerge.i18n import _

LOCAL = "127.0.0.1"
WILDCARDS = ("0.0.0.0", "::")  # every address of this computer
NO_TRAFFIC_ADDRESS = "192.0.2.1"  # TEST-NET-1: a UDP "connect" to it sends nothing


class ServeError(HagakiError):
    """The server cannot listen where it was asked to."""


def bind(port: int, host: str = LOCAL) -> socket.socket:
    """A listening socket on host:port (port 0: any free port)."""
    try:
        family, kind, protocol, _name, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind, protocol)
    except OSError as error:
        raise ServeError(_("{host} では待ち受けられません（{reason}）。--host には この"
                           "コンピューターの名前か IP アドレス（すべてなら 0.0.0.0）を"
                           "指定してください", host=host, reason=error.strerror or error)) from None
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(64)
    except OSError as error:
        sock.close()
        raise ServeError(_("{host}:{port} で待ち受けられません（{reason}）。別の --port を"
                           "試してください", host=host, port=port,
                           reason=error.strerror or error)) from None
    return sock


def host_names(host: str, port: int) -> set[str]:
    """The Host headers the app answers to: 127.0.0.1 and localhost, the host it listens on
    and, when that is every address (0.0.0.0), this computer's names and addresses."""
    names = {LOCAL, "localhost", *reachable_names(host)}
    headers = {f"{_bracketed(name)}:{port}" for name in names}
    if port == 80:  # a browser leaves the default port out of the Host header
        headers |= {_bracketed(name) for name in names}
    return headers


def reachable_names(host: str) -> set[str]:
    """The names other computers may use for `host`: itself, or for every address
    (0.0.0.0, ::) this computer's names and addresses."""
    return this_computer() if host in WILDCARDS else {host.lower()}


def _bracketed(name: str) -> str:
    """A host as a URL writes it (an IPv6 address in brackets)."""
    return f"[{name}]" if ":" in name else name


def this_computer() -> set[str]:
    """This computer's host name (and NAME.local), and the addresses it is found at."""
    name = socket.gethostname().lower()
    names = {name, f"{name}.local"} if name else set()
    try:
        names |= {info[4][0] for info in socket.getaddrinfo(name, None, type=socket.SOCK_STREAM)}
    except OSError:
        pass
    try:  # the address other computers of the LAN reach (connecting UDP sends no packet)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect((NO_TRAFFIC_ADDRESS, 9))
            names.add(probe.getsockname()[0])
    except OSError:
        pass
    return {found.lower() for found in names}


def serve(folder: Path, port: int, open_browser: bool, say: Callable[[str], None],
          host: str | None = None, password: str | None = None) -> None:
    """Serve `folder` until interrupted; `say` tells the person the address. With a `host`
    (other computers may connect) a `password` is required."""
    import uvicorn

    from mailmerge.web.app import create_app

    if host is not None and not password:
        raise ServeError(_("--host を使うときはパスワードが要ります"))
    sock = bind(port, host or LOCAL)
    port = sock.getsockname()[1]
    here = LOCAL if host is None or host in WILDCARDS else host
    url = f"http://{_bracketed(here)}:{port}/"
    app = create_app(folder, host_names(host or LOCAL, port), password)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    say(_("{folder} を {url} で開いています（終わるときは Ctrl+C）",
          folder=folder.resolve(), url=url))
    if host is not None:
        others = sorted(reachable_names(host) - {LOCAL, "localhost", "::1"})
        say(_("ほかのコンピューターからは {urls} で開けます（パスワードが要ります）",
              urls=" ".join(f"http://{_bracketed(name)}:{port}/" for name in others)))
    if open_browser:
        # webbrowser may wait for the browser it starts: never on the server's thread.
        threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
    server.run(sockets=[sock])
