"""The request journal is bounded in entries and in bytes, and keeps a bounded number of
violations per entry along with their total count."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from winsms_emulator.journal import (
    DEFAULT_JOURNAL_BYTES,
    MAX_TEXT,
    MAX_VIOLATIONS_KEPT,
    Journal,
    JournalEntry,
)

AT = datetime(2025, 1, 1, tzinfo=UTC)


def entry(
    account: str = "a", violations: int = 0, detail: str = "", path: str = "/p"
) -> JournalEntry:
    return JournalEntry(
        at=AT,
        method="POST",
        path=path,
        api="xml",
        operation="status",
        account=account,
        http_status=200,
        outcome="ok",
        violations=tuple(f"line 1: violation {i}" for i in range(violations)),
        detail=detail,
    )


def test_an_entry_keeps_the_first_violations_and_counts_them_all() -> None:
    journal = Journal()

    journal.record(entry(violations=100_000))

    [kept] = journal.entries()
    assert kept.violations == tuple(f"line 1: violation {i}" for i in range(MAX_VIOLATIONS_KEPT))
    assert kept.violation_count == 100_000


def test_a_given_count_beyond_the_listed_violations_is_kept() -> None:
    journal = Journal()

    journal.record(
        JournalEntry(AT, "POST", "/p", "xml", "send", None, 200, "ok", ("v",), violation_count=7)
    )

    assert journal.entries()[0].violation_count == 7


def test_long_texts_are_cut() -> None:
    journal = Journal()

    journal.record(entry(detail="d" * 100_000, path="/" + "p" * 100_000))

    [kept] = journal.entries()
    assert len(kept.detail) == len(kept.path) == MAX_TEXT
    assert kept.detail.endswith("…")


def test_the_journal_forgets_the_oldest_entries_beyond_its_bytes() -> None:
    journal = Journal(max_bytes=200_000)

    for index in range(1_000):
        journal.record(entry(account=str(index), violations=MAX_VIOLATIONS_KEPT))

    kept = journal.entries()
    assert journal.bytes <= 200_000
    assert 0 < len(kept) < 1_000
    assert kept[-1].account == "999"  # the newest are the ones kept
    assert [e.account for e in kept] == [str(i) for i in range(1_000 - len(kept), 1_000)]


def test_the_entry_bound_still_holds() -> None:
    journal = Journal(size=3)

    for index in range(5):
        journal.record(entry(account=str(index)))

    assert [e.account for e in journal.entries()] == ["2", "3", "4"]


def test_hostile_requests_cannot_grow_the_journal_past_its_default_bytes() -> None:
    journal = Journal()

    for _ in range(3_000):  # each as large as an entry can get
        journal.record(entry(violations=1_000_000 // 1_000, detail="d" * 10**6, path="/" * 10**6))

    assert journal.bytes <= DEFAULT_JOURNAL_BYTES
    assert sum(e.size for e in journal.entries()) == journal.bytes


def test_clearing_an_account_gives_its_bytes_back() -> None:
    journal = Journal()
    journal.record(entry(account="a", violations=10))
    journal.record(entry(account="b"))
    only_b = entry(account="b").bounded().size

    journal.clear("a")

    assert journal.bytes == only_b
    journal.clear()
    assert journal.bytes == 0


def test_a_journal_keeps_at_least_one_entry_and_one_byte() -> None:
    with pytest.raises(ValueError):
        Journal(max_bytes=0)
    with pytest.raises(ValueError):
        Journal(size=0)


def test_an_entry_larger_than_the_whole_bound_is_still_the_newest_kept() -> None:
    journal = Journal(max_bytes=10)

    journal.record(entry(account="a"))
    journal.record(entry(account="b"))

    assert [e.account for e in journal.entries()] == ["b"]
