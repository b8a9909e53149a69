"""Interactions: each one an op lists is reachable by its strategy on every target that can express it
(a focused draw finds one), the predicates say what their names say (hand cases, drawn in comments), and a
ci run checks each at least MIN_HITS times (the run tops up what its draws hit too rarely)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, find, settings

from conformance import interactions as ia
from conformance.cases import Case
from conformance.ops import OPS
from conformance.targets import Target
from conformance.targets.impl_target import EVERYTHING, ImplTarget
from conformance.targets.keras_target import KerasTarget
from conformance.targets.torch_target import TorchTarget

ROOT = Path(__file__).resolve().parents[1]


class _Reference(ImplTarget):
    """--impl reference without its worker: every op, the whole spec."""

    def __init__(self) -> None:
        super().__init__("reference")

    def capabilities(self, op: str):
        return EVERYTHING

    def unsupported(self, case: Case) -> str | None:
        return EVERYTHING.excludes(case)


TARGETS: list[Target] = [TorchTarget(), KerasTarget(), _Reference()]
TRIPLES = [(t, op, i) for t in TARGETS for op in OPS if t.capabilities(op) is not None
           for i in OPS[op].interactions if i.needs(t.capabilities(op))]  # type: ignore[arg-type]


@pytest.mark.parametrize(("adapter", "op", "interaction"), TRIPLES,
                         ids=[f"{t.name}-{op}-{i.name}" for t, op, i in TRIPLES])
def test_each_interaction_is_drawn_where_the_target_can_express_it(adapter: Target, op: str,
                                                                    interaction: ia.Interaction):
    caps = adapter.capabilities(op)
    assert caps is not None
    # a target that refuses the whole op on this version (Keras < 3.12: Conv*DTranspose) draws no case at all
    with warnings.catch_warnings():  # .example() outside a test is what this probe wants
        warnings.simplefilter("ignore")
        refusals = {adapter.unsupported(OPS[op].strategy(caps).example()) for _ in range(20)}
    if None not in refusals and len(refusals) == 1:
        pytest.skip(f"{adapter.label} expresses no {op} case: {refusals.pop()}")
    case = find(OPS[op].strategy(caps),
                lambda c: interaction.hits(c) and adapter.unsupported(c) is None,
                # reaching one is the claim: shrinking it to the simplest such case would take longer than
                # finding it
                settings=settings(max_examples=2000, database=None, suppress_health_check=list(HealthCheck),
                                  phases=[Phase.generate]))
    assert interaction.hits(case)


def test_a_ci_run_checks_each_interaction_at_least_min_hits_times(tmp_path):
    ledger = tmp_path / "ledger.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "pytest", "--pyargs", "conformance.test_pooling", "--impl",
                           "reference", "-k", "test_avg_pool", "-p", "no:cacheprovider", "-q",
                           "--hypothesis-profile", "ci", f"--conformance-json={ledger}"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout[-3000:]
    hits: dict[str, int] = {}
    for entry in json.loads(ledger.read_text())["entries"]:
        if entry["op"] == "avg_pool":
            for name, n in entry["interactions"].items():
                hits[name] = hits.get(name, 0) + n
    caps = ImplTarget("reference").capabilities("avg_pool")  # what the run draws within
    assert caps is not None
    short = {i.name: hits.get(i.name, 0) for i in OPS["avg_pool"].interactions
             if i.needs(caps) and hits.get(i.name, 0) < ia.MIN_HITS}
    assert not short, f"interactions checked fewer than {ia.MIN_HITS} times: {short}"
    assert "checked cases per interaction" in done.stdout


def _x(*shape: int) -> np.ndarray:
    return np.arange(1.0, 1 + np.prod(shape)).reshape(shape)


# Each predicate on a hand case whose windows are drawn below (1-D, cells x0..x3, p = padding, o = the
# ceil-mode overhang past the padding).
def test_window_of_only_padding():
    # kernel 1, pads (1, 1): windows [p] [x0] [x1] [x2] [x3] [p]
    assert ia.window_of_only_padding(Case("max_pool", _x(1, 1, 4), kernel_size=(1,), stride=(1,), padding=1))
    # kernel 2, pads (1, 1): windows [p x0] [x0 x1] ... [x3 p]: every window reads a cell
    assert not ia.window_of_only_padding(Case("max_pool", _x(1, 1, 4), kernel_size=(2,), stride=(1,),
                                              padding=1))


def test_padding_inside_a_window():
    # kernel 2, pads (1, 1): [p x0] mixes padding and a cell
    assert ia.padding_inside_a_window(Case("max_pool", _x(1, 1, 4), kernel_size=(2,), stride=(1,), padding=1))
    # kernel 1, pads (1, 1): padding only in windows of their own
    assert not ia.padding_inside_a_window(Case("max_pool", _x(1, 1, 4), kernel_size=(1,), stride=(1,),
                                               padding=1))


def test_ceil_overhang():
    # n 4, kernel 3, stride 2, ceil: windows [x0 x1 x2] [x2 x3 o]
    assert ia.ceil_overhang(Case("max_pool", _x(1, 1, 4), kernel_size=(3,), stride=(2,), ceil_mode=True))
    # n 5: [x0 x1 x2] [x2 x3 x4]: ceil adds no window
    assert not ia.ceil_overhang(Case("max_pool", _x(1, 1, 5), kernel_size=(3,), stride=(2,), ceil_mode=True))


def test_same_with_odd_total_and_stride_beyond_window():
    # n 4, kernel 2, stride 1, 'same': total pad 1, (0, 1)
    assert ia.same_with_odd_total(Case("max_pool", _x(1, 1, 4), kernel_size=(2,), stride=(1,),
                                       padding="same"))
    # kernel 3: total 2, (1, 1)
    assert not ia.same_with_odd_total(Case("max_pool", _x(1, 1, 4), kernel_size=(3,), stride=(1,),
                                           padding="same"))
    # kernel 2 dilation 2 spans 3 cells: stride 4 skips one, stride 3 does not
    assert ia.stride_beyond_kernel(Case("max_pool", _x(1, 1, 9), kernel_size=(2,), stride=(4,),
                                        dilation=(2,)))
    assert not ia.stride_beyond_kernel(Case("max_pool", _x(1, 1, 9), kernel_size=(2,), stride=(3,),
                                            dilation=(2,)))
