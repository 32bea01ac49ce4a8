"""The emulator as a WSGI application for granian (``bench.granian_app:app``), for the
server comparison only: granian is not what the emulator ships on (see README, Speed)."""

from __future__ import annotations

from winsms_emulator import Emulator

ACCOUNT = {
    "username": "hpotter",
    "password": "w1Zard",
    "api_key": "hpotter-api-key",
    "credits": 10**12,
}

app = Emulator([ACCOUNT], clock="real").app
