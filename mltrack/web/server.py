"""Start the server: check the address, bind it, print it, serve until interrupted."""

import ipaddress
import socket
from collections.abc import Callable

from mltrack.core.errors import InputError, MltrackError
from mltrack.web.app import Settings, build_app, new_token

LOOPBACK_NAMES = ("localhost",)


def is_loopback(host: str) -> bool:
    """Whether ``host`` (an address or ``localhost``) is on this machine only."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _is_wildcard(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")).is_unspecified
    except ValueError:
        return False


def check_address(host: str, token: str | None) -> None:
    """Refuse a non-loopback address without an explicit token: anyone who can reach it could
    otherwise read and change the learner's record."""
    if not is_loopback(host) and not token:
        raise InputError(
            f"--host {host} is reachable from other machines: give --token TEXT too "
            "(every request must then carry it)"
        )
    if token is not None and len(token) < 16:
        raise InputError("--token must be at least 16 characters long")


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host``:``port`` (0: any free port)."""
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as error:
        sock.close()
        message = f"cannot listen on {host}:{port}: {error.strerror or error}"
        raise MltrackError(message) from None  # the machine's state, not a usage error: exit 1
    sock.listen(64)
    return sock


def accepted_hosts(host: str, port: int) -> set[str] | None:
    """The Host header values this server answers to: its own address and, on loopback,
    the loopback names, each with the port (browsers send it) and without. None (any) on a
    wildcard address such as 0.0.0.0, whose names are not known here: every request must
    carry the token there, which a rebinding page does not have."""
    if _is_wildcard(host):
        return None
    names = {host.lower()}
    if is_loopback(host):
        names |= {"127.0.0.1", "localhost", "[::1]"}
    if ":" in host and not host.startswith("["):
        names = {f"[{name}]" if ":" in name else name for name in names}
    return names | {f"{name}:{port}" for name in names}


def serve(
    db_file: str,
    learner: str,
    host: str,
    port: int,
    token: str | None,
    announce: Callable[[str], None],
    open_browser: bool = False,
) -> None:
    """Serve the pages for ``learner`` on ``db_file`` until interrupted."""
    import uvicorn

    check_address(host, token)
    sock = bind(host, port)
    port = sock.getsockname()[1]
    settings = Settings(db_file, learner, token or new_token(), accepted_hosts(host, port),
                        require_token=not is_loopback(host))  # fmt: skip
    # Lay the map out before the first visitor comes (grandalf takes ~0.3 s on a pathway of
    # 170 items; every later page reuses the layout until the pathway's shape changes).
    from mltrack.web.app import map_page

    map_page(settings, None, None)
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    address = f"http://{shown}:{port}/"
    if settings.require_token:
        address += f"?token={settings.token}"
    announce(f"mltrack serving {learner}'s pathway at {address} (Ctrl+C stops it)")
    if open_browser:
        import webbrowser

        webbrowser.open(address)
    config = uvicorn.Config(build_app(settings), log_level="warning", access_log=False,
                            lifespan="off", server_header=False)  # fmt: skip
    try:
        uvicorn.Server(config).run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn raises Ctrl+C again once it has shut down
        announce("mltrack: stopped")
    finally:
        sock.close()
