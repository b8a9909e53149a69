"""Keras layers (Keras 3 on any backend, or Keras 2): pooling, global pooling and ZeroPadding.

Keras pools take only 'valid' or 'same' and have no ceil_mode or dilation; a case is expressible when
its *resolved* padding equals one of those two resolutions, whatever form the case gave it in.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os

from ..cases import Case
from . import Capabilities, Target

_LAYOUTS = ("channels_last", "channels_first")
_DTYPES = ("float32", "float64", "float16", "bfloat16")
_POOL = Capabilities(dtypes=_DTYPES, layouts=_LAYOUTS, padding="keras", ceil_mode=False, dilation=False,
                     divisor_override=False)
OPS = {
    "max_pool": _POOL,
    "avg_pool": _POOL,
    "global_max_pool": Capabilities(dtypes=_DTYPES, layouts=_LAYOUTS),
    "global_avg_pool": Capabilities(dtypes=_DTYPES, layouts=_LAYOUTS),
    "zero_pad": Capabilities(dtypes=_DTYPES, layouts=_LAYOUTS),
}
LAYER = {
    "max_pool": "MaxPooling{r}D",
    "avg_pool": "AveragePooling{r}D",
    "global_max_pool": "GlobalMaxPooling{r}D",
    "global_avg_pool": "GlobalAveragePooling{r}D",
    "zero_pad": "ZeroPadding{r}D",
}
_BACKEND_PACKAGES = {"tensorflow": ("tensorflow", "tensorflow-cpu"), "torch": ("torch",), "jax": ("jax",)}


class KerasTarget(Target):
    def __init__(self):
        self.backend = os.environ.get("KERAS_BACKEND", "tensorflow")
        super().__init__(name="keras", package="keras", ops=OPS, worker_env={"KERAS_BACKEND": self.backend})

    def missing_reason(self) -> str | None:
        reason = super().missing_reason()
        if reason is None and importlib.util.find_spec(self.backend) is None:
            reason = f"keras: its backend package {self.backend!r} (KERAS_BACKEND) is not installed"
        return reason

    @property
    def backend_version(self) -> str:
        for dist in _BACKEND_PACKAGES.get(self.backend, (self.backend,)):
            try:
                return importlib.metadata.version(dist)
            except importlib.metadata.PackageNotFoundError:
                continue
        return "unknown"

    @property
    def label(self) -> str:
        return f"keras {self.version} ({self.backend} {self.backend_version})"

    def versions(self) -> dict[str, str]:
        return {"keras": self.version, self.backend: self.backend_version}

    def keras_padding(self, case: Case) -> str | None:
        """'valid' or 'same' if the case's resolved padding is one of them, else None."""
        pads = case.pads
        if all(p == (0, 0) for p in pads):
            return "valid"
        same = case.replace(padding="same").pads
        return "same" if pads == same else None

    def unsupported(self, case: Case) -> str | None:
        reason = super().unsupported(case)
        if reason or not case.is_windowed:
            return reason
        if case.ceil_mode:
            return "Keras pooling has no ceil_mode"
        if any(d != 1 for d in case.dilations):
            return f"Keras pooling has no dilation; got {case.dilations}"
        if case.divisor_override is not None:
            return "Keras pooling has no divisor_override"
        mode = self.keras_padding(case)
        if mode is None:
            return (f"Keras pooling pads only as 'valid' or 'same' ({case.replace(padding='same').pads}); "
                    f"resolved pads are {case.pads}")
        if case.op == "avg_pool" and mode == "same" and case.count_include_pad:
            return "Keras AveragePooling 'same' leaves padding out of the divisor (count_include_pad=False only)"
        return None

    def program(self, case: Case) -> str:
        layer = "keras.layers." + LAYER[case.op].format(r=case.rank)
        kw: dict = {}
        if case.is_windowed:
            kw = {"pool_size": case.kernel, "strides": case.strides, "padding": self.keras_padding(case)}
        elif case.op == "zero_pad":
            kw = {"padding": case.pads[0] if case.rank == 1 else case.pads}
        elif case.op.startswith("global_"):
            kw = {"keepdims": True}
        kw["data_format"] = case.layout
        kw["dtype"] = case.dtype
        args = ", ".join(f"{k}={v!r}" for k, v in kw.items())
        to_layout, from_layout = ("np.moveaxis(x, 1, -1)", "np.moveaxis({}, -1, 1)") \
            if case.layout == "channels_last" else ("x", "{}")
        return (
            "import keras\n"
            "to_numpy = keras.ops.convert_to_numpy if hasattr(keras, 'ops') else np.asarray  # Keras 2 has no ops\n"
            f"layer = {layer}({args})\n"
            f"x_in = {to_layout}\n"
            "y = layer(x_in)\n"
            "claimed_shape = tuple(layer.compute_output_shape(x_in.shape))\n"
            f"actual = {from_layout.format('to_numpy(y)')}\n"
        )
