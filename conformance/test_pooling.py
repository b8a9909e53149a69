"""Pooling conformance: every selected target against the reference, on hypothesis-drawn cases."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from .check import check_case
from .strategies import cases_for

POOL_OPS = ["max_pool", "avg_pool", "lp_pool", "sum_pool", "adaptive_max_pool", "adaptive_avg_pool",
            "global_max_pool", "global_avg_pool", "zero_pad"]


def _conformance_test(op: str):
    @pytest.mark.op(op)
    @given(data=st.data())
    def test(target, data):
        case = data.draw(cases_for(op, target.capabilities(op)), label="case")
        check_case(target, case)

    test.__name__ = f"test_{op}"
    test.__doc__ = f"{op} on the target equals reference.{op} (or its registered divergence)."
    return test


for _op in POOL_OPS:
    globals()[f"test_{_op}"] = _conformance_test(_op)
