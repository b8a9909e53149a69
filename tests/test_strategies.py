"""The case strategies stay inside each target's capabilities, except in the unrestricted share.

`inside(case, caps)` restates, independently of the strategies, what each Capabilities field allows. A
drawn case must lie inside the target's capabilities or inside the unrestricted profile (float32/float64,
channels-first, any parameters), and most draws (9 in 10 by design) inside the target's own.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conformance.cases import Case
from conformance.ops import OPS
from conformance.strategies import UNRESTRICTED
from conformance.targets import Target
from conformance.targets.capabilities import Capabilities
from conformance.targets.keras_target import KerasTarget
from conformance.targets.torch_target import TorchTarget


def inside(case: Case, caps: Capabilities) -> str | None:
    """Why the case lies outside `caps`, or None."""
    if case.x.ndim > 2 and case.spec.family != "activation" and case.rank not in caps.ranks:
        return f"rank {case.rank} not in {caps.ranks}"
    rank = case.rank if case.x.ndim > 2 else 1
    if case.dtype not in caps.dtypes_for(rank):
        return f"dtype {case.dtype} not in {caps.dtypes_for(rank)}"
    if case.layout not in caps.layouts:
        return f"layout {case.layout} not in {caps.layouts}"
    if case.ceil_mode and not caps.ceil_mode:
        return "ceil_mode"
    if case.spec.windowed and case.op != "conv" and case.dilation != 1 and not caps.dilation:
        return "dilation"
    if case.divisor_override is not None and rank not in caps.divisor_override_ranks:
        return "divisor_override"
    if case.count_include_pad and case.op == "avg_pool" and not caps.count_include_pad:
        return "count_include_pad"
    if case.groups > 1 and not caps.groups:
        return "groups"
    if case.padding == "causal" and not caps.causal:
        return "causal"
    if (
        case.op == "conv"
        and not caps.dilation_with_stride
        and max(case.strides) > 1
        and max(case.dilations) > 1
    ):
        return "stride with dilation"
    if case.spec.windowed:
        form = case.padding
        named = ("valid", "same", "causal") if case.op == "conv" else ("valid", "same")
        if caps.padding == "keras" and form not in named:
            return f"padding {form!r} on a 'valid'/'same' target"
        if caps.padding == "none" and form not in ("valid", 0):
            return f"padding {form!r} on a target without padding"
        if (
            caps.padding == "symmetric"
            and isinstance(form, tuple)
            and any(isinstance(p, tuple) for p in form)
        ):
            return f"(before, after) pairs {form!r} on a symmetric-padding target"
        if (
            caps.pad_limit
            and not isinstance(form, str)
            and any(b > k // 2 for (b, _), k in zip(case.pads, case.kernel))
        ):
            return f"pads {case.pads} beyond half the kernel {case.kernel}"
    return None


TARGETS: list[Target] = [TorchTarget(), KerasTarget()]
PAIRS = [(t, op) for t in TARGETS for op in OPS if t.capabilities(op) is not None]


# named `adapter`, not `target`: the plugin parametrizes any test argument called `target`
@pytest.mark.parametrize(("adapter", "op"), PAIRS, ids=[f"{t.name}-{op}" for t, op in PAIRS])
def test_draws_stay_inside_the_capabilities(adapter: Target, op: str):
    target = adapter
    caps = target.capabilities(op)
    assert caps is not None
    seen: list[str | None] = []

    @settings(
        max_examples=150,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def draw(data: st.DataObject) -> None:
        case = data.draw(OPS[op].strategy(caps), label="case")
        why = inside(case, caps)
        seen.append(why)
        assert why is None or inside(case, UNRESTRICTED) is None, (
            f"{case.describe()} lies outside {target.name}'s {op} capabilities ({why}) and outside the "
            f"unrestricted profile ({inside(case, UNRESTRICTED)})"
        )

    draw()
    share = sum(why is None for why in seen) / len(seen)
    assert share >= 0.75, (
        f"only {share:.0%} of {len(seen)} {op} draws lie inside {target.name}'s capabilities; "
        f"reasons: {sorted({w for w in seen if w})}"
    )


def test_the_check_itself_rejects_out_of_capability_cases():
    """inside() is not vacuous: each field it checks rejects a case that breaks it."""
    import numpy as np

    x = np.zeros((1, 1, 4), np.float16)
    keras_pool = KerasTarget().capabilities("max_pool")
    torch_pool = TorchTarget().capabilities("max_pool")
    assert keras_pool is not None and torch_pool is not None
    assert inside(Case("max_pool", x, kernel_size=(2,), padding=((0, 1),)), keras_pool)
    assert inside(Case("max_pool", x, kernel_size=(2,), ceil_mode=True), keras_pool)
    assert inside(Case("max_pool", x, kernel_size=(2,), padding=2), torch_pool)  # pad 2 > kernel 2 // 2
    assert inside(Case("max_pool", x, kernel_size=(2,)), UNRESTRICTED)  # float16
    assert inside(Case("max_pool", x.astype(np.float32), kernel_size=(2,)), torch_pool) is None
