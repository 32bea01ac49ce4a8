"""The standalone server's logging: through a queue, written by one thread."""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from winsms_emulator.process import start_logging


@contextmanager
def bare_root() -> Iterator[None]:
    """The root logger as a fresh server process has it: no handlers (pytest's own, which
    it adds for each test, are put back after)."""
    root = logging.getLogger()
    handlers = list(root.handlers)
    for handler in handlers:
        root.removeHandler(handler)
    try:
        yield
    finally:
        for handler in handlers:
            root.addHandler(handler)


def test_records_are_written_by_one_thread_in_order_and_all_flushed_at_stop() -> None:
    with bare_root():
        out = io.StringIO()
        stop = start_logging(logging.INFO, out)
        log = logging.getLogger("winsms_emulator.access")
        writers: list[str] = []
        original = logging.StreamHandler.emit

        def emit(handler: logging.StreamHandler, record: logging.LogRecord) -> None:  # type: ignore[type-arg]
            writers.append(threading.current_thread().name)
            original(handler, record)

        logging.StreamHandler.emit = emit  # type: ignore[method-assign]
        try:
            for number in range(200):
                log.info("POST /api/rest/v1/sms/outgoing/send %d", number)
            logging.getLogger("winsms_emulator.x").debug("not at info")
        finally:
            stop()
            logging.StreamHandler.emit = original  # type: ignore[method-assign]
        lines = out.getvalue().splitlines()
        assert [line.rsplit(" ", 1)[1] for line in lines] == [str(n) for n in range(200)]
        assert all(" INFO winsms_emulator.access POST " in line for line in lines)
        assert threading.current_thread().name not in writers  # never the caller's thread


def test_stopping_puts_back_the_handlers_and_level_there_were() -> None:
    with bare_root():
        root = logging.getLogger()
        handlers, level = list(root.handlers), root.level
        start_logging(logging.DEBUG, io.StringIO())()
        assert (root.handlers, root.level) == (handlers, level)


def test_logging_set_up_already_is_left_as_it_is() -> None:
    with bare_root():
        root = logging.getLogger()
        mine = logging.StreamHandler(io.StringIO())
        root.addHandler(mine)
        try:
            level = root.level
            stop = start_logging(logging.DEBUG, io.StringIO())
            assert root.handlers == [mine] and root.level == level
            stop()
            assert root.handlers == [mine]
        finally:
            root.removeHandler(mine)


def test_a_record_is_formatted_by_the_writer_not_the_caller() -> None:
    with bare_root():
        out = io.StringIO()
        stop = start_logging(logging.INFO, out)
        formatted_in: list[str] = []

        class Traced:
            def __str__(self) -> str:
                formatted_in.append(threading.current_thread().name)
                return "traced"

        try:
            logging.getLogger("winsms_emulator.access").info("%s", Traced())
        finally:
            stop()
        assert out.getvalue().rstrip().endswith("traced")
        assert formatted_in and threading.current_thread().name not in formatted_in
