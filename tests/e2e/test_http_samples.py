"""WinSMS's own HTTP API samples, pointed at the emulator, send; their answer parses as
the VB sample parses it.

The samples are not copied: each test builds the URL its sample builds, byte for byte
as that sample's HTTP client sends it, over a real socket with ``urllib``:

* PHP: ``urlencode`` of the (UTF-8) text, lower-case ``user``/``password``/``message``,
  then ``Numbers=`` and the number with a ``;`` after it, read with ``fopen``;
* Python 3: ``urllib.parse.quote`` of the text, ``User``/``Password``/``Message``/
  ``Numbers`` with no trailing ``;``, read with ``urllib.request.urlopen``;
* Python 2: the same names plus ``Deliver=No``, the text written into the URL raw
  (spaces, a colon), which Python 2's ``urllib.urlopen`` quotes before sending;
* VB: every character but letters and digits as ``%`` and its ANSI code in hex, the
  number followed by ``;``.

The VB sample reads the answer so: the answer must start with the number; what follows
the number and ``=``, less the last character, must be numeric; that is the ServerID.
"""

from __future__ import annotations

import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest

from winsms_emulator import Emulator

USER, PASSWORD = "hpotter", "w1Zard"
NUMBER = "27825555555"  # the Python 3 sample's own number (international format)


def vb_server_id(answer: str, number: str) -> str | None:
    """The VB sample's reading of a send answer: its ServerID, or ``None`` for an error."""
    if answer[: len(number)] != number:
        return None
    rest = answer[len(number) + 1 :]  # Mid(answer, Len(number) + 2)
    rest = rest[:-1]  # Left(rest, Len(rest) - 1): the closing ";"
    return rest if rest.isdigit() else None


def vb_url_encode(text: str) -> str:
    """The VB sample's URLEncode: letters and digits as they are, every other character
    as ``%`` and its ANSI (Windows-1252) code in hex, a space as ``%20``."""
    out = []
    for ch in text:
        if ch.isascii() and ch.isalnum():
            out.append(ch)
        else:
            out.append("".join(f"%{b:02X}" for b in ch.encode("cp1252")))
    return "".join(out)


def python2_urlopen_quote(url: str) -> str:
    """What Python 2's ``urllib.urlopen`` does to a URL before sending it."""
    return urllib.parse.quote(url, safe="%/:=&?~#+!$,;'@()*[]|")


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[Emulator, str]]:
    emulator = Emulator()
    with emulator.serve():
        yield emulator, emulator.http_url  # http://127.0.0.1:PORT/api


@pytest.fixture
def live(served: tuple[Emulator, str]) -> Iterator[tuple[Emulator, str]]:
    emulator, _ = served
    emulator.reset()
    yield served
    emulator.raise_errors()


def fetch(url: str) -> tuple[str, str]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8"), response.headers.get_content_type()


def assert_sent(emulator: Emulator, answer: str, number: str, text: str) -> None:
    server_id = vb_server_id(answer, number)
    assert server_id is not None, answer
    [message] = emulator.outbox(USER)
    assert (message["id"], message["number"], message["message"]) == (int(server_id), number, text)
    assert message["api"] == "http"


def test_the_php_sample_sends_and_its_answer_parses_the_vb_way(
    live: tuple[Emulator, str],
) -> None:
    emulator, base = live
    text = "Your order 42 has shipped: €10.50 & more!"
    message = urllib.parse.quote_plus(text.encode("utf-8"))  # PHP urlencode(utf8 text)
    url = (
        f"{base}/batchmessage.asp?user={USER}&password={PASSWORD}"
        f"&message={message}&Numbers={NUMBER};"
    )

    answer, content_type = fetch(url)

    assert content_type == "text/plain"
    assert_sent(emulator, answer, NUMBER, text)


def test_the_python3_sample_sends_and_its_answer_parses_the_vb_way(
    live: tuple[Emulator, str],
) -> None:
    emulator, base = live
    msg = urllib.parse.quote("Sample test message")
    t1 = f"{base}/batchmessage.asp?User={USER}&Password={PASSWORD}&Message=" + msg
    t2 = f"&Numbers={NUMBER}"

    answer, _ = fetch(t1 + t2)

    assert_sent(emulator, answer, NUMBER, "Sample test message")


def test_the_python2_sample_sends_with_its_raw_text_and_unknown_parameter(
    live: tuple[Emulator, str],
) -> None:
    emulator, base = live
    msg = "Sample test message"
    t1 = (
        f"{base}/batchmessage.asp?User={USER}&Password={PASSWORD}&Deliver=No&Message=RaspberryPi: "
        + msg
    )
    t2 = f"&Numbers={NUMBER}"

    answer, _ = fetch(python2_urlopen_quote(t1 + t2))

    assert_sent(emulator, answer, NUMBER, "RaspberryPi: Sample test message")
    [entry] = emulator.journal()
    assert entry["violations"] == ["unknown parameter 'Deliver'"]


def test_the_python2_samples_local_number_is_refused_and_the_vb_way_sees_an_error(
    live: tuple[Emulator, str],
) -> None:
    emulator, base = live
    url = f"{base}/batchmessage.asp?User={USER}&Password={PASSWORD}&Message=Hi&Numbers=0830838083"

    answer, _ = fetch(url)

    assert answer == "0830838083=FAIL:BADDEST;"
    assert vb_server_id(answer, "0830838083") is None
    assert emulator.outbox(USER) == []


def test_the_vb_sample_sends_ansi_text_and_reads_its_server_id(live: tuple[Emulator, str]) -> None:
    emulator, base = live
    text = "Café at 10:30 – don't be late"
    url = (
        f"{base}/batchmessage.asp?user={USER}&password={PASSWORD}"
        f"&message={vb_url_encode(text)}&Numbers={NUMBER};"
    )

    answer, _ = fetch(url)

    assert_sent(emulator, answer, NUMBER, text)


def test_the_vb_way_sees_an_error_for_a_bad_login_and_for_no_credits(
    live: tuple[Emulator, str],
) -> None:
    emulator, base = live
    url = f"{base}/batchmessage.asp?user={USER}&password=wrong&message=Hi&Numbers={NUMBER};"
    answer, _ = fetch(url)
    assert answer == "Login=FAIL"
    assert vb_server_id(answer, NUMBER) is None

    emulator.update_account(USER, credits=0)
    answer, _ = fetch(url.replace("wrong", PASSWORD))
    assert answer == f"{NUMBER}=NOCREDITS;"
    assert vb_server_id(answer, NUMBER) is None


def test_auth_and_credits_answer_one_pair_over_a_socket(live: tuple[Emulator, str]) -> None:
    _, base = live
    assert fetch(f"{base}/auth.asp?user={USER}&password={PASSWORD}")[0] == "Login=OK"
    assert fetch(f"{base}/credits.asp?user={USER}&password={PASSWORD}")[0] == "Credits=1000"


def test_a_post_with_a_form_body_sends_over_a_socket(live: tuple[Emulator, str]) -> None:
    emulator, base = live
    form = urllib.parse.urlencode(
        {"user": USER, "password": PASSWORD, "message": "Posted", "numbers": NUMBER}
    ).encode()
    request = urllib.request.Request(f"{base}/batchmessage.asp", data=form, method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        answer = response.read().decode()
    assert_sent(emulator, answer, NUMBER, "Posted")
