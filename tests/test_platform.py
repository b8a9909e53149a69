"""The platform axis: fingerprints, ISA caps, the platform classes divergences name, and the record lines
the error contract suggests."""

from __future__ import annotations

import pytest

from conformance.errors import BY_ID, Observed, suggest
from conformance.executor import Outcome
from conformance.platform import (
    ONEDNN_AVX512,
    ONEDNN_FP16,
    TF_BF16_CAPPED_BELOW_AVX512,
    TF_ONEDNN_AMX,
    TF_ONEDNN_AVX512_NO_BF16,
    TF_ONEDNN_BF16_NO_AMX,
    Platform,
    PlatformClass,
    allowed_by_cap,
    fingerprint,
    tf_routes_float16_to_onednn,
)
from conformance.targets.keras_target import KerasTarget
from conformance.targets.torch_target import TorchTarget

# the float16 routing the keras entries read through tf_float16_routed(current())
FLOAT16_ONEDNN = PlatformClass("TF routes float16 to oneDNN", tf_routes_float16_to_onednn)
FLOAT16_EIGEN = PlatformClass("TF computes float16 itself", lambda p: not tf_routes_float16_to_onednn(p))
ZEN5 = frozenset({"avx2", "avx512f", "avx512bw", "avx512_vnni", "avx512_bf16"})
SAPPHIRE_RAPIDS = ZEN5 | {"avx512_fp16", "amx_tile", "amx_bf16"}
HASWELL = frozenset({"avx2"})


def on(features: frozenset[str], **caps: str) -> Platform:
    return Platform("test CPU", "x86_64", features, dict(caps))


@pytest.mark.parametrize(
    ("platform", "holds", "not_holds"),
    [
        (
            on(ZEN5),
            [ONEDNN_AVX512, TF_ONEDNN_BF16_NO_AMX, FLOAT16_EIGEN],
            [
                ONEDNN_FP16,
                TF_ONEDNN_AMX,
                FLOAT16_ONEDNN,
                TF_BF16_CAPPED_BELOW_AVX512,
                TF_ONEDNN_AVX512_NO_BF16,
            ],
        ),
        (
            on(ZEN5, ONEDNN_MAX_CPU_ISA="AVX512_CORE"),
            [ONEDNN_AVX512, TF_ONEDNN_AVX512_NO_BF16],
            [TF_ONEDNN_BF16_NO_AMX, TF_BF16_CAPPED_BELOW_AVX512],
        ),
        (
            on(ZEN5, DNNL_MAX_CPU_ISA="AVX2"),
            [TF_BF16_CAPPED_BELOW_AVX512],
            [ONEDNN_AVX512, TF_ONEDNN_BF16_NO_AMX],
        ),
        (
            on(SAPPHIRE_RAPIDS),
            [ONEDNN_FP16, TF_ONEDNN_AMX, FLOAT16_ONEDNN],
            [TF_ONEDNN_BF16_NO_AMX, FLOAT16_EIGEN],
        ),
        # TF reads cpuid for float16, not the cap; oneDNN obeys the cap
        (
            on(SAPPHIRE_RAPIDS, ONEDNN_MAX_CPU_ISA="AVX512_CORE"),
            [FLOAT16_ONEDNN],
            [ONEDNN_FP16, TF_ONEDNN_AMX],
        ),
        (
            on(SAPPHIRE_RAPIDS, TF_ENABLE_ONEDNN_OPTS="0"),
            [FLOAT16_EIGEN, ONEDNN_FP16],
            [FLOAT16_ONEDNN, TF_ONEDNN_AMX],
        ),
        (on(HASWELL), [FLOAT16_EIGEN], [ONEDNN_AVX512, TF_BF16_CAPPED_BELOW_AVX512]),
    ],
    ids=["zen5", "zen5-avx512_core", "zen5-avx2", "spr", "spr-avx512_core", "spr-onednn-off", "haswell"],
)
def test_platform_classes(platform: Platform, holds, not_holds):
    for cls in holds:
        assert cls.holds(platform), f"{cls.words!r} should hold on {platform.describe()}"
    for cls in not_holds:
        assert not cls.holds(platform), f"{cls.words!r} should not hold on {platform.describe()}"


def test_caps_take_away_the_higher_levels():
    assert allowed_by_cap("AVX2") == {"avx2"}
    assert allowed_by_cap("avx512_core_bf16") == {"avx2", "avx512f", "avx512bw", "avx512_vnni", "avx512_bf16"}
    assert allowed_by_cap(None) is None and allowed_by_cap("NO_SUCH_LEVEL") is None
    assert on(SAPPHIRE_RAPIDS, DNNL_MAX_CPU_ISA="AVX512_CORE_BF16").onednn_features == ZEN5


def test_capped_targets_run_apart_under_their_caps():
    torch_avx2 = TorchTarget().with_variant("avx2")
    assert torch_avx2.id == "torch@avx2" and torch_avx2.name == "torch"
    assert torch_avx2.worker_env == {
        "DNNL_MAX_CPU_ISA": "AVX2",
        "ONEDNN_MAX_CPU_ISA": "AVX2",
        "ATEN_CPU_CAPABILITY": "avx2",
    }
    assert torch_avx2.worker_name(None) == "torch@avx2"
    assert KerasTarget().with_variant("onednn-off").worker_env["TF_ENABLE_ONEDNN_OPTS"] == "0"
    with pytest.raises(ValueError, match=r"unknown ISA cap 'avx3'.*avx2"):
        TorchTarget().with_variant("avx3")


def test_fingerprint_reports_the_caps_in_its_environment(monkeypatch):
    monkeypatch.setenv("DNNL_MAX_CPU_ISA", "AVX2")
    monkeypatch.delenv("ONEDNN_MAX_CPU_ISA", raising=False)  # oneDNN reads it first (a capped whole run)
    platform = fingerprint()
    assert platform.caps["DNNL_MAX_CPU_ISA"] == "AVX2"
    assert platform.onednn_features <= {"avx2"}
    assert "DNNL_MAX_CPU_ISA=AVX2" in platform.describe()


def test_suggested_records_are_closed_and_name_the_package_that_behaves(monkeypatch):
    target = KerasTarget()  # the versions as a Keras 3.15.1 on TF 2.21.0 line reports them, installed or not
    monkeypatch.setattr(target, "versions", lambda: {"keras": "3.15.1", "tensorflow": "2.21.0"})
    keras_error = Observed(
        "raises", "ValueError", "bad", outcome=Outcome("raised", exc_type="builtins.ValueError")
    )
    tf_error = Observed(
        "raises",
        "InvalidArgumentError",
        "bad",
        outcome=Outcome("raised", exc_type="tensorflow.python.framework.errors_impl.InvalidArgumentError"),
    )
    ei = BY_ID["max_pool/output-zero"]
    assert "{'keras': '>=3.15,<3.16'}" in suggest(target, ei, keras_error)
    assert "{'tensorflow': '>=2.21,<2.22'}" in suggest(target, ei, tf_error)
