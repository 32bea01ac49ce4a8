"""The settings of one emulator application."""

from __future__ import annotations

from dataclasses import dataclass

#: Largest request body accepted anywhere (the XML API's 1000 recipients fit easily).
DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024
#: The REST API's documented limit.
REST_MAX_BODY_BYTES = 200 * 1024


@dataclass(frozen=True)
class EmulatorConfig:
    """Settings of one emulator application.

    ``clock`` (``real`` or ``manual``), ``rest_dialect`` (``seed`` or ``current``) and
    ``journal_max_bytes`` (the request journal's bound in bytes, 64 MB when ``None``)
    build the gateway when :func:`~winsms_emulator.create_app` is given none; with a
    gateway they may be left ``None`` or must agree with it.
    """

    strict: bool = False
    rest_dialect: str | None = None
    clock: str | None = None
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    rest_max_body_bytes: int = REST_MAX_BODY_BYTES
    admin_token: str | None = None
    journal_max_bytes: int | None = None
