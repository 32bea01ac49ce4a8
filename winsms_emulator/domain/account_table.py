"""The world's accounts by username, shared with the world they were forked from until
first touched.

A reset forks the start world: the fork shares the start's accounts (which nobody
changes) and copies one only when it is first looked up to be used, so a reset costs
the same with ten thousand accounts as with one, and a test pays only for the accounts
it touches.
"""

from __future__ import annotations

from collections.abc import Iterator

from winsms_emulator.domain.accounts import Account, copy_account


class AccountTable:
    """Accounts by username, in the order they were added.

    :meth:`get` and ``table[name]`` give the world's own account, to read or change;
    :meth:`values` and :meth:`peek` give accounts only to read (a shared one is not
    copied for them).
    """

    __slots__ = ("_added", "_own", "_shared")

    def __init__(self) -> None:
        self._shared: dict[str, Account] = {}  # never changed: forks read it
        self._own: dict[str, Account] = {}
        self._added = 0  # accounts in _own that are not in _shared

    def get(self, username: str) -> Account | None:
        found = self._own.get(username)
        if found is None:
            shared = self._shared.get(username)
            if shared is None:
                return None
            found = self._own[username] = copy_account(shared)
        return found

    def __getitem__(self, username: str) -> Account:
        found = self.get(username)
        if found is None:
            raise KeyError(username)
        return found

    def __setitem__(self, username: str, account: Account) -> None:
        if username not in self._own and username not in self._shared:
            self._added += 1
        self._own[username] = account

    def peek(self, username: str) -> Account | None:
        """The account, only to read."""
        return self._own.get(username) or self._shared.get(username)

    def __contains__(self, username: object) -> bool:
        return username in self._own or username in self._shared

    def __len__(self) -> int:
        return len(self._shared) + self._added

    def __iter__(self) -> Iterator[str]:
        yield from self._shared
        shared = self._shared
        yield from (name for name in self._own if name not in shared)

    def values(self) -> Iterator[Account]:
        """Every account, only to read."""
        own, shared = self._own, self._shared
        for name, account in shared.items():
            yield own.get(name) or account
        yield from (account for name, account in own.items() if name not in shared)

    def release(self) -> list[object]:
        """Empty the ledgers of this table's own accounts (those it shares stay whole);
        returns what they held, for whoever frees it. The table is done with."""
        pieces: list[object] = []
        for account in self._own.values():
            pieces.extend(account.ledger.release())
        return pieces

    def fork(self) -> AccountTable:
        """A table with the same accounts; a change to one does not show in the other.
        Both share this one's accounts from now on, each copying one when it first uses it."""
        if self._own:
            merged = {name: self._own.get(name, account) for name, account in self._shared.items()}
            merged.update((n, a) for n, a in self._own.items() if n not in self._shared)
            self._shared, self._own, self._added = merged, {}, 0
        twin = AccountTable()
        twin._shared = self._shared
        return twin
