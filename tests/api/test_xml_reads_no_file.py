"""A hostile XML document makes the emulator open no file at all.

Each document names a FIFO: opening one blocks until someone writes to it, so
a parser that tries to read it hangs, and the test sees the request still
running instead of answered.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from winsms_emulator import create_app

DOCUMENTS = {
    "external subset": '<!DOCTYPE WinSMS_Replies SYSTEM "file://{path}"><WinSMS_Replies/>',
    "external entity": (
        '<!DOCTYPE WinSMS_Replies [<!ENTITY x SYSTEM "file://{path}">]>'
        "<WinSMS_Replies><User>&x;</User><Password>w1Zard</Password></WinSMS_Replies>"
    ),
    "parameter entity": (
        '<?xml version="1.0"?><!DOCTYPE WinSMS_Replies '
        '[<!ENTITY % p SYSTEM "file://{path}"> %p;]><WinSMS_Replies/>'
    ),
    "xinclude": (
        '<WinSMS_Replies xmlns:xi="http://www.w3.org/2001/XInclude">'
        '<User><xi:include href="file://{path}" parse="text"/></User>'
        "<Password>w1Zard</Password></WinSMS_Replies>"
    ),
}


@pytest.mark.parametrize("kind", DOCUMENTS)
def test_a_hostile_document_opens_no_file(tmp_path: Path, kind: str) -> None:
    fifo = tmp_path / "trap"
    os.mkfifo(fifo)
    client = create_app().test_client()
    answers: list[bytes] = []
    request = threading.Thread(
        target=lambda: answers.append(
            client.post(
                "/api/xmlgetreplies.asp", data=DOCUMENTS[kind].format(path=fifo).encode()
            ).data
        ),
        daemon=True,
    )
    request.start()
    request.join(timeout=10)
    opened = request.is_alive()
    if opened:  # let the blocked parser go before failing
        with open(fifo, "w") as unblock:
            unblock.write("x")
        request.join(timeout=10)
    assert not opened, f"the parser opened {fifo}"
    assert b"<Error>" in answers[0] or b"<XMLGateway_Replies" in answers[0]
