"""Dense and activation conformance, and the frameworks' documented default leaky_relu slopes."""

from __future__ import annotations

import numpy as np
import pytest

import reference

from .check import conformance_tests
from .divergences import versions_satisfy
from .known.defaults import LEAKY_RELU_DEFAULT_SLOPES, DefaultSlope
from .plugin import selected_targets
from .targets import Call

globals().update(conformance_tests("dense", "activation"))  # test_dense, test_relu, ... from the op table


@pytest.mark.parametrize(
    "default",
    [pytest.param(d, id=d.api, marks=getattr(pytest.mark, d.target)) for d in LEAKY_RELU_DEFAULT_SLOPES],
)
def test_leaky_relu_default_slope(default: DefaultSlope, request):
    """Each framework's default negative slope is the documented one (the suite always passes it)."""
    targets = [t for t in selected_targets(request.config) if t.name == default.target]
    if not targets or targets[0].missing_reason():
        pytest.skip(f"target {default.target} is not selected or not installed")
    target = targets[0]
    versions = target.versions()
    if not versions_satisfy(versions, default.requires):
        pytest.skip(f"{default.api} needs {default.requires}; {target.label} has {versions}")
    x = np.array([-4.0, -1.0, -0.5, 0.0, 0.5, 3.0], dtype=np.float32)
    call = Call(default.call, {})
    outcome = target.run_call(call, {"x": x})
    assert outcome.kind == "ok", f"{default.api} on {target.label} {outcome.describe()}\n\n{call.source()}"
    actual = np.asarray(outcome.values["actual"])
    expected = reference.leaky_relu(x, negative_slope=default.slope)
    measured = (actual[x < 0].astype(np.float64) / x[x < 0]).tolist()
    assert actual.dtype == x.dtype and np.array_equal(actual, expected), (
        f"{default.api} on {target.label}: documented default negative slope {default.slope} "
        f"({default.documented}), measured {measured}\n  x        = {x.tolist()}\n"
        f"  expected = {expected.tolist()}\n  actual   = {actual.tolist()}\n\n  program:\n"
        + "\n".join("    " + line for line in call.source().rstrip().split("\n"))
    )
