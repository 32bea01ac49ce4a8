"""The gateway's services: plain values in, plain values out, one lock around the world.

:class:`Gateway` puts them together over one :class:`~winsms_emulator.services.core.Core`:

* ``gateway.sms``: the WinSMS operations every API surface serves;
* ``gateway.accounts``: accounts and what each one did (the control plane);
* ``gateway.network``: handsets, the DNC list, the blacklist, scripted outcomes;
* ``gateway.control``: the clock, resets, saved states and injected faults;
* ``gateway.webhooks``: webhook notifications, their attempts and the built-in sink;
* ``gateway.journal``: the request journal;
* ``gateway.coverage``: what the journaled requests showed, counted (the coverage report).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from winsms_emulator.clock import Clock, ManualClock
from winsms_emulator.domain.accounts import REST_DIALECTS, Account, copy_account
from winsms_emulator.domain.webhooks import DeliveryPolicy
from winsms_emulator.domain.world import World
from winsms_emulator.errors import Invalid
from winsms_emulator.journal import DEFAULT_JOURNAL_BYTES, DEFAULT_JOURNAL_SIZE, Journal
from winsms_emulator.services.accounts import Accounts
from winsms_emulator.services.control import Control, check_first_id
from winsms_emulator.services.core import Core
from winsms_emulator.services.network import Network
from winsms_emulator.services.webhook_worker import Deliverer
from winsms_emulator.services.webhooks import Webhooks
from winsms_emulator.services.winsms import WinSms
from winsms_emulator.state import Start
from winsms_emulator.tally import Tallies


class Gateway:
    """The simulated WinSMS gateway.

    ``accounts`` are the start accounts; a reset goes back to them, to empty queues, to
    the first message ID and (for a manual clock) to the start time. The request journal
    keeps ``journal_size`` entries and ``journal_max_bytes`` bytes at most (10,000 and
    64 MB when left out). ``webhook_policy`` sets the webhook worker's HTTP timeout,
    attempts and retry backoff (:class:`DeliveryPolicy`).
    """

    def __init__(
        self,
        accounts: Iterable[Account] = (),
        clock: Clock | None = None,
        *,
        default_rest_dialect: str = "seed",
        first_message_id: int = 1,
        journal_size: int | None = None,
        journal_max_bytes: int | None = None,
        webhook_policy: DeliveryPolicy | None = None,
    ) -> None:
        if default_rest_dialect not in REST_DIALECTS:
            raise Invalid(f"rest dialect must be one of {', '.join(REST_DIALECTS)}")
        the_clock: Clock = clock if clock is not None else ManualClock()
        world = World(next_message_id=check_first_id(first_message_id))
        now = the_clock.now()
        for account in accounts:
            world.add_account(copy_account(account), now, own_origin=True)
        start = Start(world, now)
        self.core = Core(
            start.world(),
            the_clock,
            start,
            default_rest_dialect=default_rest_dialect,
            journal=Journal(
                journal_size or DEFAULT_JOURNAL_SIZE, journal_max_bytes or DEFAULT_JOURNAL_BYTES
            ),
        )
        self.sms = WinSms(self.core)
        self.accounts = Accounts(self.core)
        self.network = Network(self.core)
        self.control = Control(self.core)
        deliverer = Deliverer(self.core, webhook_policy or DeliveryPolicy())
        self.core.wake_webhooks = deliverer.wake
        self.webhooks = Webhooks(self.core, deliverer)
        self.core.webhooks_needed()

    def close(self) -> None:
        """Stop the webhook worker (pending notifications stay pending)."""
        self.webhooks.deliverer.stop()

    @property
    def clock(self) -> Clock:
        return self.core.clock

    @property
    def journal(self) -> Journal:
        return self.core.journal

    @property
    def coverage(self) -> Tallies:
        return self.core.coverage

    @property
    def default_rest_dialect(self) -> str:
        return self.core.default_rest_dialect

    def now(self) -> datetime:
        return self.core.now()


__all__ = ["Gateway"]
