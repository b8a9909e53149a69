"""Conv conformance: conv (and im2col, where a target has it) against the reference, on drawn cases."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from .check import check_case
from .strategies import cases_for

CONV_OPS = ["conv", "im2col"]


def _conformance_test(op: str):
    @pytest.mark.op(op)
    @given(data=st.data())
    def test(target, data):
        case = data.draw(cases_for(op, target.capabilities(op)), label="case")
        check_case(target, case)

    test.__name__ = f"test_{op}"
    test.__doc__ = f"{op} on the target equals reference.{op} (or its registered divergence)."
    return test


for _op in CONV_OPS:
    globals()[f"test_{_op}"] = _conformance_test(_op)
