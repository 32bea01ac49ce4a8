"""Run an emulator application on a real socket, in a background thread.

Used by ``winsms-emulator serve``, by :meth:`Emulator.serve` and by the pytest
plugin. Port 0 picks a free port; :attr:`ServerThread.port` reads it back.

Two engines: ``waitress`` (the default: a production WSGI server, one process,
many threads, which suits an emulator whose state is in memory) and
``werkzeug`` (Flask's development server, kept for comparison in ``bench/``).
"""

from __future__ import annotations

import threading
from typing import Any

from flask import Flask
from werkzeug.serving import make_server

ENGINES = ("waitress", "werkzeug")
DEFAULT_THREADS = 16


class ServerThread:
    """A threaded HTTP server for one app, started and stopped from Python."""

    def __init__(
        self,
        app: Flask,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        engine: str = "waitress",
        threads: int = DEFAULT_THREADS,
    ) -> None:
        if engine not in ENGINES:
            raise ValueError(f"unknown server engine {engine!r}: use one of {', '.join(ENGINES)}")
        self.app = app
        self.host = host
        self.engine = engine
        self._stopping = threading.Event()
        self._server: Any
        if engine == "waitress":
            from waitress.server import create_server

            self._server = create_server(
                app,
                host=host,
                port=port,
                threads=threads,
                ident="winsms-emulator",
                expose_tracebacks=False,
            )
            listening = getattr(self._server, "effective_port", None)
            if listening is None:  # one socket per address the host name resolves to
                listening = self._server.effective_listen[0][1]
            self._port = int(listening)
            target = self._run_waitress
        else:
            self._server = make_server(host, port, app, threaded=True)
            self._port = int(self._server.server_port)
            target = self._server.serve_forever
        self._thread = threading.Thread(target=target, name="winsms-emulator", daemon=True)

    def _run_waitress(self) -> None:
        server = self._server
        try:
            while not self._stopping.is_set():
                server.asyncore.loop(timeout=0.1, map=server._map, count=1)
        finally:
            server.close()

    @property
    def port(self) -> int:
        return self._port

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self) -> ServerThread:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop accepting requests, finish the loop and close the socket."""
        if self.engine == "waitress":
            self._stopping.set()
            if self._thread.is_alive():
                self._thread.join(timeout=10)
            else:
                self._server.close()
            return
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join(timeout=10)
        self._server.server_close()

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
