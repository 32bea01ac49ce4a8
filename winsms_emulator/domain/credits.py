"""Moving credits inside one family: a main account and its sub-accounts."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from winsms_emulator.domain.world import World
from winsms_emulator.errors import GatewayError


class TransferRefused(GatewayError):
    """A transfer the gateway refuses; ``field`` names the request field at fault."""

    def __init__(self, kind: str, field: str, message: str) -> None:
        super().__init__(kind, message)
        self.field = field


def transfer_credits(
    world: World,
    caller: str,
    sending_account_number: int,
    receiving_account_number: int,
    amount: Decimal,
    now: datetime,
) -> bool:
    """Move credits between a main account and its sub-accounts, or two of its sub-accounts.

    A main account moves any family member's credits; a sub-account only its own. Raises
    :class:`TransferRefused` for an unknown account number (``not_found``), one outside the
    caller's family or a non-positive amount (``invalid``); ``False`` when the sender has
    too few.
    """
    asking = world.account(caller)
    sender = world.account_numbered(sending_account_number)
    receiver = world.account_numbered(receiving_account_number)
    if sender is None:
        raise TransferRefused(
            "not_found", "sendingAccountNumber", f"no account with number {sending_account_number}"
        )
    if receiver is None:
        raise TransferRefused(
            "not_found",
            "receivingAccountNumber",
            f"no account with number {receiving_account_number}",
        )
    main = asking.parent or asking.username
    family = {main} | {a.username for a in world.sub_accounts(main)}
    allowed = family if asking.parent is None else {asking.username}
    if sender.username not in allowed or receiver.username not in family:
        field = (
            "sendingAccountNumber" if sender.username not in allowed else "receivingAccountNumber"
        )
        raise TransferRefused(
            "invalid", field, "credits move only between a main account and its sub-accounts"
        )
    if sender is receiver:
        raise TransferRefused(
            "invalid", "receivingAccountNumber", "the sending and receiving accounts are the same"
        )
    if amount <= 0:
        raise TransferRefused(
            "invalid", "transferQuantity", "the transfer quantity must be more than 0"
        )
    if sender.credits < amount:
        return False
    sender.charge(-amount, now, "transfer-out", None)
    receiver.charge(amount, now, "transfer-in", None)
    return True
