"""The one ledger through which every euro enters, moves and leaves.

Amounts are kept in integer cents, so balances are exact and "inflows - outflows = change
in cash" can be proved to the cent for every account and every month.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

CENTER = "center"


class Ledger:
    """Double-entry record of money movements between named accounts."""

    def __init__(self) -> None:
        self.month = 0
        self._rows: list[tuple[int, str, str, str, int]] = []  # month, source, destination, kind, cents
        self._balance: dict[str, int] = defaultdict(int)
        self._income: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))

    def transfer(self, source: str, destination: str, kind: str, amount_eur: float) -> int:
        """Move ``amount_eur`` (rounded to the cent) from ``source`` to ``destination``; return cents moved."""
        cents = int(round(amount_eur * 100))
        if cents <= 0:
            return 0
        self._rows.append((self.month, source, destination, kind, cents))
        balance = self._balance
        balance[source] -= cents
        balance[destination] += cents
        self._income[destination][source] += cents
        return cents

    def balance_cents(self, account: str) -> int:
        """Current balance of ``account`` in cents (external accounts go negative as they pay out)."""
        return self._balance[account]

    def balance(self, account: str = CENTER) -> float:
        """Current balance of ``account`` in euros."""
        return self._balance[account] / 100

    def __len__(self) -> int:
        return len(self._rows)

    def rows(self) -> dict[str, list]:
        """All movements as columns: month, source, destination, kind, amount_eur."""
        month, src, dst, kind, cents = (list(col) for col in zip(*self._rows)) if self._rows else ([], [], [], [], [])
        return {"month": month, "source": src, "destination": dst, "kind": kind, "amount_eur": [c / 100 for c in cents]}

    def inflows(self, account: str = CENTER):
        """(month, source, cents) of every movement into ``account``, in the order they happened."""
        return ((m, src, cents) for m, src, dst, _, cents in self._rows if dst == account)

    def monthly_flows(self, account: str, months: int) -> tuple[np.ndarray, np.ndarray]:
        """Inflows and outflows of ``account`` per month, in cents."""
        inflow = np.zeros(months, dtype=np.int64)
        outflow = np.zeros(months, dtype=np.int64)
        if not self._rows:
            return inflow, outflow
        rows = self._rows  # (month, source, destination, kind, cents)
        month = np.array([r[0] for r in rows], dtype=np.int64)
        cents = np.array([r[4] for r in rows], dtype=np.int64)  # integer sums: exact, in any order
        inside = month < months
        for flow, column in ((inflow, 2), (outflow, 1)):
            mine = np.array([r[column] == account for r in rows], dtype=bool) & inside
            np.add.at(flow, month[mine], cents[mine])
        return inflow, outflow

    def income_by_source(self, account: str = CENTER) -> dict[str, int]:
        """Total cents received by ``account`` from each source."""
        return dict(self._income[account])

    def verify(self, account: str, cash_by_month_cents: np.ndarray, opening_cents: int = 0) -> list[str]:
        """Prove that inflows - outflows = change in cash for every month; return the months that fail."""
        months = len(cash_by_month_cents)
        inflow, outflow = self.monthly_flows(account, months)
        expected = opening_cents + np.cumsum(inflow - outflow)
        bad = np.nonzero(expected != cash_by_month_cents)[0]
        problems = [
            f"month {m}: inflows - outflows gives {expected[m] / 100:.2f}, cash is {cash_by_month_cents[m] / 100:.2f}"
            for m in bad
        ]
        if sum(self._balance.values()) != 0:
            problems.append("the accounts do not sum to zero: money was created or destroyed")
        return problems
