"""The adaptive split's decisions, without I/O: which records of a page are a part's, and when a page's
density pays for cutting the rest of its part into new sub-queries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from genesys_cloud_audit import export_audits
from genesys_cloud_audit.errors import DecodingError, PagingError
from genesys_cloud_audit.workflows._adaptive import AutoSplit, records_inside
from genesys_cloud_audit.workflows._query_args import interval_bounds

from tests.support.clients import make_client
from tests.support.scripted_server import ScriptedServer, json_response

START = datetime(2026, 10, 1, tzinfo=UTC)
DAY = f"{START:%Y-%m-%dT%H:%M:%S.000Z}/{START + timedelta(days=1):%Y-%m-%dT%H:%M:%S.000Z}"


def at(*minutes: float) -> list[datetime | None]:
    return [START + timedelta(minutes=m) for m in minutes]


class Plan:
    """A plan of `count` parts that records the cuts it is given."""

    def __init__(self, count: int = 1) -> None:
        self.count = count
        self.cuts: list[tuple[int, str, list[str]]] = []

    def cut(self, index: int, kept: str, new: list[str]) -> list[int]:
        self.cuts.append((index, kept, list(new)))
        added = list(range(self.count, self.count + len(new)))
        self.count += len(new)
        return added


def splitter(concurrency: int = 8, cap: int = 100, busy: int = 1, plan: Plan | None = None) -> AutoSplit:
    return AutoSplit(plan or Plan(), concurrency, cap, busy=lambda: busy, on_cut=lambda added: None)


def seen(split: AutoSplit, dates: list[datetime | None], interval: str = DAY, descending: bool = False) -> AutoSplit:
    """`split` after part 0 read `dates` as its first page of `interval` (not its last)."""
    split.evidence.page(0, interval_bounds(interval)[1 if descending else 0], dates, None)  # type: ignore[arg-type]
    return split


def test_records_inside_the_part_are_a_prefix() -> None:
    assert records_inside(at(1, 2, 3), DAY, descending=False) == 3
    assert records_inside(at(1, 2, 1440, 1441), DAY, descending=False) == 2  # the end is exclusive
    assert records_inside(at(1440, 1441), DAY, descending=False) == 0
    assert records_inside(at(3, 2, -1), DAY, descending=True) == 2  # before the start, for a descending sort
    assert records_inside([], DAY, descending=False) == 0


def test_a_broken_sort_or_a_record_without_a_date_stops_the_export() -> None:
    with pytest.raises(PagingError, match="ascending eventDate order"):
        records_inside(at(1, 1500, 2, 1501), DAY, descending=False)
    with pytest.raises(PagingError, match="descending eventDate order"):
        records_inside(at(3, 2, 1), DAY, descending=True, after=at(2)[0])  # out of order across pages
    with pytest.raises(PagingError, match="ascending eventDate order"):
        records_inside(at(5, 4, 3), DAY, descending=False)  # a server ignoring the sort asked for
    assert records_inside(at(2, 2, 3), DAY, descending=False, after=at(2)[0]) == 3  # equal dates are in order
    with pytest.raises(DecodingError, match="eventDate"):
        records_inside([*at(1), None, *at(3)], DAY, descending=False)


def test_a_page_covering_little_time_cuts_the_rest_into_equal_spans() -> None:
    # 500 records in the first ~14.4 minutes of a day: ~99 pages to come; a new query of 3 requests pays
    # for itself over 20 pages, so 4 pieces: the part keeps reading its own query through the first.
    page = at(*[i * 14.4 / 499 for i in range(500)])
    cut = seen(splitter(), page).consider(DAY, page, 500, descending=False)  # type: ignore[arg-type]
    assert cut is not None and len(cut.new) == 3
    kept_end = cut.kept.split("/")[1]
    assert cut.kept.startswith("2026-10-01T00:00:00.000Z/") and kept_end > "2026-10-01T00:14:24.000Z"
    assert cut.new[0].startswith(kept_end + "/") and cut.new[-1].endswith("/2026-10-02T00:00:00.000Z")
    assert all(a.split("/")[1] == b.split("/")[0] for a, b in zip(cut.new, cut.new[1:], strict=False))
    assert records_inside(page, cut.kept, descending=False) == 500  # the page is the kept part's


def test_no_cut_when_it_would_not_pay_or_no_worker_is_free() -> None:
    dense = at(*[i * 14.4 / 499 for i in range(500)])
    sparse = at(*[i * 1000 / 499 for i in range(500)])  # the page covers most of the day
    assert seen(splitter(), sparse).consider(DAY, sparse, 500, descending=False) is None  # type: ignore[arg-type]
    assert seen(splitter(busy=8), dense).consider(DAY, dense, 500, descending=False) is None  # type: ignore[arg-type]
    assert seen(splitter(cap=1), dense).consider(DAY, dense, 500, descending=False) is None  # type: ignore[arg-type]
    assert seen(splitter(), at(0, 0)).consider(DAY, at(0, 0), 500, descending=False) is None  # type: ignore[arg-type]


def test_a_measured_query_cost_sets_how_many_new_queries_pay() -> None:
    dense = at(*[i * 14.4 / 499 for i in range(500)])
    costly = seen(splitter(), dense)
    costly.measured(7)  # a query that took 7 requests (6 polls) to be ready: 40 pages to pay for itself
    cut = costly.consider(DAY, dense, 500, descending=False)  # type: ignore[arg-type]
    assert cut is not None and len(cut.new) == 1  # int(99 / 40) pieces: the kept one and one new
    costly.measured(13)  # now 10 requests on average: 55 pages each, so no cut
    assert costly.consider(DAY, dense, 500, descending=False) is None  # type: ignore[arg-type]


def test_empty_stretches_shown_lower_the_estimate_everywhere() -> None:
    """A dense page alone would pay for cuts; a part that came back empty over most of the day shows the
    records are not spread evenly, and the same page no longer cuts (the new queries would find little)."""
    dense = at(*[i * 14.4 / 499 for i in range(500)])
    split = seen(splitter(), dense)
    assert split.consider(DAY, dense, 500, descending=False) is not None  # type: ignore[arg-type]
    split.evidence.page(1, START + timedelta(hours=1), [], START + timedelta(hours=23))  # 22 hours, no record
    assert split.consider(DAY, dense, 500, descending=False) is None  # type: ignore[arg-type]


def test_the_first_records_far_past_a_part_s_start_count_as_shown_empty() -> None:
    """A part whose first page starts late shows the stretch before its first record was empty."""
    late = at(*[1200 + i * 14.4 / 499 for i in range(500)])
    split = splitter()
    split.after_page(0, DAY, late, fresh=True, ends=False, descending=False, page_size=500)  # type: ignore[arg-type]
    # 500 records over 1214 minutes: the 226 minutes left hold under a page; nothing is cut.
    assert split.evidence.density() == pytest.approx(500 / (1214.4 * 60))
    plan = Plan()
    dense = splitter(plan=plan)
    dense.after_page(
        0,
        DAY,
        at(*[i * 14.4 / 499 for i in range(500)]),
        fresh=True,
        ends=False,  # type: ignore[arg-type]
        descending=False,
        page_size=500,
    )
    assert len(plan.cuts) == 1 and plan.cuts[0][0] == 0


def test_a_descending_cut_keeps_the_latest_records_and_hands_out_the_rest_latest_first() -> None:
    page = at(*[1440 - 0.001 - i * 14.4 / 499 for i in range(500)])
    cut = seen(splitter(), page, descending=True).consider(DAY, page, 500, descending=True)  # type: ignore[arg-type]
    assert cut is not None and cut.kept.endswith("/2026-10-02T00:00:00.000Z")
    boundary = cut.kept.split("/")[0]
    assert cut.new[0].endswith(f"/{boundary}") and cut.new[-1].startswith("2026-10-01T00:00:00.000Z/")
    assert records_inside(page, cut.kept, descending=True) == 500  # the page is the kept part's


def _page(dates: list[str], cursor: str | None) -> dict[str, object]:
    entities = [{"id": f"r{i}", "eventDate": date} for i, date in enumerate(dates)]
    return {"id": "tx", "pageSize": 3, "entities": entities, **({"cursor": cursor} if cursor else {})}


@pytest.mark.parametrize(
    ("pages", "error"),
    [
        ([["2026-10-01T00:03:00Z", "2026-10-01T00:02:00Z", "2026-10-01T00:01:00Z"]], PagingError),  # sort ignored
        ([["2026-10-01T00:01:00Z", "2026-10-01T00:02:00Z"], ["2026-10-01T00:00:30Z"]], PagingError),  # across pages
    ],
)
def test_a_server_breaking_the_sort_stops_an_adaptive_export_before_its_records(
    pages: list[list[str]], error: type[Exception]
) -> None:
    with ScriptedServer() as server:
        created = json_response(200, {"id": "tx", "state": "Succeeded", "interval": DAY})
        server.enqueue("POST", "/api/v2/audits/query", created)
        answers = [
            json_response(200, _page(dates, "c" if n + 1 < len(pages) else None)) for n, dates in enumerate(pages)
        ]
        server.enqueue("GET", "/api/v2/audits/query/tx/results", *answers)
        # concurrency=1: the dense first page would otherwise be cut into more (unscripted) queries
        with make_client(server) as client, export_audits(client, interval=DAY, page_size=3, concurrency=1) as export:
            got: list[str] = []
            with pytest.raises(error, match="eventDate order"):
                got.extend(str(record.id) for record in export)
        assert got == ([] if len(pages) == 1 else ["r0", "r1"])  # the first page was in order: handed out
        assert export.checkpoint().records_read == len(got) and not export.checkpoint().done
        assert next(r.json() for r in server.requests_to("/api/v2/audits/query", "POST"))["sort"] == [
            {"name": "Timestamp", "sortOrder": "ascending"}
        ]


LAST = "9999-12-31T23:59:59.999Z"


@pytest.mark.parametrize("descending", [False, True])
def test_cuts_near_the_last_instant_there_is_stay_inside_it(descending: bool) -> None:
    """An interval ending at 9999-12-31T23:59:59.999Z: cutting it never steps past the end (OverflowError)."""
    end = datetime(9999, 12, 31, 23, 59, 59, 999000, tzinfo=UTC)
    part = f"9999-12-31T00:00:00.000Z/{LAST}"
    minutes = [1439.99 - i * 0.03 for i in range(500)] if descending else [i * 0.03 for i in range(500)]
    page = [end.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(minutes=m) for m in minutes]
    cut = seen(splitter(), page, part, descending).consider(part, page, 500, descending=descending)
    assert cut is not None
    assert all(interval.endswith(LAST) or LAST not in interval for interval in [cut.kept, *cut.new])
    latest = [end - timedelta(microseconds=i) for i in range(500)]  # the last instants there are
    # 500 records in half a millisecond: far too short a time to extrapolate a whole day from.
    assert seen(splitter(), latest, part, True).consider(part, latest, 500, descending=True) is None
    one_ms = [end - timedelta(milliseconds=1)] * 500  # every record in the last millisecond inside: no rest
    assert seen(splitter(), one_ms, part).consider(part, one_ms, 500, descending=False) is None


def test_a_part_cut_once_reads_a_query_s_worth_of_pages_before_it_is_cut_again() -> None:
    """The pages after a cut must show the kept piece is as dense as estimated before it is weighed for
    another cut (a burst ending soon after a cut would otherwise have its empty rest cut into empty queries)."""
    plan = Plan()
    split = splitter(busy=1, plan=plan)
    weighed: list[str] = []
    consider = split.consider

    def counting(interval: str, dates: Any, page_size: int, descending: bool, shown: float | None = None) -> Any:
        weighed.append(interval)
        return consider(interval, dates, page_size, descending, shown)

    split.consider = counting  # type: ignore[method-assign]

    def page(n: int) -> list[datetime]:
        return at(*[15 * n + i * 15 / 500 for i in range(500)])  # 500 records in 15 minutes

    split.after_page(0, DAY, page(0), fresh=True, ends=False, descending=False, page_size=500)
    assert len(plan.cuts) == 1 and len(weighed) == 1
    kept = plan.cuts[0][1]
    for n in range(1, 16):  # 15 pages: under the 16 a new query must take over (3 requests + 1, at 25%)
        split.after_page(0, kept, page(n), fresh=False, ends=False, descending=False, page_size=500)
    assert len(weighed) == 1
    split.after_page(0, kept, page(16), fresh=False, ends=False, descending=False, page_size=500)
    assert len(weighed) == 2  # weighed again (the budget spent on the first cut decides)


def test_the_first_cut_waits_until_the_time_shown_is_long_enough_to_extrapolate_from() -> None:
    """A burst at the very start of an interval (an automation's bulk change: 500 records in a second) shows
    too short a time to extrapolate a day from: no cut, whatever its density; 15 minutes' worth is enough."""
    burst = at(*[i / 60 / 500 for i in range(500)])
    assert seen(splitter(), burst).consider(DAY, burst, 500, descending=False) is None  # type: ignore[arg-type]
    quarter = at(*[i * 15 / 500 for i in range(500)])
    assert seen(splitter(), quarter).consider(DAY, quarter, 500, descending=False) is not None  # type: ignore[arg-type]


def test_a_part_cut_once_extrapolates_only_from_what_it_showed_since() -> None:
    """After a cut, the piece a part kept is weighed by what it showed since: pages of a burst in under an
    hour do not say how its next months look (records of a year in bursts would be cut into empty queries)."""
    year = "2026-10-01T00:00:00.000Z/2027-10-01T00:00:00.000Z"
    burst = at(*[i * 3 / 500 for i in range(500)])  # 500 records in 3 minutes
    assert seen(splitter(), burst, year).consider(year, burst, 500, descending=False, shown=50 * 60) is None  # type: ignore[arg-type]
    weeks = 21 * 86_400  # the same page after three weeks shown at that density would be cut
    assert seen(splitter(), burst, year).consider(year, burst, 500, descending=False, shown=weeks) is not None  # type: ignore[arg-type]
