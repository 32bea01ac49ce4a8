"""Webhooks as JSON: an account's settings (control plane, accounts file, saved states),
the delivery attempts and pending notifications, and what the sink received."""

from __future__ import annotations

from typing import Any

from winsms_emulator.domain.sinks import SinkRequest
from winsms_emulator.domain.webhooks import Attempt, Notification, WebhookSettings, check_url
from winsms_emulator.errors import Invalid
from winsms_emulator.forms.values import iso

SETTINGS_FIELDS = ("reply_url", "delivery_url", "enabled")


def webhooks_from_json(data: Any, name: str = "webhooks") -> WebhookSettings:
    """``{"reply_url", "delivery_url", "enabled"}``: each URL ``null`` or an http(s) URL,
    ``enabled`` true or false (true when left out). A field left out takes its default."""
    if not isinstance(data, dict):
        raise Invalid(f"{name} must be an object with {', '.join(SETTINGS_FIELDS)}")
    unknown = set(data) - set(SETTINGS_FIELDS)
    if unknown:
        raise Invalid(
            f"unknown {name} field(s): {', '.join(sorted(unknown))}; "
            f"it takes {', '.join(SETTINGS_FIELDS)}"
        )
    urls = {
        key: None if data.get(key) is None else check_url(data[key], f"{name}.{key}")
        for key in ("reply_url", "delivery_url")
    }
    enabled = data.get("enabled", True)
    if not isinstance(enabled, bool):
        raise Invalid(f"{name}.enabled must be true or false")
    return WebhookSettings(urls["reply_url"], urls["delivery_url"], enabled)


def webhooks_json(settings: WebhookSettings) -> dict[str, Any]:
    return {
        "reply_url": settings.reply_url,
        "delivery_url": settings.delivery_url,
        "enabled": settings.enabled,
    }


def attempt_json(attempt: Attempt) -> dict[str, Any]:
    return {
        "notification": attempt.notification,
        "account": attempt.account,
        "event": attempt.event,
        "url": attempt.url,
        "attempt": attempt.attempt,
        "at": iso(attempt.at),
        "http_status": attempt.http_status,
        "latency_ms": attempt.latency_ms,
        "error": attempt.error,
        "outcome": attempt.outcome,
        "next_attempt_at": iso(attempt.next_at),
        "test": attempt.test,
    }


def notification_json(notification: Notification) -> dict[str, Any]:
    return {
        "id": notification.id,
        "account": notification.account,
        "event": notification.event,
        "url": notification.url,
        "parameters": dict(notification.parameters),
        "happened_at": iso(notification.happened_at),
        "next_attempt_at": iso(notification.next_at),
        "attempts": notification.attempts,
        "test": notification.test,
    }


def sink_request_json(request: SinkRequest) -> dict[str, Any]:
    """What the sink received; ``query`` keeps each name's first value (all of them are in
    ``query_pairs``)."""
    query: dict[str, str] = {}
    for key, value in request.query:
        query.setdefault(key, value)
    return {
        "id": request.id,
        "sink": request.sink,
        "method": request.method,
        "path": request.path,
        "query": query,
        "query_pairs": [[k, v] for k, v in request.query],
        "headers": dict(request.headers),
        "body": request.body,
        "at": iso(request.at),
        "answered": request.answered,
        "fault": request.fault,
    }
