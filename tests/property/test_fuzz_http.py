"""Fuzzing the HTTP (GET) API: any string or bytes in any parameter, by GET or POST.

Whatever arrives, the answer is HTTP 200, ``text/plain``, with no line break at the end,
and matches the pattern ``schemas/http-api.openapi.json`` documents for its operation. A
request that sends nothing (every answer but a per-recipient one with an ID) changes
nothing; one that sends adds exactly the messages it names. Lone surrogates (sent as the
bytes a lenient encoder makes of them) and bytes that are not UTF-8 never reach the
state, so the journal, the saved state and the web inbox still render.
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote_from_bytes

import pytest
from fuzz_support import ACCOUNTS, new_emulator, repopulate, world
from hypothesis import event, given, note
from hypothesis import strategies as st

from winsms_emulator import Emulator
from winsms_emulator.resources import schemas_dir

DOC = json.loads((schemas_dir() / "http-api.openapi.json").read_text("utf-8"))
PATTERNS = {
    path.lstrip("/"): re.compile(
        item["get"]["responses"]["200"]["content"]["text/plain"]["schema"]["pattern"]
    )
    for path, item in DOC["paths"].items()
}


def sent_ids(answer: str) -> list[int]:
    """The IDs of a send answer's accepted recipients (``number=ID;``)."""
    if not answer.endswith(";"):
        return []
    values = [pair.rpartition("=")[2] for pair in answer[:-1].split(";")]
    return [int(v) for v in values if v.isdigit()]


@pytest.fixture(scope="module")
def emulators() -> dict[bool, Emulator]:
    """A lenient and a strict emulator with the fuzz world's accounts."""
    return {False: new_emulator(), True: Emulator(accounts=ACCOUNTS, strict=True)}


# -- values --------------------------------------------------------------------------------

names = st.sampled_from(
    [
        "user",
        "User",
        "USER",
        "password",
        "Password",
        "message",
        "Message",
        "numbers",
        "Numbers",
        "scheduled",
        "Scheduled",
        "Deliver",
        "delivery",
        "",
        "user ",
        "pass word",
    ]
) | st.text(max_size=8)
known_values = st.sampled_from(
    [
        "hpotter",
        "w1Zard",
        "cur",
        "pw-cur",
        "Hi",
        "",
        " ",
        "27825550101",
        "27825550101;",
        "27825550101;0825550101;27835550505",
        ";;",
        "202501011000",
        "201811141025",
        "2025",
        "a" * 1000,
        "€" * 400,
        "%",
        "%ZZ",
        "+",
        "&",
        "=",
        "No",
    ]
)
#: A value as the bytes a client puts on the wire (lone surrogates as a lenient encoder
#: writes them); raw bytes of every kind; or text.
values = st.one_of(
    known_values.map(lambda s: s.encode("utf-8")),
    st.text(max_size=40).map(lambda s: s.encode("utf-8", "surrogatepass")),
    st.binary(max_size=40),
)

numbers = st.lists(
    st.sampled_from(["27825550101", "27835550505", "0825550101", "", " 27845550909 "]), max_size=4
).map(lambda items: ";".join(items).encode())


@st.composite
def requests(draw: st.DrawFn) -> tuple[str, str, list[tuple[bytes, bytes]], bool]:
    path = draw(st.sampled_from(sorted(PATTERNS)))
    method = draw(st.sampled_from(["GET", "POST"]))
    pairs = []
    if draw(st.integers(0, 3)):  # mostly a good login, so most requests get past it
        user, password = draw(st.sampled_from([("hpotter", "w1Zard"), ("cur", "pw-cur")]))
        pairs += [(b"user", user.encode()), (b"password", password.encode())]
    if path == "batchmessage.asp" and draw(st.integers(0, 3)):  # and mostly something to send
        pairs += [(b"message", draw(values)), (b"numbers", draw(numbers))]
    pairs += draw(
        st.lists(
            st.tuples(names.map(lambda s: s.encode("utf-8", "surrogatepass")), values), max_size=4
        )
    )
    return path, method, pairs, draw(st.booleans())


def encoded(pairs: list[tuple[bytes, bytes]], raw: bool) -> bytes:
    """The pairs as a query string: percent-encoded, or (``raw``) the bytes as they are."""
    if raw:
        return b"&".join(n + b"=" + v for n, v in pairs)
    return "&".join(f"{quote_from_bytes(n)}={quote_from_bytes(v)}" for n, v in pairs).encode()


# -- the property ------------------------------------------------------------------------------


@given(request=requests(), strict=st.integers(0, 3).map(lambda n: n == 0), raw=st.booleans())
def test_any_parameters_get_a_documented_text_answer_and_change_state_only_by_sending(
    emulators: dict[bool, Emulator],
    request: tuple[str, str, list[tuple[bytes, bytes]], bool],
    strict: bool,
    raw: bool,
) -> None:
    path, method, pairs, in_body = request
    emulator = emulators[strict]
    repopulate(emulator)
    client = emulator.client()
    before = world(client)
    query = encoded(pairs, raw)
    note(f"{method} /api/{path}?{query!r} body={in_body}")
    if method == "POST" and in_body:
        response = client.post(f"/api/{path}", data=query)
    else:
        # the query string as a server hands it over (PEP 3333: its bytes as latin-1)
        environ = {"QUERY_STRING": query.decode("latin-1")}
        response = client.open(f"/api/{path}", method=method, environ_overrides=environ)

    assert response.status_code == 200, response.data
    assert response.mimetype == "text/plain"
    answer = response.get_data(as_text=True)
    assert not answer.endswith(("\n", "\r")), answer
    assert PATTERNS[path].fullmatch(answer), answer
    shown = "per recipient" if answer.endswith(";") else answer.split("=", 1)[0]
    event(f"{path}: {shown}")

    after = world(client)
    sent = sent_ids(answer) if path == "batchmessage.asp" else []
    if not sent:
        # a send that names nobody leaves that refused recipient, and changes nothing else
        earlier = before.pop("refused")
        fresh = [r for r in after.pop("refused") if r not in earlier]
        assert all(r["reason"] in answer for r in fresh), (answer, fresh)
        assert after == before, answer
    else:
        new = {m["id"] for m in after["messages"]} - {m["id"] for m in before["messages"]}
        assert new == set(sent), (answer, new)
    [entry] = emulator.journal()[-1:]
    assert all(v == "***" for k, v in entry["parameters"].items() if k.lower() == "password")
    json.dumps(emulator.journal(), ensure_ascii=False).encode("utf-8")  # no lone surrogate
    if sent:
        assert client.get("/_emulator/ui/").status_code == 200
    emulator.raise_errors()
