"""Append-only columns of plain values, kept so that a million of them cost the garbage
collector nothing.

A :class:`Column` holds its values in full chunks of :data:`CHUNK` (tuples) and a short
tail (a list). A tuple that holds only plain values (strings, numbers, times, ``None``,
other such tuples) stops being tracked by the collector once it has seen it, so a full
column leaves it a short list of chunks to look at, however many values it holds. Chunks
never change, so a copy shares them and copies only the tail.

:class:`Interner` hands out one object for equal immutable values (the same cost, text
description or outcome stored a million times is kept once).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")
CHUNK_BITS = 10
#: Values per chunk.
CHUNK = 1 << CHUNK_BITS
_MASK = CHUNK - 1


class Column(Generic[T]):
    """An append-only sequence of values (see the module)."""

    __slots__ = ("_chunks", "_tail")

    def __init__(self, values: Iterable[T] = ()) -> None:
        self._chunks: list[tuple[T, ...]] = []
        self._tail: list[T] = []
        for value in values:
            self.append(value)

    def append(self, value: T) -> None:
        tail = self._tail
        tail.append(value)
        if len(tail) == CHUNK:
            self._chunks.append(tuple(tail))
            self._tail = []

    def extend(self, values: Iterable[T]) -> None:
        tail = self._tail
        tail.extend(values)
        if len(tail) >= CHUNK:
            whole = len(tail) - len(tail) % CHUNK
            self._chunks.extend(tuple(tail[at : at + CHUNK]) for at in range(0, whole, CHUNK))
            self._tail = tail[whole:]

    def __len__(self) -> int:
        return (len(self._chunks) << CHUNK_BITS) + len(self._tail)

    def __getitem__(self, index: int) -> T:
        if index < 0:
            index += len(self)
            if index < 0:
                raise IndexError("column index out of range")
        chunks = self._chunks
        chunk = index >> CHUNK_BITS
        if chunk < len(chunks):
            return chunks[chunk][index & _MASK]
        return self._tail[index - (len(chunks) << CHUNK_BITS)]

    def __iter__(self) -> Iterator[T]:
        for chunk in self._chunks:
            yield from chunk
        yield from self._tail

    def copy(self) -> Column[T]:
        """A column with the same values; appending to one does not show in the other."""
        twin: Column[T] = Column()
        twin._chunks = list(self._chunks)
        twin._tail = list(self._tail)
        return twin

    def release(self) -> list[tuple[T, ...]]:
        """Empty the column; returns its chunks, for whoever frees them."""
        chunks, self._chunks, self._tail = self._chunks, [], []
        return chunks


K = TypeVar("K", bound=Hashable)


class Interner(Generic[T]):
    """One object for equal values: ``key`` says when two values are the same (for a
    decimal, its written form: 1.0 and 1.00 are equal but not the same), and at most
    ``limit`` values are remembered (past that a value is kept as given)."""

    __slots__ = ("_key", "_known", "_last", "_last_kept", "_limit")

    def __init__(self, key: Callable[[T], Hashable], limit: int = 4096) -> None:
        self._key = key
        self._known: dict[Hashable, T] = {}
        self._limit = limit
        self._last: object = None
        self._last_kept: T | None = None

    def __call__(self, value: T) -> T:
        if value is self._last:  # a batch hands over the same object again and again
            return self._last_kept  # type: ignore[return-value]
        key = self._key(value)
        kept = self._known.get(key)
        if kept is None:
            kept = value
            if len(self._known) < self._limit:
                self._known[key] = value
        self._last, self._last_kept = value, kept
        return kept
