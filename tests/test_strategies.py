"""The case strategies stay inside each target's capabilities, except in the unrestricted share.

`Capabilities.excludes(case)` states what each field allows (the --impl adapter rejects cases with it). A
drawn case must lie inside the target's capabilities or inside the unrestricted profile (float32/float64,
channels-first, any parameters), and most draws (19 in 20 by design) inside the target's own.
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
    """Why the case lies outside `caps`, or None (Capabilities' own statement, which --impl uses too)."""
    return caps.excludes(case)


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
    # 1 in 20 draws is unrestricted by design; hypothesis mutates earlier examples, so in one run the
    # unrestricted ones can cluster well past that
    assert share >= 0.6, (
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


SHRINK_GOALS = {
    "any failure": lambda case: True,
    "a float32 failure (a dtype bug)": lambda case: case.dtype == "float32",
    "a failure needing 2 batch items": lambda case: case.x.shape[0] >= 2,
}


@pytest.mark.parametrize("goal", list(SHRINK_GOALS))
@pytest.mark.parametrize("op", list(OPS))
def test_shrunk_cases_read_finite_values_and_real_cells(op: str, goal: str):
    """Honest shrinking: a failure that needs neither NaN/inf nor a window of only padding shrinks to a case
    with neither (hypothesis minimises each draw; the rare branches are the non-minimal ones)."""
    from hypothesis import find

    from conformance import interactions as ia

    case = find(OPS[op].strategy(UNRESTRICTED), SHRINK_GOALS[goal],
                settings=settings(max_examples=500, database=None, suppress_health_check=list(HealthCheck)))
    assert not ia.non_finite_input(case), f"{goal} shrank to non-finite values: {case.describe()}"
    if OPS[op].windowed:
        assert not ia.window_of_only_padding(case), (
            f"{goal} shrank to a window of only padding: {case.describe()}")
    assert case.dtype in ("float32", "float64"), case.describe()


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_fitted_windows_fit_the_padded_input(data):
    """fit_windows hands back a kernel whose windows fit (the formula gives out >= 1), pads within half the
    kernel where the target caps them, one window size where the target takes one, and the padding in the
    form it was drawn in."""
    import reference
    from conformance.strategies import fit_windows

    rank = data.draw(st.integers(1, 3))
    dims = st.tuples(*[st.integers(1, 8)] * rank)
    spatial = data.draw(dims)
    dilation = data.draw(dims.map(lambda t: tuple(min(v, 3) for v in t)))
    stride = data.draw(dims.map(lambda t: tuple(min(v, 4) for v in t)))
    kernel = data.draw(st.tuples(*[st.integers(1, 12)] * rank))
    padding = data.draw(st.one_of(st.sampled_from(["valid", "same"]), st.integers(0, 3),
                                  st.tuples(*[st.integers(0, 3)] * rank),
                                  st.tuples(*[st.tuples(st.integers(0, 3), st.integers(0, 3))] * rank)))
    caps = Capabilities(padding="any", pad_limit=data.draw(st.booleans()),
                        uniform_kernel=data.draw(st.booleans()))
    ceil_mode = data.draw(st.booleans())
    fitted, pads_form = fit_windows(spatial, kernel, stride, dilation, padding, ceil_mode, caps)
    assert type(pads_form) is type(padding)
    pads = reference.resolve_padding(pads_form, spatial, fitted, stride, dilation)
    for n, k, s, p, d in zip(spatial, fitted, stride, pads, dilation):
        assert reference.output_size(n, k, s, p, d, ceil_mode) >= 1
    if caps.pad_limit and not isinstance(padding, str):
        assert all(max(p) <= k // 2 for p, k in zip(pads, fitted)), (pads, fitted)
    if caps.uniform_kernel:
        assert len(set(fitted)) == 1


def test_pads_cut_to_half_the_kernel_get_a_kernel_that_fits_them():
    """x of size 2, kernel 2 dilated by 3: the window spans 4 cells, which fits pads (3, 0) (5 cells) but
    not those pads cut to half the kernel, (1, 0) (3 cells); the kernel must shrink again, to 1."""
    import reference
    from conformance.strategies import fit_windows

    kernel, padding = fit_windows((2,), (2,), (1,), (3,), ((3, 0),), False,
                                  Capabilities(padding="any", pad_limit=True))
    assert (kernel, padding) == ((1,), ((0, 0),))
    assert reference.output_size(2, kernel[0], 1, padding[0], 3) == 2
