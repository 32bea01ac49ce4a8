"""The WinSMS operations every API surface serves: log in, send, status, delete a
scheduled message, fetch replies and short-code messages, credits and sub-accounts."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import NamedTuple

from winsms_emulator.domain.accounts import Account, OptOut, copy_account
from winsms_emulator.domain.credits import transfer_credits
from winsms_emulator.domain.handsets import listing, take_pending
from winsms_emulator.domain.inbound import Reply, ShortCodeMessage
from winsms_emulator.domain.messages import Message, MessageState
from winsms_emulator.domain.results import DeleteReport, MessageResult, StatusResult
from winsms_emulator.domain.sending import OutgoingMessage, submit
from winsms_emulator.errors import DeleteResult, DeliveryStatus, StatusCode
from winsms_emulator.services.core import Core

#: IDs past this many in one status request are answered SKIPPED/108.
MAX_STATUS_IDS = 1000


class KeyHolder(NamedTuple):
    """The account an API key belongs to, as a REST request needs it."""

    username: str
    rest_dialect: str  # the REST shape its answers take (its own, or the default)


class WinSms:
    """The gateway's own operations, as any API surface calls them."""

    def __init__(self, core: Core) -> None:
        self._core = core

    def authenticate(self, username: str, password: str) -> Account | None:
        """The account with these credentials (a copy without its ledger), or ``None``."""
        with self._core.session() as (world, _):
            account = world.accounts.get(username)
            if account is None or account.password != password:
                return None
            return copy_account(account, ledger=False)

    def key_holder(self, api_key: str) -> KeyHolder | None:
        """Who holds ``api_key`` and the REST shape their answers take, or ``None``: all
        a REST request needs of its account (nothing is copied, nothing falls due)."""
        with self._core.lock:
            account = self._core.world.account_for_key(api_key)
            if account is None:
                return None
            return KeyHolder(account.username, self.rest_dialect_of(account))

    def rest_dialect_of(self, account: Account) -> str:
        return account.rest_dialect or self._core.default_rest_dialect

    def send(
        self,
        username: str,
        messages: Sequence[OutgoingMessage],
        *,
        api: str = "service",
        request_id: int | None = None,
    ) -> list[MessageResult]:
        """Submit a batch; each recipient is judged by the send rules in document order.
        ``request_id`` is the request journal's entry of the request that sent it (its
        messages and refused recipients name it)."""
        with self._core.session() as (world, now):
            return submit(world, world.account(username), messages, now, api, request_id)

    def status(self, username: str, message_ids: Sequence[int]) -> list[StatusResult]:
        """The status of each ID, in request order; IDs past the 1000th are SKIPPED."""
        with self._core.session() as (world, now):
            world.account(username)
            results = []
            for message_id in message_ids[:MAX_STATUS_IDS]:
                message = world.own_message(username, message_id)
                if message is None:
                    state = MessageState(DeliveryStatus.NOTFOUND, StatusCode.NOT_FOUND, now)
                    results.append(StatusResult(message_id, state))
                else:
                    results.append(
                        StatusResult(
                            message_id, message.state_at(now), message.number, message.cost
                        )
                    )
        # the rest wait for another request: nothing to look up, so not under the lock
        skipped = MessageState(DeliveryStatus.SKIPPED, StatusCode.SKIPPED, now)
        results.extend(StatusResult(i, skipped) for i in message_ids[MAX_STATUS_IDS:])
        return results

    def delete_scheduled(self, username: str, message_ids: Sequence[int]) -> list[DeleteReport]:
        """Delete queued messages and refund them (Appendix C results, in request order)."""
        with self._core.session() as (world, now):
            account = world.account(username)
            reports = []
            for message_id in message_ids:
                message = world.own_message(username, message_id)
                if message is None or message.deleted_at is not None:
                    gone = MessageState(DeliveryStatus.NOTFOUND, StatusCode.NOT_FOUND, now)
                    reports.append(DeleteReport(message_id, DeleteResult.NOTFOUND, gone))
                    continue
                refund = Decimal(0)
                if not message.is_queued(now):  # sent, or refused (and refunded) at dispatch
                    result = DeleteResult.SENT
                else:
                    result = DeleteResult.DELETED
                    refund = message.cost
                    message = world.delete_message(message_id, now)
                    if refund:
                        account.charge(refund, now, "refund", message.id)
                reports.append(
                    DeleteReport(message_id, result, message.state_at(now), message.number, refund)
                )
            return reports

    def scheduled(self, username: str) -> list[Message]:
        """The account's messages still waiting in the queue, oldest ID first."""
        with self._core.session() as (world, now):
            return world.scheduled_of(username, now)

    def take_replies(
        self, username: str, offset: int = 0, limit: int | None = None
    ) -> tuple[list[Reply], int]:
        """Unreturned replies of the last 90 days, oldest first, skipping ``offset``; each is
        returned once. Also how many were waiting."""
        with self._core.session() as (world, now):
            return take_pending(world.replies_of(username), now, offset, limit)

    def take_short_code_messages(
        self, username: str, offset: int = 0, limit: int | None = None
    ) -> tuple[list[ShortCodeMessage], int]:
        """Like :meth:`take_replies`, for messages to the account's short codes."""
        with self._core.session() as (world, now):
            return take_pending(world.short_code_messages_of(username), now, offset, limit)

    def list_replies(
        self, username: str, offset: int = 0, limit: int | None = None
    ) -> tuple[list[Reply], int]:
        """Every reply of the last 90 days, oldest first, from ``offset``; reading them
        consumes nothing. Also how many there are."""
        with self._core.session() as (world, now):
            return listing(world.replies_of(username), now, offset, limit)

    def list_short_code_messages(
        self, username: str, offset: int = 0, limit: int | None = None
    ) -> tuple[list[ShortCodeMessage], int]:
        """Like :meth:`list_replies`, for messages to the account's short codes."""
        with self._core.session() as (world, now):
            return listing(world.short_code_messages_of(username), now, offset, limit)

    def balance(self, username: str) -> Decimal:
        with self._core.session() as (world, _):
            return world.account(username).credits

    def opt_outs(self, username: str) -> list[OptOut]:
        with self._core.session() as (world, _):
            return list(world.account(username).opt_outs.values())

    def sub_accounts(self, username: str) -> list[Account]:
        with self._core.session() as (world, _):
            world.account(username)
            return [copy_account(a, ledger=False) for a in world.sub_accounts(username)]

    def transfer_credits(
        self,
        username: str,
        sending_account_number: int,
        receiving_account_number: int,
        amount: Decimal,
    ) -> bool:
        """Move credits inside the caller's family (:func:`~domain.credits.transfer_credits`)."""
        with self._core.session() as (world, now):
            return transfer_credits(
                world, username, sending_account_number, receiving_account_number, amount, now
            )
