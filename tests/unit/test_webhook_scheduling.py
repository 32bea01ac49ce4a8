"""Webhook scheduling in emulator time, without a thread or a socket: which events become
notifications and when, order per account, the retry backoff and giving up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from winsms_emulator.domain.accounts import Account
from winsms_emulator.domain.handsets import receive_reply
from winsms_emulator.domain.messages import FinalOutcome, scripted_outcome
from winsms_emulator.domain.notify import fire_reports, notify_reply, notify_test
from winsms_emulator.domain.sast import SAST
from winsms_emulator.domain.sending import OutgoingMessage, Recipient, dispatch_due, submit
from winsms_emulator.domain.webhook_fields import webhook_date
from winsms_emulator.domain.webhooks import (
    Attempt,
    DeliveryPolicy,
    Notification,
    WebhookSettings,
    attempt_outcome,
    check_url,
)
from winsms_emulator.domain.world import World
from winsms_emulator.errors import Conflict, DeliveryStatus, Invalid, StatusCode

T0 = datetime(2025, 3, 1, 10, 0, tzinfo=SAST)
HOOK = "http://127.0.0.1:9/hook"
N1, N2 = "27825550101", "27835550505"


def world_with(*names: str, webhooks: WebhookSettings | None = None) -> World:
    world = World()
    settings = webhooks or WebhookSettings(HOOK, HOOK)
    for name in names:
        world.add_account(Account(name, "pw", f"{name}-key", webhooks=settings), T0)
    return world


def send(
    world: World, account: str, number: str, at: datetime, when: datetime | None = None
) -> int:
    [result] = submit(
        world,
        world.account(account),
        [OutgoingMessage("hi", [Recipient(number)], scheduled_for=when)],
        at,
        "service",
    )
    found = result.recipients[0].message_id
    assert found is not None
    return found


def step(world: World, now: datetime) -> None:
    """What every session does first: dispatch due messages, then fire due reports."""
    dispatch_due(world, now)
    fire_reports(world, now)


def queued(world: World) -> list[Notification]:
    return [n for queue in world.webhooks.queues.values() for n in queue]


def finish(world: World, notification: Notification, ok: bool, now: datetime) -> Attempt:
    """Record an attempt of ``notification`` as the worker does."""
    book = world.webhooks
    book.in_flight = notification
    notification.attempts += 1
    outcome, next_at = attempt_outcome(DeliveryPolicy(), notification, ok, now)
    attempt = Attempt(
        notification.id,
        notification.account,
        notification.event,
        notification.url,
        notification.attempts,
        now,
        200 if ok else 500,
        1.0,
        None if ok else "HTTP 500",
        outcome,
        next_at,
    )
    book.finish(notification, attempt)
    return attempt


def test_a_delivery_report_falls_due_at_the_final_state_not_before() -> None:
    world = world_with("shop")
    message_id = send(world, "shop", N1, T0)
    step(world, T0 + timedelta(seconds=1.9))
    assert queued(world) == []
    step(world, T0 + timedelta(seconds=2))
    [report] = queued(world)
    assert report.event == "delivery" and report.next_at == T0 + timedelta(seconds=2)
    assert dict(report.parameters) == {
        "type": "status",
        "date": "20250301-100002",
        "messageid": str(message_id),
        "number": N1,
        "status": "DELIVERED",
        "statuscode": "0",
    }


def test_advancing_past_several_events_queues_them_in_time_order() -> None:
    world = world_with("shop")
    world.outcomes[N2] = _failed_after(1)
    late = send(world, "shop", N1, T0)  # delivered at +2
    early = send(world, "shop", N2, T0)  # fails at +1
    step(world, T0 + timedelta(seconds=10))
    reports = queued(world)
    assert [dict(n.parameters)["messageid"] for n in reports] == [str(early), str(late)]
    assert dict(reports[0].parameters)["status"] == "SENDINGFAILED"
    assert dict(reports[0].parameters)["statuscode"] == "101"


def _failed_after(seconds: float) -> FinalOutcome:
    return scripted_outcome(DeliveryStatus.SENDINGFAILED, StatusCode.EXPIRED, seconds)


def test_a_message_refused_at_dispatch_is_reported_at_its_dispatch_time() -> None:
    world = world_with("shop")
    send(world, "shop", N1, T0, when=T0 + timedelta(minutes=5))
    world.blacklist.add(N1)
    step(world, T0 + timedelta(minutes=10))
    [report] = queued(world)
    values = dict(report.parameters)
    assert (values["status"], values["statuscode"]) == ("SENDINGFAILED", "214")
    assert report.happened_at == T0 + timedelta(minutes=5)


def test_a_deleted_message_and_a_sent_106_one_are_never_reported() -> None:
    world = world_with("shop")
    world.outcomes[N2] = scripted_outcome(DeliveryStatus.SENT, StatusCode.SENT_STATUS_UNKNOWN, 1)
    queued_id = send(world, "shop", N1, T0, when=T0 + timedelta(minutes=5))
    world.delete_message(queued_id, T0)
    send(world, "shop", N2, T0)
    step(world, T0 + timedelta(hours=1))
    assert queued(world) == []


def test_nothing_is_queued_without_a_url_or_when_disabled() -> None:
    world = world_with("off", webhooks=WebhookSettings(HOOK, HOOK, enabled=False))
    world.add_account(
        Account("replies-only", "pw", "r-key", webhooks=WebhookSettings(reply_url=HOOK)), T0
    )
    send(world, "off", N1, T0)
    send(world, "replies-only", N2, T0)
    step(world, T0 + timedelta(seconds=5))
    assert queued(world) == []
    reply = receive_reply(world, N2, "yes", T0 + timedelta(seconds=5))
    assert notify_reply(world, reply) is not None
    assert [n.event for n in queued(world)] == ["reply"]


def test_a_reply_notification_carries_the_public_fields_first() -> None:
    world = world_with("shop")
    sent = send(world, "shop", N1, T0)
    at = T0 + timedelta(seconds=30)
    reply = receive_reply(world, N1, "Yes please", at)
    notification = notify_reply(world, reply)
    assert notification is not None
    assert list(notification.parameters) == [
        ("type", "deliver"),
        ("date", "20250301-100030"),
        ("from", N1),
        ("message", "Yes please"),
        ("id", str(reply.id)),
        ("messageid", str(sent)),
    ]


def test_the_date_is_gmt_plus_2_whatever_the_offset_of_the_time() -> None:
    utc = datetime(2025, 3, 1, 21, 30, 5, tzinfo=UTC)
    assert webhook_date(utc) == "20250301-233005"


def test_only_the_head_of_an_accounts_queue_is_ready_so_order_is_kept() -> None:
    world = world_with("a", "b")
    book = world.webhooks
    a1 = book.add("a", "reply", HOOK, (), T0)
    a2 = book.add("a", "reply", HOOK, (), T0)
    b1 = book.add("b", "reply", HOOK, (), T0 + timedelta(seconds=1))
    now = T0 + timedelta(seconds=1)
    assert book.ready(now) is a1
    failed = finish(world, a1, False, now)
    assert (failed.outcome, failed.next_at) == ("retrying", now + timedelta(seconds=1))
    # a2 waits behind a1's retry; b is not held up by a
    assert book.ready(now) is b1
    finish(world, b1, True, now)
    assert book.ready(now) is None
    assert book.ready(now + timedelta(seconds=1)) is a1
    finish(world, a1, True, now + timedelta(seconds=1))
    assert book.ready(now + timedelta(seconds=1)) is a2


def test_retries_back_off_1_2_4_seconds_and_give_up_after_the_last_attempt() -> None:
    world = world_with("shop")
    notification = world.webhooks.add("shop", "delivery", HOOK, (), T0)
    now = T0
    gaps = []
    while True:
        attempt = finish(world, notification, False, now)
        if attempt.outcome == "gave_up":
            break
        assert attempt.next_at is not None
        gaps.append((attempt.next_at - now).total_seconds())
        assert world.webhooks.ready(attempt.next_at - timedelta(microseconds=1)) is None
        now = attempt.next_at
        assert world.webhooks.ready(now) is notification
    assert gaps == [1, 2, 4, 8]
    assert attempt.attempt == DeliveryPolicy().max_attempts == 5
    assert not world.webhooks.pending


def test_a_per_account_reset_drops_that_accounts_notifications_and_attempts() -> None:
    world = world_with("a", "b")
    first = world.webhooks.add("a", "reply", HOOK, (), T0)
    world.webhooks.add("b", "reply", HOOK, (), T0)
    finish(world, first, False, T0)
    world.reset_account("a", T0)
    assert [n.account for n in queued(world)] == ["b"]
    assert list(world.webhooks.attempts) == []


def test_a_test_notification_needs_a_url_and_a_known_event() -> None:
    world = world_with("shop")
    world.add_account(Account("bare", "pw", "bare-key"), T0)
    sample = notify_test(world, "shop", "delivery", T0)
    assert sample.test and dict(sample.parameters)["type"] == "status"
    with pytest.raises(Conflict, match="no reply URL is set"):
        notify_test(world, "bare", "reply", T0)
    with pytest.raises(Invalid, match="event must be one of"):
        notify_test(world, "shop", "status", T0)


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("ftp://example.com/x", "http or https"),
        ("example.com/hook", "http or https"),
        ("http:///path", "must name a host"),
        ("http://example.com/a b", "spaces"),
        ("http://example.com/#frag", "fragment"),
        ("http://example.com:99999/", "not a URL"),
        ("", "http or https"),
    ],
)
def test_a_webhook_url_must_be_http_or_https_with_a_host(url: str, problem: str) -> None:
    with pytest.raises(Invalid, match=problem):
        check_url(url, "webhooks.reply_url")


def test_good_urls_are_kept_as_given() -> None:
    for url in ("https://hooks.example/x?y=1", "HTTP://127.0.0.1:8080/sink"):
        assert check_url(url, "u") == url


def test_the_delivery_policy_refuses_nonsense() -> None:
    with pytest.raises(Invalid):
        DeliveryPolicy(timeout_seconds=0)
    with pytest.raises(Invalid):
        DeliveryPolicy(max_attempts=0)
    assert DeliveryPolicy(first_retry_seconds=2).backoff(3) == timedelta(seconds=8)


def test_reports_of_a_restored_world_that_were_due_are_forgotten() -> None:
    world = world_with("shop")
    send(world, "shop", N1, T0)
    world.forget_dispatched(T0 + timedelta(seconds=5))
    step(world, T0 + timedelta(seconds=5))
    assert queued(world) == []
    assert world.account("shop").credits == Decimal("999.0")


def test_a_test_notification_is_not_held_back_by_the_accounts_retry() -> None:
    world = world_with("shop")
    event = world.webhooks.add("shop", "reply", HOOK, (), T0)
    finish(world, event, False, T0)  # its retry is due at T0 + 1
    test = notify_test(world, "shop", "reply", T0)
    assert world.webhooks.ready(T0) is test
    world.reset_account("shop", T0)
    assert not world.webhooks.pending
