"""The gateway service: the one writer of the emulator's state.

Every API adapter and the control plane call a :class:`Gateway` method with
plain values and get plain values back. Each method takes the gateway's one
lock for its whole run and does no I/O while holding it, so concurrent
requests see each other's effects whole or not at all.
"""

from __future__ import annotations

import copy
import dataclasses
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from winsms_emulator import snapshot, views
from winsms_emulator.clock import Clock, ClockError, ManualClock
from winsms_emulator.domain.accounts import (
    DEFAULT_PRICE_PER_PART,
    REST_DIALECTS,
    Account,
    LedgerEntry,
    OptOut,
)
from winsms_emulator.domain.encoding import MAX_PARTS, TextInfo, analyse
from winsms_emulator.domain.inbound import Reply, ShortCodeMessage
from winsms_emulator.domain.messages import FinalOutcome, Message, MessageState, TimelineEvent
from winsms_emulator.domain.optout import is_opt_out_trigger
from winsms_emulator.domain.sending import (
    MAX_RECIPIENTS_PER_REQUEST,
    OutgoingMessage,
    Recipient,
    recipient_outcome,
)
from winsms_emulator.errors import (
    SCRIPTABLE_FINAL_STATES,
    Conflict,
    DeleteResult,
    DeliveryStatus,
    GatewayError,
    Invalid,
    NotFound,
    SendOutcome,
    StatusCode,
)
from winsms_emulator.faults import Fault, FaultBook
from winsms_emulator.journal import Journal, JournalEntry

#: IDs past this many in one status request are answered SKIPPED/108.
MAX_STATUS_IDS = 1000
#: What the gateway texts a number that has just opted out (free of charge).
OPT_OUT_CONFIRMATION = (
    "You have been opted out and will receive no further messages from this sender."
)
FIRST_ACCOUNT_NUMBER = 10001
#: The longest a delivery report may take (scripted or an account's delay): a year.
MAX_DELAY_SECONDS = 365 * 24 * 3600

T = TypeVar("T")


class TooManyRecipients(GatewayError):
    def __init__(self, count: int) -> None:
        super().__init__(
            "too_many_recipients",
            f"{count} recipients in one request; no more than "
            f"{MAX_RECIPIENTS_PER_REQUEST} are allowed",
        )
        self.count = count


@dataclass(frozen=True, slots=True)
class RecipientResult:
    """What one recipient of a send got."""

    number: str
    client_message_id: str | None
    outcome: SendOutcome
    message_id: int | None
    cost: Decimal
    balance_after: Decimal
    dispatch_at: datetime | None  # when it is (or was) sent; None when refused

    @property
    def accepted(self) -> bool:
        return self.outcome is SendOutcome.ACCEPTED


@dataclass(frozen=True, slots=True)
class MessageResult:
    """The results of one message of a send, its recipients in document order."""

    text: str | None
    info: TextInfo | None
    recipients: tuple[RecipientResult, ...]


@dataclass(frozen=True, slots=True)
class StatusResult:
    """The status of one requested ID (``message`` is ``None`` when not this account's)."""

    message_id: int
    state: MessageState
    number: str | None = None
    cost: Decimal = Decimal(0)


@dataclass(frozen=True, slots=True)
class DeleteReport:
    """What deleting one ID did; ``cost`` is the refund, ``state`` the status after."""

    message_id: int
    result: DeleteResult
    state: MessageState
    number: str | None = None
    cost: Decimal = Decimal(0)


@dataclass(frozen=True, slots=True)
class Quote:
    """What a text would cost an account, without sending it."""

    info: TextInfo
    price_per_part: Decimal
    cost: Decimal
    max_parts: int


@dataclass(frozen=True, slots=True)
class MessageRecord:
    """A message as the outbox shows it, with its state and timeline at one moment."""

    message: Message
    state: MessageState
    timeline: tuple[TimelineEvent, ...]


@dataclass
class World:
    """Everything the emulator remembers; a reset puts the start world back."""

    accounts: dict[str, Account] = field(default_factory=dict)
    messages: dict[int, Message] = field(default_factory=dict)
    sent_to: dict[str, list[int]] = field(default_factory=dict)  # number -> message IDs
    replies: list[Reply] = field(default_factory=list)
    short_code_messages: list[ShortCodeMessage] = field(default_factory=list)
    dnc: set[str] = field(default_factory=set)
    blacklist: set[str] = field(default_factory=set)
    outcomes: dict[str, FinalOutcome] = field(default_factory=dict)
    next_message_id: int = 1
    next_incoming_id: int = 1
    next_account_number: int = FIRST_ACCOUNT_NUMBER
    # each account as it was created or loaded: what a per-account reset goes back to
    origins: dict[str, Account] = field(default_factory=dict)
    by_key: dict[str, str] = field(default_factory=dict)  # API key -> username
    faults: FaultBook = field(default_factory=FaultBook)


def copy_account(account: Account, *, ledger: bool = False) -> Account:
    """A copy a caller may keep: later changes to the account do not show in it.

    The ledger grows with every send, so it is copied only when asked for.
    """
    return dataclasses.replace(
        account,
        opt_outs=dict(account.opt_outs),
        ledger=list(account.ledger) if ledger else [],
    )


def _require_number(number: str) -> str:
    if not isinstance(number, str) or not number.isascii() or not number.isdigit():
        raise Invalid(f"{number!r} is not a mobile number (digits only, international format)")
    return number


class Gateway:
    """The simulated WinSMS gateway.

    ``accounts`` are the start accounts; :meth:`reset` goes back to them, to
    empty queues, to the first message ID and (for a manual clock) to the
    start time.
    """

    def __init__(
        self,
        accounts: Iterable[Account],
        clock: Clock | None = None,
        *,
        default_rest_dialect: str = "seed",
        first_message_id: int = 1,
        journal_size: int | None = None,
    ) -> None:
        if default_rest_dialect not in REST_DIALECTS:
            raise Invalid(f"rest dialect must be one of {', '.join(REST_DIALECTS)}")
        self._lock = threading.RLock()
        self._clock: Clock = clock if clock is not None else ManualClock()
        self.default_rest_dialect = default_rest_dialect
        self.journal = Journal(journal_size) if journal_size else Journal()
        world = World(next_message_id=self._check_first_id(first_message_id))
        now = self._clock.now()
        for account in accounts:
            self._add_account(world, copy_account(account, ledger=True), now)
        self._start = copy.deepcopy(world)
        self._world = world

    # -- plumbing -------------------------------------------------------------------

    @property
    def clock(self) -> Clock:
        return self._clock

    def now(self) -> datetime:
        return self._clock.now()

    def locked(self, action: Callable[[], T]) -> T:
        """Run ``action`` under the gateway's lock (for a consistent multi-step read)."""
        with self._lock:
            return action()

    @staticmethod
    def _check_first_id(first_message_id: int) -> int:
        if isinstance(first_message_id, bool) or not isinstance(first_message_id, int):
            raise Invalid("the first message ID must be a whole number")
        if first_message_id < 1:
            raise Invalid("the first message ID must be 1 or more")
        return first_message_id

    def _account(self, username: str) -> Account:
        account = self._world.accounts.get(username)
        if account is None:
            raise NotFound(f"no account named {username!r}")
        return account

    def _add_account(self, world: World, account: Account, now: datetime) -> Account:
        if account.username in world.accounts:
            raise Conflict(f"an account named {account.username!r} already exists")
        if account.api_key in world.by_key:
            raise Conflict("another account already has that API key")
        if account.rest_dialect is not None and account.rest_dialect not in REST_DIALECTS:
            raise Invalid(f"rest_dialect must be one of {', '.join(REST_DIALECTS)}")
        if account.parent is not None:
            parent = world.accounts.get(account.parent)
            if parent is None:
                raise NotFound(f"no main account named {account.parent!r}")
            if parent.parent is not None:
                raise Invalid(f"{account.parent!r} is itself a sub-account")
        for code in account.short_codes:
            owner = next((a for a in world.accounts.values() if code in a.short_codes), None)
            if owner is not None:
                raise Conflict(f"short code {code} already belongs to {owner.username!r}")
        if account.account_number:
            if any(a.account_number == account.account_number for a in world.accounts.values()):
                raise Conflict(f"account number {account.account_number} is taken")
            world.next_account_number = max(world.next_account_number, account.account_number + 1)
        else:
            account.account_number = world.next_account_number
            world.next_account_number += 1
        if not account.ledger:
            account.ledger.append(_opening_entry(account, now))
        world.accounts[account.username] = account
        world.by_key[account.api_key] = account.username
        world.origins[account.username] = copy_account(account)
        return account

    # -- authentication ---------------------------------------------------------------

    def authenticate(self, username: str, password: str) -> Account | None:
        """The account with these credentials (a copy), or ``None``."""
        with self._lock:
            account = self._world.accounts.get(username)
            if account is None or account.password != password:
                return None
            return copy_account(account)

    def account_for_key(self, api_key: str) -> Account | None:
        """The account whose API key is ``api_key`` (a copy), or ``None``."""
        with self._lock:
            username = self._world.by_key.get(api_key)
            return copy_account(self._world.accounts[username]) if username else None

    def rest_dialect_of(self, account: Account) -> str:
        return account.rest_dialect or self.default_rest_dialect

    # -- sending ----------------------------------------------------------------------

    def send(
        self,
        username: str,
        messages: Sequence[OutgoingMessage],
        *,
        api: str = "service",
    ) -> list[MessageResult]:
        """Submit a batch; each recipient is judged by the send rules in document order."""
        total = sum(m.recipient_count() for m in messages)
        if total > MAX_RECIPIENTS_PER_REQUEST:
            raise TooManyRecipients(total)
        infos = [analyse(m.text) if m.text is not None else None for m in messages]
        with self._lock:
            account = self._account(username)
            now = self._clock.now()
            results = []
            for message, info in zip(messages, infos, strict=True):
                wanted = message.scheduled_for
                if wanted is not None and wanted.utcoffset() is None:
                    raise Invalid("a scheduled time must carry its UTC offset")
                dispatch_at = now if wanted is None or wanted <= now else wanted
                scheduled = dispatch_at > now
                recipients: Sequence[Recipient] = message.recipients or (Recipient(None),)
                cost = info.cost(account.price_per_part) if info is not None else Decimal(0)
                row = [
                    self._send_one(
                        account, message, info, r, cost, now, dispatch_at, scheduled, api
                    )
                    for r in recipients
                ]
                results.append(MessageResult(message.text, info, tuple(row)))
            return results

    def _send_one(
        self,
        account: Account,
        message: OutgoingMessage,
        info: TextInfo | None,
        recipient: Recipient,
        cost: Decimal,
        now: datetime,
        dispatch_at: datetime,
        scheduled: bool,
        api: str,
    ) -> RecipientResult:
        world = self._world
        number = (recipient.number or "").strip()
        outcome = recipient_outcome(
            account, message, info, number, cost, blacklist=world.blacklist, dnc=world.dnc
        )
        if outcome is not SendOutcome.ACCEPTED or info is None or message.text is None:
            return RecipientResult(
                number,
                recipient.client_message_id,
                outcome,
                None,
                Decimal(0),
                account.credits,
                None,
            )
        msg = self._create_message(
            account, number, message.text, info, cost, now, dispatch_at, scheduled, api
        )
        msg.client_message_id = recipient.client_message_id
        return RecipientResult(
            number,
            recipient.client_message_id,
            outcome,
            msg.id,
            cost,
            account.credits,
            dispatch_at,
        )

    def _create_message(
        self,
        account: Account,
        number: str,
        text: str,
        info: TextInfo,
        cost: Decimal,
        now: datetime,
        dispatch_at: datetime,
        scheduled: bool,
        api: str,
    ) -> Message:
        world = self._world
        message_id = world.next_message_id
        world.next_message_id += 1
        outcome = world.outcomes.get(number) or FinalOutcome(
            DeliveryStatus.DELIVERED,
            StatusCode.DELIVERED,
            timedelta(seconds=account.delivery_delay_seconds),
        )
        msg = Message(
            id=message_id,
            account=account.username,
            number=number,
            text=text,
            info=info,
            cost=cost,
            submitted_at=now,
            dispatch_at=dispatch_at,
            scheduled=scheduled,
            outcome=outcome,
            api=api,
        )
        if cost:
            account.charge(-cost, now, "send", message_id)
        world.messages[message_id] = msg
        world.sent_to.setdefault(number, []).append(message_id)
        return msg

    # -- status and the queue -----------------------------------------------------------

    def status(self, username: str, message_ids: Sequence[int]) -> list[StatusResult]:
        """The status of each ID, in request order; IDs past the 1000th are SKIPPED."""
        with self._lock:
            self._account(username)
            now = self._clock.now()
            results = []
            for index, message_id in enumerate(message_ids):
                if index >= MAX_STATUS_IDS:
                    state = MessageState(DeliveryStatus.SKIPPED, StatusCode.SKIPPED, now)
                    results.append(StatusResult(message_id, state))
                    continue
                msg = self._world.messages.get(message_id)
                if msg is None or msg.account != username:
                    state = MessageState(DeliveryStatus.NOTFOUND, StatusCode.NOT_FOUND, now)
                    results.append(StatusResult(message_id, state))
                    continue
                results.append(StatusResult(message_id, msg.state_at(now), msg.number, msg.cost))
            return results

    def delete_scheduled(self, username: str, message_ids: Sequence[int]) -> list[DeleteReport]:
        """Delete queued messages and refund them (Appendix C results, in request order)."""
        with self._lock:
            account = self._account(username)
            now = self._clock.now()
            reports = []
            for message_id in message_ids:
                msg = self._world.messages.get(message_id)
                if msg is None or msg.account != username or msg.deleted_at is not None:
                    gone = MessageState(DeliveryStatus.NOTFOUND, StatusCode.NOT_FOUND, now)
                    reports.append(DeleteReport(message_id, DeleteResult.NOTFOUND, gone))
                    continue
                if msg.was_dispatched(now):
                    result = DeleteResult.SENT
                    refund = Decimal(0)
                else:
                    result = DeleteResult.DELETED
                    refund = msg.cost
                    msg.deleted_at = now
                    if refund:
                        account.charge(refund, now, "refund", msg.id)
                reports.append(
                    DeleteReport(message_id, result, msg.state_at(now), msg.number, refund)
                )
            return reports

    def scheduled_messages(self, username: str) -> list[Message]:
        """The account's messages still waiting in the queue, oldest ID first."""
        with self._lock:
            self._account(username)
            now = self._clock.now()
            return [
                dataclasses.replace(m)
                for m in self._world.messages.values()
                if m.account == username and m.is_queued(now)
            ]

    def outbox(self, username: str) -> list[MessageRecord]:
        """Every message the account sent, with its state and timeline now."""
        with self._lock:
            self._account(username)
            now = self._clock.now()
            return [
                MessageRecord(dataclasses.replace(m), m.state_at(now), tuple(m.timeline(now)))
                for m in self._world.messages.values()
                if m.account == username
            ]

    def message(self, message_id: int) -> MessageRecord:
        with self._lock:
            msg = self._world.messages.get(message_id)
            if msg is None:
                raise NotFound(f"no message with ID {message_id}")
            now = self._clock.now()
            return MessageRecord(
                dataclasses.replace(msg), msg.state_at(now), tuple(msg.timeline(now))
            )

    def quote(self, text: str, username: str | None = None, max_parts: int = MAX_PARTS) -> Quote:
        """Encoding, parts and cost of ``text`` at the account's price (1.0 with none)."""
        if not 1 <= max_parts <= MAX_PARTS:
            raise Invalid(f"max_parts must be between 1 and {MAX_PARTS}")
        info = analyse(text)
        with self._lock:
            price = self._account(username).price_per_part if username else DEFAULT_PRICE_PER_PART
        return Quote(info, price, info.cost(price), max_parts)

    # -- credits ------------------------------------------------------------------------

    def ledger(self, username: str) -> list[LedgerEntry]:
        """Every movement of the account's credits, oldest first (opening, sends, refunds...)."""
        with self._lock:
            return list(self._account(username).ledger)

    def balance(self, username: str) -> Decimal:
        with self._lock:
            return self._account(username).credits

    def sub_accounts(self, username: str) -> list[Account]:
        with self._lock:
            self._account(username)
            return [copy_account(a) for a in self._world.accounts.values() if a.parent == username]

    def transfer_credits(
        self,
        username: str,
        sending_account_number: int,
        receiving_account_number: int,
        amount: Decimal,
    ) -> bool:
        """Move credits between a main account and its sub-accounts, or two of its sub-accounts.

        Raises :class:`NotFound` for an unknown account number and :class:`Invalid`
        for one outside the caller's family or a non-positive amount; returns
        ``False`` when the sending account has too few credits.
        """
        with self._lock:
            caller = self._account(username)
            by_number = {a.account_number: a for a in self._world.accounts.values()}
            sender = by_number.get(sending_account_number)
            receiver = by_number.get(receiving_account_number)
            if sender is None:
                raise NotFound(f"no account with number {sending_account_number}")
            if receiver is None:
                raise NotFound(f"no account with number {receiving_account_number}")
            main = caller.parent or caller.username
            family = {main} | {a.username for a in by_number.values() if a.parent == main}
            # a main account moves any family member's credits; a sub-account only its own
            allowed = family if caller.parent is None else {caller.username}
            if sender.username not in allowed or receiver.username not in family:
                raise Invalid("credits move only between a main account and its sub-accounts")
            if sender is receiver:
                raise Invalid("the sending and receiving accounts are the same")
            if amount <= 0:
                raise Invalid("the transfer quantity must be more than 0")
            if sender.credits < amount:
                return False
            now = self._clock.now()
            sender.charge(-amount, now, "transfer-out", None)
            receiver.charge(amount, now, "transfer-in", None)
            return True

    # -- replies and short codes ----------------------------------------------------------

    def inject_reply(self, number: str, message: str) -> Reply:
        """A handset replies; it goes to the account that most recently sent to it.

        A reply that is an Appendix D trigger opts the number out of that
        account, which then sends a free confirmation message.
        """
        _require_number(number)
        with self._lock:
            world = self._world
            now = self._clock.now()
            # the message the handset received last: the latest dispatch (a scheduled message
            # can go out after one sent later with a higher ID), the higher ID on a tie
            dispatched = [
                world.messages[i]
                for i in world.sent_to.get(number, ())
                if world.messages[i].was_dispatched(now)
            ]
            last = max(dispatched, key=lambda m: (m.dispatch_at, m.id), default=None)
            if last is None:
                raise Conflict(f"no account has sent a message to {number}, so it cannot reply")
            account = self._account(last.account)
            reply = Reply(
                id=self._next_incoming_id(),
                account=account.username,
                number=number,
                message=message,
                received_at=now,
                sent_message_id=last.id,
                opt_out=is_opt_out_trigger(message),
            )
            world.replies.append(reply)
            if reply.opt_out and not account.has_opted_out(number):
                account.opt_outs[number] = OptOut(number, now, "reply", reply.id, message)
                info = analyse(OPT_OUT_CONFIRMATION)
                self._create_message(
                    account,
                    number,
                    OPT_OUT_CONFIRMATION,
                    info,
                    Decimal(0),
                    now,
                    now,
                    False,
                    "optout-confirmation",
                )
            return dataclasses.replace(reply)

    def _next_incoming_id(self) -> int:
        incoming_id = self._world.next_incoming_id
        self._world.next_incoming_id += 1
        return incoming_id

    def fetch_replies(self, username: str, limit: int | None = None) -> list[Reply]:
        """Unreturned replies of the last 90 days, oldest first; each is returned once."""
        return self.fetch_replies_page(username, 0, limit)[0]

    def fetch_replies_page(
        self, username: str, offset: int = 0, limit: int | None = None
    ) -> tuple[list[Reply], int]:
        """Like :meth:`fetch_replies`, skipping ``offset`` (left unreturned); also the total."""
        with self._lock:
            self._account(username)
            now = self._clock.now()
            pending = [
                r for r in self._world.replies if r.account == username and r.is_pending(now)
            ]
            return self._take(pending, now, offset, limit), len(pending)

    def inject_short_code_message(self, code: str, number: str, message: str) -> ShortCodeMessage:
        """A handset texts a short/long code; it goes to the account that owns the code."""
        _require_number(number)
        with self._lock:
            owner = next((a for a in self._world.accounts.values() if code in a.short_codes), None)
            if owner is None:
                raise NotFound(f"no account owns the short code {code!r}")
            sc = ShortCodeMessage(
                id=self._next_incoming_id(),
                account=owner.username,
                code=code,
                number=number,
                message=message,
                received_at=self._clock.now(),
            )
            self._world.short_code_messages.append(sc)
            return dataclasses.replace(sc)

    def fetch_short_code_messages(
        self, username: str, limit: int | None = None
    ) -> list[ShortCodeMessage]:
        """Unreturned short-code messages of the last 90 days; each is returned once."""
        return self.fetch_short_code_page(username, 0, limit)[0]

    def fetch_short_code_page(
        self, username: str, offset: int = 0, limit: int | None = None
    ) -> tuple[list[ShortCodeMessage], int]:
        """Like :meth:`fetch_short_code_messages`, skipping ``offset``; also the total."""
        with self._lock:
            self._account(username)
            now = self._clock.now()
            pending = [
                m
                for m in self._world.short_code_messages
                if m.account == username and m.is_pending(now)
            ]
            return self._take(pending, now, offset, limit), len(pending)

    @staticmethod
    def _take(pending: list[Any], now: datetime, offset: int, limit: int | None) -> list[Any]:
        chosen = pending[offset:] if limit is None else pending[offset : offset + limit]
        for item in chosen:
            item.returned_at = now
        return [dataclasses.replace(item) for item in chosen]

    def replies(self, username: str) -> list[Reply]:
        """Every reply the account received, returned or not (for the control plane)."""
        with self._lock:
            self._account(username)
            return [dataclasses.replace(r) for r in self._world.replies if r.account == username]

    def short_code_messages(self, username: str) -> list[ShortCodeMessage]:
        with self._lock:
            self._account(username)
            return [
                dataclasses.replace(m)
                for m in self._world.short_code_messages
                if m.account == username
            ]

    # -- opt-outs, DNC, blacklist, scripted outcomes ---------------------------------------

    def opt_outs(self, username: str) -> list[OptOut]:
        with self._lock:
            return list(self._account(username).opt_outs.values())

    def add_opt_out(self, username: str, number: str) -> OptOut:
        """Opt a number out by hand: no confirmation message is sent."""
        _require_number(number)
        with self._lock:
            account = self._account(username)
            existing = account.opt_outs.get(number)
            if existing is not None:
                return existing
            opt_out = OptOut(number, self._clock.now(), "manual")
            account.opt_outs[number] = opt_out
            return opt_out

    def remove_opt_out(self, username: str, number: str) -> None:
        with self._lock:
            account = self._account(username)
            if account.opt_outs.pop(number, None) is None:
                raise NotFound(f"{number} has not opted out of {username!r}")

    def dnc(self) -> list[str]:
        with self._lock:
            return sorted(self._world.dnc)

    def add_dnc(self, number: str) -> None:
        _require_number(number)
        with self._lock:
            self._world.dnc.add(number)

    def remove_dnc(self, number: str) -> None:
        with self._lock:
            if number not in self._world.dnc:
                raise NotFound(f"{number} is not on the DNC list")
            self._world.dnc.discard(number)

    def blacklist(self) -> list[str]:
        with self._lock:
            return sorted(self._world.blacklist)

    def add_blacklist(self, number: str) -> None:
        _require_number(number)
        with self._lock:
            self._world.blacklist.add(number)

    def remove_blacklist(self, number: str) -> None:
        with self._lock:
            if number not in self._world.blacklist:
                raise NotFound(f"{number} is not on the blacklist")
            self._world.blacklist.discard(number)

    def script_outcome(
        self, number: str, status: DeliveryStatus, code: StatusCode, after_seconds: float
    ) -> FinalOutcome:
        """Script what delivery to ``number`` ends in, for messages submitted from now on."""
        _require_number(number)
        allowed = SCRIPTABLE_FINAL_STATES.get(status)
        if allowed is None:
            raise Invalid(
                f"{status.value} is not a final state: use one of "
                + ", ".join(s.value for s in SCRIPTABLE_FINAL_STATES)
            )
        if code not in allowed:
            raise Invalid(
                f"status code {int(code)} does not go with {status.value}: use one of "
                + ", ".join(str(int(c)) for c in sorted(allowed))
            )
        if not 0 <= after_seconds <= MAX_DELAY_SECONDS:
            raise Invalid(f"after_seconds must be between 0 and {MAX_DELAY_SECONDS}")
        outcome = FinalOutcome(status, code, timedelta(seconds=after_seconds))
        with self._lock:
            self._world.outcomes[number] = outcome
        return outcome

    def outcomes(self) -> dict[str, FinalOutcome]:
        with self._lock:
            return dict(self._world.outcomes)

    def clear_outcome(self, number: str) -> None:
        with self._lock:
            if self._world.outcomes.pop(number, None) is None:
                raise NotFound(f"no outcome is scripted for {number}")

    # -- accounts -------------------------------------------------------------------------

    def accounts(self) -> list[Account]:
        with self._lock:
            return [copy_account(a) for a in self._world.accounts.values()]

    def get_account(self, username: str) -> Account:
        with self._lock:
            return copy_account(self._account(username))

    def create_account(self, account: Account) -> Account:
        """Add an account; :class:`Conflict` if the username, API key or a short code is taken."""
        with self._lock:
            added = self._add_account(
                self._world, copy_account(account, ledger=True), self._clock.now()
            )
            return copy_account(added)

    #: Fields :meth:`update_account` may change.
    UPDATABLE = frozenset(
        {
            "password",
            "api_key",
            "credits",
            "trial",
            "own_numbers",
            "locked",
            "dnc_bypass",
            "price_per_part",
            "delivery_delay_seconds",
            "short_codes",
            "rest_dialect",
            "first_name",
            "surname",
        }
    )

    def update_account(self, username: str, changes: dict[str, Any]) -> Account:
        """Change some fields of an account. Setting ``credits`` is written in its ledger."""
        unknown = set(changes) - self.UPDATABLE
        if unknown:
            raise Invalid(f"cannot change {', '.join(sorted(unknown))}")
        with self._lock:
            account = self._account(username)
            if self._world.by_key.get(changes.get("api_key", account.api_key)) not in (
                None,
                username,
            ):
                raise Conflict("another account already has that API key")
            if changes.get("rest_dialect") not in (None, *REST_DIALECTS):
                raise Invalid(f"rest_dialect must be one of {', '.join(REST_DIALECTS)}")
            for code in changes.get("short_codes", ()):
                owner = next(
                    (
                        a
                        for a in self._world.accounts.values()
                        if code in a.short_codes and a is not account
                    ),
                    None,
                )
                if owner is not None:
                    raise Conflict(f"short code {code} already belongs to {owner.username!r}")
            if "api_key" in changes:
                del self._world.by_key[account.api_key]
                self._world.by_key[changes["api_key"]] = account.username
            for name, value in changes.items():
                if name == "credits":
                    account.charge(value - account.credits, self._clock.now(), "set", None)
                else:
                    setattr(account, name, value)
            return copy_account(account)

    # -- time -----------------------------------------------------------------------------

    def _manual_clock(self) -> ManualClock:
        if not isinstance(self._clock, ManualClock):
            raise Conflict("the clock follows real time; start the emulator with --clock manual")
        return self._clock

    def advance_clock(self, seconds: float) -> datetime:
        with self._lock:
            try:
                return self._manual_clock().advance(seconds)
            except ClockError as exc:
                raise Invalid(str(exc)) from None

    def set_clock(self, moment: datetime) -> datetime:
        with self._lock:
            try:
                return self._manual_clock().set(moment)
            except ClockError as exc:
                raise Conflict(str(exc)) from None

    # -- the journal ----------------------------------------------------------------------

    def record(self, entry: JournalEntry) -> None:
        with self._lock:
            self.journal.record(entry)

    def journal_entries(
        self, account: str | None = None, api: str | None = None
    ) -> list[JournalEntry]:
        with self._lock:
            return self.journal.entries(account, api)

    def clear_journal(self, account: str | None = None) -> None:
        with self._lock:
            self.journal.clear(account)

    # -- reset ----------------------------------------------------------------------------

    def reset(self, first_message_id: int | None = None, seed: int | None = None) -> None:
        """Back to the start: accounts as loaded, empty queues, first ID, start time.

        ``first_message_id`` makes this start's IDs begin there; ``seed`` seeds
        the random source of probabilistic faults.
        """
        with self._lock:
            world = copy.deepcopy(self._start)
            if first_message_id is not None:
                world.next_message_id = self._check_first_id(first_message_id)
            if seed is not None:
                world.faults.reseed(seed)
            self._world = world
            self.journal.clear()
            if isinstance(self._clock, ManualClock):
                self._clock.reset()

    def reset_account(self, username: str) -> Account:
        """Clear one account's messages, replies, short-code messages and journal entries,
        and put the account back as it was created; other accounts are untouched."""
        with self._lock:
            world = self._world
            self._account(username)
            gone = {i for i, m in world.messages.items() if m.account == username}
            for message_id in gone:
                del world.messages[message_id]
            for number in list(world.sent_to):
                kept = [i for i in world.sent_to[number] if i not in gone]
                if kept:
                    world.sent_to[number] = kept
                else:
                    del world.sent_to[number]
            world.replies = [r for r in world.replies if r.account != username]
            world.short_code_messages = [
                m for m in world.short_code_messages if m.account != username
            ]
            origin = copy_account(world.origins[username])
            if world.by_key.get(origin.api_key, username) != username:
                raise Conflict(
                    f"{username!r} cannot go back to its first API key: another account has it"
                )
            origin.ledger = [_opening_entry(origin, self._clock.now())]
            del world.by_key[world.accounts[username].api_key]
            world.by_key[origin.api_key] = username
            world.accounts[username] = origin
            self.journal.clear(username)
            return copy_account(origin)

    # -- saving and restoring the whole state -----------------------------------------------

    def export_state(self) -> dict[str, Any]:
        """Everything the emulator holds, as JSON-ready data (:mod:`winsms_emulator.snapshot`)."""
        with self._lock:
            w = self._world
            start = self._clock.start if isinstance(self._clock, ManualClock) else None
            return {
                "format": snapshot.FORMAT,
                "version": snapshot.VERSION,
                "clock": {
                    "mode": self._clock.mode,
                    "now": self._clock.now().isoformat(),
                    "start": start.isoformat() if start else None,
                },
                "accounts": [snapshot.account_to_state(a) for a in w.accounts.values()],
                "origins": [snapshot.account_to_state(a) for a in w.origins.values()],
                "messages": [snapshot.message_to_state(m) for m in w.messages.values()],
                "replies": [views.reply_json(r) for r in w.replies],
                "short_code_messages": [views.short_code_json(m) for m in w.short_code_messages],
                "dnc": sorted(w.dnc),
                "blacklist": sorted(w.blacklist),
                "outcomes": {n: views.outcome_json(n, o) for n, o in sorted(w.outcomes.items())},
                "faults": {
                    "seed": w.faults.seed,
                    "next_id": w.faults.next_id,
                    "rules": [views.fault_json(f) for f in w.faults.faults],
                },
                "next_message_id": w.next_message_id,
                "next_incoming_id": w.next_incoming_id,
                "next_account_number": w.next_account_number,
            }

    def import_state(self, data: Any, *, as_start: bool = False) -> None:
        """Restore a state from :meth:`export_state`; ``as_start`` also makes it what
        :meth:`reset` goes back to. A state that does not hold together is refused whole."""
        parts = snapshot.read_state(data)
        world = World(
            dnc=parts["dnc"],
            blacklist=parts["blacklist"],
            outcomes=parts["outcomes"],
            faults=parts["faults"],
            next_incoming_id=parts["next_incoming_id"],
            next_account_number=parts["next_account_number"],
        )
        for account in parts["accounts"]:
            if account.username in world.accounts:
                raise Invalid(f"state: the username {account.username!r} appears twice")
            world.accounts[account.username] = account
        for origin in parts["origins"]:
            world.origins[origin.username] = origin
        world.by_key = {a.api_key: a.username for a in world.accounts.values()}
        keys = [a.api_key for a in world.accounts.values()]
        numbers = [a.account_number for a in world.accounts.values()]
        if len(set(keys)) != len(keys) or len(set(numbers)) != len(numbers):
            raise Invalid("state: two accounts share an API key or an account number")
        for account in world.accounts.values():
            if account.parent is not None and account.parent not in world.accounts:
                raise Invalid(f"state: {account.username!r} has an unknown parent")
            world.origins.setdefault(account.username, copy_account(account))
        for msg in sorted(parts["messages"], key=lambda m: m.id):
            if msg.account not in world.accounts or msg.id in world.messages or msg.id < 1:
                raise Invalid(f"state: message {msg.id} is repeated or has an unknown account")
            world.messages[msg.id] = msg
            world.sent_to.setdefault(msg.number, []).append(msg.id)
        world.next_message_id = max(parts["next_message_id"], max(world.messages, default=0) + 1)
        for inbound in (*parts["replies"], *parts["short_code_messages"]):
            if inbound.account not in world.accounts:
                raise Invalid(f"state: incoming message {inbound.id} has an unknown account")
        world.replies = parts["replies"]
        world.short_code_messages = parts["short_code_messages"]
        with self._lock:
            self._world = world
            if as_start:
                self._start = copy.deepcopy(world)
            now = parts["clock_now"]
            if isinstance(self._clock, ManualClock) and now is not None:
                # a state loaded as the start is where a reset comes back to, time included
                self._clock.restore(now, now if as_start else None)

    # -- faults ---------------------------------------------------------------------------

    def add_fault(self, fault: Fault) -> Fault:
        with self._lock:
            return dataclasses.replace(self._world.faults.add(fault))

    def faults(self) -> list[Fault]:
        with self._lock:
            return [dataclasses.replace(f) for f in self._world.faults.faults]

    def clear_faults(self) -> None:
        with self._lock:
            self._world.faults.clear()

    def take_fault(
        self, api: str, path: str, operation: str, account: Callable[[], str | None]
    ) -> Fault | None:
        """The fault this request gets, if any (``account`` is asked only when needed)."""
        with self._lock:
            book = self._world.faults
            if not book.faults:
                return None
        who = account() if book.needs_account() else None
        with self._lock:
            fault = self._world.faults.take(api, path, operation, who)
            return dataclasses.replace(fault) if fault is not None else None

    def counts(self) -> dict[str, int]:
        """How much the emulator holds (for health and the benchmarks)."""
        with self._lock:
            w = self._world
            return {
                "accounts": len(w.accounts),
                "messages": len(w.messages),
                "replies": len(w.replies),
                "short_code_messages": len(w.short_code_messages),
            }


def _opening_entry(account: Account, now: datetime) -> LedgerEntry:
    return LedgerEntry(now, account.credits, "opening", None)
