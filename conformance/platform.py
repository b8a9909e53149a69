"""The platform a target runs on: the CPU, the ISA features its kernels dispatch on, and the caps in effect.

oneDNN, XLA and MLAS pick kernels by CPU ISA, so a framework's answer is a function of its versions *and*
the platform. `fingerprint()` runs once in each target's worker (its env is the worker's, caps
included) and says what the dispatch sees; divergences and error records name platform classes
(`PlatformClass`: features a platform has or lacks), never machines.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import platform as _platform
from collections.abc import Iterator
from collections.abc import Callable
from dataclasses import dataclass, field

# The features dispatch reads (x86 oneDNN/ATen/XLA; Arm NEON/SVE/BF16), as /proc/cpuinfo names them.
DISPATCH_FEATURES = (
    "avx2",
    "avx512f",
    "avx512bw",
    "avx512_vnni",
    "avx512_bf16",
    "avx512_fp16",
    "amx_tile",
    "amx_bf16",
    "amx_fp16",
    "asimd",
    "sve",
    "bf16",
)
# oneDNN's ISA caps (DNNL_MAX_CPU_ISA / ONEDNN_MAX_CPU_ISA), lowest first, and the features each level adds.
ONEDNN_LEVELS = (
    ("SSE41", ()),
    ("AVX", ()),
    ("AVX2", ("avx2",)),
    ("AVX2_VNNI", ()),
    ("AVX512_CORE", ("avx512f", "avx512bw")),
    ("AVX512_CORE_VNNI", ("avx512_vnni",)),
    ("AVX512_CORE_BF16", ("avx512_bf16",)),
    ("AVX512_CORE_FP16", ("avx512_fp16",)),
    ("AVX512_CORE_AMX", ("amx_tile", "amx_bf16")),
    ("AVX512_CORE_AMX_FP16", ("amx_fp16",)),
)
CAP_VARIABLES = ("DNNL_MAX_CPU_ISA", "ONEDNN_MAX_CPU_ISA", "ATEN_CPU_CAPABILITY", "TF_ENABLE_ONEDNN_OPTS")


def cpu_features() -> tuple[str, frozenset[str]]:
    """(model name, the dispatch features the CPU reports), from /proc/cpuinfo where it exists."""
    model, flags = _platform.processor() or _platform.machine(), set()
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                key, _, value = line.partition(":")
                key = key.strip()
                if key in ("model name", "Model", "CPU part") and model in ("", _platform.machine()):
                    model = value.strip()
                elif key in ("flags", "Features"):
                    flags |= set(value.split())
                    break
    except OSError:
        pass
    return model, frozenset(f for f in DISPATCH_FEATURES if f in flags)


def allowed_by_cap(cap: str | None) -> frozenset[str] | None:
    """The features a oneDNN ISA cap leaves usable (None: no cap, or one this table does not know)."""
    if not cap:
        return None
    names = [name for name, _ in ONEDNN_LEVELS]
    if cap.upper() not in names:
        return None
    return frozenset(f for _, adds in ONEDNN_LEVELS[: names.index(cap.upper()) + 1] for f in adds)


@dataclass(frozen=True)
class Platform:
    model: str
    machine: str
    features: frozenset[str]  # what the CPU has
    caps: dict[str, str] = field(default_factory=dict)  # the ISA caps and switches set in the worker's env
    torch_capability: str | None = None  # torch.backends.cpu.get_cpu_capability(), where torch runs
    threads: int | None = None

    @property
    def onednn_features(self) -> frozenset[str]:
        """The features oneDNN's kernels may use: the CPU's, less what a cap takes away."""
        cap = self.caps.get("ONEDNN_MAX_CPU_ISA") or self.caps.get("DNNL_MAX_CPU_ISA")
        allowed = allowed_by_cap(cap)
        return self.features if allowed is None else self.features & allowed

    def describe(self) -> str:
        parts = [self.machine, " ".join(sorted(self.features)) or "no listed ISA features"]
        if self.torch_capability:
            parts.append(f"torch {self.torch_capability}")
        parts += [f"{k}={v}" for k, v in sorted(self.caps.items())]
        if self.threads:
            parts.append(f"{self.threads} threads")
        return f"{self.model} ({'; '.join(parts)})"

    def to_json(self) -> dict[str, object]:
        return {
            "model": self.model,
            "machine": self.machine,
            "features": sorted(self.features),
            "caps": dict(self.caps),
            "torch_capability": self.torch_capability,
            "threads": self.threads,
            "onednn_features": sorted(self.onednn_features),
            "described": self.describe(),
        }


def fingerprint(with_torch: bool = False) -> Platform:
    """The platform as this process sees it; run in a target's worker (with torch's dispatch capability
    where the target is torch)."""
    model, features = cpu_features()
    caps = {k: os.environ[k] for k in CAP_VARIABLES if k in os.environ}
    torch_capability, threads = None, os.cpu_count()
    if with_torch and _importable("torch"):
        import torch

        torch_capability = torch.backends.cpu.get_cpu_capability()
        threads = torch.get_num_threads()
    return Platform(model, _platform.machine(), features, caps, torch_capability, threads)


def _importable(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


@dataclass(frozen=True)
class PlatformClass:
    """A class of platforms a recorded behaviour holds on, named by ISA features, never by machine: a
    predicate over the Platform and the same predicate in words."""

    words: str
    holds: Callable[[Platform], bool]


def onednn_has(*features: str) -> Callable[[Platform], bool]:
    """oneDNN may use one of these features (the CPU has it and no cap takes it away)."""
    return lambda platform: any(f in platform.onednn_features for f in features)


def tf_routes_float16_to_onednn(platform: Platform) -> bool:
    """TF sends float16 pooling and conv to oneDNN only with oneDNN on and a CPU whose cpuid (not the cap)
    shows AVX512BW plus AVX512_FP16 or AMX_FP16 (IsDataTypeSupportedByOneDNNOnThisCPU)."""
    return (
        platform.caps.get("TF_ENABLE_ONEDNN_OPTS", "1") not in ("0", "false")
        and "avx512bw" in platform.features
        and any(f in platform.features for f in ("avx512_fp16", "amx_fp16"))
    )


ANY_PLATFORM = PlatformClass("every platform", lambda platform: True)


_CURRENT: contextvars.ContextVar[Platform | None] = contextvars.ContextVar("platform", default=None)


@contextlib.contextmanager
def checking_on(platform: Platform) -> Iterator[None]:
    """The platform a check runs on, for the predictions that depend on it (`current()`)."""
    token = _CURRENT.set(platform)
    try:
        yield
    finally:
        _CURRENT.reset(token)


def current() -> Platform | None:
    """The platform of the check being evaluated; None outside a check (the docs render the recording
    platform's answer then)."""
    return _CURRENT.get()


def tf_onednn_on(platform: Platform) -> bool:
    return platform.caps.get("TF_ENABLE_ONEDNN_OPTS", "1").lower() not in ("0", "false", "off", "no")


def onednn_bf16_native(platform: Platform | None) -> bool:
    """oneDNN runs bfloat16 on native AVX512_BF16 (or AMX) kernels; None (no platform known) counts as yes."""
    return platform is None or "avx512_bf16" in platform.onednn_features


def tf_float16_routed(platform: Platform | None) -> bool:
    return platform is not None and tf_routes_float16_to_onednn(platform)


TF_ONEDNN_ON = PlatformClass("TF with oneDNN on (TF's default on x86)", tf_onednn_on)
TF_EIGEN_FLOAT16 = PlatformClass(
    "TF runs float16 on Eigen (oneDNN off, or a CPU without AVX512_FP16/AMX_FP16)",
    lambda p: not tf_routes_float16_to_onednn(p))
TF_EIGEN_BF16 = PlatformClass(
    "TF runs bfloat16 on Eigen (oneDNN off, or a CPU without AVX512)",
    lambda p: not (tf_onednn_on(p) and "avx512f" in p.features))
TF_ONEDNN_BELOW_AVX512 = PlatformClass(
    "TF with oneDNN on, and oneDNN without AVX512 (a CPU without it, or a cap below AVX512_CORE)",
    lambda p: tf_onednn_on(p) and "avx512f" not in p.onednn_features)
TF_ONEDNN_AVX512 = PlatformClass(
    "TF with oneDNN on, and oneDNN allowed AVX512 (no cap below AVX512_CORE)",
    lambda p: tf_onednn_on(p) and "avx512f" in p.onednn_features)
TF_ONEDNN_AVX512_AMD = PlatformClass(
    "TF with oneDNN on, oneDNN allowed AVX512, on an AMD CPU (measured on a Zen 4 EPYC; Intel unmeasured)",
    lambda p: tf_onednn_on(p) and "avx512f" in p.onednn_features and p.model.upper().startswith("AMD"))
TF_ONEDNN_BF16 = PlatformClass(
    "TF with oneDNN on and oneDNN allowed native bfloat16 (AVX512_BF16 or AMX_BF16, no cap below "
    "AVX512_CORE_BF16)",
    lambda p: tf_onednn_on(p) and bool({"avx512_bf16", "amx_bf16"} & p.onednn_features))
TF_ONEDNN_BF16_NO_AMX = PlatformClass(
    "TF with oneDNN on, oneDNN allowed AVX512_BF16 and no AMX",
    lambda p: tf_onednn_on(p) and "avx512_bf16" in p.onednn_features and "amx_bf16" not in p.onednn_features)
TF_ONEDNN_AMX = PlatformClass(
    "TF with oneDNN on and AMX (AMX_BF16) allowed",
    lambda p: tf_onednn_on(p) and "amx_bf16" in p.onednn_features)
TF_ONEDNN_AVX512_NO_BF16 = PlatformClass(
    "TF with oneDNN on, oneDNN allowed AVX512 but not AVX512_BF16 (a CPU without it, or a cap at "
    "AVX512_CORE/AVX512_CORE_VNNI)",
    lambda p: tf_onednn_on(p) and "avx512f" in p.onednn_features and "avx512_bf16" not in p.onednn_features)
TF_BF16_CAPPED_BELOW_AVX512 = PlatformClass(
    "TF with oneDNN on, on a CPU with AVX512 (so TF hands bfloat16 to oneDNN) while ONEDNN_MAX_CPU_ISA caps "
    "oneDNN below AVX512_CORE",
    lambda p: tf_onednn_on(p) and "avx512f" in p.features and "avx512f" not in p.onednn_features)
TF_FLOAT16_CAPPED = PlatformClass(
    "TF routes float16 to oneDNN (a CPU with AVX512_FP16 or AMX_FP16) while ONEDNN_MAX_CPU_ISA caps oneDNN "
    "below AVX512_CORE_FP16",
    lambda p: tf_routes_float16_to_onednn(p) and "avx512_fp16" not in p.onednn_features)
ONEDNN_AVX512 = PlatformClass(
    "oneDNN allowed AVX512 (AVX512_CORE or above, no cap below it)", onednn_has("avx512f"))
ONEDNN_BF16 = PlatformClass(
    "oneDNN allowed native bfloat16 (AVX512_BF16 or AMX_BF16, no cap below AVX512_CORE_BF16)",
    onednn_has("avx512_bf16", "amx_bf16"))
ONEDNN_NO_BF16 = PlatformClass(
    "oneDNN without native bfloat16 (no AVX512_BF16 or AMX_BF16, or a cap below AVX512_CORE_BF16)",
    lambda p: not ({"avx512_bf16", "amx_bf16"} & p.onednn_features))
ONEDNN_FP16 = PlatformClass("oneDNN allowed AVX512_FP16 (Sapphire Rapids and later, no cap below it)",
                            onednn_has("avx512_fp16"))
