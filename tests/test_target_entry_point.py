"""A target shipped by another package, through the entry point group `conformance.targets`, runs like a
built-in one: it is listed, selectable, and its cases go through the one check path."""

from __future__ import annotations

import importlib.metadata

import numpy as np
import pytest

from conformance.cases import Case
from conformance.check import check_case
from conformance.targets import ENTRY_POINT_GROUP, all_targets


@pytest.fixture(autouse=True)
def own_ledger(monkeypatch):
    """These checks are about the plumbing, not a framework: keep them out of the run's ledger."""
    import copy

    from conformance import check

    monkeypatch.setattr(check, "LEDGER", copy.deepcopy(check.LEDGER))


@pytest.fixture
def registered(monkeypatch):
    entry = importlib.metadata.EntryPoint("numpy-relu", "tests.relu_target:target", ENTRY_POINT_GROUP)
    real = importlib.metadata.entry_points

    def entry_points(**params):
        if params.get("group") == ENTRY_POINT_GROUP:
            return importlib.metadata.EntryPoints([entry])
        return real(**params)

    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)


def test_an_entry_point_target_is_listed_and_checked(registered):
    found = [t for t in all_targets() if t.name == "numpy-relu"]
    assert len(found) == 1
    target = found[0]
    assert target.capabilities("relu") is not None and target.capabilities("max_pool") is None
    case = Case("relu", np.array([[-1.0, 0.0, 2.5]], np.float32))
    assert check_case(target, case) == "passed"
    assert "float64" in (target.unsupported(case.replace(x=case.x.astype(np.float64))) or "")


def test_an_entry_point_target_that_departs_from_the_spec_fails():
    from tests.relu_target import broken_target

    with pytest.raises(
        AssertionError, match=r"(?s)relu on numpy-relu .* does not conform.*expected 0, got -1"
    ):
        check_case(broken_target(), Case("relu", np.array([[-1.0, 2.0]], np.float32)))
