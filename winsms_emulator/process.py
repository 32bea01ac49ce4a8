"""What the standalone server does for its process as a whole: logging that never makes a
request wait, and a garbage collector that leaves the start state alone.

A request thread only puts its log record on a queue; one thread formats and writes the
records (and flushes once per batch, not once per line), so the access log costs a
request a few microseconds whatever the terminal or container log behind stdout does.
"""

from __future__ import annotations

import gc
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


def settle() -> None:
    """Once the start state is built: collect what start-up left, then let the collector
    skip everything that exists now, so its passes cost what requests add, not what the
    emulator started with (thousands of accounts, a restored state)."""
    gc.collect()
    gc.freeze()
