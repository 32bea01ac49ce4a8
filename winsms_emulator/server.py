"""Run an emulator application on a real socket, in a background thread.

Used by ``winsms-emulator serve``, by :meth:`Emulator.serve` and by the pytest
plugin. Port 0 picks a free port; :attr:`ServerThread.port` reads it back.
"""

from __future__ import annotations

import threading
from typing import Any

from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server


class ServerThread:
    """A threaded HTTP server for one app, started and stopped from Python."""

    def __init__(self, app: Flask, host: str = "127.0.0.1", port: int = 0, **_: Any) -> None:
        self.app = app
        self.host = host
        self._server: BaseWSGIServer = make_server(host, port, app, threaded=True)
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="winsms-emulator", daemon=True
        )

    @property
    def port(self) -> int:
        return int(self._server.server_port)

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self) -> ServerThread:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop accepting requests and close the socket."""
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join(timeout=10)
        self._server.server_close()

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
