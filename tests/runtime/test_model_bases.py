"""The models' base classes (runtime/core/_models.py): unknown fields kept outside the Struct's fields
take part in equality, copies, pickling and repr; map models behave as mappings of their values."""

from __future__ import annotations

import copy
import json
import pickle
from datetime import UTC, datetime

import msgspec
import pytest
from genesys_cloud_audit._core._decoding import _decoder
from genesys_cloud_audit.models import (
    AuditLogMessage,
    AuditLogMessageContext,
    AuditQueryExecutionResultsResponse,
    DomainEntityRef,
)

from emulator.data import AuditDataset


def with_extra(**extra: object) -> DomainEntityRef:
    ref = DomainEntityRef(id="u-1", name="Ada")
    ref.additional_properties.update(extra)
    return ref


def test_unknown_fields_take_part_in_equality() -> None:
    assert with_extra() == DomainEntityRef(id="u-1", name="Ada")
    assert with_extra(tier="gold") != DomainEntityRef(id="u-1", name="Ada")
    assert with_extra(tier="gold") == with_extra(tier="gold")
    assert with_extra() != DomainEntityRef(id="u-2", name="Ada")
    assert DomainEntityRef() != AuditLogMessage()


@pytest.mark.parametrize(
    "clone", [copy.copy, copy.deepcopy, lambda m: pickle.loads(pickle.dumps(m))], ids=["copy", "deepcopy", "pickle"]
)
def test_copies_keep_unknown_fields(clone: object) -> None:
    original = with_extra(tier={"level": 1})
    copied = clone(original)  # type: ignore[operator]
    assert copied == original and copied is not original
    assert copied["tier"] == {"level": 1}
    if clone is copy.deepcopy:
        assert copied["tier"] is not original["tier"]


def test_repr_shows_unknown_fields_only_when_there_are_some() -> None:
    assert repr(DomainEntityRef(id="u")) == "DomainEntityRef(id='u', name=UNSET, self_uri=UNSET)"
    assert repr(with_extra(tier=1)).endswith("additional_properties={'tier': 1})")


def test_the_mapping_methods_reach_the_unknown_fields() -> None:
    ref = DomainEntityRef(id="u")
    ref["tier"] = "gold"
    assert "tier" in ref and ref["tier"] == "gold" and ref.additional_keys == ["tier"]
    del ref["tier"]
    assert "tier" not in ref and ref.to_dict() == {"id": "u"}


def test_replace_keeps_the_fields_and_builds_a_new_model() -> None:
    ref = DomainEntityRef(id="u", name="Ada")
    assert msgspec.structs.replace(ref, name="Grace") == DomainEntityRef(id="u", name="Grace")


def test_a_map_model_is_a_mapping_of_its_values() -> None:
    context = AuditLogMessageContext.from_dict({"divisionId": "d-1", "gone": None})
    assert dict(context.additional_properties) == {"divisionId": "d-1"}
    assert list(context) == ["divisionId"] and len(context) == 1 and context["divisionId"] == "d-1"
    assert context == AuditLogMessageContext.from_dict({"divisionId": "d-1"})
    assert context != AuditLogMessageContext()
    assert repr(context) == "AuditLogMessageContext(additional_properties={'divisionId': 'd-1'})"
    with pytest.raises(TypeError):
        hash(context)


def test_map_models_copy_what_they_are_given() -> None:
    source = {"divisionId": "d-1"}
    context = AuditLogMessageContext.from_dict(source)
    source["divisionId"] = "changed"
    assert context["divisionId"] == "d-1"


@pytest.mark.parametrize("expand_user", [False, True])
def test_every_record_the_emulator_makes_takes_the_fast_path(expand_user: bool) -> None:
    """The emulator writes records as the spec describes them: they must never need the lenient path."""
    dataset = AuditDataset(
        seed=7, count=3000, start=datetime(2026, 1, 1, tzinfo=UTC), end=datetime(2026, 2, 1, tzinfo=UTC)
    )
    records = list(dataset.records(range(3000), expand_user=expand_user))
    body = json.dumps({"id": "t", "pageSize": 3000, "cursor": "c", "entities": records}).encode()
    decoder = _decoder(AuditQueryExecutionResultsResponse)
    assert decoder is not None
    fast = decoder.decode(body)
    assert fast == AuditQueryExecutionResultsResponse.from_dict(json.loads(body))
    assert [record.to_dict() for record in fast.entities] == records
