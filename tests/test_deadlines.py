"""Due times: computed in Python, working days on the England and Wales calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from protograph.checking.deadlines import UK, add_duration, add_working_days, is_working_day

UTC = UTC


def test_bank_holidays_and_weekends_are_not_working_days():
    assert not is_working_day(date(2024, 3, 29))  # Good Friday
    assert not is_working_day(date(2024, 4, 1))  # Easter Monday
    assert not is_working_day(date(2024, 3, 30))  # Saturday
    assert is_working_day(date(2024, 4, 2))


def test_seven_working_days_across_easter_end_on_the_seventh_working_day():
    # Referral Thursday 28 March 2024: Good Friday, the weekend and Easter Monday are skipped.
    due = add_working_days(datetime(2024, 3, 28, 10, 0, tzinfo=UTC), 7)
    assert due == datetime(2024, 4, 10, 23, 59, 59, tzinfo=UK)


def test_working_days_count_from_the_uk_date_of_the_trigger():
    # 23:30 UTC on Sunday 31 March 2024 is already Monday 1 April in UK summer time (a bank holiday).
    due = add_working_days(datetime(2024, 3, 31, 23, 30, tzinfo=UTC), 1)
    assert due.date() == date(2024, 4, 2)


def test_hours_are_elapsed_time_whatever_the_offset():
    start = datetime(2024, 3, 30, 12, 0, tzinfo=timezone(timedelta(hours=-5)))
    assert add_duration(start, "PT48H", False) - start == timedelta(hours=48)


def test_calendar_days_months_and_half_hours():
    start = datetime(2024, 1, 31, 9, 0, tzinfo=UTC)
    assert add_duration(start, "P30D", False) == datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
    assert add_duration(start, "P1M", False) == datetime(2024, 2, 29, 9, 0, tzinfo=UTC)
    assert add_duration(start, "PT30M", False) == datetime(2024, 1, 31, 9, 30, tzinfo=UTC)
