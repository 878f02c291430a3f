"""Which days are working days in Chongqing, and deadlines counted in them.

The base data is the ``holidays`` library's China calendar, which follows the
State Council General Office's yearly notice (国务院办公厅关于部分节假日安排的通知):
statutory holidays *and* the weekend days that become working days (调休,
``weekend_workdays``). On top of that an admin-editable table of overrides
(date → is working day) corrects or extends it, e.g. for a year whose notice the
pinned library does not know yet, or for a locally ordered closure.

A year is *known* when the library has the official notice for it or when the
overrides mention it. For an unknown year the calendar falls back to Monday to
Friday — the library's own guesses for future years (statutory days moved to the
next weekday, no make-up days) are not what the State Council will publish, so
using them would look authoritative without being so. Callers check
:meth:`WorkCalendar.unknown_years` to tell the user that a deadline is
provisional.

Counting rules (the usual reading of 期间开始之日不计算在内):

* ``working_days_after(start, n)``: ``start`` itself is never counted; the
  result is the n-th working day after it.
* ``due_date(submitted_at, n)``: a submission is *received* on its local
  (Asia/Shanghai) calendar day if that is a working day, otherwise on the next
  working day; the deadline is the n-th working day after the day of receipt.
  The time of day does not matter. The deadline is the whole of that day.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from types import MappingProxyType
from zoneinfo import ZoneInfo

import holidays

#: The time zone every deadline is reckoned in (the platform serves Chongqing).
SHANGHAI = ZoneInfo("Asia/Shanghai")

# The years for which the pinned library (holidays==0.109) carries the official
# notice. Used only if the library stops exposing its table of notices, so the
# calendar degrades to a known-good answer instead of failing.
_FALLBACK_OFFICIAL_YEARS = frozenset(range(2001, 2027))

_ONE_DAY = timedelta(days=1)


class YearSource(str, enum.Enum):
    """Where a year's working days come from, so the UI can say how sure it is."""

    #: The State Council notice, as carried by the holidays library (plus any
    #: overrides for that year).
    LIBRARY = "library"
    #: No notice in the library; Monday to Friday corrected by admin overrides.
    OVERRIDES = "overrides"
    #: Nothing known: plain Monday to Friday. Deadlines are provisional.
    WEEKDAYS_ONLY = "weekdays_only"


@functools.lru_cache(maxsize=1)
def library_official_years() -> frozenset[int]:
    """The years whose official holiday notice the holidays library carries.

    The library computes holidays for any year by rule, but only years listed in
    its table of State Council notices have the real arrangement, including the
    make-up working days. That table is what tells a fact from a guess.
    """
    notices = getattr(holidays.China(years=()), "special_public_holidays", None)
    if not isinstance(notices, Mapping) or not notices:
        return _FALLBACK_OFFICIAL_YEARS
    years = [y for y in notices if isinstance(y, int)]
    # Every year between the first and the last notice has one; a range keeps a
    # year whose notice happened to need no substitutions from looking unknown.
    return frozenset(range(min(years), max(years) + 1))


def _is_weekday(d: date) -> bool:
    return d.weekday() < 5


def _require_date(d: object, name: str) -> date:
    # datetime is a subclass of date; accepting one here would silently drop
    # its time zone and could put it on the wrong calendar day.
    if isinstance(d, datetime) or not isinstance(d, date):
        raise TypeError(f"{name} must be a date (not a datetime), got {d!r}")
    return d


def _require_count(n: object) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"the number of working days must be an int, got {n!r}")
    if n < 0:
        raise ValueError(f"the number of working days must not be negative: {n}")
    return n


class WorkCalendar:
    """Working days of the Chinese statutory calendar, with overrides.

    Immutable: when the override table changes, build a new calendar. Each
    year's exceptions to Monday–Friday are computed once and cached on the
    instance.

    :param overrides: date → ``True`` (working day) / ``False`` (day off); wins
        over the library.
    :param official_years: the years to take from the library; defaults to
        :func:`library_official_years`. Tests use it to simulate a library that
        does not know a year.
    """

    def __init__(
        self,
        overrides: Mapping[date, bool] | None = None,
        *,
        official_years: Iterable[int] | None = None,
    ) -> None:
        checked: dict[date, bool] = {}
        for d, working in (overrides or {}).items():
            _require_date(d, "an override's date")
            if not isinstance(working, bool):
                raise TypeError(f"override for {d} must be True or False")
            checked[d] = working
        self._overrides: Mapping[date, bool] = MappingProxyType(checked)
        self._override_years = frozenset(d.year for d in checked)
        self._official_years = frozenset(
            library_official_years() if official_years is None else official_years
        )
        # year → the dates whose status differs from "Monday to Friday".
        self._exceptions: dict[int, frozenset[date]] = {}

    # -- what is known --------------------------------------------------------

    @property
    def overrides(self) -> Mapping[date, bool]:
        """The overrides this calendar was built with (read-only)."""
        return self._overrides

    def source_for_year(self, year: int) -> YearSource:
        """Where the working days of ``year`` come from."""
        if year in self._official_years:
            return YearSource.LIBRARY
        if year in self._override_years:
            return YearSource.OVERRIDES
        return YearSource.WEEKDAYS_ONLY

    def is_year_known(self, year: int) -> bool:
        """Whether ``year`` has real data (library notice or overrides)."""
        return self.source_for_year(year) is not YearSource.WEEKDAYS_ONLY

    def years_covered(self) -> frozenset[int]:
        """Every year with real data; other years fall back to Monday–Friday."""
        return self._official_years | self._override_years

    def unknown_years(self, start: date, end: date) -> list[int]:
        """The years between two dates (inclusive, any order) that fall back.

        A deadline computed across such a year is provisional; the UI says so.
        """
        _require_date(start, "start")
        _require_date(end, "end")
        low, high = sorted((start.year, end.year))
        return [y for y in range(low, high + 1) if not self.is_year_known(y)]

    # -- single days ----------------------------------------------------------

    def is_working_day(self, d: date) -> bool:
        """Whether ``d`` is a working day (make-up weekends count, holidays don't)."""
        _require_date(d, "d")
        return _is_weekday(d) != (d in self._exceptions_for(d.year))

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after ``d``."""
        return self.working_days_after(d, 1)

    def _exceptions_for(self, year: int) -> frozenset[date]:
        cached = self._exceptions.get(year)
        if cached is None:
            cached = self._exceptions[year] = self._compute_exceptions(year)
        return cached

    def _compute_exceptions(self, year: int) -> frozenset[date]:
        exceptions: set[date] = set()
        if year in self._official_years:
            # The next year's notice can make late-December weekends working
            # days (e.g. 2001-12-29 for New Year 2002), hence year + 1.
            library = holidays.China(years=(year, year + 1))
            exceptions.update(d for d in library if d.year == year and _is_weekday(d))
            exceptions.update(
                d
                for d in library.weekend_workdays
                if d.year == year and not _is_weekday(d)
            )
        for d, working in self._overrides.items():
            if d.year != year:
                continue
            if working == _is_weekday(d):
                exceptions.discard(d)
            else:
                exceptions.add(d)
        return frozenset(exceptions)

    # -- counting -------------------------------------------------------------

    def working_days_after(self, start: date, n: int) -> date:
        """The date that is ``n`` working days after ``start``.

        ``start`` itself is not counted, whether or not it is a working day:
        10 working days after 2026-09-28 is 2026-10-16. ``n == 0`` returns
        ``start`` unchanged. Negative ``n`` raises :class:`ValueError`.
        """
        _require_date(start, "start")
        remaining = _require_count(n)
        d = start
        while remaining:
            d += _ONE_DAY
            if self.is_working_day(d):
                remaining -= 1
        return d

    def working_days_between(self, start: date, end: date) -> int:
        """How many working days lie after ``start`` up to and including ``end``.

        The inverse of :meth:`working_days_after`:
        ``working_days_between(s, working_days_after(s, n)) == n``. With
        ``start`` = today and ``end`` = a deadline, the result is the working
        days left (0 = due today); it is negative when the deadline has passed,
        and then its magnitude is the number of working days overdue.
        """
        _require_date(start, "start")
        _require_date(end, "end")
        sign = 1
        if end < start:
            start, end, sign = end, start, -1
        count = 0
        d = start + _ONE_DAY
        while d <= end:
            if self.is_working_day(d):
                count += 1
            d += _ONE_DAY
        return sign * count

    def received_on(self, submitted_at: datetime) -> date:
        """The working day on which a submission counts as received.

        Its Asia/Shanghai calendar day if that is a working day, otherwise the
        next working day. ``submitted_at`` must be time-zone aware: CKAN stores
        naive UTC timestamps, and guessing their zone here would shift
        deadlines by a day around midnight.
        """
        if not isinstance(submitted_at, datetime):
            raise TypeError(f"submitted_at must be a datetime, got {submitted_at!r}")
        if submitted_at.tzinfo is None or submitted_at.utcoffset() is None:
            raise ValueError("submitted_at must be time-zone aware")
        local_day = submitted_at.astimezone(SHANGHAI).date()
        if self.is_working_day(local_day):
            return local_day
        return self.next_working_day(local_day)

    def due_date(self, submitted_at: datetime, n: int) -> date:
        """The last day to act on something submitted at ``submitted_at``.

        The n-th working day after the day of receipt (:meth:`received_on`);
        the receipt day itself is not counted. A submission on Saturday
        2026-10-03 is received on Thursday 2026-10-08, so with ``n = 10`` it is
        due on 2026-10-21.
        """
        _require_count(n)
        return self.working_days_after(self.received_on(submitted_at), n)
