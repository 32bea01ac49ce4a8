"""One stateful model of the gateway, run against the service, the XML API and REST v1.

:class:`GatewayMachine` drives the system under test (a :mod:`drivers`
driver) with random sequences of sends, status calls, deletes, replies,
short-code messages, clock moves, locks and credit changes, and keeps a small
reference model (:mod:`refmodel`) of what every answer must be. After every
step it checks the invariants: credits conserved exactly, IDs unique and
increasing, every status as the model and the clock say, no account seeing
another's messages, a deleted message never delivered.

The same machine class runs against every driver; only the driver differs:
the Gateway in process, the XML API, REST v1 in the seed and in the current
shape (Flask's test client), both APIs taking turns on one emulator, the HTTP
(GET) API (sending, and the balance; the XML API reads), and the XML API and
both REST shapes over a real socket.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, ClassVar

import pytest
from drivers import (
    ACCEPTED,
    AccountSpec,
    Batch,
    Driver,
    FlaskTransport,
    GatewayDriver,
    HttpGetDriver,
    MixedDriver,
    OutMessage,
    RequestsTransport,
    RestDriver,
    XmlDriver,
)
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)
from refmodel import (
    FOREIGN,
    GSM_EXTENDED,
    INVALID_NUMBERS,
    POOL,
    Model,
    ModelAccount,
    ModelInbound,
    ModelMessage,
    is_opt_out,
    minute,
    nearest_whole,
    one_decimal,
)

from winsms_emulator import Emulator

SHORT_CODES = ("31337", "42424", "55555")
MAX_ACCOUNTS = 4

# -- strategies -------------------------------------------------------------------------------

_GSM_FILLERS = "aZ09@£$èΔ_!?"
_UCS2_CHARS = ("Ж", "ğ", "…", "“", "中", "😀", "👍🏽")


@st.composite
def message_texts(draw: st.DrawFn) -> str:
    """Short mixed texts, and texts right at the GSM and UCS-2 part boundaries."""
    kind = draw(st.sampled_from(["short", "gsm_edge", "short", "whole_table", "ucs2_edge"]))
    if kind == "short":
        pieces = st.sampled_from([*_GSM_FILLERS, *GSM_EXTENDED, *_UCS2_CHARS, " ", "\n", "\r"])
        return "Hi" + "".join(draw(st.lists(pieces, max_size=12)))
    if kind == "gsm_edge":
        # n septets in all, up to three of them extension characters (two septets each)
        septets = draw(st.sampled_from([160, 161, 306, 307, 918, 919]))
        count = draw(st.integers(0, 3))
        extension = draw(st.lists(st.sampled_from(GSM_EXTENDED), min_size=count, max_size=count))
        filler = draw(st.sampled_from("aZ0@"))
        return filler * (septets - 2 * count) + "".join(extension)
    if kind == "whole_table":
        # every extension character once (20 septets) in a text at a part boundary:
        # miscounting any one of them changes the parts
        septets = draw(st.sampled_from([160, 161, 306, 307, 918, 919]))
        return draw(st.sampled_from("aZ0@")) * (septets - 20) + GSM_EXTENDED
    units = draw(st.sampled_from([70, 71, 134, 135, 402, 403]))
    forcing = draw(st.sampled_from(["Ж", "😀"]))
    return "a" * (units - len(forcing.encode("utf-16-le")) // 2) + forcing


recipients = st.one_of(
    st.sampled_from(POOL),
    st.sampled_from(POOL),
    st.sampled_from(FOREIGN),
    st.sampled_from(INVALID_NUMBERS),
)
out_messages = st.builds(
    OutMessage, message_texts(), st.lists(recipients, min_size=1, max_size=4).map(tuple)
)
#: Minutes from the current minute; ``None`` sends at once, 0 or less is in the past.
schedule_offsets = st.one_of(st.none(), st.sampled_from([-5, 0, 1, 2, 15, 1440]))
#: The messages of one send request and when it is scheduled.
send_requests = st.tuples(
    st.lists(out_messages, min_size=1, max_size=2).map(tuple), schedule_offsets
)

_TRIGGERS = ("stop", "end", "cancel", "unsubscribe", "quit", "stop send", "stop sending now")
_TRIGGERS_OPT = ("opt out", "opt-out please", "opt_out", "opt😀out")
_NOT_TRIGGERS = (
    "stop please",
    "the end",
    "cancel order 5",
    "yes",
    "Hello there",
    "optout",
    "opt  out",
    "stopsend",
    "quitting",
    "unsubscribe me",
    "send stop",
)


@st.composite
def reply_texts(draw: st.DrawFn) -> str:
    """Appendix D triggers and near misses, in any case, with white space around."""
    word = draw(st.sampled_from(_TRIGGERS + _TRIGGERS_OPT + _NOT_TRIGGERS))
    upper = draw(st.lists(st.booleans(), min_size=len(word), max_size=len(word)))
    cased = "".join(c.upper() if u else c for c, u in zip(word, upper, strict=True))
    pad = st.sampled_from(["", " ", "  ", "\t", "\n", " \r\n"])
    return draw(pad) + cased + draw(pad)


inbound_texts = st.sampled_from(["JOIN", "Hello", "ok 👍", "Tab\there", "Line\nbreak", "€5?"])


# -- the machine ------------------------------------------------------------------------------


class GatewayMachine(RuleBasedStateMachine):
    """The gateway against its reference model; ``make_driver`` picks the system under test."""

    accounts = Bundle("accounts")
    message_ids = Bundle("message_ids")
    #: Never holds anything. Hypothesis orders rules by their targets' names (no target
    #: first) and favours the first ones; giving every rule that neither creates an
    #: account nor returns IDs this target puts sends and replies ahead of the rest.
    world = Bundle("world")

    def __init__(self, driver: Driver | None = None) -> None:
        super().__init__()
        self.driver: Driver = driver if driver is not None else self.make_driver()
        self.driver.reset()
        self.model = Model(now=self.driver.now())

    def make_driver(self) -> Driver:
        raise NotImplementedError

    # -- arranging ---------------------------------------------------------------------------

    def _create(
        self,
        credits: Decimal,
        price: Decimal,
        trial: bool,
        own: frozenset[str],
        dnc_bypass: bool,
        delay: int,
        wants_code: bool,
    ) -> str:
        index = len(self.model.accounts) + 1
        taken = {c for a in self.model.accounts.values() for c in a.short_codes}
        free = [c for c in SHORT_CODES if c not in taken]
        codes = (free[0],) if wants_code and free else ()
        spec = AccountSpec(
            username=f"acct{index}",
            password=f"pw-{index}",
            api_key=f"key-{index}",
            credits=credits,
            price_per_part=price,
            trial=trial,
            own_numbers=tuple(sorted(own)),
            dnc_bypass=dnc_bypass,
            delivery_delay_seconds=delay,
            short_codes=codes,
        )
        self.driver.create_account(spec)
        self.model.accounts[spec.username] = ModelAccount(
            username=spec.username,
            start=credits,
            price=price,
            trial=trial,
            own=own,
            dnc_bypass=dnc_bypass,
            delay=timedelta(seconds=delay),
            short_codes=codes,
            balance=credits,
        )
        return spec.username

    _account_args: ClassVar[dict[str, st.SearchStrategy[Any]]] = {
        "credits": st.sampled_from(
            [Decimal(50), Decimal(10), Decimal(3), Decimal("0.5"), Decimal(0)]
        ),
        "price": st.sampled_from(
            [Decimal("1.0"), Decimal("0.5"), Decimal("0.25"), Decimal("1.5"), Decimal(0)]
        ),
        "trial": st.sampled_from([False, False, False, True]),
        "own": st.frozensets(st.sampled_from(POOL), max_size=3),
        "dnc_bypass": st.sampled_from([False, True]),
        "delay": st.sampled_from([0, 2, 5, 90]),
        "wants_code": st.booleans(),
    }

    @initialize(target=accounts, **_account_args)
    def first_account(self, **kwargs: Any) -> str:
        return self._create(**kwargs)

    @initialize(
        dnc=st.sampled_from(POOL[-3:] + FOREIGN), blacklisted=st.sampled_from(POOL[-3:] + FOREIGN)
    )
    def first_lists(self, dnc: str, blacklisted: str) -> None:
        """Start with one number on the DNC list and one on the blacklist."""
        self.driver.add_to_list("dnc", dnc, "")
        self.driver.add_to_list("blacklist", blacklisted, "")
        self.model.dnc.add(dnc)
        self.model.blacklist.add(blacklisted)

    @precondition(lambda self: len(self.model.accounts) < MAX_ACCOUNTS)
    @rule(target=accounts, **_account_args)
    def create_account(self, **kwargs: Any) -> str:
        return self._create(**kwargs)

    @rule(
        target=world,
        account=accounts,
        change=st.one_of(
            st.tuples(st.just("locked"), st.booleans()),
            st.tuples(
                st.just("credits"),
                st.sampled_from(
                    [
                        Decimal("0.5"),
                        Decimal(1),
                        Decimal(5),
                        Decimal(100),
                        Decimal(-1),
                        Decimal(-1000),
                    ]
                ),
            ),
        ),
    )
    def change_account(self, account: str, change: tuple[str, Any]) -> Any:
        """Lock or unlock the account, or top its credits up (or down, never below 0)."""
        acct = self.model.accounts[account]
        what, value = change
        if what == "locked":
            self.driver.set_locked(account, value)
            acct.locked = value
        else:
            new = max(Decimal(0), acct.balance + value)
            self.driver.set_credits(account, new)
            acct.adjustments += new - acct.balance
            acct.balance = new
        return multiple()

    @rule(
        target=world,
        kind=st.sampled_from(["dnc", "blacklist", "opt-out"]),
        add=st.booleans(),
        number=st.sampled_from(POOL + FOREIGN),
        account=accounts,
    )
    def change_number_lists(self, kind: str, add: bool, number: str, account: str) -> Any:
        """Add a number to, or take it off, the DNC list, the blacklist or an account's
        opt-outs (by hand: no confirmation message). Taking off one not there is a 404."""
        listed = {
            "dnc": self.model.dnc,
            "blacklist": self.model.blacklist,
            "opt-out": self.model.accounts[account].opted_out,
        }[kind]
        if add:
            self.driver.add_to_list(kind, number, account)
            listed.add(number)
        else:
            found = self.driver.remove_from_list(kind, number, account)
            assert found == (number in listed), (kind, number, found)
            listed.discard(number)
        return multiple()

    @rule(
        target=world,
        seconds=st.sampled_from([1, 2, 3, 59, 60, 61, 600, 3600, 86400, 91 * 86400]),
    )
    def advance_clock(self, seconds: int) -> Any:
        self.driver.advance(seconds)
        self.model.now += timedelta(seconds=seconds)
        return multiple()

    # -- sending ------------------------------------------------------------------------------

    def _scheduled(self, offset: int | None) -> datetime | None:
        if offset is None:
            return None
        return self.model.now.replace(second=0, microsecond=0) + timedelta(minutes=offset)

    @rule(target=message_ids, account=accounts, request=send_requests)
    def batch_send(self, account: str, request: tuple[tuple[OutMessage, ...], int | None]) -> Any:
        messages, offset = request
        batch = Batch(messages, self._scheduled(offset))
        got = self.driver.send(account, batch)
        model, acct = self.model, self.model.accounts[account]
        now = model.now
        dispatch = now if batch.scheduled is None or batch.scheduled <= now else batch.scheduled
        assert len(got) == len(messages), got
        new_ids = []
        for message, rows in zip(messages, got, strict=True):
            assert [r.number for r in rows] == list(message.numbers), rows
            for number, row in zip(message.numbers, rows, strict=True):
                expected = model.outcome(acct, message.text, number)
                cost = model.cost(acct, message.text)
                assert row.outcome == expected, (number, message.text[:40], row, expected)
                event(f"send: {expected}")
                if expected == ACCEPTED:
                    assert row.message_id is not None
                    assert row.message_id > model.last_id, (row.message_id, model.last_id)
                    if row.cost is not None:
                        assert row.cost == cost, (row.cost, cost)
                    acct.balance -= cost
                    model.messages[row.message_id] = ModelMessage(
                        row.message_id, account, number, cost, now, dispatch, acct.delay
                    )
                    new_ids.append(row.message_id)
                else:
                    assert row.message_id is None, row
                if row.balance_after is not None:
                    assert row.balance_after == one_decimal(acct.balance), (row, acct.balance)
        return multiple(*new_ids)

    @precondition(lambda self: bool(self.model.messages))
    @rule(
        target=world,
        account=accounts,
        ids=st.lists(message_ids, min_size=1, max_size=6),
        unknown=st.booleans(),
    )
    def query_status(self, account: str, ids: list[int], unknown: bool) -> Any:
        if unknown:
            ids = [*ids, self.model.last_id + 1000]
        self._check_statuses(account, ids)
        return multiple()

    def _check_statuses(self, account: str, ids: list[int]) -> None:
        got = self.driver.status(account, ids)
        assert [s.message_id for s in got] == ids, got
        for view in got:
            status, code, at = self.model.status_of(account, view.message_id)
            assert (view.status, view.code, view.minute) == (status, code, minute(at)), (
                account,
                view,
                (status, code, minute(at)),
                self.model.messages.get(view.message_id),
            )

    # -- deleting -----------------------------------------------------------------------------

    def _delete(self, account: str, ids: list[int]) -> None:
        got = self.driver.delete(account, ids)
        assert [d.message_id for d in got] == ids, got
        acct = self.model.accounts[account]
        for view in got:
            message = self.model.messages.get(view.message_id)
            refund = Decimal(0)
            if message is None or message.account != account or message.deleted:
                expected = "NOTFOUND"
            elif message.dispatched(self.model.now):
                expected = "SENT"
                if self.driver.name == "rest-seed" and message.status(self.model.now)[1] == -2:
                    expected = "NOTFOUND"  # the seed shape answers the message's own code
            else:
                expected = "DELETED"
                refund = message.cost
                message.deleted = True
                acct.balance += refund
                acct.refunds += refund
            assert view.result == expected, (view, expected, message)
            event(f"delete: {expected}")
            if view.refund is not None:
                assert view.refund == refund, (view, refund)

    @precondition(lambda self: bool(self.model.messages))
    @rule(target=world, account=accounts, ids=st.lists(message_ids, min_size=1, max_size=3))
    def delete_scheduled(self, account: str, ids: list[int]) -> Any:
        """Any IDs, any account's, repeats included: DELETED, NOTFOUND or SENT."""
        self._delete(account, ids)
        return multiple()

    def _queued(self) -> list[ModelMessage]:
        return [
            m for m in self.model.messages.values() if not m.deleted and self.model.now < m.dispatch
        ]

    @precondition(lambda self: bool(self._queued()))
    @rule(target=world, data=st.data())
    def delete_a_queued_message(self, data: st.DataObject) -> Any:
        message = data.draw(st.sampled_from(sorted(self._queued(), key=lambda m: m.id)))
        self._delete(message.account, [message.id])
        return multiple()

    # -- replies and short codes ----------------------------------------------------------------

    def _inject_reply(self, number: str, text: str) -> Any:
        model = self.model
        route = model.reply_route(number)
        got = self.driver.inject_reply(number, text)
        if route is None:
            assert got is None, (number, got)
            event("reply: refused")
            return multiple()
        assert got is not None, (number, text, route)
        trigger = is_opt_out(text)
        assert (got.account, got.sent_message_id, got.opt_out) == (
            route.account,
            route.id,
            trigger,
        ), (got, route, text)
        model.replies.append(ModelInbound(route.account, number, text, model.now, route.id))
        acct = model.accounts[route.account]
        if not trigger or number in acct.opted_out:
            return multiple()
        acct.opted_out.add(number)
        event("reply: opt-out confirmation")
        known = set(model.messages)
        new = [e for e in self.driver.outbox(route.account) if e.message_id not in known]
        assert len(new) == 1, ("one free confirmation message expected", new)
        [confirmation] = new
        assert confirmation.message_id > model.last_id, (confirmation, model.last_id)
        assert (confirmation.number, confirmation.cost) == (number, Decimal(0)), confirmation
        model.messages[confirmation.message_id] = ModelMessage(
            confirmation.message_id,
            route.account,
            number,
            Decimal(0),
            model.now,
            model.now,
            acct.delay,
            confirmation=True,
        )
        return multiple(confirmation.message_id)

    @rule(target=message_ids, message_id=message_ids, text=reply_texts())
    def reply_to_a_message(self, message_id: int, text: str) -> Any:
        return self._inject_reply(self.model.messages[message_id].number, text)

    @rule(target=message_ids, number=st.sampled_from(POOL), text=reply_texts())
    def reply_from_any_number(self, number: str, text: str) -> Any:
        """Numbers nobody has texted (or only queued or deleted messages) are refused."""
        return self._inject_reply(number, text)

    @rule(
        target=world,
        code=st.sampled_from(SHORT_CODES),
        number=st.sampled_from(POOL),
        text=inbound_texts,
    )
    def text_a_short_code(self, code: str, number: str, text: str) -> Any:
        owner = next((a for a in self.model.accounts.values() if code in a.short_codes), None)
        accepted = self.driver.inject_sc(code, number, text)
        assert accepted == (owner is not None), (code, accepted, owner)
        if owner is not None:
            self.model.sc_messages.append(
                ModelInbound(owner.username, number, text, self.model.now, code=code)
            )
        return multiple()

    @rule(target=world, account=accounts)
    def fetch_replies(self, account: str) -> Any:
        expected = self.model.pending(self.model.replies, account)
        got = self.driver.fetch_replies(account)
        assert [(r.number, r.text, r.minute, r.sent_message_id) for r in got] == [
            (r.number, r.text, minute(r.received), r.sent_message_id) for r in expected
        ], (got, expected)
        for reply in expected:
            reply.returned = True
        return multiple()

    @rule(target=world, account=accounts)
    def fetch_short_code_messages(self, account: str) -> Any:
        expected = self.model.pending(self.model.sc_messages, account)
        got = self.driver.fetch_sc(account)
        assert [(m.number, m.text, m.minute) for m in got] == [
            (m.number, m.text, minute(m.received)) for m in expected
        ], (got, expected)
        for view, item in zip(got, expected, strict=True):
            assert view.code in (None, item.code), (view, item)
            item.returned = True
        return multiple()

    # -- invariants ---------------------------------------------------------------------------

    @invariant()
    def credits_are_conserved(self) -> None:
        for username, acct in self.model.accounts.items():
            expected = self.model.expected_balance(acct)
            assert acct.balance == expected, (username, acct.balance, expected)
            got = self.driver.balance(username)
            assert got == expected, (username, got, expected)
            reported = self.driver.api_balance(username)
            if reported is not None:
                # the HTTP API's credits.asp rounds to the nearest integer, the others to 0.1
                shown = nearest_whole if self.driver.name == "http" else one_decimal
                assert reported == shown(expected), (username, reported, expected)

    @invariant()
    def every_status_matches_the_model(self) -> None:
        """Each account asks for every ID there is (its own and the others') and one
        unknown ID: its own read as the model says, every other is NOTFOUND/-2."""
        if not self.model.accounts:
            return
        ids = [*sorted(self.model.messages), self.model.last_id + 1000]
        for username in self.model.accounts:
            self._check_statuses(username, ids)

    @invariant()
    def outboxes_match_the_model(self) -> None:
        """Every account's outbox holds exactly its own messages, each ID once; a deleted
        message is never dispatched nor delivered."""
        seen: list[int] = []
        for username in self.model.accounts:
            got = self.driver.outbox(username)
            seen.extend(e.message_id for e in got)
            mine = sorted(i for i, m in self.model.messages.items() if m.account == username)
            assert sorted(e.message_id for e in got) == mine, (username, got, mine)
            for entry in got:
                message = self.model.messages[entry.message_id]
                status, code, _ = message.status(self.model.now)
                assert (entry.number, entry.cost, entry.deleted) == (
                    message.number,
                    message.cost,
                    message.deleted,
                ), (entry, message)
                assert (entry.status, entry.code) == (status, code), (entry, message)
                if message.deleted:
                    assert "delivered" not in entry.events, entry
                    assert "dispatched" not in entry.events, entry
        assert len(seen) == len(set(seen)), seen


# -- the drivers and their budgets --------------------------------------------------------------


def machine_settings(share: float, floor: int = 5) -> settings:
    """The profile's settings with ``share`` of its examples and 30 steps each."""
    base = settings()  # the profile the root conftest loaded
    return settings(
        base,
        max_examples=max(floor, int(base.max_examples * share)),
        stateful_step_count=30,
        deadline=None,
        suppress_health_check=[*base.suppress_health_check, HealthCheck.too_slow],
    )


_shared: dict[str, Emulator] = {}


def shared_emulator(key: str) -> Emulator:
    """One emulator per driver for the whole run, reset by every new machine."""
    if key not in _shared:
        _shared[key] = Emulator(accounts=[])
    return _shared[key]


class InProcessMachine(GatewayMachine):
    def make_driver(self) -> Driver:
        return GatewayDriver()


class XmlMachine(GatewayMachine):
    def make_driver(self) -> Driver:
        return XmlDriver(FlaskTransport(shared_emulator("xml").app))


class RestSeedMachine(GatewayMachine):
    def make_driver(self) -> Driver:
        return RestDriver(FlaskTransport(shared_emulator("rest-seed").app), "seed")


class RestCurrentMachine(GatewayMachine):
    def make_driver(self) -> Driver:
        return RestDriver(FlaskTransport(shared_emulator("rest-current").app), "current")


class MixedApiMachine(GatewayMachine):
    def make_driver(self) -> Driver:
        return MixedDriver(FlaskTransport(shared_emulator("mixed").app))


class HttpGetMachine(GatewayMachine):
    def make_driver(self) -> Driver:
        return HttpGetDriver(FlaskTransport(shared_emulator("http").app))


TestGatewayMachine = InProcessMachine.TestCase
TestGatewayMachine.settings = machine_settings(1.0)
TestXmlApiMachine = XmlMachine.TestCase
TestXmlApiMachine.settings = machine_settings(0.6)
TestRestSeedMachine = RestSeedMachine.TestCase
TestRestSeedMachine.settings = machine_settings(0.5)
TestRestCurrentMachine = RestCurrentMachine.TestCase
TestRestCurrentMachine.settings = machine_settings(0.5)
TestMixedApiMachine = MixedApiMachine.TestCase
TestMixedApiMachine.settings = machine_settings(0.5)
TestHttpGetMachine = HttpGetMachine.TestCase
TestHttpGetMachine.settings = machine_settings(0.1)


# -- over a real socket -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def live_emulator() -> Iterator[tuple[Emulator, str]]:
    emulator = Emulator(accounts=[])
    with emulator.serve() as url:
        yield emulator, url


@pytest.mark.parametrize("api", ["xml", "rest-seed", "rest-current"])
def test_machine_over_real_http(live_emulator: tuple[Emulator, str], api: str) -> None:
    emulator, url = live_emulator

    def machine() -> GatewayMachine:
        transport = RequestsTransport(emulator.app, url)
        if api == "xml":
            return GatewayMachine(XmlDriver(transport))
        return GatewayMachine(RestDriver(transport, api.removeprefix("rest-")))

    run_state_machine_as_test(machine, settings=machine_settings(0.2, floor=3))
    emulator.raise_errors()
