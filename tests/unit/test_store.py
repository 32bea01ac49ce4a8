"""Columns, the message store and its forks keep exactly what was put in them."""

from __future__ import annotations

import dataclasses
import weakref
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from winsms_emulator.domain.accounts import Account, copy_account
from winsms_emulator.domain.columns import CHUNK, Column, Interner
from winsms_emulator.domain.encoding import analyse
from winsms_emulator.domain.messages import FinalOutcome
from winsms_emulator.domain.sast import SAST
from winsms_emulator.domain.store import MessageStore
from winsms_emulator.domain.webhooks import WebhookSettings
from winsms_emulator.errors import DeliveryStatus, StatusCode
from winsms_emulator.heap import SLICE, Releaser

AT = datetime(2025, 3, 1, 10, 0, tzinfo=SAST)
DELIVERED = FinalOutcome(DeliveryStatus.DELIVERED, StatusCode.DELIVERED, timedelta(seconds=2))


def test_a_column_reads_back_every_value_across_its_chunks() -> None:
    column: Column[int] = Column(range(CHUNK * 2 + 5))
    column.extend(range(CHUNK * 2 + 5, CHUNK * 4 + 1))
    assert len(column) == CHUNK * 4 + 1
    assert list(column) == list(range(CHUNK * 4 + 1))
    assert [column[i] for i in (0, CHUNK - 1, CHUNK, CHUNK * 4)] == [0, CHUNK - 1, CHUNK, CHUNK * 4]
    assert column[-1] == CHUNK * 4
    with pytest.raises(IndexError):
        column[CHUNK * 4 + 1]


def test_a_copy_of_a_column_grows_on_its_own() -> None:
    column: Column[int] = Column(range(CHUNK + 3))
    twin = column.copy()
    twin.append(-1)
    column.append(-2)
    assert twin[-1] == -1 and column[-1] == -2
    assert len(twin) == len(column) == CHUNK + 4


def test_the_interner_keeps_one_object_per_written_form() -> None:
    intern = Interner[Decimal](str)
    first = intern(Decimal("1.0"))
    assert intern(Decimal("1.0")) is first
    assert str(intern(Decimal("1.00"))) == "1.00"  # equal, but written otherwise


def _store(ids: list[int]) -> MessageStore:
    store = MessageStore()
    for message_id in ids:
        store.append(
            message_id,
            "alice",
            f"2782555{message_id:04d}",
            f"Hi {message_id}",
            analyse(f"Hi {message_id}"),
            Decimal("1.0"),
            AT,
            AT,
            False,
            DELIVERED,
            None,
            "rest",
        )
    return store


def test_a_message_is_found_by_its_id_even_when_ids_came_out_of_order() -> None:
    store = _store([5, 9, 2, 7])
    assert [m.id for m in store.values()] == [5, 9, 2, 7]
    for message_id in (5, 9, 2, 7):
        found = store.get(message_id)
        assert found is not None and found.text == f"Hi {message_id}"
    assert store.get(3) is None
    assert store[9].id == 9 and 9 in store and 3 not in store
    with pytest.raises(KeyError):
        store[3]


def test_a_fork_and_its_parent_change_apart() -> None:
    store = _store(list(range(1, CHUNK + 10)))
    fork = store.fork()
    row = fork.row_of(3)
    assert row is not None
    fork.delete(row, AT)
    fork.remove(fork.row_of(4) or 0)
    store.refuse(store.row_of(5) or 0, StatusCode.OPTED_OUT)
    assert store.get(3).deleted_at is None  # type: ignore[union-attr]
    assert store.get(4) is not None and fork.get(4) is None
    assert fork.get(5).refused is None  # type: ignore[union-attr]
    assert len(fork) == len(store) - 1


def test_releasing_a_fork_leaves_its_parent_whole() -> None:
    store = _store(list(range(1, CHUNK * 2 + 10)))
    fork = store.fork()
    assert fork.release()
    assert len(fork) == 0
    assert [m.id for m in store.values()] == list(range(1, CHUNK * 2 + 10))


class _Piece:
    pass


def test_the_releaser_frees_what_it_is_handed() -> None:
    releaser = Releaser()
    pieces: list[object] = [_Piece() for _ in range(SLICE * 3 + 1)]
    watched = [weakref.ref(p) for p in pieces]
    releaser.free(pieces)
    del pieces
    assert releaser.wait_idle(timeout=30)
    assert all(ref() is None for ref in watched)


def test_a_copied_account_has_every_field_of_the_original() -> None:
    names = [f.name for f in dataclasses.fields(Account)]
    assert names == [
        *("username", "password", "api_key", "credits", "trial", "own_numbers", "locked"),
        *("dnc_bypass", "price_per_part", "delivery_delay_seconds", "short_codes"),
        *("rest_dialect", "parent", "account_number", "first_name", "surname", "prices"),
        *("webhooks", "opt_outs", "ledger"),
    ], "copy_account names every field: add the new one there"
    account = Account(
        "alice",
        "pw",
        "key",
        Decimal("5.5"),
        True,
        ("27825550101",),
        True,
        True,
        Decimal("0.2"),
        7.0,
        ("31234",),
        "current",
        "main",
        10007,
        "Alice",
        "Smith",
        {"27": Decimal("0.3")},
        WebhookSettings("https://hooks.example/replies", None, enabled=False),
    )
    account.charge(Decimal("-1"), AT, "send", 4)
    twin = copy_account(account)
    assert twin == account
    twin.charge(Decimal("-1"), AT, "send", 5)
    twin.prices["44"] = Decimal("1")
    assert len(account.ledger) == 1 and "44" not in account.prices


def test_the_releaser_frees_a_few_pieces_at_once() -> None:
    pieces: list[object] = [_Piece() for _ in range(SLICE)]
    watched = [weakref.ref(p) for p in pieces]
    Releaser().free(pieces)
    del pieces
    assert all(ref() is None for ref in watched)


def test_a_batch_stored_after_a_higher_id_is_still_found() -> None:
    store = _store([100])
    info = analyse("Hello")
    rows = store.extend(
        [7, 8],
        "bob",
        ["27825550007", "27825550008"],
        "Hello",
        info,
        [Decimal("1.0"), Decimal("2.0")],
        AT,
        AT,
        False,
        [DELIVERED, DELIVERED],
        ["a", None],
        "xml",
    )
    assert list(rows) == [1, 2]
    found = store.get(8)
    assert found is not None
    assert (found.number, found.cost, found.client_message_id) == ("27825550008", 2, None)
    assert store.get(7).client_message_id == "a"  # type: ignore[union-attr]
    assert store.get(100) is not None
