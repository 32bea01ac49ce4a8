"""How the standalone server logs: never making a request wait.

A request thread only puts its log record on a queue; one thread formats and writes the
records (and flushes once per batch, not once per line), so the access log costs a
request a few microseconds whatever the terminal or container log behind stdout does.
"""

from __future__ import annotations

import logging
import queue
import sys
from collections.abc import Callable
from logging.handlers import QueueHandler, QueueListener
from typing import TextIO

#: How every line the server logs looks.
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


class _Handoff(QueueHandler):
    """Puts the record on the queue as it is: formatting waits for the writer thread
    (the emulator's log arguments are plain strings and numbers, safe to read later)."""

    def prepare(self, record: logging.LogRecord) -> logging.LogRecord:
        return record


class _BatchWriter(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes each record; flushes when the queue has nothing more waiting."""

    def __init__(self, stream: TextIO, waiting: queue.SimpleQueue[logging.LogRecord]) -> None:
        super().__init__(stream)
        self._waiting = waiting

    def flush(self) -> None:
        if self._waiting.empty():
            super().flush()


def start_logging(level: int, stream: TextIO | None = None) -> Callable[[], None]:
    """Log at ``level`` to ``stream`` (stdout) through a queue and one writer thread.
    Returns what stops it, having written every record logged before, and puts back the
    root logger's level. Where logging is set up already (the root logger has handlers),
    it changes nothing, as :func:`logging.basicConfig` does."""
    root = logging.getLogger()
    if root.handlers:  # logging is set up already (by an embedding program): as basicConfig
        return lambda: None
    records: queue.SimpleQueue[logging.LogRecord] = queue.SimpleQueue()
    writer = _BatchWriter(stream or sys.stdout, records)
    writer.setFormatter(logging.Formatter(LOG_FORMAT))
    listener = QueueListener(records, writer)
    level_before = root.level
    handoff = _Handoff(records)
    root.addHandler(handoff)
    root.setLevel(level)
    listener.start()

    def stop() -> None:
        root.removeHandler(handoff)
        listener.stop()  # writes what is still queued
        writer.acquire()
        try:
            logging.StreamHandler.flush(writer)
        finally:
            writer.release()
        root.setLevel(level_before)

    return stop
