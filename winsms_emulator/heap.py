"""The process's heap, kept out of the way of requests.

* :func:`settle`: once a server has started, everything it loaded (modules, the Flask
  app, the schemas, the start state) is frozen, so the garbage collector never scans
  it again; a full collection then costs what requests left, not the tens of
  milliseconds the libraries alone take. (It is not collected first: that would add
  those milliseconds to the start-up, to free a few hundred objects.)
* :class:`Releaser`: what a reset leaves behind (a million stored messages, say) is
  freed a slice at a time on a background thread, so the reset answers at once and no
  request waits for the whole of it to be freed.
"""

from __future__ import annotations

import gc
import queue
import threading

#: Pieces freed at a time (a request waits at most the interpreter's switch interval).
SLICE = 32


def settle() -> None:
    """Freeze what start-up left out of the collector's sight."""
    gc.freeze()


class Releaser:
    """Frees handed-over pieces (lists of objects) on a thread of its own, a few at a time."""

    def __init__(self) -> None:
        self._pending: queue.SimpleQueue[list[object]] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._busy = 0
        self._idle = threading.Condition(self._lock)

    def free(self, pieces: list[object]) -> None:
        """Free ``pieces`` (the caller keeps no reference to them) in the background; a
        few are freed at once (waking the thread would cost more)."""
        if len(pieces) <= SLICE:
            pieces.clear()
            return
        with self._lock:
            self._busy += 1
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="winsms-emulator-releaser", daemon=True
                )
                self._thread.start()
        self._pending.put(pieces)

    def wait_idle(self, timeout: float) -> bool:
        """Wait (at most ``timeout`` seconds) until everything handed over is freed."""
        with self._idle:
            return self._idle.wait_for(lambda: self._busy == 0, timeout)

    def _run(self) -> None:
        while True:
            pieces = self._pending.get()
            while pieces:  # between slices the interpreter may switch to a request
                del pieces[-SLICE:]
            del pieces
            with self._idle:
                self._busy -= 1
                self._idle.notify_all()


#: The process's releaser (it holds nothing but what it is freeing).
RELEASER = Releaser()
