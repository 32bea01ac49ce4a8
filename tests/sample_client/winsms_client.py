"""A small WinSMS client of the kind a team writes for itself, here to show what the
emulator's coverage report tells its authors (``tests/e2e/test_coverage_plugin.py``).

It speaks REST v1 in the current shape (the one the official SDKs speak) and uses three
operations: send a text, ask the status of sent texts, read the credit balance.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests


class WinSmsError(Exception):
    """WinSMS refused the request as a whole."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message


class NotAuthorised(WinSmsError):
    """The API key is missing or wrong."""


@dataclass(frozen=True)
class Sent:
    """What one recipient of a text got: its message ID, or why it was refused."""

    number: str
    message_id: int | None
    refused: str  # "" when accepted, else WinSMS's acceptError

    @property
    def accepted(self) -> bool:
        return not self.refused


class WinSmsClient:
    def __init__(self, base_url: str, api_key: str, timeout: float = 5) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        answer = requests.request(
            method,
            f"{self.base_url}{path}",
            json=body,
            headers={"Authorization": self.api_key},
            timeout=self.timeout,
        )
        if answer.status_code == 401:
            raise NotAuthorised(401, answer.json()["errorMessage"])
        if answer.status_code != 200:
            raise WinSmsError(answer.status_code, answer.text)
        return answer.json()

    def send(self, text: str, *numbers: str) -> list[Sent]:
        body = {"message": text, "recipients": [{"mobileNumber": n} for n in numbers]}
        answer = self._call("POST", "/sms/outgoing/send", body)
        return [
            Sent(r["mobileNumber"], r["apiMessageId"], r["acceptError"])
            for r in answer["recipients"]
        ]

    def status(self, *message_ids: int) -> dict[int, str]:
        """Each message's status: DELIVERED, or WinSMS's statusErrorCode."""
        answer = self._call("POST", "/sms/outgoing/status", list(message_ids))
        return {
            s["apiMessageId"]: s["statusErrorCode"] or "DELIVERED"
            for s in answer["messageStatuses"]
        }

    def balance(self) -> float:
        found: float = self._call("GET", "/credits/balance")["creditBalance"]
        return found
