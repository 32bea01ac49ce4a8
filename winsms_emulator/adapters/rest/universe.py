"""What each REST v1 operation can show a client in each shape, for the coverage report:
the HTTP statuses the pipeline answers it with, the families of its own answers, and how
the facts of an answer are read from the results its handler left."""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Any

from winsms_emulator.adapters.rest.dialect import Dialect
from winsms_emulator.adapters.rest.pipeline import DIALECTS, RestSpec
from winsms_emulator.errors import SendOutcome
from winsms_emulator.outcomes import (
    Universe,
    http_statuses,
    reading,
    recipients,
    rest_word,
    sent_facts,
    sent_messages,
)

#: Blank texts and numbers are invalid fields in REST (its schema requires them), never a
#: recipient's code.
FIELD_ERRORS: Mapping[Enum, str] = {
    SendOutcome.NO_MESSAGE: "a blank message is an invalid field, answered as a whole",
    SendOutcome.NO_NUMBER: "a blank mobileNumber is an invalid field, answered as a whole",
}


def http(spec: RestSpec, dialect: Dialect) -> Universe:
    """The HTTP statuses the pipeline answers an operation with in a shape. 404 is left
    out: it answers paths that are no operation."""
    statuses = {200, 401, 405}
    if spec.reads_body:
        statuses |= {400, 413, 415, dialect.invalid_status}
    if spec.pages and dialect.pages:
        statuses.add(dialect.invalid_status)
    return http_statuses(statuses)


def sent(dialect: Dialect) -> Universe:
    """What a send can show: every recipient code REST has, and the messages sent."""
    return recipients(rest_word, FIELD_ERRORS) + sent_messages()


#: The facts of a send's answer.
SENT = reading(lambda results: sent_facts(results, rest_word))
#: An operation whose answers show nothing but their HTTP status (the balance).
ONLY_HTTP = reading()


def status_facts(results: Any, shape: str) -> Any:
    """A status answer's facts, as its shape writes them."""
    return DIALECTS[shape].status_facts(results)
