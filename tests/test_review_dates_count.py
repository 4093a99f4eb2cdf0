"""The caseload report's review dates: how many distinct dates, and the first and last, are
counted in a few bytes a date (DistinctDates), and must say what a set of the dates as text
says, whatever the offsets, seconds and fractions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from protograph.cases.synthetic import caseload
from protograph.reports.explain import DistinctDates, ReviewDates

MOMENTS = st.builds(
    lambda local, minutes, fraction: local.replace(microsecond=fraction, tzinfo=timezone(timedelta(minutes=minutes))),
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 12, 31)).map(
        lambda d: d.replace(microsecond=0)
    ),
    st.sampled_from([0, 60, -300, 330, 345, -570, 840, -720]),
    st.sampled_from([0, 0, 0, 500_000]),
)


def _as_text(moments):
    texts = {m.isoformat() for m in moments}
    return len(texts), min(texts), max(texts)


@settings(max_examples=60, deadline=None)
@given(st.lists(MOMENTS, min_size=1, max_size=300))
def test_distinct_dates_say_what_a_set_of_their_texts_says(moments):
    dates = DistinctDates()
    dates._BUFFER = 7  # fold often: the merge of sorted runs is what is tested
    for moment in moments + moments[: len(moments) // 2]:  # repeats counted once
        dates.add(moment)
    assert (len(dates), dates.first, dates.last) == _as_text(moments)


def test_one_moment_at_two_offsets_is_two_dates_as_written():
    dates = DistinctDates()
    moment = datetime(2024, 5, 13, 9, 30, tzinfo=UTC)
    dates.add(moment)
    dates.add(moment.astimezone(timezone(timedelta(hours=1))))
    dates.add(moment)
    assert len(dates) == 2


def test_review_summary_of_a_generated_caseload_counts_each_distinct_date():
    cases = caseload(3000, seed=11)
    review = ReviewDates()
    review.add(cases)
    (row,) = review.summary()
    count, first, last = _as_text([c.as_of for c in cases])
    assert count > 2000  # nearly every case has its own review date: the count is exercised
    assert row["as_of"] == f"{first} to {last} ({count} dates)"
    assert row["cases"] == 3000


def test_every_case_row_of_a_json_report_waits_in_a_file_not_in_memory_and_comes_back_by_id():
    cases = caseload(500, seed=12)
    in_order = ReviewDates(every_row=True)
    for begin in range(0, 500, 64):  # chunks in id order, as a CSV caseload gives them
        in_order.add(cases[begin : begin + 64])
    assert in_order._rows == []  # every row went to the temporary file
    expected = [{"case": c.id, "as_of": c.as_of.isoformat(), "as_of_source": c.review_date_source} for c in cases]
    assert in_order.rows() == expected
    shuffled = ReviewDates(every_row=True)
    shuffled.add(cases[250:] + cases[:250])  # case files in another order: the late-comers are held
    assert 0 < len(shuffled._rows) < 500
    assert shuffled.rows() == expected
    in_order.close()
    shuffled.close()
