"""Working-day arithmetic for the deadlines the measures set in working days.

Articles 6–8, 16, 19 and 23 give departments 10 or 15 *working* days (工作日) to
report, answer or fix something. Chinese working days are not simply Monday to
Friday: statutory holidays are off and some weekends are make-up working days
(调休). :class:`~ckanext.cqgov.workdays.calendar.WorkCalendar` is the one place
that knows which days count; everything that computes or shows a deadline asks
it. This package is pure Python and imports nothing from CKAN.
"""

from __future__ import annotations

from ckanext.cqgov.workdays.calendar import (
    SHANGHAI,
    WorkCalendar,
    YearSource,
    library_official_years,
)

__all__ = ["SHANGHAI", "WorkCalendar", "YearSource", "library_official_years"]
