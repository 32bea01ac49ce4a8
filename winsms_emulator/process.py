"""How the standalone server logs: never making a request wait.

A request thread only puts its log record on a queue; one thread formats and writes the
records (and flushes once per batch, not once per line), so the access log costs a
request a few microseconds whatever the terminal or container log behind stdout does.
"""

from __future__ import annotations

import logging
import queue
import sys
import time
from collections.abc import Callable
from logging.handlers import QueueHandler, QueueListener
from typing import TextIO

#: How every line the server logs looks.
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


class _Formatter(logging.Formatter):
    """:data:`LOG_FORMAT`, with each second's time written once (a busy server logs
    hundreds of lines a second)."""

    def __init__(self) -> None:
        super().__init__(LOG_FORMAT)
        self._second: tuple[int, str] = (-1, "")

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        second = int(record.created)
        if second != self._second[0]:
            self._second = (second, time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(second)))
        return f"{self._second[1]},{int(record.msecs):03d}"


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
    writer.setFormatter(_Formatter())
    # what a record would gather and no line shows: where the call was made, the thread
    # and process (the logging documentation's own advice for a busy program)
    gathered = (logging._srcfile, logging.logThreads, logging.logProcesses)
    logging._srcfile = None
    logging.logThreads = logging.logProcesses = False
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
        logging._srcfile, logging.logThreads, logging.logProcesses = gathered

    return stop
