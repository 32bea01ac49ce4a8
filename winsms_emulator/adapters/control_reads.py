"""The control plane's reads that search and wait: the journal, an outbox, one message,
the replies (:mod:`winsms_emulator.control_reads`). A blueprint nested in the control
plane's, so its endpoints are ``control.reads.*`` and the admin token guards them too.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from winsms_emulator.adapters.waiting import answers_waits, query_parameters
from winsms_emulator.control_reads import Reads
from winsms_emulator.web.context import gateway

blueprint = Blueprint("reads", __name__)


def reads() -> Reads:
    return Reads(gateway())


@blueprint.get("/requests")
@answers_waits
def list_requests() -> Response:
    """The request journal, filtered; ``wait`` for ``count`` entries."""
    return jsonify(requests=reads().journal(query_parameters()))


@blueprint.get("/accounts/<username>/messages")
@answers_waits
def account_messages(username: str) -> Response:
    """The outbox, filtered; ``wait`` for ``count`` messages."""
    return jsonify(messages=reads().outbox(username, query_parameters()))


@blueprint.get("/accounts/<username>/messages/<int:message_id>")
@answers_waits
def account_message(username: str, message_id: int) -> Response:
    """One of the account's messages; ``wait`` for a ``status``."""
    return jsonify(reads().message(message_id, query_parameters(), username))


@blueprint.get("/messages/<int:message_id>")
@answers_waits
def one_message(message_id: int) -> Response:
    """One message, whoever sent it; ``wait`` for a ``status``."""
    return jsonify(reads().message(message_id, query_parameters()))


@blueprint.get("/accounts/<username>/replies")
@answers_waits
def account_replies(username: str) -> Response:
    """The replies the account received, filtered; ``wait`` for ``count`` replies."""
    return jsonify(replies=reads().replies(username, query_parameters()))
