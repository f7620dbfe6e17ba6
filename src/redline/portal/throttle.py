"""Sign-in throttling that slows guessing without locking the owner out.

Failures are counted for the pair (account, client address), and, more loosely,
for the account from any address and for the address on any account. None of
them ever refuses the right password: each failure past the free ones makes the
*next* check of that pair wait longer (doubling up to ``max_delay_s``), and the
wait is served by the server before it checks the password, so a person who
mistyped gets in after a short pause.

The pair's waits are reserved in the database (``not_before``), so parallel
requests of one pair queue rather than run side by side, across processes too;
only a pair whose queue is longer than ``queue_limit_s`` (a flood from one
address against one account) is answered 429 with the time to wait. The owner
signing in from another address is a different pair and never waits in the
attacker's queue. The account-wide and address-wide counts add a short wait,
capped at ``shared_cap_s``, and never refuse.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, delete, insert, select, update

from redline.ledger.store import Ledger
from redline.portal import auth_tables as A
from redline.portal.accounts import RateLimited
from redline.portal.settings import Settings

throttle_table = A.throttle


class PairFlooded(RateLimited):
    """Too many attempts of one (account, address) pair are already queued."""

    def __init__(self, retry_after_s: int) -> None:
        super().__init__(
            f"too many sign-ins for this account from your address at once; "
            f"try again in {retry_after_s} seconds"
        )
        self.retry_after_s = retry_after_s


@dataclass(frozen=True)
class Policy:
    free_failures: int = 5
    base_delay_s: float = 1.0
    max_delay_s: float = 30.0
    window_s: float = 900.0
    # Failures on one account from all addresses, or from one address on all
    # accounts, beyond ``shared_after`` times the free ones, add up to this wait.
    shared_cap_s: float = 3.0
    shared_after: int = 4

    @classmethod
    def from_settings(cls, settings: Settings) -> Policy:
        return cls(free_failures=settings.login_failures_allowed, window_s=settings.login_window_s)

    @property
    def queue_limit_s(self) -> float:
        return 2 * self.max_delay_s

    def delay_after(self, failures: int) -> float:
        """How long the next check of a pair waits after ``failures`` failures."""
        if failures < self.free_failures:
            return 0.0
        return float(
            min(self.max_delay_s, self.base_delay_s * 2 ** (failures - self.free_failures))
        )

    def shared_delay(self, failures: int) -> float:
        over = failures - self.shared_after * self.free_failures
        if over < 0:
            return 0.0
        return float(min(self.shared_cap_s, self.base_delay_s * 2 ** (over // self.free_failures)))


@dataclass(frozen=True)
class Wait:
    """The wait before a sign-in attempt is checked."""

    pair_s: float
    shared_s: float

    @property
    def total_s(self) -> float:
        return self.pair_s + self.shared_s


def _keys(username: str, address: str) -> tuple[str, str, str]:
    name, addr = username.lower()[:100], address[:100]
    return f"pair:{name}\n{addr}", f"account:{name}", f"address:{addr}"


class Throttle:
    """Throttling state in the portal's database (written under the ledger's write lock)."""

    def __init__(self, ledger: Ledger, policy: Policy) -> None:
        self.ledger = ledger
        self.policy = policy

    def _row(self, conn: Connection, key: str, t: float) -> tuple[int, float]:
        """(failures, not_before) of a key, forgetting failures older than the window."""
        r = conn.execute(select(A.throttle).where(A.throttle.c.key == key)).first()
        if r is None or t - float(r.last_failure) > self.policy.window_s:
            return 0, 0.0
        return int(r.failures), float(r.not_before)

    def reserve(self, username: str, address: str, t: float) -> Wait:
        """The wait before this attempt is checked, reserving its turn for the pair.

        Raises :class:`PairFlooded` (a :class:`RateLimited`) only when the pair's
        queue is already longer than the policy's limit."""
        pair, account, addr = _keys(username, address)
        with self.ledger.engine.connect() as conn:  # the common case: nothing to reserve
            shared = max(
                self.policy.shared_delay(self._row(conn, k, t)[0]) for k in (account, addr)
            )
            failures, not_before = self._row(conn, pair, t)
        if not failures and not_before <= t:
            return Wait(pair_s=0.0, shared_s=shared)
        with self.ledger.write() as conn:
            failures, not_before = self._row(conn, pair, t)
            slot = max(t, not_before)
            if slot - t > self.policy.queue_limit_s:
                raise PairFlooded(int(slot - t) + 1)
            if failures:
                # The attempt after this one (should this one fail) waits its turn.
                nb = slot + self.policy.delay_after(failures + 1)
                conn.execute(
                    update(A.throttle).where(A.throttle.c.key == pair).values(not_before=nb)
                )
        return Wait(pair_s=slot - t, shared_s=shared)

    def failed(self, username: str, address: str, t: float) -> None:
        """Count a failed attempt for the pair, the account and the address."""
        with self.ledger.write() as conn:
            for key in _keys(username, address):
                failures, not_before = self._row(conn, key, t)
                failures += 1
                nb = max(not_before, t + self.policy.delay_after(failures))
                exists = conn.execute(
                    select(A.throttle.c.key).where(A.throttle.c.key == key)
                ).first()
                values = {"failures": failures, "last_failure": t, "not_before": nb}
                if exists:
                    conn.execute(update(A.throttle).where(A.throttle.c.key == key).values(values))
                else:
                    conn.execute(insert(A.throttle).values(key=key, **values))

    def succeeded(self, username: str, address: str) -> None:
        """The right password: the pair starts afresh (the wider counts stay)."""
        pair = _keys(username, address)[0]
        with self.ledger.engine.connect() as conn:
            if (
                conn.execute(select(A.throttle.c.key).where(A.throttle.c.key == pair)).first()
                is None
            ):
                return
        with self.ledger.write() as conn:
            conn.execute(delete(A.throttle).where(A.throttle.c.key == pair))
