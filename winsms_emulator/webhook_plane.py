"""The control plane's webhook operations, JSON in and JSON out, for HTTP
(:mod:`winsms_emulator.adapters.webhooks`) and the Python API alike."""

from __future__ import annotations

from typing import Any

from winsms_emulator.errors import Invalid
from winsms_emulator.forms.values import only
from winsms_emulator.forms.webhooks import attempt_json, notification_json, sink_request_json
from winsms_emulator.services import Gateway

Json = dict[str, Any]


class WaitTimedOut(Exception):
    """A wait ran out of time; ``state`` is what there was (answered with 408)."""

    def __init__(self, message: str, state: Json) -> None:
        super().__init__(message)
        self.message = message
        self.state = state


class WebhookPlane:
    """Test notifications, delivery attempts and the sink, over one gateway."""

    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway

    def send_test(self, username: str, body: Any) -> Json:
        """``{"event": "reply"|"delivery"}``: queue a test notification, due now."""
        data = only(body, ("event",))
        event = data.get("event")
        if not isinstance(event, str):
            raise Invalid("field 'event' must be 'reply' or 'delivery'")
        return notification_json(self.gateway.webhooks.send_test(username, event))

    def deliveries(
        self,
        account: str | None = None,
        event: str | None = None,
        wait: float | None = None,
        count: int = 1,
    ) -> Json:
        """Every attempt (``deliveries``) and what waits (``pending``); with ``wait``, once
        there are ``count`` attempts (:class:`WaitTimedOut` when the time is up)."""
        service = self.gateway.webhooks
        if wait is None:
            found = service.attempts(account, event)
        else:
            waited = service.wait_attempts(account, event, count, wait)
            if waited is None:
                state = self.deliveries(account, event)
                have = len(state["deliveries"])
                raise WaitTimedOut(f"{have} of {count} webhook attempts after {wait:g} s", state)
            found = waited
        return {
            "deliveries": [attempt_json(a) for a in found],
            "pending": [notification_json(n) for n in service.pending(account)],
        }

    def receive(
        self,
        name: str,
        method: str,
        path: str,
        query: list[tuple[str, str]],
        headers: list[tuple[str, str]],
        body: str,
        answered: int = 200,
        fault: str | None = None,
    ) -> Json:
        request = self.gateway.webhooks.receive(
            name, method, path, query, headers, body, answered, fault
        )
        return sink_request_json(request)

    def sink_requests(self, name: str, wait: float | None = None, count: int = 1) -> Json:
        """What sink ``name`` received, oldest first; with ``wait``, once there are
        ``count`` requests (:class:`WaitTimedOut` when the time is up)."""
        service = self.gateway.webhooks
        if wait is None:
            found = service.sink_requests(name)
        else:
            waited = service.wait_sink(name, count, wait)
            if waited is None:
                state = self.sink_requests(name)
                have = len(state["requests"])
                message = f"{have} of {count} requests to sink {name!r} after {wait:g} s"
                raise WaitTimedOut(message, state)
            found = waited
        return {"requests": [sink_request_json(r) for r in found]}
