"""Checking a document against its schema: the same violations as one pass of lxml, in
work that grows with the document (a long list is checked a slice at a time), and no
lock that clients would queue behind (each thread has its own compiled schema)."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from winsms_emulator import xsd
from winsms_emulator.resources import schemas_dir
from winsms_emulator.xsd import Validator, compiled

STATUS = compiled(schemas_dir() / "published" / "getstatus.request.xsd")
SEND = compiled(schemas_dir() / "published" / "sendsmsmulti.request.xsd")


def one_pass(validator: Validator, document: etree._Element) -> list[str]:
    """What lxml itself reports in one pass over the whole document."""
    schema = validator.schema
    schema.validate(document)
    return [f"line {e.line}: {e.message}" for e in schema.error_log]


@contextmanager
def slices(first: int, later: int) -> Iterator[None]:
    saved = xsd.SLICE, xsd.LATER_SLICE
    xsd.SLICE, xsd.LATER_SLICE = first, later
    try:
        yield
    finally:
        xsd.SLICE, xsd.LATER_SLICE = saved


# -- generated documents --------------------------------------------------------------------

GAP = st.sampled_from(["", "", "\n", " x "])


@st.composite
def status_documents(draw: st.DrawFn) -> str:
    item = st.sampled_from(
        [
            "<MessageID><ID>1</ID><CLI/></MessageID>",
            "<MessageID><ID>2</ID><CLI>c</CLI></MessageID>",
            "<MessageID><ID>x</ID><CLI/></MessageID>",
            "<MessageID><ID>3</ID></MessageID>",
            "<MessageID/>",
            "<X/>",
        ]
    )
    parts = [draw(item) + draw(GAP) for _ in range(draw(st.integers(0, 24)))]
    head = draw(st.sampled_from(["<User>a</User><Password>b</Password>", "<Password>b</Password>"]))
    attribute = draw(st.sampled_from(["", ' a="1"']))
    tail = draw(
        st.sampled_from(["", "<Y/>", "<MessageIDs><MessageID><ID>q</ID></MessageID></MessageIDs>"])
    )
    return (
        f"<WinSMS_StatusRequest>{head}\n<MessageIDs{attribute}>{''.join(parts)}</MessageIDs>"
        f"{tail}</WinSMS_StatusRequest>"
    )


@st.composite
def send_documents(draw: st.DrawFn) -> str:
    number = st.sampled_from(
        ["<Number>27825550101</Number>", "<Number>x</Number>", "<Number/>", "<Z/>"]
    )
    messages = []
    for _ in range(draw(st.integers(1, 10))):
        numbers = [draw(number) + draw(GAP) for _ in range(draw(st.integers(0, 14)))]
        text = draw(
            st.sampled_from(["<MessageText>hi</MessageText>", "", "<MessageText/><MessageText/>"])
        )
        messages.append(
            f"<Message>{text}<Numbers>{''.join(numbers)}</Numbers></Message>"
            + draw(st.sampled_from(["", "", "", "\n", "<Q/>"]))
        )
    return (
        "<WinSMS_Multi_Message><User>a</User><Password>b</Password>"
        f"<Scheduled>201811141025</Scheduled><Messages>{''.join(messages)}</Messages>"
        "</WinSMS_Multi_Message>"
    )


@given(
    document=st.one_of(
        status_documents().map(lambda d: (STATUS, d)), send_documents().map(lambda d: (SEND, d))
    ),
    first=st.integers(5, 8),
    data=st.data(),
)
def test_checking_in_slices_finds_what_one_pass_finds(
    document: tuple[Validator, str], first: int, data: st.DataObject
) -> None:
    validator, text = document
    later = data.draw(st.integers(1, first - 1))
    root = etree.fromstring(text)
    before = etree.tostring(root)

    with slices(first, later):
        found = validator.check(root)

    assert etree.tostring(root) == before  # left as it was
    expected = one_pass(validator, root)
    assert sorted(found.messages) == sorted(expected)
    assert found.count == len(expected)


def test_a_check_keeps_the_first_messages_and_counts_them_all() -> None:
    ids = "".join("<MessageID><ID>1</ID></MessageID>" for _ in range(3000))
    root = etree.fromstring(
        f"<WinSMS_StatusRequest><User>a</User><Password>b</Password><MessageIDs>{ids}"
        "</MessageIDs></WinSMS_StatusRequest>"
    )

    found = STATUS.check(root, keep=30)

    assert found.count == 3000
    assert (
        found.messages
        == ("line 1: Element 'MessageID': Missing child element(s). Expected is ( CLI ).",) * 30
    )


# -- the work grows with the document ---------------------------------------------------------

_POSITION = re.compile(r"\[(\d+)\]")


def _sibling_steps(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """For each schema error lxml reports, the steps it takes to write the error's place
    (``.../MessageID[1500]/ID``: 1500 earlier siblings walked): the work that was n² in
    one pass over a long list of bad items."""
    steps: list[int] = []
    original = Validator.one_pass

    def counted(self: Validator, document: etree._Element) -> list[tuple[int, str, str]]:
        errors = original(self, document)
        steps.extend(sum(int(n) for n in _POSITION.findall(place)) for _, _, place in errors)
        return errors

    monkeypatch.setattr(Validator, "one_pass", counted)
    return steps


def _bad_ids(count: int) -> etree._Element:
    ids = "\n".join(f"<MessageID><ID>{i}</ID></MessageID>" for i in range(count))  # no CLI
    return etree.fromstring(
        f"<WinSMS_StatusRequest><User>a</User><Password>b</Password><MessageIDs>{ids}"
        "</MessageIDs></WinSMS_StatusRequest>"
    )


def test_four_times_the_ids_cost_at_most_four_times_the_work(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    steps = _sibling_steps(monkeypatch)

    STATUS.check(_bad_ids(2_500))
    small = sum(steps)
    steps.clear()
    STATUS.check(_bad_ids(10_000))
    large = sum(steps)

    assert large <= 4 * small, (small, large)


def test_in_one_pass_the_same_lists_cost_sixteen_times_the_work() -> None:
    # what the slices avoid: lxml's own cost for the same documents
    def steps(count: int) -> int:
        schema = STATUS.schema
        schema.validate(_bad_ids(count))
        return sum(sum(int(n) for n in _POSITION.findall(e.path or "")) for e in schema.error_log)

    assert steps(2_000) * 15 < steps(8_000)


# -- no lock between clients --------------------------------------------------------------------


def test_each_thread_checks_with_its_own_compiled_schema() -> None:
    seen: list[object] = []
    barrier = threading.Barrier(2)

    def look() -> None:
        barrier.wait()
        seen.append(STATUS.schema)

    threads = [threading.Thread(target=look) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(seen) == 2 and seen[0] is not seen[1]
    assert STATUS.schema is STATUS.schema  # one per thread, kept


def test_threads_checking_at_once_each_get_their_own_documents_violations() -> None:
    documents = {count: _bad_ids(count) for count in (1, 2, 3, 4, 5, 6, 7, 8)}
    results: dict[int, list[int]] = {count: [] for count in documents}
    barrier = threading.Barrier(len(documents))

    def check(count: int) -> None:
        barrier.wait()
        for _ in range(50):
            results[count].append(STATUS.check(documents[count]).count)

    threads = [threading.Thread(target=check, args=(count,)) for count in documents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert results == {count: [count] * 50 for count in documents}
