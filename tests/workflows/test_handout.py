"""The hand-out machine (workflows/_handout.py) and the running plan it moves (_running_plan.py), fed by
hand: hand-out order, positions, checkpoint, cuts."""

from __future__ import annotations

import pytest
from genesys_cloud_audit import ExportCheckpoint, PartCheckpoint
from genesys_cloud_audit._core._paging import Page
from genesys_cloud_audit.workflows._handout import Failure, HandOut, HandOutMachine, PageItem, PartEnd

A = "2026-10-01T00:00:00.000Z/2026-10-02T00:00:00.000Z"
B = "2026-10-02T00:00:00.000Z/2026-10-03T00:00:00.000Z"


def item(
    part: int, records: list[int], cursor: str | None, following: str | None, first: int = 0, *, settled: bool = True
) -> PageItem[int]:
    page = Page(response=None, items=records, number=1, last=following is None, cursor=cursor, next_cursor=following)
    return PageItem(part, f"tx-{part}", page, first, settled)


def state(*parts: PartCheckpoint, ordered: bool = True) -> HandOutMachine[int]:
    return HandOutMachine[int](ExportCheckpoint({"serviceName": "Routing"}, parts), ordered=ordered)


def records(machine: HandOutMachine[int], limit: int | None) -> list[int] | None:
    out = machine.hand_out(limit)
    return None if out is None else out.records()


def test_records_come_out_one_at_a_time_and_the_position_follows() -> None:
    machine = state(PartCheckpoint(A))
    assert machine.source() == 0 and machine.hand_out(1) is None
    machine.receive(item(0, [1, 2, 3], None, "c2"))
    assert records(machine, 1) == [1]
    assert machine.checkpoint().parts[0] == PartCheckpoint(A, "tx-0", None, 1, 1, False)
    assert records(machine, None) == [2, 3]
    assert machine.checkpoint().parts[0] == PartCheckpoint(A, "tx-0", "c2", 0, 3, False)
    assert machine.hand_out(1) is None
    machine.receive(item(0, [4], "c2", None))
    assert records(machine, 5) == [4]
    assert machine.plan.done and not machine.finished  # every record is out; the end is still to come
    machine.receive(PartEnd(0))
    assert machine.finished and machine.pages_read == 2 and machine.plan.records_read == 4


def test_a_whole_page_is_handed_out_as_it_was_received() -> None:
    machine = state(PartCheckpoint(A))
    received = item(0, [1, 2], None, None)
    machine.receive(received)
    assert machine.hand_out(None) == HandOut(received, 0, 2)
    assert received.between(0, 2) is received.records  # the page's own list, not a copy


def test_positions_count_from_where_the_page_started() -> None:
    machine = state(PartCheckpoint(A, "tx-0", "c5", skip=2, records_read=12))
    machine.receive(item(0, [13, 14, 15], "c5", "c6", first=2))
    machine.hand_out(2)
    assert machine.checkpoint().parts[0] == PartCheckpoint(A, "tx-0", "c5", 4, 14, False)


def test_an_empty_page_moves_the_position_without_handing_anything_out() -> None:
    machine = state(PartCheckpoint(A, "tx-old", "c1", records_read=7))
    machine.receive(item(0, [], "c1", "c2"))
    assert machine.hand_out(None) is None
    assert machine.checkpoint().parts[0] == PartCheckpoint(A, "tx-0", "c2", 0, 7, False)


def test_ordered_exports_read_each_part_in_turn_and_skip_finished_ones() -> None:
    machine = state(PartCheckpoint(A, "tx-0", done=True, records_read=3), PartCheckpoint(B), PartCheckpoint(B))
    assert machine.plan.pending() == [1, 2] and machine.source() == 1 and machine.head() == 1
    machine.receive(PartEnd(1))
    assert machine.source() == 2
    machine.receive(PartEnd(2))
    assert machine.finished and machine.plan.done


def test_unordered_exports_read_one_shared_source_until_every_part_ended() -> None:
    machine = state(PartCheckpoint(A), PartCheckpoint(B), ordered=False)
    assert machine.source() is None
    machine.receive(item(1, [10], None, None))
    machine.receive(PartEnd(1))
    assert not machine.finished
    assert records(machine, None) == [10]
    machine.receive(PartEnd(0))
    assert machine.finished


def test_a_failure_is_raised_when_it_is_reached() -> None:
    machine = state(PartCheckpoint(A))
    with pytest.raises(ConnectionError, match="gone"):
        machine.receive(Failure(ConnectionError("gone")))


def test_a_rerun_id_is_saved_with_its_first_records() -> None:
    machine = state(PartCheckpoint(A, "tx-old", "c3", records_read=30), PartCheckpoint(B))
    machine.plan.set_transaction(0, "tx-new")
    machine.plan.set_transaction(1, "tx-1")
    assert [machine.plan.transaction_id(i) for i in (0, 1)] == ["tx-new", "tx-1"]
    assert [p.transaction_id for p in machine.checkpoint().parts] == ["tx-old", "tx-1"]


def test_a_query_created_to_run_again_is_saved_only_with_its_first_records() -> None:
    machine = state(PartCheckpoint(A, records_read=30))  # no query, 30 records to skip when it is run
    machine.plan.set_transaction(0, "tx-new")
    assert machine.checkpoint().parts[0].transaction_id is None and machine.plan.transaction_id(0) == "tx-new"
    machine.receive(item(0, [], None, "c1"))  # a page whose records were all dropped, the last to drop
    assert machine.checkpoint().parts[0] == PartCheckpoint(A, "tx-0", "c1", 0, 30, False)


def test_a_page_dropped_while_more_remain_to_drop_moves_nothing() -> None:
    machine = state(PartCheckpoint(A, records_read=250))  # no query; 250 records to drop when it is run
    machine.plan.set_transaction(0, "tx-new")
    machine.receive(item(0, [], None, "c1", first=100, settled=False))  # 100 dropped, 150 to go
    machine.receive(item(0, [], "c1", "c2", first=100, settled=False))  # 200 dropped, 50 to go
    assert machine.checkpoint().parts[0] == PartCheckpoint(A, None, None, 0, 250, False)
    machine.receive(item(0, [251, 252], "c2", "c3", first=50))  # 50 dropped, then the first new records
    assert records(machine, 1) == [251]
    assert machine.checkpoint().parts[0] == PartCheckpoint(A, "tx-0", "c2", 51, 251, False)


def test_progress_counts_parts_and_records() -> None:
    machine = state(PartCheckpoint(A, "t", done=True, records_read=5), PartCheckpoint(B), PartCheckpoint(B))
    machine.plan.start(1)
    progress = machine.progress
    assert (progress.waiting, progress.running, progress.done, progress.records) == (1, 1, 1, 5)
    assert machine.plan.request(1).to_dict() == {"interval": B, "serviceName": "Routing"}


def test_a_cut_inserts_its_sub_queries_right_after_the_part_cut_in_hand_out_order() -> None:
    machine = state(PartCheckpoint(A), PartCheckpoint(B))
    assert machine.head() == 0
    added = machine.plan.cut(0, A, ["x/1", "x/2"])  # (intervals are the plan's business, not checked here)
    assert added == [2, 3] and machine.plan.sequence() == [0, 2, 3, 1]
    assert machine.order_through(3) == [0, 2, 3] and machine.plan.ranks() == {0: 0, 2: 1, 3: 2, 1: 3}
    machine.receive(PartEnd(0))
    assert machine.head() == 2 and not machine.finished
    for part in (2, 3, 1):
        machine.receive(PartEnd(part))
    assert machine.finished
