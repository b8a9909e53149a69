"""What each target does with each error input (`conformance/errors.py`), recorded as data.

One `record(target, requires, error_input, kind, ...)` per target and error input, with the versions it
holds for (`requires`, PEP 440 ranges over `Target.versions()`; empty for what the adapter decides, i.e.
not expressible). Kinds: raises (exc_type, and `detail` the message's headline), returns_empty /
returns_result (`detail` the output shape; a recorded divergence: the spec rejects the input), conforms
(a target-limit input computed as the spec says), crashes (`detail` the signal), hangs, not_expressible
(`detail` the adapter's reason). `…` in a detail stands for any text. `test_error_contract.py` fails when
a target in the range behaves otherwise; a version no record covers is reported with the entry to add
(`errors.suggest`). Regenerate docs/errors.md with `python -m conformance docs` after editing.

Recorded on torch 2.13.0+cpu; keras 3.15.1 with tensorflow-cpu 2.21.0 (oneDNN on, TF's x86 default) and
with the torch backend; keras 3.10.0 with tensorflow-cpu 2.19.1 and keras 3.5.0 with 2.17.1; keras 3.15.1
on jax 0.10.2 (JAX_ENABLE_X64 on); jax 0.10.2 itself; keras 2.15.0 with tensorflow-cpu 2.15.1 (the
tf215-keras2 tox env).
"""

from __future__ import annotations

from ..errors import record, recording

ADAPTER: dict[str, str] = {}  # not expressible: the adapter's decision, on every version
TORCH = recording("torch", "torch 2.13.0", {"torch": ">=2.13"})
# columns of docs/errors.md for the Keras 3 + TF lines (their records are keyed on what changes, below)
recording("keras", "keras 3.15.1 (tensorflow 2.21.0)", {"keras": ">=3.15", "tensorflow": ">=2.21"},
          versions={"keras": "3.15.1", "tensorflow": "2.21.0"})
recording("keras", "keras 3.5.0 and 3.10.0 (tensorflow 2.17.1 and 2.19.1)",
          {"keras": ">=3.5,<3.15", "tensorflow": ">=2.17,<2.21"},
          versions={"keras": "3.10.0", "tensorflow": "2.19.1"})
recording("keras", "keras 3.12.4 and 3.13.2 (tensorflow 2.21.0)",
          {"keras": ">=3.12,<3.14", "tensorflow": ">=2.21"},
          versions={"keras": "3.13.2", "tensorflow": "2.21.0"})
KERAS3_TF = {"keras": ">=3.5", "tensorflow": ">=2.17"}  # the same on every Keras 3 + TF line recorded
# Keras' own messages and shape claims change with Keras alone, whatever the TF (a TF present picks the
# backend): "Input 0 with name 'None' of layer ..." from 3.13 (measured 3.13.2, 3.15.1; 3.5-3.12.4 say
# 'Input 0 of layer "..."'); compute_output_shape refusing a zero output, and the conv message naming
# strides and padding, from 3.15 (3.5-3.13.2 claim the empty shape; 3.14 is not measured, so unrecorded)
KERAS_313_UP = {"keras": ">=3.13", "tensorflow": ">=2.16"}
KERAS_5_TO_312 = {"keras": ">=3.5,<3.13", "tensorflow": ">=2.16"}
KERAS_315_UP = {"keras": ">=3.15", "tensorflow": ">=2.16"}
KERAS_5_TO_313 = {"keras": ">=3.5,<3.14", "tensorflow": ">=2.16"}
KERAS_BEFORE_ADAPTIVE = {"keras": ">=3,<3.13"}  # Adaptive*Pooling1D-3D ship from Keras 3.13 on
KERAS2_TF = recording("keras", "keras 2.15.0 (tensorflow 2.15.1)",
                      {"keras": ">=2.15,<3", "tensorflow": ">=2.15,<2.16"})
KERAS_TORCH = recording("keras", "keras 3.15.1 (torch 2.13.0)", {"keras": ">=3.15", "torch": ">=2.13"})
KERAS_JAX = recording("keras", "keras 3.15.1 (jax 0.10.2)", {"keras": ">=3.15", "jax": ">=0.10"})
JAX = recording("jax", "jax 0.9.2 and 0.10.2", {"jax": ">=0.9"})
# one record per error input covers opsets 18 and 28 alike (measured: the same behaviour at both)
ORT = recording("onnxruntime", "onnxruntime 1.32.0 (onnx 1.23.2; opsets 18, 28)", {"onnxruntime": ">=1.29"},
                {"onnxruntime": "1.32.0"})
recording("onnxruntime", "onnxruntime 1.29.0 (onnx 1.22.0; opsets 18, 26)", {"onnxruntime": ">=1.29,<1.32"},
          {"onnxruntime": "1.29.0"})
TF_NN = recording("tf", "tensorflow-cpu 2.17.1, 2.19.1 and 2.21.0 (tf.nn, tf.pad, tf.matmul)",
                  {"tensorflow": ">=2.17"})
ONNX_REF = recording("onnx-reference", "onnx 1.22.0 and 1.23.2 reference evaluator (opsets 18, 27, 28)",
                     {"onnx": ">=1.22"})

# --- torch.nn.functional ---------------------------------------------------------------------------------

record("torch", TORCH, "max_pool/output-zero", "raises", exc_type="RuntimeError",
       detail="max_pool1d() Invalid computed output size: 0")
record("torch", TORCH, "max_pool/output-negative", "raises", exc_type="RuntimeError",
       detail="max_pool1d() Invalid computed output size: -1")
record("torch", TORCH, "max_pool/output-zero-strided", "raises", exc_type="RuntimeError",
       detail="max_pool1d() Invalid computed output size: 0")
record("torch", TORCH, "max_pool/stride-zero", "raises", exc_type="RuntimeError",
       detail="max_pool1d() stride must be greater than zero, but got 0")
record("torch", TORCH, "max_pool/kernel-zero", "raises", exc_type="RuntimeError",
       detail="max_pool1d() kernel_size must be greater than zero, but got 0")
record("torch", TORCH, "max_pool/padding-negative", "raises", exc_type="RuntimeError",
       detail="max_pool1d() padding must be non-negative, but got -1")
record("torch", TORCH, "max_pool/pad-beyond-half-kernel", "raises", exc_type="RuntimeError",
       detail=(
           "max_pool1d() padding should be at most half of kernel size, but got padding=2 and "
           "kernel_size=3"))
record("torch", TORCH, "max_pool/unbatched-input", "returns_result",
       detail="(1, 2)",
       note=(
           "torch reads a (C, L) input as one unbatched sample (documented); the spec's "
           "API has no unbatched form, so a missing batch dim goes unnoticed."))
record("torch", TORCH, "max_pool/output-zero-2d-height", "raises", exc_type="RuntimeError",
       detail="Given input size: (1x1x3). Calculated output size: (1x0x2). Output size is too small")
record("torch", TORCH, "max_pool/output-zero-2d-width", "raises", exc_type="RuntimeError",
       detail="Given input size: (1x3x1). Calculated output size: (1x2x0). Output size is too small")
record("torch", TORCH, "max_pool/kernel-exceeds-padded-input", "raises", exc_type="RuntimeError",
       detail="max_pool1d() Invalid computed output size: -2")
record("torch", TORCH, "max_pool/stride-negative", "raises", exc_type="RuntimeError",
       detail="max_pool1d() stride must be greater than zero, but got -1")
record("torch", TORCH, "max_pool/kernel-negative", "raises", exc_type="RuntimeError",
       detail="max_pool1d() kernel_size must be greater than zero, but got -2")
record("torch", TORCH, "max_pool/dilation-zero", "raises", exc_type="RuntimeError",
       detail="max_pool1d() dilation must be greater than zero, but got 0")
record("torch", TORCH, "max_pool/dilation-negative", "raises", exc_type="RuntimeError",
       detail="max_pool1d() dilation must be greater than zero, but got -1")
record("torch", TORCH, "max_pool/kernel-rank-mismatch", "raises", exc_type="RuntimeError",
       detail=(
           "max_pool1d() kernel_size must be an int, list of ints or tuple of ints of size 1 but got size"
           " 2"))
record("torch", TORCH, "max_pool/input-rank-6", "raises", exc_type="RuntimeError",
       detail="non-empty 4D or 5D (batch mode) tensor expected for input")
record("torch", TORCH, "max_pool/int-window-of-padding-only", "returns_result",
       detail="(1, 1, 1, 1)",
       note=("The window of padding only yields the dtype's minimum, -2147483648 for int32 (float input "
             "gives -inf, as the spec says). max_pool1d has no integer kernel at all (NotImplementedError)."))
record("torch", TORCH, "avg_pool/output-zero", "raises", exc_type="RuntimeError",
       detail="Given input size: (1x1x1). Calculated output size: (1x1x0). Output size is too small")
record("torch", TORCH, "avg_pool/output-negative", "raises", exc_type="RuntimeError",
       detail="Given input size: (1x1x3). Calculated output size: (1x1x-1). Output size is too small")
record("torch", TORCH, "avg_pool/output-zero-strided", "raises", exc_type="RuntimeError",
       detail="Given input size: (1x1x2). Calculated output size: (1x1x0). Output size is too small")
record("torch", TORCH, "avg_pool/stride-zero", "raises", exc_type="RuntimeError",
       detail="stride should not be zero")
record("torch", TORCH, "avg_pool/kernel-zero", "raises", exc_type="RuntimeError",
       detail="stride should not be zero",
       note="The stride defaults to the kernel, so a zero kernel is reported as a zero stride.")
record("torch", TORCH, "avg_pool/padding-negative", "raises", exc_type="RuntimeError",
       detail="pad must be non-negative, but got pad: -1")
record("torch", TORCH, "avg_pool/pad-beyond-half-kernel", "raises", exc_type="RuntimeError",
       detail=(
           "pad should be at most half of effective kernel size, but got pad=2, kernel_size=3 and "
           "dilation=1"))
record("torch", TORCH, "avg_pool/unbatched-input", "returns_result",
       detail="(1, 2)",
       note="As for max_pool: (C, L) is taken as an unbatched sample.")
record("torch", TORCH, "avg_pool/divisor-override-zero", "raises", exc_type="RuntimeError",
       detail="divisor must be not zero")
record("torch", TORCH, "avg_pool/divisor-override-negative", "returns_result",
       detail="(1, 1, 1, 1)",
       note="The window sum divided by -1: x = [[1, 2], [3, 4]] gives [[-10]].")
record("torch", TORCH, "avg_pool/kernel-exceeds-input-3d", "raises", exc_type="RuntimeError",
       detail="input image (T: 2 H: 2 W: 2) smaller than kernel size (kT: 3 kH: 3 kW: 3)")
record("torch", TORCH, "lp_pool/norm-type-zero", "raises", exc_type="ZeroDivisionError",
       detail="float division by zero",
       note="A Python ZeroDivisionError from 1/p in torch.nn.functional, not an argument check.")
record("torch", TORCH, "lp_pool/norm-type-negative", "returns_result",
       detail="(1, 1, 2)",
       note="(sum x^-1)^(1/-1), a harmonic-style mean: x = [1, 2, 3, 4] gives [0.667, 1.714].")
record("torch", TORCH, "lp_pool/output-negative", "raises", exc_type="RuntimeError",
       detail="Given input size: (1x1x3). Calculated output size: (1x1x-1). Output size is too small")
record("torch", TORCH, "lp_pool/stride-zero", "raises", exc_type="RuntimeError",
       detail="stride should not be zero")
record("torch", TORCH, "lp_pool/kernel-zero", "raises", exc_type="RuntimeError",
       detail="stride should not be zero",
       note="The stride defaults to the kernel, so a zero kernel is reported as a zero stride.")
record("torch", TORCH, "adaptive_max_pool/output-size-zero", "returns_empty",
       detail="(1, 1, 0)",
       note="An empty (N, C, 0) tensor instead of an error.")
record("torch", TORCH, "adaptive_max_pool/output-size-negative", "raises", exc_type="RuntimeError",
       detail="Trying to create tensor with negative dimension -1: [1, 1, 1, -1]")
record("torch", TORCH, "adaptive_max_pool/empty-input", "raises", exc_type="RuntimeError",
       detail=(
           "adaptive_max_pool1d(): Expected input to have non-zero size for non-batch dimensions, but "
           "input has sizes [1, 1, 0] with dimension 2 being empty"))
record("torch", TORCH, "adaptive_max_pool/output-rank-mismatch", "raises", exc_type="RuntimeError",
       detail="adaptive_max_pool1d() argument 'output_size' should contain one int (got 2)")
record("torch", TORCH, "adaptive_avg_pool/output-size-zero", "returns_empty",
       detail="(1, 1, 0)",
       note="An empty (N, C, 0) tensor instead of an error.")
record("torch", TORCH, "adaptive_avg_pool/output-size-negative", "raises", exc_type="RuntimeError",
       detail=(
           "adaptive_avg_pool2d: elements of output_size must be greater than or equal to 0 but received "
           "{1, -1}"),
       note="The message names adaptive_avg_pool2d and output_size {1, -1}: the 1-D op runs as 2-D.")
record("torch", TORCH, "adaptive_avg_pool/empty-input", "raises", exc_type="RuntimeError",
       detail=(
           "adaptive_avg_pool2d(): Expected input to have non-zero size for non-batch dimensions, but "
           "input has sizes [1, 1, 1, 0] with dimension 3 being empty"))
record("torch", TORCH, "adaptive_avg_pool/output-rank-mismatch", "raises", exc_type="RuntimeError",
       detail="adaptive_avg_pool1d() argument 'output_size' should contain one int (got 2)")
record("torch", TORCH, "zero_pad/padding-negative", "returns_result",
       detail="(1, 1, 2)",
       note="F.pad crops with negative pads (documented): [1, 2, 3, 4] becomes [2, 3].")
record("torch", TORCH, "zero_pad/padding-negative-2d", "returns_result",
       detail="(1, 1, 2, 2)",
       note="F.pad crops every side by one: (1, 1, 4, 4) becomes (1, 1, 2, 2).")
record("torch", TORCH, "zero_pad/padding-non-integer", "raises", exc_type="TypeError",
       detail=(
           "pad(): argument 'pad' (position 2) must be tuple of ints, but found element of type float at "
           "pos 0"))
record("torch", TORCH, "zero_pad/padding-rank-mismatch", "returns_result",
       detail="(1, 3, 6)",
       note=(
           "F.pad pads the last len(pad)/2 dims, so a second pair pads the channel dim: (1, 1, 4) becomes"
           " (1, 3, 6)."))
record("torch", TORCH, "zero_pad/unbatched-input", "returns_result",
       detail="(1, 6)",
       note="F.pad pads the last dim of any tensor: (1, 4) becomes (1, 6).")
record("torch", TORCH, "conv/kernel-exceeds-input", "raises", exc_type="RuntimeError",
       detail=(
           "Calculated padded input size per channel: (3). Kernel size: (5). Kernel size can't be greater"
           " than actual input size"))
record("torch", TORCH, "conv/kernel-exceeds-padded-input", "raises", exc_type="RuntimeError",
       detail=(
           "Calculated padded input size per channel: (4). Kernel size: (7). Kernel size can't be greater"
           " than actual input size"))
record("torch", TORCH, "conv/kernel-zero", "raises", exc_type="RuntimeError",
       detail="kernel size should be greater than zero, but got kernel_height: 1 kernel_width: 0")
record("torch", TORCH, "conv/stride-zero", "raises", exc_type="RuntimeError",
       detail="non-positive stride is not supported")
record("torch", TORCH, "conv/stride-negative", "raises", exc_type="RuntimeError",
       detail="non-positive stride is not supported")
record("torch", TORCH, "conv/dilation-zero", "raises", exc_type="RuntimeError",
       detail="dilation should be greater than zero, but got [1, 0]")
record("torch", TORCH, "conv/padding-negative", "raises", exc_type="RuntimeError",
       detail="negative padding is not supported")
record("torch", TORCH, "conv/groups-input-channels", "raises", exc_type="RuntimeError",
       detail=(
           "Given groups=2, weight of size [2, 1, 3], expected input[1, 3, 5] to have 2 channels, but got"
           " 3 channels instead"))
record("torch", TORCH, "conv/groups-output-channels", "raises", exc_type="RuntimeError",
       detail=(
           "Given groups=2, expected weight to be divisible by 2 at dimension 0, but got weight of size "
           "[[3, 1, 3]] instead"))
record("torch", TORCH, "conv/groups-zero", "raises", exc_type="RuntimeError",
       detail="non-positive groups is not supported")
record("torch", TORCH, "conv/weight-channel-mismatch", "raises", exc_type="RuntimeError",
       detail=(
           "Given groups=1, weight of size [2, 2, 3], expected input[1, 3, 5] to have 2 channels, but got"
           " 3 channels instead"))
record("torch", TORCH, "conv/bias-shape-mismatch", "raises", exc_type="RuntimeError",
       detail=(
           "Given weight of size [2, 3, 3], expected bias to be 1-dimensional with 2 elements, but got "
           "bias of size [3] instead"))
record("torch", TORCH, "conv/unbatched-input", "returns_result",
       detail="(2, 3)",
       note="F.conv1d reads (C, L) as one unbatched sample (documented): (3, 5) gives (2, 3).")
record("torch", TORCH, "conv/same-strided", "raises", exc_type="RuntimeError",
       detail="padding='same' is not supported for strided convolutions")
record("torch", TORCH, "conv/stride-with-dilation", "conforms",
       detail="(1, 1, 3)")
record("torch", TORCH, "dense/in-features-mismatch", "raises", exc_type="RuntimeError",
       detail="mat1 and mat2 shapes cannot be multiplied (2x3 and 5x4)")
record("torch", TORCH, "dense/weight-rank", "returns_result",
       detail="(2,)",
       note="F.linear with a 1-D weight is a matrix-vector product: (2, 3) @ (3,) gives (2,).")
record("torch", TORCH, "dense/bias-shape-mismatch", "returns_result",
       detail="(2, 4)",
       note="A (1,) bias broadcasts over the 4 output features.")

# --- Keras layers on TensorFlow ---------------------------------------------------------------------------

record("keras", KERAS3_TF, "max_pool/output-zero", "crashes",
       detail="SIGFPE",
       note=("TF's oneDNN MaxPool (TF_ENABLE_ONEDNN_OPTS=1, the x86 default the adapter pins) kills the "
             "process with SIGFPE when the last spatial dim's output size is 0 (n - k + s == 0); plain "
             "tf.nn.max_pool1d does too. With oneDNN off, for float64, or on TF 2.15 the call returns an "
             "empty array instead."))
record("keras", KERAS3_TF, "max_pool/output-negative", "raises", exc_type="InvalidArgumentError",
       detail=(
           "Computed output size would be negative: -1 [input_size: 3, effective_filter_size: 5, stride: "
           "1]"))
record("keras", KERAS3_TF, "max_pool/output-zero-strided", "raises", exc_type="AbortedError",
       detail=(
           "Compute received an exception:Status: 2, message: could not create a descriptor for a pooling"
           " forward propagation primitive, in file tensorflow/core/kernels/mkl/mkl_maxpooling_op.cc:…"),
       note=("0 < n - k + s < s: oneDNN refuses the descriptor instead of reporting the output size (with "
             "oneDNN off the call returns an empty array)."))
record("keras", KERAS3_TF, "max_pool/stride-zero", "raises", exc_type="InvalidArgumentError",
       detail="Stride must be > 0, but got 0",
       note=(
           "The constructor accepts strides=0 (it checks value >= 0, see stride-negative); TF rejects it "
           "at call time."))
record("keras", KERAS3_TF, "max_pool/kernel-zero", "raises", exc_type="ValueError",
       detail=(
           "The `pool_size` argument must be a tuple of 1 integers. Received pool_size=0, including "
           "values {0} that do not satisfy `value > 0`"))
record("keras", ADAPTER, "max_pool/padding-negative", "not_expressible",
       detail="Keras max_pool pads only as 'valid' or 'same'; padding -1 has no Keras form")
record("keras", ADAPTER, "max_pool/pad-beyond-half-kernel", "not_expressible",
       detail="Keras max_pool pads only as 'valid' or 'same'; padding 2 has no Keras form")
record("keras", KERAS_313_UP, "max_pool/unbatched-input", "raises", exc_type="ValueError",
       detail=(
           "Input 0 with name 'None' of layer 'max_pooling1d…' is incompatible with the layer: expected "
           "ndim=3, found ndim=2. Full shape received: (1, 4)"))
record("keras", KERAS_315_UP, "max_pool/output-zero-2d-height", "returns_empty",
       detail="(1, 1, 0, 2)",
       claimed=(
           "raises ValueError: Computed output size would be zero or negative. Received: `inputs.shape=[1"
           " 1 1 3]`, `pool_size=[2 2]`, `strides=(1, 1)`, `padding=valid`."),
       note=(
           "Output (0, 2): with the zero in the height the same kernel returns an empty array; "
           "MaxPooling3D with a zero depth does too."))
record("keras", KERAS3_TF, "max_pool/output-zero-2d-width", "crashes",
       detail="SIGFPE",
       note=(
           "Output (2, 0): the zero is in the last spatial dim, as in 1-D (which TF runs as 2-D with "
           "height 1)."))
record("keras", ADAPTER, "max_pool/kernel-exceeds-padded-input", "not_expressible",
       detail="Keras max_pool pads only as 'valid' or 'same'; padding 1 has no Keras form")
record("keras", KERAS3_TF, "max_pool/stride-negative", "raises", exc_type="ValueError",
       detail=(
           "The `strides` argument must be a tuple of 1 integers. Received strides=-1, including values "
           "{-1} that do not satisfy `value >= 0`"))
record("keras", KERAS3_TF, "max_pool/kernel-negative", "raises", exc_type="ValueError",
       detail=(
           "The `pool_size` argument must be a tuple of 1 integers. Received pool_size=-2, including "
           "values {-2} that do not satisfy `value > 0`"))
record("keras", ADAPTER, "max_pool/dilation-zero", "not_expressible",
       detail="Keras pooling has no dilation; got dilation (0,)")
record("keras", ADAPTER, "max_pool/dilation-negative", "not_expressible",
       detail="Keras pooling has no dilation; got dilation (-1,)")
record("keras", KERAS3_TF, "max_pool/kernel-rank-mismatch", "raises", exc_type="ValueError",
       detail="The `pool_size` argument must be a tuple of 1 integers. Received pool_size=(2, 2)")
record("keras", KERAS_313_UP, "max_pool/input-rank-6", "raises", exc_type="ValueError",
       detail=(
           "Input 0 with name 'None' of layer 'max_pooling3d…' is incompatible with the layer: expected "
           "ndim=5, found ndim=6. Full shape received: (1, 1, 2, 2, 2, 2)"))
record("keras", ADAPTER, "max_pool/int-window-of-padding-only", "not_expressible",
       detail="Keras pooling has no dilation; got dilation (2, 2)")
record("keras", KERAS_315_UP, "avg_pool/output-zero", "returns_empty",
       detail="(1, 1, 0)",
       claimed=(
           "raises ValueError: Computed output size would be zero or negative. Received: `inputs.shape=[1"
           " 1 1]`, `pool_size=[2]`, `strides=(1,)`, `padding=valid`."),
       note="compute_output_shape rejects what the layer call accepts.")
record("keras", KERAS3_TF, "avg_pool/output-negative", "raises", exc_type="InvalidArgumentError",
       detail=(
           "Computed output size would be negative: -1 [input_size: 3, effective_filter_size: 5, stride: "
           "1]"))
record("keras", KERAS_315_UP, "avg_pool/output-zero-strided", "returns_empty",
       detail="(1, 1, 0)",
       claimed=(
           "raises ValueError: Computed output size would be zero or negative. Received: `inputs.shape=[1"
           " 1 2]`, `pool_size=[3]`, `strides=(2,)`, `padding=valid`."),
       note="compute_output_shape rejects what the layer call accepts.")
record("keras", KERAS3_TF, "avg_pool/stride-zero", "raises", exc_type="InvalidArgumentError",
       detail="Stride must be > 0, but got 0",
       note="The constructor accepts strides=0 (it checks value >= 0); TF rejects it at call time.")
record("keras", KERAS3_TF, "avg_pool/kernel-zero", "raises", exc_type="ValueError",
       detail=(
           "The `pool_size` argument must be a tuple of 1 integers. Received pool_size=0, including "
           "values {0} that do not satisfy `value > 0`"))
record("keras", ADAPTER, "avg_pool/padding-negative", "not_expressible",
       detail="Keras avg_pool pads only as 'valid' or 'same'; padding -1 has no Keras form")
record("keras", ADAPTER, "avg_pool/pad-beyond-half-kernel", "not_expressible",
       detail="Keras avg_pool pads only as 'valid' or 'same'; padding 2 has no Keras form")
record("keras", KERAS_313_UP, "avg_pool/unbatched-input", "raises", exc_type="ValueError",
       detail=(
           "Input 0 with name 'None' of layer 'average_pooling1d…' is incompatible with the layer: "
           "expected ndim=3, found ndim=2. Full shape received: (1, 4)"))
record("keras", ADAPTER, "avg_pool/divisor-override-zero", "not_expressible",
       detail="Keras pooling has no ceil_mode or divisor_override")
record("keras", ADAPTER, "avg_pool/divisor-override-negative", "not_expressible",
       detail="Keras pooling has no ceil_mode or divisor_override")
record("keras", KERAS3_TF, "avg_pool/kernel-exceeds-input-3d", "conforms",
       detail="(1, 1, 2, 2, 2)")
record("keras", ADAPTER, "lp_pool/norm-type-zero", "not_expressible",
       detail="Keras has no lp_pool layer")
record("keras", ADAPTER, "lp_pool/norm-type-negative", "not_expressible",
       detail="Keras has no lp_pool layer")
record("keras", ADAPTER, "lp_pool/output-negative", "not_expressible",
       detail="Keras has no lp_pool layer")
record("keras", ADAPTER, "lp_pool/stride-zero", "not_expressible",
       detail="Keras has no lp_pool layer")
record("keras", ADAPTER, "lp_pool/kernel-zero", "not_expressible",
       detail="Keras has no lp_pool layer")
record("keras", KERAS_BEFORE_ADAPTIVE, "adaptive_max_pool/output-size-zero", "not_expressible",
       detail="Keras has no adaptive_*_pool layer before 3.13 (keras …)")
record("keras", KERAS_BEFORE_ADAPTIVE, "adaptive_max_pool/output-size-negative", "not_expressible",
       detail="Keras has no adaptive_*_pool layer before 3.13 (keras …)")
record("keras", KERAS_BEFORE_ADAPTIVE, "adaptive_max_pool/empty-input", "not_expressible",
       detail="Keras has no adaptive_*_pool layer before 3.13 (keras …)")
record("keras", KERAS_BEFORE_ADAPTIVE, "adaptive_max_pool/output-rank-mismatch", "not_expressible",
       detail="Keras has no adaptive_*_pool layer before 3.13 (keras …)")
record("keras", KERAS_BEFORE_ADAPTIVE, "adaptive_avg_pool/output-size-zero", "not_expressible",
       detail="Keras has no adaptive_*_pool layer before 3.13 (keras …)")
record("keras", KERAS_BEFORE_ADAPTIVE, "adaptive_avg_pool/output-size-negative", "not_expressible",
       detail="Keras has no adaptive_*_pool layer before 3.13 (keras …)")
record("keras", KERAS_BEFORE_ADAPTIVE, "adaptive_avg_pool/empty-input", "not_expressible",
       detail="Keras has no adaptive_*_pool layer before 3.13 (keras …)")
record("keras", KERAS_BEFORE_ADAPTIVE, "adaptive_avg_pool/output-rank-mismatch", "not_expressible",
       detail="Keras has no adaptive_*_pool layer before 3.13 (keras …)")
record("keras", KERAS2_TF, "adaptive_max_pool/output-size-zero", "not_expressible",
       detail="Keras has no adaptive_*_pool layer before 3.13 (keras …)")
record("keras", KERAS2_TF, "adaptive_max_pool/output-size-negative", "not_expressible",
       detail="Keras has no adaptive_*_pool layer before 3.13 (keras …)")
record("keras", KERAS2_TF, "adaptive_max_pool/empty-input", "not_expressible",
       detail="Keras has no adaptive_*_pool layer before 3.13 (keras …)")
record("keras", KERAS2_TF, "adaptive_max_pool/output-rank-mismatch", "not_expressible",
       detail="Keras has no adaptive_*_pool layer before 3.13 (keras …)")
record("keras", KERAS2_TF, "adaptive_avg_pool/output-size-zero", "not_expressible",
       detail="Keras has no adaptive_*_pool layer before 3.13 (keras …)")
record("keras", KERAS2_TF, "adaptive_avg_pool/output-size-negative", "not_expressible",
       detail="Keras has no adaptive_*_pool layer before 3.13 (keras …)")
record("keras", KERAS2_TF, "adaptive_avg_pool/empty-input", "not_expressible",
       detail="Keras has no adaptive_*_pool layer before 3.13 (keras …)")
record("keras", KERAS2_TF, "adaptive_avg_pool/output-rank-mismatch", "not_expressible",
       detail="Keras has no adaptive_*_pool layer before 3.13 (keras …)")
# Keras' adaptive pooling on TF (measured on Keras 3.13.2 and 3.15.1 / TF 2.21): the window arithmetic runs
# in Python (keras/src/backend/tensorflow/nn.py), so an output size of 0 divides by zero there
ADAPTIVE_ON_TF = {"keras": ">=3.13", "tensorflow": ">=2.21"}
record("keras", ADAPTIVE_ON_TF, "adaptive_max_pool/output-size-zero", "raises", exc_type="ZeroDivisionError",
       detail="division by zero")
record("keras", ADAPTIVE_ON_TF, "adaptive_max_pool/output-size-negative", "raises",
       exc_type="InvalidArgumentError",
       detail="Requires start <= limit when delta > 0: 0/-1")
record("keras", ADAPTIVE_ON_TF, "adaptive_max_pool/empty-input", "raises", exc_type="ValueError",
       detail=(
           "`strides` > `window_shape` not supported due to inconsistency between CPU and GPU "
           "implementations. Received: strides=[1] and window_shape=(0,)"))
record("keras", ADAPTIVE_ON_TF, "adaptive_max_pool/output-rank-mismatch", "raises", exc_type="ValueError",
       detail="For 1D input, `output_size` tuple must have length 1. Received: (2, 2)")
record("keras", ADAPTIVE_ON_TF, "adaptive_avg_pool/output-size-zero", "raises", exc_type="ZeroDivisionError",
       detail="division by zero")
record("keras", ADAPTIVE_ON_TF, "adaptive_avg_pool/output-size-negative", "raises",
       exc_type="InvalidArgumentError",
       detail="Requires start <= limit when delta > 0: 0/-1")
record("keras", ADAPTIVE_ON_TF, "adaptive_avg_pool/empty-input", "raises", exc_type="ValueError",
       detail=(
           "`strides` > `window_shape` not supported due to inconsistency between CPU and GPU "
           "implementations. Received: strides=[1] and window_shape=(0,)"))
record("keras", ADAPTIVE_ON_TF, "adaptive_avg_pool/output-rank-mismatch", "raises", exc_type="ValueError",
       detail="For 1D input, `output_size` tuple must have length 1. Received: (2, 2)")
# Keras' adaptive pooling on torch validates output_size itself; on jax, as on TF, the window arithmetic
# divides by an output size of 0 (measured on Keras 3.15.1)
record("keras", KERAS_TORCH, "adaptive_max_pool/output-size-zero", "raises", exc_type="ValueError",
       detail=(
           "The `output_size` argument must be a tuple of 1 integers. Received output_size=(0,), "
           "including values {0} that do not satisfy `value > 0`"))
record("keras", KERAS_TORCH, "adaptive_max_pool/output-size-negative", "raises", exc_type="ValueError",
       detail=(
           "The `output_size` argument must be a tuple of 1 integers. Received output_size=(-1,), "
           "including values {-1} that do not satisfy `value > 0`"))
record("keras", KERAS_TORCH, "adaptive_max_pool/empty-input", "raises", exc_type="RuntimeError",
       detail=(
           "adaptive_max_pool1d(): Expected input to have non-zero size for non-batch dimensions, but "
           "input has sizes [1, 1, 0] with dimension 2 being empty"))
record("keras", KERAS_TORCH, "adaptive_max_pool/output-rank-mismatch", "raises", exc_type="ValueError",
       detail=(
           "For 1D input, `output_size` tuple must have length 1. Received: (2, 2)"))
record("keras", KERAS_TORCH, "adaptive_avg_pool/output-size-zero", "raises", exc_type="ValueError",
       detail=(
           "The `output_size` argument must be a tuple of 1 integers. Received output_size=(0,), "
           "including values {0} that do not satisfy `value > 0`"))
record("keras", KERAS_TORCH, "adaptive_avg_pool/output-size-negative", "raises", exc_type="ValueError",
       detail=(
           "The `output_size` argument must be a tuple of 1 integers. Received output_size=(-1,), "
           "including values {-1} that do not satisfy `value > 0`"))
record("keras", KERAS_TORCH, "adaptive_avg_pool/empty-input", "raises", exc_type="RuntimeError",
       detail=(
           "adaptive_avg_pool2d(): Expected input to have non-zero size for non-batch dimensions, but "
           "input has sizes [1, 1, 1, 0] with dimension 3 being empty"))
record("keras", KERAS_TORCH, "adaptive_avg_pool/output-rank-mismatch", "raises", exc_type="ValueError",
       detail=(
           "For 1D input, `output_size` tuple must have length 1. Received: (2, 2)"))
record("keras", KERAS_JAX, "adaptive_max_pool/output-size-zero", "raises", exc_type="ZeroDivisionError",
       detail=(
           "division by zero"))
record("keras", KERAS_JAX, "adaptive_max_pool/output-size-negative", "raises", exc_type="TypeError",
       detail=(
           "reduce_window window_dimensions must have every element be strictly positive, got (1, -4, "
           "1)."))
record("keras", KERAS_JAX, "adaptive_max_pool/empty-input", "raises", exc_type="TypeError",
       detail=(
           "reduce_window window_dimensions must have every element be strictly positive, got (1, 0, "
           "1)."))
record("keras", KERAS_JAX, "adaptive_max_pool/output-rank-mismatch", "raises", exc_type="ValueError",
       detail=(
           "For 1D input, `output_size` tuple must have length 1. Received: (2, 2)"))
record("keras", KERAS_JAX, "adaptive_avg_pool/output-size-zero", "raises", exc_type="ZeroDivisionError",
       detail=(
           "division by zero"))
record("keras", KERAS_JAX, "adaptive_avg_pool/output-size-negative", "raises", exc_type="TypeError",
       detail=(
           "reduce_window window_dimensions must have every element be strictly positive, got (1, -4, "
           "1)."))
record("keras", KERAS_JAX, "adaptive_avg_pool/empty-input", "raises", exc_type="TypeError",
       detail=(
           "reduce_window window_dimensions must have every element be strictly positive, got (1, 0, "
           "1)."))
record("keras", KERAS_JAX, "adaptive_avg_pool/output-rank-mismatch", "raises", exc_type="ValueError",
       detail=(
           "For 1D input, `output_size` tuple must have length 1. Received: (2, 2)"))
record("keras", KERAS3_TF, "zero_pad/padding-negative", "raises", exc_type="ValueError",
       detail=(
           "The `padding` argument must be a tuple of 2 integers. Received padding=-1, including values "
           "{-1} that do not satisfy `value >= 0`"))
record("keras", KERAS3_TF, "zero_pad/padding-negative-2d", "raises", exc_type="InvalidArgumentError",
       detail="Paddings must be non-negative: -1 -1",
       note="ZeroPadding2D(-1) passes the constructor (ZeroPadding1D(-1) does not) and fails in TF's Pad.")
record("keras", KERAS3_TF, "zero_pad/padding-non-integer", "raises", exc_type="ValueError",
       detail="The `padding` argument must be a tuple of 2 integers. Received padding=1.5")
record("keras", KERAS3_TF, "zero_pad/padding-rank-mismatch", "raises", exc_type="ValueError",
       detail=(
           "The `padding` argument must be a tuple of 2 integers. Received padding=((1, 1), (1, "
           "1))including element (1, 1) of type <class 'tuple'>"))
record("keras", KERAS_313_UP, "zero_pad/unbatched-input", "raises", exc_type="ValueError",
       detail=(
           "Input 0 with name 'None' of layer 'zero_padding1d…' is incompatible with the layer: expected"
           " ndim=3, found ndim=2. Full shape received: (1, 4)"))
record("keras", KERAS_315_UP, "conv/kernel-exceeds-input", "raises", exc_type="ValueError",
       detail=(
           "Computed output size would be zero or negative. Received `inputs shape=(1, 1, 3)`, `kernel "
           "shape=(5, 1, 1)`, `dilation_rate=[1]`, `strides=(1,)`, `padding=valid`."))
record("keras", ADAPTER, "conv/kernel-exceeds-padded-input", "not_expressible",
       detail="Keras conv pads only as 'valid' or 'same'; padding 1 has no Keras form")
record("keras", KERAS3_TF, "conv/kernel-zero", "raises", exc_type="ValueError",
       detail=(
           "The `kernel_size` argument must be a tuple of 1 integers. Received kernel_size=0, including "
           "values {0} that do not satisfy `value > 0`"))
record("keras", KERAS3_TF, "conv/stride-zero", "raises", exc_type="ValueError",
       detail=(
           "The `strides` argument must be a tuple of 1 integers. Received strides=0, including values "
           "{0} that do not satisfy `value > 0`"))
record("keras", KERAS3_TF, "conv/stride-negative", "raises", exc_type="ValueError",
       detail=(
           "The `strides` argument must be a tuple of 1 integers. Received strides=-1, including values "
           "{-1} that do not satisfy `value > 0`"))
record("keras", KERAS3_TF, "conv/dilation-zero", "raises", exc_type="ValueError",
       detail=(
           "The `dilation_rate` argument must be a tuple of 1 integers. Received dilation_rate=0, "
           "including values {0} that do not satisfy `value > 0`"))
record("keras", ADAPTER, "conv/padding-negative", "not_expressible",
       detail="Keras conv pads only as 'valid' or 'same'; padding -1 has no Keras form")
record("keras", KERAS3_TF, "conv/groups-input-channels", "raises", exc_type="ValueError",
       detail=(
           "The number of input channels must be evenly divisible by the number of groups. Received "
           "groups=2, but the input has 3 channels (full input shape is (1, 3, 5))."))
record("keras", KERAS3_TF, "conv/groups-output-channels", "raises", exc_type="ValueError",
       detail=(
           "The number of filters must be evenly divisible by the number of groups. Received: groups=2, "
           "filters=3."))
record("keras", KERAS3_TF, "conv/groups-zero", "raises", exc_type="ValueError",
       detail="The number of groups must be a positive integer. Received: groups=0.")
record("keras", KERAS3_TF, "conv/weight-channel-mismatch", "raises", exc_type="ValueError",
       detail="Layer … weight shape (3, 3, 2) is not compatible with provided weight shape (3, 2, 2).",
       note="Keras builds the kernel from the input; the mismatch surfaces in set_weights.")
record("keras", KERAS3_TF, "conv/bias-shape-mismatch", "raises", exc_type="ValueError",
       detail="Layer … weight shape (2,) is not compatible with provided weight shape (3,).")
record("keras", KERAS3_TF, "conv/unbatched-input", "raises", exc_type="ValueError",
       detail=(
           "Kernel shape must have the same length as input, but received kernel of shape (3, 5, 2) and "
           "input of shape (3, 5)."))
record("keras", KERAS3_TF, "conv/same-strided", "conforms",
       detail="(1, 1, 3)")
record("keras", KERAS3_TF, "conv/stride-with-dilation", "raises", exc_type="ValueError",
       detail=(
           "`strides > 1` not supported in conjunction with `dilation_rate > 1`. Received: strides=(2,) "
           "and dilation_rate=(2,)"))
record("keras", KERAS3_TF, "dense/in-features-mismatch", "raises", exc_type="ValueError",
       detail="Layer … weight shape (3, 4) is not compatible with provided weight shape (5, 4).",
       note="Keras builds the kernel from the input; the mismatch surfaces in set_weights.")
record("keras", KERAS3_TF, "dense/weight-rank", "raises", exc_type="ValueError",
       detail="Layer … weight shape (3, 3) is not compatible with provided weight shape (3,).")
record("keras", KERAS3_TF, "dense/bias-shape-mismatch", "raises", exc_type="ValueError",
       detail="Layer … weight shape (4,) is not compatible with provided weight shape (1,).")

# Keras 3.5 / 3.10 on TF 2.17 / 2.19 (the tf217-keras3 and tf219-keras3 tox envs) differ from 3.15 in these
# only: older message wording, and compute_output_shape returns the empty shape instead of raising.
record("keras", KERAS_5_TO_312, "max_pool/unbatched-input", "raises", exc_type="ValueError",
       detail=('Input 0 of layer "max_pooling1d…" is incompatible with the layer: expected ndim=3, found '
               'ndim=2. Full shape received: (1, 4)'))
record("keras", KERAS_5_TO_313, "max_pool/output-zero-2d-height", "returns_empty", detail="(1, 1, 0, 2)",
       claimed="(1, 1, 0, 2)")
record("keras", KERAS_5_TO_312, "max_pool/input-rank-6", "raises", exc_type="ValueError",
       detail=('Input 0 of layer "max_pooling3d…" is incompatible with the layer: expected ndim=5, found '
               'ndim=6. Full shape received: (1, 1, 2, 2, 2, 2)'))
record("keras", KERAS_5_TO_313, "avg_pool/output-zero", "returns_empty", detail="(1, 1, 0)",
       claimed="(1, 1, 0)")
record("keras", KERAS_5_TO_313, "avg_pool/output-zero-strided", "returns_empty", detail="(1, 1, 0)",
       claimed="(1, 1, 0)")
record("keras", KERAS_5_TO_312, "avg_pool/unbatched-input", "raises", exc_type="ValueError",
       detail=('Input 0 of layer "average_pooling1d…" is incompatible with the layer: expected ndim=3, '
               'found ndim=2. Full shape received: (1, 4)'))
record("keras", KERAS_5_TO_312, "zero_pad/unbatched-input", "raises", exc_type="ValueError",
       detail=('Input 0 of layer "zero_padding1d…" is incompatible with the layer: expected ndim=3, found '
               'ndim=2. Full shape received: (1, 4)'))
record("keras", KERAS_5_TO_313, "conv/kernel-exceeds-input", "raises", exc_type="ValueError",
       detail=("Computed output size would be negative. Received `inputs shape=(1, 1, 3)`, `kernel shape=(5, "
               "1, 1)`, `dilation_rate=[1]`."))

# --- Keras 2 (tf.keras 2.15) on TensorFlow 2.15 ------------------------------------------------------------

record("keras", KERAS2_TF, "max_pool/output-zero", "returns_empty",
       detail="(1, 1, 0)",
       claimed="(1, 1, 0)",
       note="No crash on TF 2.15: the SIGFPE (see keras 3.15.1 / TF 2.21.0) is newer.")
record("keras", KERAS2_TF, "max_pool/output-negative", "raises", exc_type="InvalidArgumentError",
       detail=(
           "Computed output size would be negative: -1 [input_size: 3, effective_filter_size: 5, stride: "
           "1]"))
record("keras", KERAS2_TF, "max_pool/output-zero-strided", "raises", exc_type="AbortedError",
       detail=(
           "Compute received an exception:Status: 2, message: could not create a descriptor for a pooling"
           " forward propagation primitive, in file tensorflow/core/kernels/mkl/mkl_maxpooling_op.cc:…"))
record("keras", KERAS2_TF, "max_pool/stride-zero", "raises", exc_type="InvalidArgumentError",
       detail="Stride must be > 0, but got 0",
       note="The constructor accepts strides=0 (it checks value >= 0); TF rejects it at call time.")
record("keras", KERAS2_TF, "max_pool/kernel-zero", "raises", exc_type="ValueError",
       detail=(
           "The `pool_size` argument must be a tuple of 1 integers. Received: 0 including {0} that does "
           "not satisfy the requirement `> 0`."))
record("keras", KERAS2_TF, "max_pool/unbatched-input", "raises", exc_type="ValueError",
       detail=(
           'Input 0 of layer "max_pooling1d…" is incompatible with the layer: expected ndim=3, found '
           "ndim=2. Full shape received: (1, 4)"))
record("keras", KERAS2_TF, "max_pool/output-zero-2d-height", "returns_empty",
       detail="(1, 1, 0, 2)",
       claimed="(1, 1, 0, 2)")
record("keras", KERAS2_TF, "max_pool/output-zero-2d-width", "returns_empty",
       detail="(1, 1, 2, 0)",
       claimed="(1, 1, 2, 0)")
record("keras", KERAS2_TF, "max_pool/stride-negative", "raises", exc_type="ValueError",
       detail=(
           "The `strides` argument must be a tuple of 1 integers. Received: -1 including {-1} that does "
           "not satisfy the requirement `>= 0`."))
record("keras", KERAS2_TF, "max_pool/kernel-negative", "raises", exc_type="ValueError",
       detail=(
           "The `pool_size` argument must be a tuple of 1 integers. Received: -2 including {-2} that does"
           " not satisfy the requirement `> 0`."))
record("keras", KERAS2_TF, "max_pool/kernel-rank-mismatch", "raises", exc_type="ValueError",
       detail="The `pool_size` argument must be a tuple of 1 integers. Received: (2, 2)")
record("keras", KERAS2_TF, "max_pool/input-rank-6", "raises", exc_type="ValueError",
       detail=(
           'Input 0 of layer "max_pooling3d…" is incompatible with the layer: expected ndim=5, found '
           "ndim=6. Full shape received: (1, 1, 2, 2, 2, 2)"))
record("keras", KERAS2_TF, "avg_pool/output-zero", "returns_empty",
       detail="(1, 1, 0)",
       claimed="(1, 1, 0)")
record("keras", KERAS2_TF, "avg_pool/output-negative", "raises", exc_type="InvalidArgumentError",
       detail=(
           "Computed output size would be negative: -1 [input_size: 3, effective_filter_size: 5, stride: "
           "1]"))
record("keras", KERAS2_TF, "avg_pool/output-zero-strided", "returns_empty",
       detail="(1, 1, 0)",
       claimed="(1, 1, 0)")
record("keras", KERAS2_TF, "avg_pool/stride-zero", "raises", exc_type="InvalidArgumentError",
       detail="Stride must be > 0, but got 0",
       note="The constructor accepts strides=0 (it checks value >= 0); TF rejects it at call time.")
record("keras", KERAS2_TF, "avg_pool/kernel-zero", "raises", exc_type="ValueError",
       detail=(
           "The `pool_size` argument must be a tuple of 1 integers. Received: 0 including {0} that does "
           "not satisfy the requirement `> 0`."))
record("keras", KERAS2_TF, "avg_pool/unbatched-input", "raises", exc_type="ValueError",
       detail=(
           'Input 0 of layer "average_pooling1d…" is incompatible with the layer: expected ndim=3, found'
           " ndim=2. Full shape received: (1, 4)"))
record("keras", KERAS2_TF, "avg_pool/kernel-exceeds-input-3d", "conforms",
       detail="(1, 1, 2, 2, 2)")
record("keras", KERAS2_TF, "zero_pad/padding-negative", "not_expressible",
       detail="Keras 2 ZeroPadding1D has no data_format (channels_last only)")
record("keras", KERAS2_TF, "zero_pad/padding-negative-2d", "raises", exc_type="InvalidArgumentError",
       detail="Paddings must be non-negative: -1 -1")
record("keras", KERAS2_TF, "zero_pad/padding-non-integer", "not_expressible",
       detail="Keras 2 ZeroPadding1D has no data_format (channels_last only)")
record("keras", KERAS2_TF, "zero_pad/padding-rank-mismatch", "not_expressible",
       detail="Keras 2 ZeroPadding1D has no data_format (channels_last only)")
record("keras", KERAS2_TF, "zero_pad/unbatched-input", "not_expressible",
       detail="Keras 2 ZeroPadding1D has no data_format (channels_last only)")
record("keras", KERAS2_TF, "conv/kernel-exceeds-input", "raises", exc_type="ValueError",
       detail=(
           "One of the dimensions in the output is <= 0 due to downsampling in conv1d…. Consider "
           "increasing the input size. Received input shape [1, 1, 3] which would produce output shape "
           "with a zero or negative value in a dimension."))
record("keras", KERAS2_TF, "conv/kernel-zero", "raises", exc_type="ValueError",
       detail=(
           "The `kernel_size` argument must be a tuple of 1 integers. Received: 0 including {0} that does"
           " not satisfy the requirement `> 0`."))
record("keras", KERAS2_TF, "conv/stride-zero", "raises", exc_type="ValueError",
       detail="The argument `strides` cannot contains 0(s). Received: (0,)")
record("keras", KERAS2_TF, "conv/stride-negative", "raises", exc_type="ValueError",
       detail=(
           "The `strides` argument must be a tuple of 1 integers. Received: -1 including {-1} that does "
           "not satisfy the requirement `>= 0`."))
record("keras", KERAS2_TF, "conv/dilation-zero", "raises", exc_type="ValueError",
       detail=(
           "The `dilation_rate` argument must be a tuple of 1 integers. Received: 0 including {0} that "
           "does not satisfy the requirement `> 0`."))
record("keras", KERAS2_TF, "conv/groups-input-channels", "raises", exc_type="ValueError",
       detail=(
           "The number of input channels must be evenly divisible by the number of groups. Received "
           "groups=2, but the input has 3 channels (full input shape is (1, 3, 5))."))
record("keras", KERAS2_TF, "conv/groups-output-channels", "raises", exc_type="ValueError",
       detail=(
           "The number of filters must be evenly divisible by the number of groups. Received: groups=2, "
           "filters=3"))
record("keras", KERAS2_TF, "conv/groups-zero", "returns_result",
       detail="(1, 2, 3)",
       note="Conv1D(groups=0) builds and runs as if ungrouped; Keras 3 rejects groups=0 in the constructor.")
record("keras", KERAS2_TF, "conv/weight-channel-mismatch", "raises", exc_type="ValueError",
       detail="Layer … weight shape (3, 3, 2) is not compatible with provided weight shape (3, 2, 2).")
record("keras", KERAS2_TF, "conv/bias-shape-mismatch", "raises", exc_type="ValueError",
       detail="Layer … weight shape (2,) is not compatible with provided weight shape (3,).")
record("keras", KERAS2_TF, "conv/unbatched-input", "raises", exc_type="ValueError",
       detail=(
           'Input 0 of layer "conv1d…" is incompatible with the layer: expected min_ndim=3, found '
           "ndim=2. Full shape received: (3, 5)"))
record("keras", KERAS2_TF, "conv/same-strided", "conforms",
       detail="(1, 1, 3)")
record("keras", KERAS2_TF, "conv/stride-with-dilation", "raises", exc_type="ValueError",
       detail=(
           "`strides > 1` not supported in conjunction with `dilation_rate > 1`. Received: strides=(2,) "
           "and dilation_rate=(2,)"))
record("keras", KERAS2_TF, "dense/in-features-mismatch", "raises", exc_type="ValueError",
       detail="Layer … weight shape (3, 4) is not compatible with provided weight shape (5, 4).")
record("keras", KERAS2_TF, "dense/weight-rank", "raises", exc_type="ValueError",
       detail="Layer … weight shape (3, 3) is not compatible with provided weight shape (3,).")
record("keras", KERAS2_TF, "dense/bias-shape-mismatch", "raises", exc_type="ValueError",
       detail="Layer … weight shape (4,) is not compatible with provided weight shape (1,).")

# --- Keras 3 on the torch backend (KERAS_BACKEND=torch) ---------------------------------------------------

record("keras", KERAS_TORCH, "max_pool/output-zero", "raises", exc_type="RuntimeError",
       detail="max_pool1d() Invalid computed output size: 0",
       note="The torch backend's own check: no crash, unlike TF's oneDNN kernel.")
record("keras", KERAS_TORCH, "max_pool/output-negative", "raises", exc_type="RuntimeError",
       detail="max_pool1d() Invalid computed output size: -1")
record("keras", KERAS_TORCH, "max_pool/output-zero-strided", "raises", exc_type="RuntimeError",
       detail="max_pool1d() Invalid computed output size: 0")
record("keras", KERAS_TORCH, "max_pool/stride-zero", "raises", exc_type="ValueError",
       detail=(
           "The `strides` argument must be a tuple of 1 integers. Received strides=(0,), including values"
           " {0} that do not satisfy `value > 0`"))
record("keras", KERAS_TORCH, "max_pool/kernel-zero", "raises", exc_type="ValueError",
       detail=(
           "The `pool_size` argument must be a tuple of 1 integers. Received pool_size=0, including "
           "values {0} that do not satisfy `value > 0`"))
record("keras", KERAS_TORCH, "max_pool/unbatched-input", "raises", exc_type="ValueError",
       detail=(
           "Input 0 with name 'None' of layer 'max_pooling1d…' is incompatible with the layer: expected "
           "ndim=3, found ndim=2. Full shape received: (1, 4)"))
record("keras", KERAS_TORCH, "max_pool/output-zero-2d-height", "raises", exc_type="RuntimeError",
       detail="Given input size: (1x1x3). Calculated output size: (1x0x2). Output size is too small")
record("keras", KERAS_TORCH, "max_pool/output-zero-2d-width", "raises", exc_type="RuntimeError",
       detail="Given input size: (1x3x1). Calculated output size: (1x2x0). Output size is too small")
record("keras", KERAS_TORCH, "max_pool/stride-negative", "raises", exc_type="ValueError",
       detail=(
           "The `strides` argument must be a tuple of 1 integers. Received strides=-1, including values "
           "{-1} that do not satisfy `value >= 0`"))
record("keras", KERAS_TORCH, "max_pool/kernel-negative", "raises", exc_type="ValueError",
       detail=(
           "The `pool_size` argument must be a tuple of 1 integers. Received pool_size=-2, including "
           "values {-2} that do not satisfy `value > 0`"))
record("keras", KERAS_TORCH, "max_pool/kernel-rank-mismatch", "raises", exc_type="ValueError",
       detail="The `pool_size` argument must be a tuple of 1 integers. Received pool_size=(2, 2)")
record("keras", KERAS_TORCH, "max_pool/input-rank-6", "raises", exc_type="ValueError",
       detail=(
           "Input 0 with name 'None' of layer 'max_pooling3d…' is incompatible with the layer: expected "
           "ndim=5, found ndim=6. Full shape received: (1, 1, 2, 2, 2, 2)"))
record("keras", KERAS_TORCH, "avg_pool/output-zero", "raises", exc_type="RuntimeError",
       detail="Given input size: (1x1x1). Calculated output size: (1x1x0). Output size is too small")
record("keras", KERAS_TORCH, "avg_pool/output-negative", "raises", exc_type="RuntimeError",
       detail="Given input size: (1x1x3). Calculated output size: (1x1x-1). Output size is too small")
record("keras", KERAS_TORCH, "avg_pool/output-zero-strided", "raises", exc_type="RuntimeError",
       detail="Given input size: (1x1x2). Calculated output size: (1x1x0). Output size is too small")
record("keras", KERAS_TORCH, "avg_pool/stride-zero", "raises", exc_type="ValueError",
       detail=(
           "The `strides` argument must be a tuple of 1 integers. Received strides=(0,), including values"
           " {0} that do not satisfy `value > 0`"))
record("keras", KERAS_TORCH, "avg_pool/kernel-zero", "raises", exc_type="ValueError",
       detail=(
           "The `pool_size` argument must be a tuple of 1 integers. Received pool_size=0, including "
           "values {0} that do not satisfy `value > 0`"))
record("keras", KERAS_TORCH, "avg_pool/unbatched-input", "raises", exc_type="ValueError",
       detail=(
           "Input 0 with name 'None' of layer 'average_pooling1d…' is incompatible with the layer: "
           "expected ndim=3, found ndim=2. Full shape received: (1, 4)"))
record("keras", KERAS_TORCH, "avg_pool/kernel-exceeds-input-3d", "raises", exc_type="RuntimeError",
       detail="input image (T: 2 H: 2 W: 2) smaller than kernel size (kT: 3 kH: 3 kW: 3)",
       note=(
           "A valid Keras call (AveragePooling3D, padding='same', pool_size 3 on a 2x2x2 input) fails on "
           "the torch backend: torch's avg_pool3d requires kernel <= input whatever the padding. On TF it"
           " returns the spec's result."))
record("keras", KERAS_TORCH, "zero_pad/padding-negative", "raises", exc_type="ValueError",
       detail=(
           "The `padding` argument must be a tuple of 2 integers. Received padding=-1, including values "
           "{-1} that do not satisfy `value >= 0`"))
record("keras", KERAS_TORCH, "zero_pad/padding-negative-2d", "returns_result",
       detail="(1, 1, 2, 2)",
       note=(
           "ZeroPadding2D(-1) passes the constructor and the torch backend's pad crops, as F.pad does; on"
           " TF the same layer raises."))
record("keras", KERAS_TORCH, "zero_pad/padding-non-integer", "raises", exc_type="ValueError",
       detail="The `padding` argument must be a tuple of 2 integers. Received padding=1.5")
record("keras", KERAS_TORCH, "zero_pad/padding-rank-mismatch", "raises", exc_type="ValueError",
       detail=(
           "The `padding` argument must be a tuple of 2 integers. Received padding=((1, 1), (1, "
           "1))including element (1, 1) of type <class 'tuple'>"))
record("keras", KERAS_TORCH, "zero_pad/unbatched-input", "raises", exc_type="ValueError",
       detail=(
           "Input 0 with name 'None' of layer 'zero_padding1d…' is incompatible with the layer: expected"
           " ndim=3, found ndim=2. Full shape received: (1, 4)"))
record("keras", KERAS_TORCH, "conv/kernel-exceeds-input", "raises", exc_type="ValueError",
       detail=(
           "Computed output size would be zero or negative. Received `inputs shape=(1, 1, 3)`, `kernel "
           "shape=(5, 1, 1)`, `dilation_rate=[1]`, `strides=(1,)`, `padding=valid`."))
record("keras", KERAS_TORCH, "conv/kernel-zero", "raises", exc_type="ValueError",
       detail=(
           "The `kernel_size` argument must be a tuple of 1 integers. Received kernel_size=0, including "
           "values {0} that do not satisfy `value > 0`"))
record("keras", KERAS_TORCH, "conv/stride-zero", "raises", exc_type="ValueError",
       detail=(
           "The `strides` argument must be a tuple of 1 integers. Received strides=0, including values "
           "{0} that do not satisfy `value > 0`"))
record("keras", KERAS_TORCH, "conv/stride-negative", "raises", exc_type="ValueError",
       detail=(
           "The `strides` argument must be a tuple of 1 integers. Received strides=-1, including values "
           "{-1} that do not satisfy `value > 0`"))
record("keras", KERAS_TORCH, "conv/dilation-zero", "raises", exc_type="ValueError",
       detail=(
           "The `dilation_rate` argument must be a tuple of 1 integers. Received dilation_rate=0, "
           "including values {0} that do not satisfy `value > 0`"))
record("keras", KERAS_TORCH, "conv/groups-input-channels", "raises", exc_type="ValueError",
       detail=(
           "The number of input channels must be evenly divisible by the number of groups. Received "
           "groups=2, but the input has 3 channels (full input shape is (1, 3, 5))."))
record("keras", KERAS_TORCH, "conv/groups-output-channels", "raises", exc_type="ValueError",
       detail=(
           "The number of filters must be evenly divisible by the number of groups. Received: groups=2, "
           "filters=3."))
record("keras", KERAS_TORCH, "conv/groups-zero", "raises", exc_type="ValueError",
       detail="The number of groups must be a positive integer. Received: groups=0.")
record("keras", KERAS_TORCH, "conv/weight-channel-mismatch", "raises", exc_type="ValueError",
       detail="Layer … weight shape (3, 3, 2) is not compatible with provided weight shape (3, 2, 2).")
record("keras", KERAS_TORCH, "conv/bias-shape-mismatch", "raises", exc_type="ValueError",
       detail="Layer … weight shape (2,) is not compatible with provided weight shape (3,).")
record("keras", KERAS_TORCH, "conv/unbatched-input", "raises", exc_type="ValueError",
       detail=(
           "Kernel shape must have the same length as input, but received kernel of shape (3, 5, 2) and "
           "input of shape (3, 5)."))
record("keras", KERAS_TORCH, "conv/same-strided", "conforms",
       detail="(1, 1, 3)")
record("keras", KERAS_TORCH, "conv/stride-with-dilation", "raises", exc_type="ValueError",
       detail=(
           "`strides > 1` not supported in conjunction with `dilation_rate > 1`. Received: strides=(2,) "
           "and dilation_rate=(2,)"))
record("keras", KERAS_TORCH, "dense/in-features-mismatch", "raises", exc_type="ValueError",
       detail="Layer … weight shape (3, 4) is not compatible with provided weight shape (5, 4).")
record("keras", KERAS_TORCH, "dense/weight-rank", "raises", exc_type="ValueError",
       detail="Layer … weight shape (3, 3) is not compatible with provided weight shape (3,).")
record("keras", KERAS_TORCH, "dense/bias-shape-mismatch", "raises", exc_type="ValueError",
       detail="Layer … weight shape (4,) is not compatible with provided weight shape (1,).")


# --- Keras 3 on the jax backend (KERAS_BACKEND=jax) -----------------------------------------------------

record("keras", KERAS_JAX, "max_pool/output-zero", "returns_empty",
       detail='(1, 1, 0)',
       claimed=(
           'raises ValueError: Computed output size would be zero or negative. Received: `inputs.shape=[1 1 '
           '1]`, `pool_size=[2]`, `strides=(1,)`, `padding=valid`.'))
record("keras", KERAS_JAX, "max_pool/output-negative", "returns_empty",
       detail='(1, 1, 0)',
       claimed=(
           'raises ValueError: Computed output size would be zero or negative. Received: `inputs.shape=[1 1 '
           '3]`, `pool_size=[5]`, `strides=(1,)`, `padding=valid`.'))
record("keras", KERAS_JAX, "max_pool/output-zero-strided", "returns_empty",
       detail='(1, 1, 0)',
       claimed=(
           'raises ValueError: Computed output size would be zero or negative. Received: `inputs.shape=[1 1 '
           '2]`, `pool_size=[3]`, `strides=(2,)`, `padding=valid`.'))
record("keras", KERAS_JAX, "max_pool/stride-zero", "raises", exc_type="TypeError",
       detail='reduce_window window_strides must have every element be strictly positive, got (1, 1, 0).')
record("keras", KERAS_JAX, "max_pool/kernel-zero", "raises", exc_type="ValueError",
       detail=(
           'The `pool_size` argument must be a tuple of 1 integers. Received pool_size=0, including values '
           '{0} that do not satisfy `value > 0`'))
record("keras", KERAS_JAX, "max_pool/unbatched-input", "raises", exc_type="ValueError",
       detail=(
           "Input 0 with name 'None' of layer 'max_pooling1d…' is incompatible with the layer: expected "
           'ndim=3, found ndim=2. Full shape received: (1, 4)'))
record("keras", KERAS_JAX, "max_pool/output-zero-2d-height", "returns_empty",
       detail='(1, 1, 0, 2)',
       claimed=(
           'raises ValueError: Computed output size would be zero or negative. Received: '
           '`inputs.shape=[1 1 1 3]`, `pool_size=[2 2]`, `strides=(1, 1)`, `padding=valid`.'))
record("keras", KERAS_JAX, "max_pool/output-zero-2d-width", "returns_empty",
       detail='(1, 1, 2, 0)',
       claimed=(
           'raises ValueError: Computed output size would be zero or negative. Received: '
           '`inputs.shape=[1 1 3 1]`, `pool_size=[2 2]`, `strides=(1, 1)`, `padding=valid`.'))
record("keras", KERAS_JAX, "max_pool/stride-negative", "raises", exc_type="ValueError",
       detail=(
           'The `strides` argument must be a tuple of 1 integers. Received strides=-1, including values {-1} '
           'that do not satisfy `value >= 0`'))
record("keras", KERAS_JAX, "max_pool/kernel-negative", "raises", exc_type="ValueError",
       detail=(
           'The `pool_size` argument must be a tuple of 1 integers. Received pool_size=-2, including values '
           '{-2} that do not satisfy `value > 0`'))
record("keras", KERAS_JAX, "max_pool/kernel-rank-mismatch", "raises", exc_type="ValueError",
       detail='The `pool_size` argument must be a tuple of 1 integers. Received pool_size=(2, 2)')
record("keras", KERAS_JAX, "max_pool/input-rank-6", "raises", exc_type="ValueError",
       detail=(
           "Input 0 with name 'None' of layer 'max_pooling3d…' is incompatible with the layer: expected "
           'ndim=5, found ndim=6. Full shape received: (1, 1, 2, 2, 2, 2)'))
record("keras", KERAS_JAX, "avg_pool/output-zero", "returns_empty",
       detail='(1, 1, 0)',
       claimed=(
           'raises ValueError: Computed output size would be zero or negative. Received: `inputs.shape=[1 1 '
           '1]`, `pool_size=[2]`, `strides=(1,)`, `padding=valid`.'))
record("keras", KERAS_JAX, "avg_pool/output-negative", "returns_empty",
       detail='(1, 1, 0)',
       claimed=(
           'raises ValueError: Computed output size would be zero or negative. Received: `inputs.shape=[1 1 '
           '3]`, `pool_size=[5]`, `strides=(1,)`, `padding=valid`.'))
record("keras", KERAS_JAX, "avg_pool/output-zero-strided", "returns_empty",
       detail='(1, 1, 0)',
       claimed=(
           'raises ValueError: Computed output size would be zero or negative. Received: `inputs.shape=[1 1 '
           '2]`, `pool_size=[3]`, `strides=(2,)`, `padding=valid`.'))
record("keras", KERAS_JAX, "avg_pool/stride-zero", "raises", exc_type="TypeError",
       detail='reduce_window window_strides must have every element be strictly positive, got (1, 1, 0).')
record("keras", KERAS_JAX, "avg_pool/kernel-zero", "raises", exc_type="ValueError",
       detail=(
           'The `pool_size` argument must be a tuple of 1 integers. Received pool_size=0, including values '
           '{0} that do not satisfy `value > 0`'))
record("keras", KERAS_JAX, "avg_pool/unbatched-input", "raises", exc_type="ValueError",
       detail=(
           "Input 0 with name 'None' of layer 'average_pooling1d…' is incompatible with the layer: expected "
           'ndim=3, found ndim=2. Full shape received: (1, 4)'))
record("keras", KERAS_JAX, "avg_pool/kernel-exceeds-input-3d", "conforms",
       detail='(1, 1, 2, 2, 2)')
record("keras", KERAS_JAX, "zero_pad/padding-negative", "raises", exc_type="ValueError",
       detail=(
           'The `padding` argument must be a tuple of 2 integers. Received padding=-1, including values {-1} '
           'that do not satisfy `value >= 0`'))
record("keras", KERAS_JAX, "zero_pad/padding-negative-2d", "raises", exc_type="ValueError",
       detail="index can't contain negative values")
record("keras", KERAS_JAX, "zero_pad/padding-non-integer", "raises", exc_type="ValueError",
       detail='The `padding` argument must be a tuple of 2 integers. Received padding=1.5')
record("keras", KERAS_JAX, "zero_pad/padding-rank-mismatch", "raises", exc_type="ValueError",
       detail=(
           'The `padding` argument must be a tuple of 2 integers. Received padding=((1, 1), (1, 1))including '
           "element (1, 1) of type <class 'tuple'>"))
record("keras", KERAS_JAX, "zero_pad/unbatched-input", "raises", exc_type="ValueError",
       detail=(
           "Input 0 with name 'None' of layer 'zero_padding1d…' is incompatible with the layer: expected "
           'ndim=3, found ndim=2. Full shape received: (1, 4)'))
record("keras", KERAS_JAX, "conv/kernel-exceeds-input", "raises", exc_type="ValueError",
       detail=(
           'Computed output size would be zero or negative. Received `inputs shape=(1, 1, 3)`, `kernel '
           'shape=(5, 1, 1)`, `dilation_rate=[1]`, `strides=(1,)`, `padding=valid`.'))
record("keras", KERAS_JAX, "conv/kernel-zero", "raises", exc_type="ValueError",
       detail=(
           'The `kernel_size` argument must be a tuple of 1 integers. Received kernel_size=0, including '
           'values {0} that do not satisfy `value > 0`'))
record("keras", KERAS_JAX, "conv/stride-zero", "raises", exc_type="ValueError",
       detail=(
           'The `strides` argument must be a tuple of 1 integers. Received strides=0, including values {0} '
           'that do not satisfy `value > 0`'))
record("keras", KERAS_JAX, "conv/stride-negative", "raises", exc_type="ValueError",
       detail=(
           'The `strides` argument must be a tuple of 1 integers. Received strides=-1, including values {-1} '
           'that do not satisfy `value > 0`'))
record("keras", KERAS_JAX, "conv/dilation-zero", "raises", exc_type="ValueError",
       detail=(
           'The `dilation_rate` argument must be a tuple of 1 integers. Received dilation_rate=0, including '
           'values {0} that do not satisfy `value > 0`'))
record("keras", KERAS_JAX, "conv/groups-input-channels", "raises", exc_type="ValueError",
       detail=(
           'The number of input channels must be evenly divisible by the number of groups. Received '
           'groups=2, but the input has 3 channels (full input shape is (1, 3, 5)).'))
record("keras", KERAS_JAX, "conv/groups-output-channels", "raises", exc_type="ValueError",
       detail=('The number of filters must be evenly divisible by the number of groups. Received: groups=2, '
               'filters=3.'))
record("keras", KERAS_JAX, "conv/groups-zero", "raises", exc_type="ValueError",
       detail='The number of groups must be a positive integer. Received: groups=0.')
record("keras", KERAS_JAX, "conv/weight-channel-mismatch", "raises", exc_type="ValueError",
       detail='Layer … weight shape (3, 3, 2) is not compatible with provided weight shape (3, 2, 2).')
record("keras", KERAS_JAX, "conv/bias-shape-mismatch", "raises", exc_type="ValueError",
       detail='Layer … weight shape (2,) is not compatible with provided weight shape (3,).')
record("keras", KERAS_JAX, "conv/unbatched-input", "raises", exc_type="ValueError",
       detail=(
           'Kernel shape must have the same length as input, but received kernel of shape (3, 5, 2) and '
           'input of shape (3, 5).'))
record("keras", KERAS_JAX, "conv/same-strided", "conforms",
       detail='(1, 1, 3)')
record("keras", KERAS_JAX, "conv/stride-with-dilation", "raises", exc_type="ValueError",
       detail=(
           '`strides > 1` not supported in conjunction with `dilation_rate > 1`. Received: strides=(2,) and '
           'dilation_rate=(2,)'))
record("keras", KERAS_JAX, "dense/in-features-mismatch", "raises", exc_type="ValueError",
       detail='Layer … weight shape (3, 4) is not compatible with provided weight shape (5, 4).')
record("keras", KERAS_JAX, "dense/weight-rank", "raises", exc_type="ValueError",
       detail='Layer … weight shape (3, 3) is not compatible with provided weight shape (3,).')
record("keras", KERAS_JAX, "dense/bias-shape-mismatch", "raises", exc_type="ValueError",
       detail='Layer … weight shape (4,) is not compatible with provided weight shape (1,).')

# --- jax: lax.reduce_window, lax.conv_general_dilated, jnp.pad, jnp.dot (the adapter functions in
# targets/jax_target.py, which pass an error input's parameters as given) -----------------------------------

record("jax", JAX, "max_pool/output-zero", "returns_empty", detail="(1, 1, 0)")
record("jax", JAX, "max_pool/output-negative", "returns_empty", detail="(1, 1, 0)")
record("jax", JAX, "max_pool/output-zero-strided", "returns_empty", detail="(1, 1, 0)")
record("jax", JAX, "max_pool/stride-zero", "raises",
       exc_type="TypeError",
       detail="reduce_window window_strides must have every element be strictly positive, got (1, 1, 0).")
record("jax", JAX, "max_pool/kernel-zero", "raises",
       exc_type="TypeError",
       detail="reduce_window window_dimensions must have every element be strictly positive, got (1, 1, 0).")
record("jax", JAX, "max_pool/padding-negative", "returns_result",
       detail="(1, 1, 1)",
       note=(
           "lax.reduce_window reads a negative pad as cropping that many cells (documented for "
           "lax.pad); the spec rejects it."))
record("jax", JAX, "max_pool/pad-beyond-half-kernel", "conforms", detail="(1, 1, 6)")
record("jax", JAX, "max_pool/unbatched-input", "raises",
       exc_type="TypeError",
       detail=(
           "reduce_window got the wrong number of window_dimensions for operand: got operand shape "
           "(1, 4) with window_dimensions (1, 1, 2)."))
record("jax", JAX, "max_pool/output-zero-2d-height", "returns_empty", detail="(1, 1, 0, 2)")
record("jax", JAX, "max_pool/output-zero-2d-width", "returns_empty", detail="(1, 1, 2, 0)")
record("jax", JAX, "max_pool/kernel-exceeds-padded-input", "returns_empty", detail="(1, 1, 0)")
record("jax", JAX, "max_pool/stride-negative", "raises",
       exc_type="TypeError",
       detail="reduce_window window_strides must have every element be strictly positive, got (1, 1, -1).")
record("jax", JAX, "max_pool/kernel-negative", "raises",
       exc_type="TypeError",
       detail="reduce_window window_dimensions must have every element be strictly positive, got (1, 1, -2).")
record("jax", JAX, "max_pool/dilation-zero", "raises",
       exc_type="TypeError",
       detail="All dilations must be positive, got (1, 1, 0).")
record("jax", JAX, "max_pool/dilation-negative", "raises",
       exc_type="TypeError",
       detail="reduce_window window_dilation must have every element be nonnegative, got (1, 1, -1).")
record("jax", JAX, "max_pool/kernel-rank-mismatch", "raises",
       exc_type="TypeError",
       detail=(
           "reduce_window got the wrong number of window_dimensions for operand: got operand shape "
           "(1, 1, 4) with window_dimensions (1, 1, 2, 2)."))
record("jax", JAX, "max_pool/input-rank-6", "raises",
       exc_type="TypeError",
       detail=(
           "reduce_window got the wrong number of window_dimensions for operand: got operand shape "
           "(1, 1, 2, 2, 2, 2) with window_dimensions (1, 1, 2, 2, 2)."))
record('jax', JAX, 'max_pool/int-window-of-padding-only', 'returns_result',
       detail='(1, 1, 1, 1)',
       note="a window of only padding reduces to the init value, the dtype's lowest integer.")
record("jax", JAX, "avg_pool/output-zero", "returns_empty", detail="(1, 1, 0)")
record("jax", JAX, "avg_pool/output-negative", "returns_empty", detail="(1, 1, 0)")
record("jax", JAX, "avg_pool/output-zero-strided", "returns_empty", detail="(1, 1, 0)")
record("jax", JAX, "avg_pool/stride-zero", "raises",
       exc_type="TypeError",
       detail="reduce_window window_strides must have every element be strictly positive, got (1, 1, 0).")
record("jax", JAX, "avg_pool/kernel-zero", "raises",
       exc_type="TypeError",
       detail="reduce_window window_dimensions must have every element be strictly positive, got (1, 1, 0).")
record("jax", JAX, "avg_pool/padding-negative", "returns_result",
       detail="(1, 1, 1)",
       note="lax.reduce_window reads a negative pad as cropping that many cells; the spec rejects it.")
record("jax", JAX, "avg_pool/pad-beyond-half-kernel", "conforms", detail="(1, 1, 6)")
record("jax", JAX, "avg_pool/unbatched-input", "raises",
       exc_type="TypeError",
       detail=(
           "reduce_window got the wrong number of window_dimensions for operand: got operand shape "
           "(1, 4) with window_dimensions (1, 1, 2)."))
record('jax', JAX, 'avg_pool/divisor-override-zero', 'returns_result',
       detail='(1, 1, 1, 1)',
       note="the user's division by 0 gives inf (or NaN); nothing checks the divisor.")
record("jax", JAX, "avg_pool/divisor-override-negative", "returns_result",
       detail="(1, 1, 1, 1)",
       note="dividing by a negative divisor flips the sign; nothing checks the divisor.")
record("jax", JAX, "avg_pool/kernel-exceeds-input-3d", "conforms", detail="(1, 1, 2, 2, 2)")
record("jax", ADAPTER, "lp_pool/norm-type-zero", "not_expressible", detail="jax has no lp_pool")
record("jax", ADAPTER, "lp_pool/norm-type-negative", "not_expressible", detail="jax has no lp_pool")
record("jax", ADAPTER, "lp_pool/output-negative", "not_expressible", detail="jax has no lp_pool")
record("jax", ADAPTER, "lp_pool/stride-zero", "not_expressible", detail="jax has no lp_pool")
record("jax", ADAPTER, "lp_pool/kernel-zero", "not_expressible", detail="jax has no lp_pool")
record("jax", ADAPTER, "adaptive_max_pool/output-size-zero", "not_expressible",
       detail="jax has no adaptive_max_pool")
record("jax", ADAPTER, "adaptive_max_pool/output-size-negative", "not_expressible",
       detail="jax has no adaptive_max_pool")
record("jax", ADAPTER, "adaptive_max_pool/empty-input", "not_expressible",
       detail="jax has no adaptive_max_pool")
record("jax", ADAPTER, "adaptive_max_pool/output-rank-mismatch", "not_expressible",
       detail="jax has no adaptive_max_pool")
record("jax", ADAPTER, "adaptive_avg_pool/output-size-zero", "not_expressible",
       detail="jax has no adaptive_avg_pool")
record("jax", ADAPTER, "adaptive_avg_pool/output-size-negative", "not_expressible",
       detail="jax has no adaptive_avg_pool")
record("jax", ADAPTER, "adaptive_avg_pool/empty-input", "not_expressible",
       detail="jax has no adaptive_avg_pool")
record("jax", ADAPTER, "adaptive_avg_pool/output-rank-mismatch", "not_expressible",
       detail="jax has no adaptive_avg_pool")
record('jax', JAX, 'zero_pad/padding-negative', 'raises',
       exc_type='ValueError',
       detail="index can't contain negative values")
record('jax', JAX, 'zero_pad/padding-negative-2d', 'raises',
       exc_type='ValueError',
       detail="index can't contain negative values")
record("jax", JAX, "zero_pad/padding-non-integer", "raises",
       exc_type="TypeError",
       detail="`pad_width` must be of integral type.")
record("jax", JAX, "zero_pad/padding-rank-mismatch", "raises",
       exc_type="ValueError",
       detail=(
           "jnp.pad: pad_width with nd=3 has unsupported shape (4, 2). Valid shapes are (3, 2), (1, "
           "2), (2,), (1,), or ()."))
record("jax", JAX, "zero_pad/unbatched-input", "raises",
       exc_type="ValueError",
       detail=(
           "jnp.pad: pad_width with nd=2 has unsupported shape (3, 2). Valid shapes are (2, 2), (1, "
           "2), (2,), (1,), or ()."))
record("jax", JAX, "conv/kernel-exceeds-input", "returns_empty", detail="(1, 1, 0)")
record("jax", JAX, "conv/kernel-exceeds-padded-input", "returns_empty", detail="(1, 1, 0)")
record("jax", JAX, "conv/kernel-zero", "raises",
       exc_type="ValueError",
       detail="Cannot lower jaxpr with verifier errors:")
record("jax", JAX, "conv/stride-zero", "raises",
       exc_type="ValueError",
       detail="Cannot lower jaxpr with verifier errors:")
record("jax", JAX, "conv/stride-negative", "raises",
       exc_type="ValueError",
       detail="Cannot lower jaxpr with verifier errors:")
record("jax", JAX, "conv/dilation-zero", "raises",
       exc_type="TypeError",
       detail="All dilations must be positive, got (0,).")
record("jax", JAX, "conv/padding-negative", "returns_result",
       detail="(1, 1, 1)",
       note="lax.conv_general_dilated reads a negative pad as cropping; the spec rejects it.")
record("jax", JAX, "conv/groups-input-channels", "raises",
       exc_type="ValueError",
       detail=(
           "conv_general_dilated feature_group_count must divide lhs feature dimension size, but 2 "
           "does not divide 3."))
record("jax", JAX, "conv/groups-output-channels", "raises",
       exc_type="ValueError",
       detail=(
           "conv_general_dilated rhs output feature dimension size must be a multiple of "
           "feature_group_count, but 3 is not a multiple of 2."))
record("jax", JAX, "conv/groups-zero", "raises",
       exc_type="ValueError",
       detail="conv_general_dilated feature_group_count must be a positive integer, got 0.")
record("jax", JAX, "conv/weight-channel-mismatch", "raises",
       exc_type="ValueError",
       detail=(
           "conv_general_dilated lhs feature dimension size divided by feature_group_count must equal "
           "the rhs input feature dimension size, but 3 // 1 != 2."))
record("jax", JAX, "conv/bias-shape-mismatch", "raises",
       exc_type="TypeError",
       detail="add got incompatible shapes for broadcasting: (1, 2, 3), (1, 3, 1).")
record("jax", JAX, "conv/unbatched-input", "raises",
       exc_type="TypeError",
       detail="convolution requires lhs and rhs ndim to be equal, got 2 and 3.")
record("jax", JAX, "conv/same-strided", "conforms", detail="(1, 1, 3)")
record("jax", JAX, "conv/stride-with-dilation", "conforms", detail="(1, 1, 3)")
record("jax", JAX, "dense/in-features-mismatch", "raises",
       exc_type="TypeError",
       detail="dot_general requires contracting dimensions to have the same shape, got (3,) and (5,).")
record("jax", JAX, "dense/weight-rank", "returns_result",
       detail="(2,)",
       note="jnp.dot with a 1-D weight is a matrix-vector product: a (2,) result, no error.")
record("jax", JAX, "dense/bias-shape-mismatch", "returns_result",
       detail="(2, 4)",
       note="a (1,) bias broadcasts over every output feature.")

# --- ONNX Runtime and ONNX's reference evaluator (one-node models; shape inference runs first) ----------

record("onnx-reference", ADAPTER, "adaptive_avg_pool/empty-input", "not_expressible",
       detail="ONNX has no adaptive pooling op (exporters write fixed-window AveragePool)")
record("onnx-reference", ADAPTER, "adaptive_avg_pool/output-rank-mismatch", "not_expressible",
       detail="ONNX has no adaptive pooling op (exporters write fixed-window AveragePool)")
record("onnx-reference", ADAPTER, "adaptive_avg_pool/output-size-negative", "not_expressible",
       detail="ONNX has no adaptive pooling op (exporters write fixed-window AveragePool)")
record("onnx-reference", ADAPTER, "adaptive_avg_pool/output-size-zero", "not_expressible",
       detail="ONNX has no adaptive pooling op (exporters write fixed-window AveragePool)")
record("onnx-reference", ADAPTER, "adaptive_max_pool/empty-input", "not_expressible",
       detail="ONNX has no adaptive pooling op (exporters write fixed-window MaxPool)")
record("onnx-reference", ADAPTER, "adaptive_max_pool/output-rank-mismatch", "not_expressible",
       detail="ONNX has no adaptive pooling op (exporters write fixed-window MaxPool)")
record("onnx-reference", ADAPTER, "adaptive_max_pool/output-size-negative", "not_expressible",
       detail="ONNX has no adaptive pooling op (exporters write fixed-window MaxPool)")
record("onnx-reference", ADAPTER, "adaptive_max_pool/output-size-zero", "not_expressible",
       detail="ONNX has no adaptive pooling op (exporters write fixed-window MaxPool)")
record("onnx-reference", ONNX_REF, "avg_pool/divisor-override-negative", "returns_result",
       detail="(1, 1, 1, 1)")
record("onnx-reference", ONNX_REF, "avg_pool/divisor-override-zero", "returns_result", detail="(1, 1, 1, 1)")
record("onnx-reference", ONNX_REF, "avg_pool/kernel-exceeds-input-3d", "conforms", detail="(1, 1, 2, 2, 2)")
record("onnx-reference", ADAPTER, "avg_pool/kernel-zero", "not_expressible",
       detail="ONNX takes resolved ints: …")
record("onnx-reference", ONNX_REF, "avg_pool/output-negative", "raises",
       exc_type="ValueError", detail="negative dimensions are not allowed")
record("onnx-reference", ONNX_REF, "avg_pool/output-zero", "returns_empty",
       detail="(1, 1, 0)", claimed="(1, 1, 0)")
record("onnx-reference", ONNX_REF, "avg_pool/output-zero-strided", "returns_empty",
       detail="(1, 1, 0)", claimed="(1, 1, 1)")
record("onnx-reference", ONNX_REF, "avg_pool/pad-beyond-half-kernel", "conforms", detail="(1, 1, 6)")
record("onnx-reference", ADAPTER, "avg_pool/padding-negative", "not_expressible",
       detail="ONNX takes resolved ints: …")
record("onnx-reference", ADAPTER, "avg_pool/stride-zero", "not_expressible",
       detail="ONNX takes resolved ints: …")
record("onnx-reference", ADAPTER, "avg_pool/unbatched-input", "not_expressible",
       detail="ONNX takes resolved ints: …")
record("onnx-reference", ONNX_REF, "conv/bias-shape-mismatch", "raises",
       exc_type="ValueError",
       detail="operands could not be broadcast together with shapes (1,2,3) (1,3,1) (1,2,3)")
record("onnx-reference", ADAPTER, "conv/dilation-zero", "not_expressible",
       detail="ONNX takes resolved ints: …")
record("onnx-reference", ONNX_REF, "conv/groups-input-channels", "raises",
       exc_type="ValueError",
       detail="Shape inconsistencies, X.shape=(1, 3, 5), W.shape=(2, 1, 3), group=2, W…")
record("onnx-reference", ONNX_REF, "conv/groups-output-channels", "raises",
       exc_type="ValueError",
       detail="Shape inconsistencies, X.shape=(1, 2, 5), W.shape=(3, 1, 3), group=2, W…")
record("onnx-reference", ONNX_REF, "conv/groups-zero", "raises",
       exc_type="ZeroDivisionError", detail="integer division or modulo by zero")
record("onnx-reference", ONNX_REF, "conv/kernel-exceeds-input", "raises",
       exc_type="ValueError", detail="negative dimensions are not allowed")
record("onnx-reference", ONNX_REF, "conv/kernel-exceeds-padded-input", "raises",
       exc_type="ValueError", detail="negative dimensions are not allowed")
record("onnx-reference", ADAPTER, "conv/kernel-zero", "not_expressible", detail="ONNX takes resolved ints: …")
record("onnx-reference", ADAPTER, "conv/padding-negative", "not_expressible",
       detail="ONNX takes resolved ints: …")
record("onnx-reference", ONNX_REF, "conv/same-strided", "conforms", detail="(1, 1, 3)")
record("onnx-reference", ADAPTER, "conv/stride-negative", "not_expressible",
       detail="ONNX takes resolved ints: …")
record("onnx-reference", ONNX_REF, "conv/stride-with-dilation", "conforms", detail="(1, 1, 3)")
record("onnx-reference", ADAPTER, "conv/stride-zero", "not_expressible", detail="ONNX takes resolved ints: …")
record("onnx-reference", ADAPTER, "conv/unbatched-input", "not_expressible",
       detail="ONNX takes resolved ints: …")
record("onnx-reference", ONNX_REF, "conv/weight-channel-mismatch", "raises",
       exc_type="ValueError",
       detail="Shape inconsistencies, X.shape=(1, 3, 5), W.shape=(2, 2, 3), group=1, W…")
record("onnx-reference", ONNX_REF, "dense/bias-shape-mismatch", "returns_result", detail="(2, 4)")
record("onnx-reference", ONNX_REF, "dense/in-features-mismatch", "raises",
       exc_type="InferenceError", detail="[ShapeInferenceError] Inference error(s): (op_type:Gemm):…")
record("onnx-reference", ONNX_REF, "dense/weight-rank", "raises",
       exc_type="InferenceError", detail="[ShapeInferenceError] Inference error(s): (op_type:Gemm):…")
record("onnx-reference", ADAPTER, "lp_pool/kernel-zero", "not_expressible",
       detail="ONNX takes resolved ints: …")
record("onnx-reference", ONNX_REF, "lp_pool/norm-type-negative", "returns_result", detail="(1, 1, 2)")
record("onnx-reference", ONNX_REF, "lp_pool/norm-type-zero", "raises",
       exc_type="ZeroDivisionError", detail="float division by zero")
record("onnx-reference", ONNX_REF, "lp_pool/output-negative", "raises",
       exc_type="ValueError", detail="negative dimensions are not allowed")
record("onnx-reference", ADAPTER, "lp_pool/stride-zero", "not_expressible",
       detail="ONNX takes resolved ints: …")
record("onnx-reference", ADAPTER, "max_pool/dilation-negative", "not_expressible",
       detail="ONNX takes resolved ints: …")
record("onnx-reference", ADAPTER, "max_pool/dilation-zero", "not_expressible",
       detail="ONNX takes resolved ints: …")
record("onnx-reference", ADAPTER, "max_pool/input-rank-6", "not_expressible",
       detail="ONNX takes resolved ints: …")
record("onnx-reference", ONNX_REF, "max_pool/int-window-of-padding-only", "raises",
       exc_type="InferenceError",
       detail="[ShapeInferenceError] (op_type:MaxPool): X typestr: T, has unsupported type:…")
record("onnx-reference", ONNX_REF, "max_pool/kernel-exceeds-padded-input", "raises",
       exc_type="RuntimeError",
       detail="output shape cannot be null or negative, out_shape=(-4,), auto_pad='VALID',…")
record("onnx-reference", ADAPTER, "max_pool/kernel-negative", "not_expressible",
       detail="ONNX takes resolved ints: …")
record("onnx-reference", ADAPTER, "max_pool/kernel-rank-mismatch", "not_expressible",
       detail="ONNX takes resolved ints: …")
record("onnx-reference", ADAPTER, "max_pool/kernel-zero", "not_expressible",
       detail="ONNX takes resolved ints: …")
record("onnx-reference", ONNX_REF, "max_pool/output-negative", "raises",
       exc_type="RuntimeError",
       detail="output shape cannot be null or negative, out_shape=(-1,), auto_pad='VALID',…")
record("onnx-reference", ONNX_REF, "max_pool/output-zero", "raises",
       exc_type="RuntimeError",
       detail="output shape cannot be null or negative, out_shape=(0,), auto_pad='VALID',…")
record("onnx-reference", ONNX_REF, "max_pool/output-zero-2d-height", "raises",
       exc_type="RuntimeError",
       detail="output shape cannot be null or negative, out_shape=(0, 2), auto_pad='VALID',…")
record("onnx-reference", ONNX_REF, "max_pool/output-zero-2d-width", "raises",
       exc_type="RuntimeError",
       detail="output shape cannot be null or negative, out_shape=(2, 0), auto_pad='VALID',…")
record("onnx-reference", ONNX_REF, "max_pool/output-zero-strided", "returns_empty",
       detail="(1, 1, 0)", claimed="(1, 1, 1)")
record("onnx-reference", ONNX_REF, "max_pool/pad-beyond-half-kernel", "raises",
       exc_type="IndexError", detail="index 2 is out of bounds for axis 2 with size 2")
record("onnx-reference", ADAPTER, "max_pool/padding-negative", "not_expressible",
       detail="ONNX takes resolved ints: …")
record("onnx-reference", ADAPTER, "max_pool/stride-negative", "not_expressible",
       detail="ONNX takes resolved ints: …")
record("onnx-reference", ADAPTER, "max_pool/stride-zero", "not_expressible",
       detail="ONNX takes resolved ints: …")
record("onnx-reference", ADAPTER, "max_pool/unbatched-input", "not_expressible",
       detail="ONNX takes resolved ints: …")
record("onnx-reference", ADAPTER, "zero_pad/padding-negative", "not_expressible",
       detail="ONNX takes resolved ints: …")
record("onnx-reference", ADAPTER, "zero_pad/padding-negative-2d", "not_expressible",
       detail="ONNX takes resolved ints: …")
record("onnx-reference", ADAPTER, "zero_pad/padding-non-integer", "not_expressible",
       detail="ONNX takes resolved ints: …")
record("onnx-reference", ADAPTER, "zero_pad/padding-rank-mismatch", "not_expressible",
       detail="ONNX takes resolved ints: …")
record("onnx-reference", ONNX_REF, "zero_pad/unbatched-input", "returns_result", detail="(1, 4)")
record("onnxruntime", ADAPTER, "adaptive_avg_pool/empty-input", "not_expressible",
       detail="ONNX has no adaptive pooling op (exporters write fixed-window AveragePool)")
record("onnxruntime", ADAPTER, "adaptive_avg_pool/output-rank-mismatch", "not_expressible",
       detail="ONNX has no adaptive pooling op (exporters write fixed-window AveragePool)")
record("onnxruntime", ADAPTER, "adaptive_avg_pool/output-size-negative", "not_expressible",
       detail="ONNX has no adaptive pooling op (exporters write fixed-window AveragePool)")
record("onnxruntime", ADAPTER, "adaptive_avg_pool/output-size-zero", "not_expressible",
       detail="ONNX has no adaptive pooling op (exporters write fixed-window AveragePool)")
record("onnxruntime", ADAPTER, "adaptive_max_pool/empty-input", "not_expressible",
       detail="ONNX has no adaptive pooling op (exporters write fixed-window MaxPool)")
record("onnxruntime", ADAPTER, "adaptive_max_pool/output-rank-mismatch", "not_expressible",
       detail="ONNX has no adaptive pooling op (exporters write fixed-window MaxPool)")
record("onnxruntime", ADAPTER, "adaptive_max_pool/output-size-negative", "not_expressible",
       detail="ONNX has no adaptive pooling op (exporters write fixed-window MaxPool)")
record("onnxruntime", ADAPTER, "adaptive_max_pool/output-size-zero", "not_expressible",
       detail="ONNX has no adaptive pooling op (exporters write fixed-window MaxPool)")
record("onnxruntime", ORT, "avg_pool/divisor-override-negative", "returns_result", detail="(1, 1, 1, 1)")
record("onnxruntime", ORT, "avg_pool/divisor-override-zero", "returns_result", detail="(1, 1, 1, 1)")
record("onnxruntime", ORT, "avg_pool/kernel-exceeds-input-3d", "conforms", detail="(1, 1, 2, 2, 2)")
record("onnxruntime", ADAPTER, "avg_pool/kernel-zero", "not_expressible",
       detail="ONNX takes resolved ints: …")
record("onnxruntime", ORT, "avg_pool/output-negative", "raises",
       exc_type="Fail",
       detail="[ONNXRuntimeError] … Calculated output dimension is negative…")
record("onnxruntime", ORT, "avg_pool/output-zero", "returns_empty", detail="(1, 1, 0)", claimed="(1, 1, 0)")
record("onnxruntime", ORT, "avg_pool/output-zero-strided", "returns_result", detail="(1, 1, 1)")
record("onnxruntime", ORT, "avg_pool/pad-beyond-half-kernel", "conforms", detail="(1, 1, 6)")
record("onnxruntime", ADAPTER, "avg_pool/padding-negative", "not_expressible",
       detail="ONNX takes resolved ints: …")
record("onnxruntime", ADAPTER, "avg_pool/stride-zero", "not_expressible",
       detail="ONNX takes resolved ints: …")
record("onnxruntime", ADAPTER, "avg_pool/unbatched-input", "not_expressible",
       detail="ONNX takes resolved ints: …")
record("onnxruntime", {"onnxruntime": ">=1.32"}, "conv/bias-shape-mismatch", "raises",
       exc_type="Fail",
       detail="[ONNXRuntimeError] … Conv : bias must be a 1D tensor of size output_channels (2)")
record("onnxruntime", {"onnxruntime": ">=1.29,<1.32"}, "conv/bias-shape-mismatch", "returns_result",
       detail="(1, 2, 3)")
record("onnxruntime", ADAPTER, "conv/dilation-zero", "not_expressible", detail="ONNX takes resolved ints: …")
record("onnxruntime", ORT, "conv/groups-input-channels", "raises",
       exc_type="Fail",
       detail="[ONNXRuntimeError] … to kernel channels * group. C: 3 kernel channels: 1 group: 2")
record("onnxruntime", ORT, "conv/groups-output-channels", "raises",
       exc_type="Fail",
       detail="[ONNXRuntimeError] … Output channels M is not divisible by group. M: 3 group: 2")
record("onnxruntime", ORT, "conv/groups-zero", "raises",
       exc_type="Fail",
       detail="[ONNXRuntimeError] … to kernel channels * group. C: 3 kernel channels: 3 group: 0")
record("onnxruntime", ORT, "conv/kernel-exceeds-input", "raises",
       exc_type="InvalidArgument", detail="[ONNXRuntimeError] … Invalid input shape: {3}")
record("onnxruntime", ORT, "conv/kernel-exceeds-padded-input", "raises",
       exc_type="InvalidArgument", detail="[ONNXRuntimeError] … Invalid input shape: {2}")
record("onnxruntime", ADAPTER, "conv/kernel-zero", "not_expressible", detail="ONNX takes resolved ints: …")
record("onnxruntime", ADAPTER, "conv/padding-negative", "not_expressible",
       detail="ONNX takes resolved ints: …")
record("onnxruntime", ORT, "conv/same-strided", "conforms", detail="(1, 1, 3)")
record("onnxruntime", ADAPTER, "conv/stride-negative", "not_expressible",
       detail="ONNX takes resolved ints: …")
record("onnxruntime", ORT, "conv/stride-with-dilation", "conforms", detail="(1, 1, 3)")
record("onnxruntime", ADAPTER, "conv/stride-zero", "not_expressible", detail="ONNX takes resolved ints: …")
record("onnxruntime", ADAPTER, "conv/unbatched-input", "not_expressible",
       detail="ONNX takes resolved ints: …")
record("onnxruntime", ORT, "conv/weight-channel-mismatch", "raises",
       exc_type="Fail",
       detail="[ONNXRuntimeError] … to kernel channels * group. C: 3 kernel channels: 2 group: 1")
record("onnxruntime", ORT, "dense/bias-shape-mismatch", "returns_result", detail="(2, 4)")
record("onnxruntime", ORT, "dense/in-features-mismatch", "raises",
       exc_type="InferenceError", detail="[ShapeInferenceError] Inference error(s): (op_type:Gemm):…")
record("onnxruntime", ORT, "dense/weight-rank", "raises",
       exc_type="InferenceError", detail="[ShapeInferenceError] Inference error(s): (op_type:Gemm):…")
record("onnxruntime", ADAPTER, "lp_pool/kernel-zero", "not_expressible", detail="ONNX takes resolved ints: …")
record("onnxruntime", ORT, "lp_pool/norm-type-negative", "returns_result", detail="(1, 1, 2)")
record("onnxruntime", ORT, "lp_pool/norm-type-zero", "returns_result", detail="(1, 1, 2)")
record("onnxruntime", ORT, "lp_pool/output-negative", "raises",
       exc_type="Fail",
       detail="[ONNXRuntimeError] … Calculated output dimension is negative…")
record("onnxruntime", ADAPTER, "lp_pool/stride-zero", "not_expressible", detail="ONNX takes resolved ints: …")
record("onnxruntime", ADAPTER, "max_pool/dilation-negative", "not_expressible",
       detail="ONNX takes resolved ints: …")
record("onnxruntime", ADAPTER, "max_pool/dilation-zero", "not_expressible",
       detail="ONNX takes resolved ints: …")
record("onnxruntime", ADAPTER, "max_pool/input-rank-6", "not_expressible",
       detail="ONNX takes resolved ints: …")
record("onnxruntime", ORT, "max_pool/int-window-of-padding-only", "raises",
       exc_type="InferenceError",
       detail="[ShapeInferenceError] (op_type:MaxPool): X typestr: T, has unsupported type:…")
record("onnxruntime", ORT, "max_pool/kernel-exceeds-padded-input", "raises",
       exc_type="Fail",
       detail="[ONNXRuntimeError] … Calculated output dimension is negative…")
record("onnxruntime", ADAPTER, "max_pool/kernel-negative", "not_expressible",
       detail="ONNX takes resolved ints: …")
record("onnxruntime", ADAPTER, "max_pool/kernel-rank-mismatch", "not_expressible",
       detail="ONNX takes resolved ints: …")
record("onnxruntime", ADAPTER, "max_pool/kernel-zero", "not_expressible",
       detail="ONNX takes resolved ints: …")
record("onnxruntime", ORT, "max_pool/output-negative", "raises",
       exc_type="Fail",
       detail="[ONNXRuntimeError] … Calculated output dimension is negative…")
record("onnxruntime", ORT, "max_pool/output-zero", "returns_empty", detail="(1, 1, 0)", claimed="(1, 1, 0)")
record("onnxruntime", ORT, "max_pool/output-zero-2d-height", "returns_empty",
       detail="(1, 1, 0, 2)", claimed="(1, 1, 0, 2)")
record("onnxruntime", ORT, "max_pool/output-zero-2d-width", "returns_empty",
       detail="(1, 1, 2, 0)", claimed="(1, 1, 2, 0)")
record("onnxruntime", ORT, "max_pool/output-zero-strided", "returns_result", detail="(1, 1, 1)")
record("onnxruntime", ORT, "max_pool/pad-beyond-half-kernel", "conforms", detail="(1, 1, 6)")
record("onnxruntime", ADAPTER, "max_pool/padding-negative", "not_expressible",
       detail="ONNX takes resolved ints: …")
record("onnxruntime", ADAPTER, "max_pool/stride-negative", "not_expressible",
       detail="ONNX takes resolved ints: …")
record("onnxruntime", ADAPTER, "max_pool/stride-zero", "not_expressible",
       detail="ONNX takes resolved ints: …")
record("onnxruntime", ADAPTER, "max_pool/unbatched-input", "not_expressible",
       detail="ONNX takes resolved ints: …")
record("onnxruntime", ADAPTER, "zero_pad/padding-negative", "not_expressible",
       detail="ONNX takes resolved ints: …")
record("onnxruntime", ADAPTER, "zero_pad/padding-negative-2d", "not_expressible",
       detail="ONNX takes resolved ints: …")
record("onnxruntime", ADAPTER, "zero_pad/padding-non-integer", "not_expressible",
       detail="ONNX takes resolved ints: …")
record("onnxruntime", ADAPTER, "zero_pad/padding-rank-mismatch", "not_expressible",
       detail="ONNX takes resolved ints: …")
record("onnxruntime", ORT, "zero_pad/unbatched-input", "returns_result", detail="(1, 4)")

# --- TensorFlow's own ops (tf.nn, tf.pad, tf.matmul, tf.image.extract_patches) ------------------------

record("tf", ADAPTER, "adaptive_avg_pool/empty-input", "not_expressible",
       detail="tf.nn has no adaptive pooling")
record("tf", ADAPTER, "adaptive_avg_pool/output-rank-mismatch", "not_expressible",
       detail="tf.nn has no adaptive pooling")
record("tf", ADAPTER, "adaptive_avg_pool/output-size-negative", "not_expressible",
       detail="tf.nn has no adaptive pooling")
record("tf", ADAPTER, "adaptive_avg_pool/output-size-zero", "not_expressible",
       detail="tf.nn has no adaptive pooling")
record("tf", ADAPTER, "adaptive_max_pool/empty-input", "not_expressible",
       detail="tf.nn has no adaptive pooling")
record("tf", ADAPTER, "adaptive_max_pool/output-rank-mismatch", "not_expressible",
       detail="tf.nn has no adaptive pooling")
record("tf", ADAPTER, "adaptive_max_pool/output-size-negative", "not_expressible",
       detail="tf.nn has no adaptive pooling")
record("tf", ADAPTER, "adaptive_max_pool/output-size-zero", "not_expressible",
       detail="tf.nn has no adaptive pooling")
record("tf", ADAPTER, "avg_pool/divisor-override-negative", "not_expressible",
       detail="tf.nn.avg_pool has no divisor_override")
record("tf", ADAPTER, "avg_pool/divisor-override-zero", "not_expressible",
       detail="tf.nn.avg_pool has no divisor_override")
record("tf", ADAPTER, "avg_pool/kernel-zero", "not_expressible",
       detail="tf.nn takes 'SAME', 'VALID' or resolved pads: …")
record("tf", ADAPTER, "avg_pool/pad-beyond-half-kernel", "not_expressible",
       detail="tf.nn.avg_pool takes 'SAME' or 'VALID' only; pads ((2, 2),) are neither")
record("tf", ADAPTER, "avg_pool/padding-negative", "not_expressible",
       detail="tf.nn takes 'SAME', 'VALID' or resolved pads: …")
record("tf", ADAPTER, "avg_pool/stride-zero", "not_expressible",
       detail="tf.nn takes 'SAME', 'VALID' or resolved pads: …")
record("tf", ADAPTER, "avg_pool/unbatched-input", "not_expressible",
       detail="tf.nn takes 'SAME', 'VALID' or resolved pads: …")
record("tf", ADAPTER, "conv/dilation-zero", "not_expressible",
       detail="tf.nn takes 'SAME', 'VALID' or resolved pads: …")
record("tf", ADAPTER, "conv/kernel-exceeds-padded-input", "not_expressible",
       detail="tf.nn.convolution takes explicit pads in 2-D only (conv2d); pads ((1, 1),)")
record("tf", ADAPTER, "conv/kernel-zero", "not_expressible",
       detail="tf.nn takes 'SAME', 'VALID' or resolved pads: …")
record("tf", ADAPTER, "conv/padding-negative", "not_expressible",
       detail="tf.nn takes 'SAME', 'VALID' or resolved pads: …")
record("tf", ADAPTER, "conv/stride-negative", "not_expressible",
       detail="tf.nn takes 'SAME', 'VALID' or resolved pads: …")
record("tf", ADAPTER, "conv/stride-with-dilation", "not_expressible",
       detail="tf.nn.convolution takes strides > 1 or dilations > 1, not both")
record("tf", ADAPTER, "conv/stride-zero", "not_expressible",
       detail="tf.nn takes 'SAME', 'VALID' or resolved pads: …")
record("tf", ADAPTER, "conv/unbatched-input", "not_expressible",
       detail="tf.nn takes 'SAME', 'VALID' or resolved pads: …")
record("tf", ADAPTER, "lp_pool/kernel-zero", "not_expressible", detail="tf.nn has no Lp pooling")
record("tf", ADAPTER, "lp_pool/norm-type-negative", "not_expressible", detail="tf.nn has no Lp pooling")
record("tf", ADAPTER, "lp_pool/norm-type-zero", "not_expressible", detail="tf.nn has no Lp pooling")
record("tf", ADAPTER, "lp_pool/output-negative", "not_expressible", detail="tf.nn has no Lp pooling")
record("tf", ADAPTER, "lp_pool/stride-zero", "not_expressible", detail="tf.nn has no Lp pooling")
record("tf", ADAPTER, "max_pool/dilation-negative", "not_expressible",
       detail="tf.nn takes 'SAME', 'VALID' or resolved pads: …")
record("tf", ADAPTER, "max_pool/dilation-zero", "not_expressible",
       detail="tf.nn takes 'SAME', 'VALID' or resolved pads: …")
record("tf", ADAPTER, "max_pool/input-rank-6", "not_expressible",
       detail="tf.nn takes 'SAME', 'VALID' or resolved pads: …")
record("tf", ADAPTER, "max_pool/int-window-of-padding-only", "not_expressible",
       detail="tf.nn.pool takes dilations only with 'VALID' ('SAME' is not implemented for…")
record("tf", ADAPTER, "max_pool/kernel-exceeds-padded-input", "not_expressible",
       detail="tf.nn.max_pool takes explicit pads in 2-D only (max_pool2d); here 1-D: pads…")
record("tf", ADAPTER, "max_pool/kernel-negative", "not_expressible",
       detail="tf.nn takes 'SAME', 'VALID' or resolved pads: …")
record("tf", ADAPTER, "max_pool/kernel-rank-mismatch", "not_expressible",
       detail="tf.nn takes 'SAME', 'VALID' or resolved pads: …")
record("tf", ADAPTER, "max_pool/kernel-zero", "not_expressible",
       detail="tf.nn takes 'SAME', 'VALID' or resolved pads: …")
record("tf", ADAPTER, "max_pool/pad-beyond-half-kernel", "not_expressible",
       detail="tf.nn.max_pool takes explicit pads in 2-D only (max_pool2d); here 1-D: pads…")
record("tf", ADAPTER, "max_pool/padding-negative", "not_expressible",
       detail="tf.nn takes 'SAME', 'VALID' or resolved pads: …")
record("tf", ADAPTER, "max_pool/stride-negative", "not_expressible",
       detail="tf.nn takes 'SAME', 'VALID' or resolved pads: …")
record("tf", ADAPTER, "max_pool/stride-zero", "not_expressible",
       detail="tf.nn takes 'SAME', 'VALID' or resolved pads: …")
record("tf", ADAPTER, "max_pool/unbatched-input", "not_expressible",
       detail="tf.nn takes 'SAME', 'VALID' or resolved pads: …")
record("tf", ADAPTER, "zero_pad/padding-negative", "not_expressible",
       detail="tf.nn takes 'SAME', 'VALID' or resolved pads: …")
record("tf", ADAPTER, "zero_pad/padding-negative-2d", "not_expressible",
       detail="tf.nn takes 'SAME', 'VALID' or resolved pads: …")
record("tf", ADAPTER, "zero_pad/padding-non-integer", "not_expressible",
       detail="tf.nn takes 'SAME', 'VALID' or resolved pads: …")
record("tf", ADAPTER, "zero_pad/padding-rank-mismatch", "not_expressible",
       detail="tf.nn takes 'SAME', 'VALID' or resolved pads: …")
record("tf", TF_NN, "avg_pool/kernel-exceeds-input-3d", "conforms", detail="(1, 1, 2, 2, 2)")
record("tf", TF_NN, "avg_pool/output-negative", "raises",
       exc_type="InvalidArgumentError", detail="Computed output size would be negative: -1 [input_size: 3,…")
record("tf", TF_NN, "avg_pool/output-zero", "returns_empty", detail="(1, 1, 0)")
record("tf", TF_NN, "avg_pool/output-zero-strided", "returns_empty", detail="(1, 1, 0)")
record("tf", TF_NN, "conv/bias-shape-mismatch", "raises",
       exc_type="InvalidArgumentError", detail="Incompatible shapes: [1,2,3] vs. [1,3,1]")
record("tf", TF_NN, "conv/groups-input-channels", "raises", exc_type="InvalidArgumentError",
       detail="output depth must be evenly divisible by number of groups: 2 vs 3")
record("tf", TF_NN, "conv/groups-output-channels", "raises", exc_type="InvalidArgumentError",
       detail="output depth must be evenly divisible by number of groups: 3 vs 2")
record("tf", TF_NN, "conv/groups-zero", "returns_result", detail="(1, 2, 3)")
record("tf", TF_NN, "conv/kernel-exceeds-input", "raises",
       exc_type="InvalidArgumentError", detail="Computed output size would be negative: -1 [input_size: 3,…")
record("tf", TF_NN, "conv/same-strided", "conforms", detail="(1, 1, 3)")
record("tf", TF_NN, "conv/weight-channel-mismatch", "raises", exc_type="InvalidArgumentError",
       detail="input depth must be evenly divisible by filter depth: 3 vs 2")
record("tf", TF_NN, "dense/bias-shape-mismatch", "returns_result", detail="(2, 4)")
record("tf", TF_NN, "dense/in-features-mismatch", "raises",
       exc_type="InvalidArgumentError", detail="Matrix size-incompatible: In[0]: [2,3], In[1]: [4,5]")
record("tf", TF_NN, "dense/weight-rank", "raises",
       exc_type="InvalidArgumentError", detail="In[1] ndims must be >= 2")
record("tf", TF_NN, "max_pool/output-negative", "raises",
       exc_type="InvalidArgumentError", detail="Computed output size would be negative: -1 [input_size: 3,…")
record("tf", TF_NN, "max_pool/output-zero", "crashes", detail="SIGFPE")
record("tf", TF_NN, "max_pool/output-zero-2d-height", "returns_empty", detail="(1, 1, 0, 2)")
record("tf", TF_NN, "max_pool/output-zero-2d-width", "crashes", detail="SIGFPE")
record("tf", TF_NN, "max_pool/output-zero-strided", "raises", exc_type="AbortedError",
       detail="Compute received an exception:Status: 2, message: could not create a…")
record("tf", TF_NN, "zero_pad/unbatched-input", "returns_result", detail="(1, 4)")

