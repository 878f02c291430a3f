"""Working-day arithmetic on the 2026 calendar.

The 2026 arrangement below is the State Council General Office's notice on the
2026 holidays (published November 2025), checked day by day against the pinned
holidays library: weekdays off and weekend days that are make-up working days.
Mid-Autumn (09-25) and National Day (10-01..10-07) are separate breaks in 2026.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from ckanext.cqgov.workdays import (
    SHANGHAI,
    WorkCalendar,
    YearSource,
    library_official_years,
)

D = date

# Monday–Friday dates that are off in 2026.
WEEKDAYS_OFF_2026 = {
    D(2026, 1, 1): "New Year's Day",
    D(2026, 1, 2): "New Year (substitute for Sun 01-04)",
    D(2026, 2, 16): "Spring Festival eve",
    D(2026, 2, 17): "Spring Festival",
    D(2026, 2, 18): "Spring Festival",
    D(2026, 2, 19): "Spring Festival",
    D(2026, 2, 20): "Spring Festival (substitute for Sat 02-14)",
    D(2026, 2, 23): "Spring Festival (substitute for Sat 02-28)",
    D(2026, 4, 6): "Qingming (Sunday 04-05 moved)",
    D(2026, 5, 1): "Labour Day",
    D(2026, 5, 4): "Labour Day (weekend moved)",
    D(2026, 5, 5): "Labour Day (substitute for Sat 05-09)",
    D(2026, 6, 19): "Dragon Boat Festival",
    D(2026, 9, 25): "Mid-Autumn Festival",
    D(2026, 10, 1): "National Day",
    D(2026, 10, 2): "National Day",
    D(2026, 10, 5): "National Day (weekend moved)",
    D(2026, 10, 6): "National Day (substitute for Sun 09-20)",
    D(2026, 10, 7): "National Day (substitute for Sat 10-10)",
}

# Saturdays and Sundays that are working days in 2026 (调休).
MAKE_UP_DAYS_2026 = {
    D(2026, 1, 4): "Sunday",
    D(2026, 2, 14): "Saturday",
    D(2026, 2, 28): "Saturday",
    D(2026, 5, 9): "Saturday",
    D(2026, 9, 20): "Sunday",
    D(2026, 10, 10): "Saturday",
}


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar()


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def test_the_library_knows_2026_officially():
    assert set(range(2001, 2027)) <= library_official_years()
    assert WorkCalendar().source_for_year(2026) is YearSource.LIBRARY


def test_every_day_of_2026(cal):
    """The whole year: Mon–Fri, minus the days off, plus the make-up days."""
    wrong = [
        d
        for d in _days(D(2026, 1, 1), D(2026, 12, 31))
        if cal.is_working_day(d)
        != ((d.weekday() < 5 and d not in WEEKDAYS_OFF_2026) or d in MAKE_UP_DAYS_2026)
    ]
    assert wrong == []


def test_the_table_is_about_weekdays_and_weekends():
    # Guards the table itself: a "weekday off" on a weekend would test nothing.
    assert all(d.weekday() < 5 for d in WEEKDAYS_OFF_2026)
    assert all(d.weekday() >= 5 for d in MAKE_UP_DAYS_2026)


@pytest.mark.parametrize(
    ("start", "end"),
    [
        pytest.param(D(2026, 2, 15), D(2026, 2, 23), id="spring-festival"),
        pytest.param(D(2026, 10, 1), D(2026, 10, 7), id="national-day"),
        pytest.param(D(2026, 5, 1), D(2026, 5, 5), id="labour-day"),
        pytest.param(D(2026, 1, 1), D(2026, 1, 3), id="new-year"),
    ],
)
def test_golden_weeks_are_off_throughout(cal, start, end):
    assert [d for d in _days(start, end) if cal.is_working_day(d)] == []
    # Each break is framed by working days (some of them make-up weekends).
    assert cal.is_working_day(start - timedelta(days=1))
    assert cal.is_working_day(end + timedelta(days=1))


@pytest.mark.parametrize("day", sorted(MAKE_UP_DAYS_2026), ids=str)
def test_make_up_weekend_days_are_working_days(cal, day):
    assert cal.is_working_day(day)


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        pytest.param(D(2026, 9, 28), 10, D(2026, 10, 16), id="across-national-day"),
        pytest.param(D(2026, 9, 28), 0, D(2026, 9, 28), id="zero"),
        pytest.param(D(2026, 10, 3), 0, D(2026, 10, 3), id="zero-on-holiday"),
        pytest.param(D(2026, 9, 30), 1, D(2026, 10, 8), id="eve-of-holiday"),
        pytest.param(D(2026, 10, 1), 1, D(2026, 10, 8), id="start-on-holiday"),
        pytest.param(D(2026, 10, 1), 10, D(2026, 10, 20), id="ten-from-holiday"),
        pytest.param(D(2026, 10, 9), 1, D(2026, 10, 10), id="into-make-up-saturday"),
        pytest.param(D(2026, 9, 18), 1, D(2026, 9, 20), id="into-make-up-sunday"),
        pytest.param(D(2026, 2, 13), 2, D(2026, 2, 24), id="spring-festival"),
        pytest.param(D(2026, 2, 27), 1, D(2026, 2, 28), id="feb-make-up"),
        pytest.param(D(2025, 12, 31), 1, D(2026, 1, 4), id="across-new-year"),
        pytest.param(D(2026, 6, 18), 1, D(2026, 6, 22), id="dragon-boat"),
        pytest.param(D(2026, 9, 24), 1, D(2026, 9, 28), id="mid-autumn"),
        pytest.param(D(2026, 3, 2), 15, D(2026, 3, 23), id="plain-fifteen"),
    ],
)
def test_working_days_after(cal, start, n, expected):
    assert cal.working_days_after(start, n) == expected


@pytest.mark.parametrize("n", [-1, -10])
def test_negative_count_is_rejected(cal, n):
    with pytest.raises(ValueError):
        cal.working_days_after(D(2026, 9, 28), n)
    with pytest.raises(ValueError):
        cal.due_date(datetime(2026, 9, 28, 9, tzinfo=SHANGHAI), n)


@pytest.mark.parametrize("n", [True, 1.0, "10", None])
def test_count_must_be_an_int(cal, n):
    with pytest.raises(TypeError):
        cal.working_days_after(D(2026, 9, 28), n)


def test_datetimes_are_not_dates(cal):
    with pytest.raises(TypeError):
        cal.is_working_day(datetime(2026, 10, 1, tzinfo=SHANGHAI))
    with pytest.raises(TypeError):
        cal.working_days_after(datetime(2026, 10, 1), 1)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        pytest.param(D(2026, 9, 28), D(2026, 10, 16), 10, id="ten-left"),
        pytest.param(D(2026, 10, 16), D(2026, 9, 28), -10, id="ten-overdue"),
        pytest.param(D(2026, 10, 16), D(2026, 10, 16), 0, id="due-today"),
        pytest.param(D(2026, 10, 16), D(2026, 10, 19), 1, id="over-weekend"),
        pytest.param(D(2026, 10, 19), D(2026, 10, 16), -1, id="one-overdue"),
        pytest.param(D(2026, 10, 1), D(2026, 10, 7), 0, id="all-holiday"),
        pytest.param(D(2026, 10, 3), D(2026, 10, 10), 3, id="with-make-up"),
        pytest.param(D(2025, 12, 31), D(2026, 1, 5), 2, id="across-years"),
    ],
)
def test_working_days_between(cal, start, end, expected):
    assert cal.working_days_between(start, end) == expected


def test_between_inverts_after(cal):
    for start in _days(D(2026, 9, 1), D(2026, 10, 31)):
        for n in (0, 1, 5, 10, 15):
            assert (
                cal.working_days_between(start, cal.working_days_after(start, n)) == n
            )


@pytest.mark.parametrize(
    ("submitted_at", "n", "expected"),
    [
        pytest.param(
            datetime(2026, 9, 28, 9, 0, tzinfo=SHANGHAI),
            10,
            D(2026, 10, 16),
            id="working-day",
        ),
        pytest.param(
            datetime(2026, 9, 28, 23, 59, tzinfo=SHANGHAI),
            10,
            D(2026, 10, 16),
            id="late-evening-same-rule",
        ),
        pytest.param(
            datetime(2026, 10, 3, 10, 0, tzinfo=SHANGHAI),
            10,
            D(2026, 10, 21),
            id="holiday-received-next-working-day",
        ),
        pytest.param(
            datetime(2026, 9, 20, 10, 0, tzinfo=SHANGHAI),
            1,
            D(2026, 9, 21),
            id="make-up-sunday-is-a-working-day",
        ),
        pytest.param(
            # 17:00 UTC on 09-30 is 01:00 on 10-01 in Chongqing: a holiday.
            datetime(2026, 9, 30, 17, 0, tzinfo=timezone.utc),
            10,
            D(2026, 10, 21),
            id="utc-converted-to-shanghai",
        ),
        pytest.param(
            datetime(2026, 9, 30, 15, 59, tzinfo=timezone.utc),
            10,
            D(2026, 10, 20),
            id="utc-still-same-day",
        ),
        pytest.param(
            datetime(2026, 10, 3, 10, 0, tzinfo=SHANGHAI),
            0,
            D(2026, 10, 8),
            id="zero-is-the-receipt-day",
        ),
    ],
)
def test_due_date(cal, submitted_at, n, expected):
    assert cal.due_date(submitted_at, n) == expected


def test_due_date_needs_an_aware_datetime(cal):
    with pytest.raises(ValueError):
        cal.due_date(datetime(2026, 9, 28, 9, 0), 10)
    with pytest.raises(TypeError):
        cal.due_date(D(2026, 9, 28), 10)


def test_received_on(cal):
    assert cal.received_on(datetime(2026, 10, 3, tzinfo=SHANGHAI)) == D(2026, 10, 8)
    assert cal.received_on(datetime(2026, 10, 8, tzinfo=SHANGHAI)) == D(2026, 10, 8)


# -- overrides ----------------------------------------------------------------


def test_overrides_add_a_holiday_and_a_make_up_day():
    extra_off = D(2026, 10, 12)  # a Monday
    extra_on = D(2026, 10, 18)  # a Sunday
    cal = WorkCalendar({extra_off: False, extra_on: True})
    assert not cal.is_working_day(extra_off)
    assert cal.is_working_day(extra_on)
    # 09-29, 09-30, 10-08, 10-09, 10-10 (make-up), 10-13 (10-12 now off),
    # 10-14, 10-15, 10-16, 10-18 (Sunday made working).
    assert cal.working_days_after(D(2026, 9, 28), 10) == D(2026, 10, 18)
    # Nothing else moved.
    plain = WorkCalendar()
    others = [
        d
        for d in _days(D(2026, 1, 1), D(2026, 12, 31))
        if d not in (extra_off, extra_on)
        and cal.is_working_day(d) != plain.is_working_day(d)
    ]
    assert others == []


def test_overrides_can_undo_library_days():
    cal = WorkCalendar({D(2026, 10, 7): True, D(2026, 10, 10): False})
    assert cal.is_working_day(D(2026, 10, 7))
    assert not cal.is_working_day(D(2026, 10, 10))


def test_override_equal_to_the_library_changes_nothing():
    cal = WorkCalendar({D(2026, 10, 1): False, D(2026, 10, 10): True})
    assert cal.working_days_after(D(2026, 9, 28), 10) == D(2026, 10, 16)


def test_overrides_are_copied():
    overrides = {D(2026, 3, 2): False}
    cal = WorkCalendar(overrides)
    overrides[D(2026, 3, 3)] = False
    assert cal.is_working_day(D(2026, 3, 3))
    with pytest.raises(TypeError):
        cal.overrides[D(2026, 3, 4)] = False  # type: ignore[index]


@pytest.mark.parametrize(
    "overrides",
    [
        {datetime(2026, 3, 2): False},
        {"2026-03-02": False},
        {D(2026, 3, 2): 0},
    ],
)
def test_bad_overrides_are_rejected(overrides):
    with pytest.raises(TypeError):
        WorkCalendar(overrides)


# -- unknown years ------------------------------------------------------------

# The years holidays==0.109 knows. Pinned here so that these tests keep meaning
# "2027 is unknown" after an upgrade brings the 2027 notice.
KNOWN_THROUGH_2026 = range(2001, 2027)


def test_unknown_year_falls_back_to_monday_to_friday():
    cal = WorkCalendar(official_years=KNOWN_THROUGH_2026)
    assert cal.source_for_year(2027) is YearSource.WEEKDAYS_ONLY
    assert not cal.is_year_known(2027)
    assert 2027 not in cal.years_covered()
    # 2027-10-01 is a Friday: the library would guess a holiday; the calendar
    # does not pretend to know.
    assert cal.is_working_day(D(2027, 10, 1))
    assert not cal.is_working_day(D(2027, 10, 2))
    week = _days(D(2027, 3, 1), D(2027, 3, 7))
    assert [cal.is_working_day(d) for d in week] == [True] * 5 + [False] * 2
    assert cal.unknown_years(D(2026, 12, 20), D(2027, 1, 10)) == [2027]
    assert cal.unknown_years(D(2026, 1, 1), D(2026, 12, 31)) == []


def test_deadline_across_into_an_unknown_year_is_flagged():
    cal = WorkCalendar(official_years=KNOWN_THROUGH_2026)
    due = cal.working_days_after(D(2026, 12, 28), 10)
    assert due == D(2027, 1, 11)  # Mon–Fri fallback for 2027
    assert cal.unknown_years(D(2026, 12, 28), due) == [2027]


def test_overrides_make_a_year_known():
    national_day_2027 = {D(2027, 10, d): False for d in range(1, 8)}
    cal = WorkCalendar(
        {**national_day_2027, D(2027, 9, 26): True},
        official_years=KNOWN_THROUGH_2026,
    )
    assert cal.source_for_year(2027) is YearSource.OVERRIDES
    assert cal.is_year_known(2027)
    assert 2027 in cal.years_covered()
    assert cal.is_working_day(D(2027, 9, 26))  # a Sunday made working
    assert not cal.is_working_day(D(2027, 10, 4))
    assert cal.is_working_day(D(2027, 10, 8))
    assert cal.unknown_years(D(2026, 12, 20), D(2027, 1, 10)) == []


def test_a_library_year_can_be_withdrawn():
    # As if the library did not know 2026: plain Mon–Fri, flagged unknown.
    cal = WorkCalendar(official_years=())
    assert cal.source_for_year(2026) is YearSource.WEEKDAYS_ONLY
    assert cal.is_working_day(D(2026, 10, 1))
    assert not cal.is_working_day(D(2026, 10, 10))
    assert cal.years_covered() == frozenset()


def test_results_are_stable_across_calls():
    # The per-year cache must not change answers.
    cal = WorkCalendar()
    first = [cal.is_working_day(d) for d in _days(D(2026, 1, 1), D(2026, 12, 31))]
    second = [cal.is_working_day(d) for d in _days(D(2026, 1, 1), D(2026, 12, 31))]
    assert first == second


def test_the_year_after_the_last_notice_is_unknown_by_default():
    cal = WorkCalendar()
    after = max(library_official_years()) + 1
    assert cal.source_for_year(after) is YearSource.WEEKDAYS_ONLY
    assert cal.source_for_year(2000) is YearSource.WEEKDAYS_ONLY
