"""Dense and activation conformance, and the frameworks' documented default leaky_relu slopes."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from packaging.specifiers import SpecifierSet
from packaging.version import Version

import reference

from .check import check_case
from .known.defaults import LEAKY_RELU_DEFAULT_SLOPES, DefaultSlope
from .plugin import selected_targets
from .strategies import cases_for

DENSE_OPS = ["dense", "relu", "leaky_relu", "sigmoid", "tanh"]


def _conformance_test(op: str):
    @pytest.mark.op(op)
    @given(data=st.data())
    def test(target, data):
        case = data.draw(cases_for(op, target.capabilities(op)), label="case")
        check_case(target, case)

    test.__name__ = f"test_{op}"
    test.__doc__ = f"{op} on the target equals reference.{op} (or its registered divergence)."
    return test


for _op in DENSE_OPS:
    globals()[f"test_{_op}"] = _conformance_test(_op)


@pytest.mark.parametrize("default", [pytest.param(d, id=d.api, marks=getattr(pytest.mark, d.target))
                                     for d in LEAKY_RELU_DEFAULT_SLOPES])
def test_leaky_relu_default_slope(default: DefaultSlope, request):
    """Each framework's default negative slope is the documented one (the suite always passes it)."""
    targets = [t for t in selected_targets(request.config) if t.name == default.target]
    if not targets or targets[0].missing_reason():
        pytest.skip(f"target {default.target} is not selected or not installed")
    target = targets[0]
    versions = target.versions()
    for package, spec in default.requires.items():
        if package not in versions or Version(versions[package].split("+")[0]) not in SpecifierSet(spec):
            pytest.skip(f"{default.api} needs {package} {spec}; {target.label} has {versions}")
    x = np.array([-4.0, -1.0, -0.5, 0.0, 0.5, 3.0], dtype=np.float32)
    outcome = target.run_program(default.program, {"x": x})
    assert outcome.kind == "ok", f"{default.api} on {target.label} {outcome.describe()}\n\n{default.program}"
    actual = np.asarray(outcome.values["actual"])
    expected = reference.leaky_relu(x, negative_slope=default.slope)
    measured = (actual[x < 0].astype(np.float64) / x[x < 0]).tolist()
    assert actual.dtype == x.dtype and np.array_equal(actual, expected), (
        f"{default.api} on {target.label}: documented default negative slope {default.slope} "
        f"({default.documented}), measured {measured}\n  x        = {x.tolist()}\n"
        f"  expected = {expected.tolist()}\n  actual   = {actual.tolist()}\n\n  program:\n"
        + "\n".join("    " + line for line in default.program.rstrip().split("\n")))
