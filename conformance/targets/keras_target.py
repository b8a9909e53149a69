"""Keras layers (Keras 3 on any backend, or Keras 2): pooling, global pooling and ZeroPadding.

Keras pools take only 'valid' or 'same' and have no ceil_mode or dilation; a case is expressible when
its *resolved* padding equals one of those two resolutions, whatever form the case gave it in.
"""

from __future__ import annotations

import dataclasses
import importlib.metadata
import importlib.util
import os

from ..cases import Case
from . import Capabilities, Target

_LAYOUTS = ("channels_last", "channels_first")
_DTYPES = ("float32", "float64", "float16", "bfloat16")
# TF has MaxPool3D/AvgPool3D CPU kernels for float32 and bfloat16 only (float16: NotFoundError)
_POOL = Capabilities(dtypes=_DTYPES, dtypes_3d=("float32", "bfloat16"), layouts=_LAYOUTS, padding="keras", ceil_mode=False, dilation=False,
                     count_include_pad=False, divisor_override_ranks=())
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
# conv (Conv1D/2D/3D, DepthwiseConv1D/2D), Dense and the activation layers. Conv pads only as 'valid',
# 'same' or (Conv1D) 'causal'; Conv rejects strides > 1 with dilation_rate > 1 (DepthwiseConv decomposes).
OPS.update({
    "conv": Capabilities(dtypes=_DTYPES, layouts=_LAYOUTS, padding="keras", ceil_mode=False,
                         dilation_with_stride=False),
    "dense": Capabilities(dtypes=_DTYPES),
    "relu": Capabilities(dtypes=_DTYPES),
    "leaky_relu": Capabilities(dtypes=_DTYPES),
    "sigmoid": Capabilities(dtypes=_DTYPES),
    "tanh": Capabilities(dtypes=_DTYPES),
})
_ACTIVATION_LAYER = {
    "relu": "keras.layers.ReLU({dtype})",
    "sigmoid": "keras.layers.Activation('sigmoid', {dtype})",
    "tanh": "keras.layers.Activation('tanh', {dtype})",
}
_BACKEND_PACKAGES = {"tensorflow": ("tensorflow", "tensorflow-cpu"), "torch": ("torch",), "jax": ("jax",)}


PRELUDE = ("import keras\n"
           "to_numpy = keras.ops.convert_to_numpy if hasattr(keras, 'ops') else np.asarray  # Keras 2 has no ops")


def layout_conversions(case: Case) -> tuple[str, str]:
    """Source turning channels-first `x` into the layer's layout, and a template turning its output back."""
    if case.layout == "channels_last":
        return "np.moveaxis(x, 1, -1)", "np.moveaxis({}, -1, 1)"
    return "x", "{}"


class KerasTarget(Target):
    def __init__(self):
        self.backend = os.environ.get("KERAS_BACKEND", "tensorflow")
        # oneDNN is TF's default on x86; pinning it keeps TF's NaN behaviour in max pooling predictable
        env = {"KERAS_BACKEND": self.backend,
               "TF_ENABLE_ONEDNN_OPTS": os.environ.get("TF_ENABLE_ONEDNN_OPTS", "1")}
        if self.backend == "jax":  # without x64, JAX silently turns every float64 array into float32
            env["JAX_ENABLE_X64"] = os.environ.get("JAX_ENABLE_X64", "1")
        super().__init__(name="keras", package="keras", ops=OPS, worker_env=env)
        # Keras 2 (TF <= 2.15's bundled keras) hands TF channels_first ops that Keras 3 transposes first
        self.keras_release = tuple(int(p) for p in self.version.split(".")[:2]) \
            if self.version.replace(".", "").isdigit() else (3, 99)
        self.keras_major = self.keras_release[0]

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

    def capabilities(self, op: str) -> Capabilities | None:
        caps = super().capabilities(op)
        if caps is not None and caps.dtypes_3d is not None and self.backend != "tensorflow":
            return dataclasses.replace(caps, dtypes_3d=None)  # the 3-D dtype limit is TF's own
        return caps

    def worker_name(self, case: Case) -> str:
        # Keras 2 hands TF NCHW for 2-D and 3-D channels_first (1-D goes through NHWC), and TF <= 2.15's oneDNN
        # pooling then reuses a primitive cached for NHWC input of the same sizes (divergence
        # tf-onednn-pool-cache-ignores-layout): a worker per TF data format keeps each case's answer
        # independent of the cases run before it.
        if self.keras_major < 3 and case.layout == "channels_first" and case.rank >= 2:
            return f"{self.name}-channels_first"
        return self.name

    def keras_padding(self, case: Case) -> str | None:
        """'valid' or 'same' if the case's resolved padding is one of them, else None."""
        pads = case.pads
        if all(p == (0, 0) for p in pads):
            return "valid"
        same = case.replace(padding="same").pads
        return "same" if pads == same else None

    def keras_conv_padding(self, case: Case) -> str | None:
        """'valid', 'same' or (1-D) 'causal' if the case's resolved conv padding is one of them, else None."""
        mode = self.keras_padding(case)
        if mode is None and case.rank == 1 and case.pads == case.replace(padding="causal").pads:
            mode = "causal"
        return mode

    def conv_layer(self, case: Case) -> str:
        """DepthwiseConv1D/2D where the case is depthwise (groups == C_in > 1) and it maps, else ConvND.

        DepthwiseConv has no 'causal', and TF's CPU depthwise kernel (float16/float64) rejects unequal 2-D
        strides unless Keras decomposes a strided+dilated call; grouped ConvND expresses those cases."""
        s, d = case.strides, case.dilations
        strides_ok = case.rank == 1 or len(set(s)) == 1 or (max(s) > 1 and max(d) > 1)
        if self.keras_release < (3, 15) and max(s) > 1 and max(d) > 1:
            strides_ok = False  # Keras < 3.15 DepthwiseConv rejects strides > 1 with dilation_rate > 1 (ValueError)
        depthwise = case.groups > 1 and case.groups == case.shape[1] and case.rank <= 2 \
            and self.keras_conv_padding(case) != "causal" and strides_ok \
            and not (self._tf_nchw_unsupported(case) and self.keras_release < (3, 15)
                     and (case.rank == 1 or self.keras_major >= 3))
        # Keras < 3.15 (and Keras 2 in 1-D) hands TF's NHWC-only CPU DepthwiseConv2dNative an NCHW input in
        # float16/float64 (UnimplementedError); grouped ConvND expresses those cases
        return f"{'DepthwiseConv' if depthwise else 'Conv'}{case.rank}D"

    def _unsupported_conv(self, case: Case) -> str | None:
        mode = self.keras_conv_padding(case)
        if mode is None:
            causal = f" or, in 1-D, 'causal' {case.replace(padding='causal').pads}" if case.rank == 1 else ""
            return (f"Keras conv pads only as 'valid' or 'same' {case.replace(padding='same').pads}{causal}; "
                    f"resolved pads are {case.pads}")
        layer = self.conv_layer(case)
        if layer.startswith("Conv") and max(case.strides) > 1 and max(case.dilations) > 1:
            return (f"Keras {layer} rejects strides > 1 together with dilation_rate > 1 (ValueError in its "
                    f"constructor); got strides {case.strides}, dilation_rate {case.dilations}")
        if (self.backend == "tensorflow" and layer.startswith("Conv") and case.groups == 1
                and (case.rank <= 2 or self.keras_major < 3)
                and case.layout == "channels_first" and case.dtype in ("float16", "float64")):
            return (f"Keras {'2 ' if self.keras_major < 3 else ''}{layer} channels_first hands TF an NCHW "
                    f"Conv{max(case.rank, 2)}D, which TF's CPU kernel supports for float32/bfloat16 only "
                    f"({'InvalidArgumentError' if case.rank == 3 else 'UnimplementedError'} for {case.dtype})")
        return None

    def _tf_nchw_unsupported(self, case: Case) -> bool:
        """A channels_first case TF's CPU kernels take as NCHW in float32/bfloat16 (oneDNN) only."""
        return (self.backend == "tensorflow" and case.layout == "channels_first"
                and case.dtype in ("float16", "float64"))

    def unsupported(self, case: Case) -> str | None:
        reason = super().unsupported(case)
        if not reason and case.dtype == "float64" and self.worker_env.get("JAX_ENABLE_X64", "1").lower() in (
                "0", "false", "no", "off"):
            return "Keras on JAX has no float64 with JAX_ENABLE_X64 off (arrays silently become float32)"
        if not reason and case.op == "conv":
            return self._unsupported_conv(case)
        if not reason and case.op == "zero_pad" and case.rank == 1 and self.keras_major < 3 \
                and case.layout == "channels_first":
            return "Keras 2 ZeroPadding1D has no data_format (channels_last only)"
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
        if (self.backend == "torch" and case.op == "avg_pool" and case.rank == 3 and mode == "same"
                and all(b == a for b, a in case.pads) and any(k > n for k, n in zip(case.kernel, case.shape[2:]))):
            return ("Keras AveragePooling3D on torch passes symmetric 'same' padding to F.avg_pool3d, which rejects "
                    f"a kernel larger than the input, padding notwithstanding (RuntimeError; kernel {case.kernel}, "
                    f"input {case.shape[2:]})")
        if case.rank == 2 and self.keras_major < 3 and self._tf_nchw_unsupported(case):
            return (f"Keras 2 {LAYER[case.op].format(r=2)} channels_first hands TF an NCHW pool, which TF's CPU "
                    f"kernel supports for float32/bfloat16 only (InvalidArgumentError for {case.dtype})")
        return None

    def _program_conv(self, case: Case) -> str:
        layer = self.conv_layer(case)
        c_in, c_out, k = case.shape[1], case.weight.shape[0], case.kernel
        kw: dict = {"kernel_size": k, "strides": case.strides, "padding": self.keras_conv_padding(case)}
        spatial_axes = tuple(range(2, 2 + case.rank))
        if layer.startswith("Depthwise"):
            kw["depth_multiplier"] = c_out // c_in
            # weight (C_in*m, 1, *k), output channel c*m + j -> depthwise kernel (*k, C_in, m)
            kernel = (f"np.transpose(weight.reshape({(c_in, c_out // c_in, *k)!r}), "
                      f"{(*spatial_axes, 0, 1)!r})  # (C_in*m, 1, *k) -> (*k, C_in, m)")
        else:
            kw = {"filters": c_out, **kw, "groups": case.groups}
            kernel = (f"np.transpose(weight, {(*spatial_axes, 1, 0)!r})"
                      "  # (C_out, C_in/groups, *k) -> (*k, C_in/groups, C_out)")
        kw.update(dilation_rate=case.dilations, use_bias=case.bias is not None, data_format=case.layout,
                  dtype=case.dtype)
        args = ", ".join(f"{name}={v!r}" for name, v in kw.items())
        weights = "[kernel, bias]" if case.bias is not None else "[kernel]"
        to_layout, from_layout = layout_conversions(case)
        return (
            f"{PRELUDE}\n"
            f"layer = keras.layers.{layer}({args})\n"
            f"x_in = {to_layout}\n"
            "layer.build(x_in.shape)\n"
            f"kernel = {kernel}\n"
            f"layer.set_weights({weights})\n"
            "y = layer(x_in)\n"
            "claimed_shape = tuple(layer.compute_output_shape(x_in.shape))\n"
            f"actual = {from_layout.format('to_numpy(y)')}\n"
        )

    def _program_dense_activation(self, case: Case) -> str:
        dtype = f"dtype={case.dtype!r}"
        lines = [PRELUDE]
        if case.op == "dense":
            lines += [f"layer = keras.layers.Dense({case.weight.shape[0]}, use_bias={case.bias is not None}, {dtype})",
                      "layer.build(x.shape)",
                      (f"layer.set_weights([weight.T{', bias' if case.bias is not None else ''}])"
                       "  # kernel is (in_features, out_features)")]
        elif case.op == "leaky_relu":
            lines += ["try:",
                      f"    layer = keras.layers.LeakyReLU(negative_slope={case.negative_slope!r}, {dtype})",
                      "except TypeError:  # Keras 2 names the slope alpha",
                      f"    layer = keras.layers.LeakyReLU(alpha={case.negative_slope!r}, {dtype})"]
        else:
            lines.append("layer = " + _ACTIVATION_LAYER[case.op].format(dtype=dtype))
        lines += ["y = layer(x)",
                  "claimed_shape = tuple(layer.compute_output_shape(x.shape))",
                  "actual = to_numpy(y)"]
        return "\n".join(lines) + "\n"

    def program(self, case: Case) -> str:
        if case.op == "conv":
            return self._program_conv(case)
        if case.op in ("dense", "relu", "leaky_relu", "sigmoid", "tanh"):
            return self._program_dense_activation(case)
        layer = "keras.layers." + LAYER[case.op].format(r=case.rank)
        kw: dict = {}
        if case.is_windowed:
            kw = {"pool_size": case.kernel, "strides": case.strides, "padding": self.keras_padding(case)}
        elif case.op == "zero_pad":
            kw = {"padding": case.pads[0] if case.rank == 1 else case.pads}
        elif case.op.startswith("global_"):
            kw = {"keepdims": True}
        if not (case.op == "zero_pad" and case.rank == 1 and self.keras_major < 3):  # Keras 2: no data_format
            kw["data_format"] = case.layout
        kw["dtype"] = case.dtype
        args = ", ".join(f"{k}={v!r}" for k, v in kw.items())
        to_layout, from_layout = layout_conversions(case)
        return (
            f"{PRELUDE}\n"
            f"layer = {layer}({args})\n"
            f"x_in = {to_layout}\n"
            "y = layer(x_in)\n"
            "claimed_shape = tuple(layer.compute_output_shape(x_in.shape))\n"
            f"actual = {from_layout.format('to_numpy(y)')}\n"
        )

    def error_program(self, case: Case, rank: int) -> str:
        """The layer call with the case's parameters passed through unvalidated (Target.error_program).

        Explicit numeric padding, dilation in pooling, ceil_mode and divisor_override have no Keras form
        (NotExpressible). What compute_output_shape says comes back as `claimed_shape` (or the error it
        raises, as text), since Keras' shape inference and its kernels can disagree on invalid input."""
        from . import NotExpressible

        if self.capabilities(case.op) is None:
            raise NotExpressible(f"Keras has no {case.op} layer")
        if case.op in ("dense", "relu", "leaky_relu", "sigmoid", "tanh"):
            return self._program_dense_activation(case)
        one = (lambda v: v[0] if rank == 1 and isinstance(v, tuple) and len(v) == 1 else v)
        flat = (lambda v: [u for w in v for u in flat(w)] if isinstance(v, (tuple, list)) else [v])
        lines = [PRELUDE]
        if case.op in ("max_pool", "avg_pool", "conv"):
            padding = case.padding
            if isinstance(padding, str) and padding.lower() in ("valid", "same", "causal"):
                mode = padding.lower()
            elif all(v == 0 for v in flat(padding)):
                mode = "valid"
            else:
                try:
                    mode = self.keras_conv_padding(case) if case.op == "conv" else self.keras_padding(case)
                except (ValueError, TypeError):
                    mode = None
            if mode is None:
                raise NotExpressible(f"Keras {case.op} pads only as 'valid' or 'same'; padding {padding!r} "
                                     "has no Keras form")
        if case.op in ("max_pool", "avg_pool"):
            if any(d != 1 for d in flat(case.dilation)):
                raise NotExpressible(f"Keras pooling has no dilation; got dilation {case.dilation!r}")
            if case.ceil_mode or case.divisor_override is not None:
                raise NotExpressible("Keras pooling has no ceil_mode or divisor_override")
            if case.op == "avg_pool" and mode == "same" and case.count_include_pad:
                raise NotExpressible("Keras AveragePooling 'same' leaves padding out of the divisor "
                                     "(count_include_pad=False only)")
            layer = LAYER[case.op].format(r=rank)
            kw = {"pool_size": one(case.kernel_size), "strides": one(case.stride), "padding": mode}
        elif case.op == "zero_pad":
            if rank == 1 and getattr(self, "keras_major", 3) < 3 and case.layout == "channels_first":
                raise NotExpressible("Keras 2 ZeroPadding1D has no data_format (channels_last only)")
            layer, padding = LAYER[case.op].format(r=rank), case.padding
            if rank == 1 and isinstance(padding, tuple) and len(padding) == 1:
                padding = padding[0]  # ZeroPadding1D takes an int or one (before, after) pair
            kw = {"padding": padding}
        elif case.op == "conv":
            layer = f"Conv{rank}D"
            kw = {"filters": case.weight.shape[0], "kernel_size": one(tuple(case.weight.shape[2:])),
                  "strides": 1 if case.stride is None else one(case.stride), "padding": mode,
                  "dilation_rate": one(case.dilation), "groups": case.groups,
                  "use_bias": case.bias is not None}
        else:
            layer, kw = LAYER[case.op].format(r=rank), {"keepdims": True}
        kw.update(data_format=case.layout, dtype=case.dtype)
        args = ", ".join(f"{k}={v!r}" for k, v in kw.items())
        lines += [f"layer = keras.layers.{layer}({args})",
                  f"x_in = {layout_conversions(case)[0]}"]
        if case.op == "conv":
            axes = (*range(2, case.weight.ndim), 1, 0)
            weights = "[kernel, bias]" if case.bias is not None else "[kernel]"
            lines += ["layer.build(x_in.shape)",
                      f"kernel = np.transpose(weight, {axes!r})  # (C_out, C_in/groups, *k) -> (*k, C_in/groups, C_out)",
                      f"layer.set_weights({weights})"]
        from_layout = layout_conversions(case)[1]
        lines += ["y = layer(x_in)",
                  f"actual = {from_layout.format('to_numpy(y)')}",
                  "try:  # Keras' shape inference, which can disagree with its kernels on invalid input",
                  "    claimed_shape = tuple(layer.compute_output_shape(x_in.shape))",
                  "except Exception as err:",
                  "    claimed_shape = f'raises {type(err).__name__}: {err}'"]
        return "\n".join(lines) + "\n"
