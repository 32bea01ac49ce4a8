"""Run an emulator application on a real socket, in a background thread.

Used by ``winsms-emulator serve``, by :meth:`Emulator.serve` and by the pytest
plugin. Port 0 picks a free port; :attr:`ServerThread.port` reads it back.

Two engines: ``waitress`` (the default: a production WSGI server, one process,
many threads, which suits an emulator whose state is in memory) and
``werkzeug`` (Flask's development server, kept for comparison in ``bench/``).

With waitress the server holds up to ``connection_limit`` connections at once (1,000 by
default; waitress's own default of 100 let a hundred idle keep-alive connections lock
everyone else out), closes a keep-alive connection idle for ``idle_timeout`` seconds,
and stops gracefully: it stops accepting, closes idle connections, lets the requests in
flight finish for up to ``grace_period`` seconds, then closes the rest.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from flask import Flask
from werkzeug.serving import make_server

ENGINES = ("waitress", "werkzeug")
DEFAULT_THREADS = 16
#: Connections held open at once; more wait in the listen backlog.
DEFAULT_CONNECTION_LIMIT = 1000
#: Seconds a keep-alive connection may sit idle before the server closes it.
DEFAULT_IDLE_TIMEOUT = 30
#: Seconds a stop waits for the requests in flight.
DEFAULT_GRACE_PERIOD = 5.0

LOG = logging.getLogger("winsms_emulator.server")


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
        connection_limit: int = DEFAULT_CONNECTION_LIMIT,
        idle_timeout: int = DEFAULT_IDLE_TIMEOUT,
        grace_period: float = DEFAULT_GRACE_PERIOD,
    ) -> None:
        if engine not in ENGINES:
            raise ValueError(f"unknown server engine {engine!r}: use one of {', '.join(ENGINES)}")
        if connection_limit < 1 or idle_timeout < 1 or grace_period < 0:
            raise ValueError(
                "connection_limit and idle_timeout must be 1 or more, grace_period 0 or more"
            )
        self.app = app
        self.host = host
        self.engine = engine
        self.grace_period = grace_period
        self._stopping = threading.Event()
        self._not_accepting = threading.Event()
        self._deadline = 0.0
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
                connection_limit=connection_limit,
                channel_timeout=idle_timeout,
                # idle connections are looked for this often
                cleanup_interval=max(1, min(30, idle_timeout // 2)),
                # poll() has no limit on descriptor numbers, as select() has (1024)
                asyncore_use_poll=True,
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

    # -- waitress ----------------------------------------------------------------------------

    def _socket_map(self) -> dict[int, Any]:
        server = self._server
        found: dict[int, Any] = getattr(server, "_map", None) or server.map
        return found

    def _run_waitress(self) -> None:
        from waitress import wasyncore

        socket_map = self._socket_map()
        try:
            while not self._stopping.is_set():
                wasyncore.loop(timeout=0.1, map=socket_map, count=1, use_poll=True)
            self._drain(socket_map)
        finally:
            self._not_accepting.set()
            wasyncore.close_all(socket_map, ignore_all=True)
            self._server.task_dispatcher.shutdown(timeout=1)

    def _drain(self, socket_map: dict[int, Any]) -> None:
        """Stop accepting, then serve the connections with a request in flight until they
        are done or the grace period is over; close each connection once it is idle."""
        from waitress import wasyncore
        from waitress.channel import HTTPChannel
        from waitress.server import BaseWSGIServer

        for dispatcher in list(socket_map.values()):
            if isinstance(dispatcher, BaseWSGIServer):
                dispatcher.accepting = False
                wasyncore.dispatcher.close(dispatcher)  # the listening socket only
        self._not_accepting.set()
        waited = False
        while True:
            busy = 0
            for channel in list(socket_map.values()):
                if not isinstance(channel, HTTPChannel):
                    continue
                if channel.requests or channel.total_outbufs_len or channel.request is not None:
                    busy += 1
                else:
                    channel.handle_close()
            if not busy:
                if waited:
                    LOG.info("stopping: every request in flight has been answered")
                return
            if not waited:
                LOG.info(
                    "stopping: %d connection(s) with a request in flight; waiting up to %.1fs",
                    busy,
                    max(0.0, self._deadline - time.monotonic()),
                )
                waited = True
            if time.monotonic() >= self._deadline:
                LOG.warning("stopping: grace period over; %d request(s) cut short", busy)
                return
            wasyncore.loop(timeout=0.05, map=socket_map, count=1, use_poll=True)

    # -- both engines ------------------------------------------------------------------------

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

    def stop_accepting(self, grace: float | None = None) -> None:
        """Begin a graceful stop: return once no new connection is accepted. The requests
        in flight then have ``grace`` seconds (the server's grace period for ``None``)."""
        if self.engine != "waitress" or self._stopping.is_set():
            return
        wait = self.grace_period if grace is None else max(0.0, grace)
        self._deadline = time.monotonic() + wait
        self._stopping.set()
        if self._thread.is_alive():
            self._not_accepting.wait(timeout=5)

    def hurry(self) -> None:
        """Cut a graceful stop short: close what is still open now."""
        self._deadline = time.monotonic()

    def stop(self, grace: float | None = None) -> None:
        """Stop accepting, let the requests in flight finish (at most ``grace`` seconds,
        the server's grace period for ``None``), close every connection and the socket."""
        if self.engine == "waitress":
            self.stop_accepting(grace)
            if self._thread.is_alive():
                self._thread.join(timeout=max(0.0, self._deadline - time.monotonic()) + 10)
            elif not self._not_accepting.is_set():  # never started
                from waitress import wasyncore

                wasyncore.close_all(self._socket_map(), ignore_all=True)
                self._server.task_dispatcher.shutdown(timeout=1)
                self._not_accepting.set()
            return
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join(timeout=10)
        self._server.server_close()

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def raise_open_files_limit(wanted: int) -> int:
    """Raise this process's soft limit on open files towards ``wanted`` (as far as the
    hard limit allows: every connection is one); the limit it has now."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not on Windows
        return wanted
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft >= wanted:
        return wanted if soft == resource.RLIM_INFINITY else soft
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    except (ValueError, OSError):
        return soft
    return target
