"""Documented framework defaults the spec deliberately lacks: leaky_relu's negative slope.

`reference.leaky_relu` has no default `negative_slope`, and the suite always passes one, because the
frameworks disagree: Keras' LeakyReLU layer uses 0.3, keras.ops / keras.activations and tf.nn 0.2, torch
0.01. A model ported with the default left out changes its output. Each row is a documented fact, checked
by `conformance/test_dense.py::test_leaky_relu_default_slope`, which runs `call` in the target's worker
and measures the slope; `markdown_table()` renders the rows for the docs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..targets import keras_target, torch_target

# --- the calls with every default, run in the target's worker on float32 x ------------------------------


def keras_layer_default(x):
    return keras_target.to_numpy(keras_target.layer("LeakyReLU")(x))


def keras_ops_default(x):
    import keras

    return keras_target.to_numpy(keras.ops.leaky_relu(x))


def keras_activations_default(x):
    import keras

    return keras_target.to_numpy(keras.activations.leaky_relu(x))


def tf_nn_default(x):
    import tensorflow as tf

    return tf.nn.leaky_relu(x).numpy()


def torch_functional_default(x):
    return torch_target.functional("leaky_relu", x)


def torch_module_default(x):
    import torch

    return torch.nn.LeakyReLU()(torch_target.to_torch(x)).numpy()


@dataclass(frozen=True)
class DefaultSlope:
    api: str  # the call with the slope left out, as a user writes it
    target: str  # Target.name whose worker runs `call`
    slope: float  # the documented default negative slope
    call: Callable[[Any], Any]  # module-level: float32 x -> the API's output with every default
    documented: str  # where the default is stated
    requires: dict[str, str] = field(default_factory=dict)  # package -> PEP 440 range (target.versions())


LEAKY_RELU_DEFAULT_SLOPES: tuple[DefaultSlope, ...] = (
    DefaultSlope(
        api="keras.layers.LeakyReLU()",
        target="keras",
        slope=0.3,
        call=keras_layer_default,
        documented="https://keras.io/api/layers/activation_layers/leaky_relu/ (negative_slope=0.3; "
        "Keras 2: alpha=0.3)",
    ),
    DefaultSlope(
        api="keras.ops.leaky_relu(x)",
        target="keras",
        slope=0.2,
        call=keras_ops_default,
        documented="https://keras.io/api/ops/nn/#leaky_relu-function (negative_slope=0.2)",
        requires={"keras": ">=3.0"},
    ),
    DefaultSlope(
        api="keras.activations.leaky_relu(x)",
        target="keras",
        slope=0.2,
        call=keras_activations_default,
        documented="https://keras.io/api/layers/activations/#leakyrelu-function (negative_slope=0.2)",
        requires={"keras": ">=3.0"},
    ),
    DefaultSlope(
        api="tf.nn.leaky_relu(x)",
        target="keras",
        slope=0.2,
        call=tf_nn_default,
        documented="https://www.tensorflow.org/api_docs/python/tf/nn/leaky_relu (alpha=0.2)",
        requires={"tensorflow": ">=2.0"},
    ),
    DefaultSlope(
        api="torch.nn.functional.leaky_relu(x)",
        target="torch",
        slope=0.01,
        call=torch_functional_default,
        documented="https://pytorch.org/docs/stable/generated/torch.nn.functional.leaky_relu.html "
        "(negative_slope=0.01)",
    ),
    DefaultSlope(
        api="torch.nn.LeakyReLU()",
        target="torch",
        slope=0.01,
        call=torch_module_default,
        documented="https://pytorch.org/docs/stable/generated/torch.nn.LeakyReLU.html (negative_slope=0.01)",
    ),
)


def markdown_table() -> str:
    """The rows as a Markdown table (API, default slope, where documented)."""
    lines = ["| API | default negative slope | documented |", "|---|---|---|"]
    lines += [f"| `{d.api}` | {d.slope} | {d.documented} |" for d in LEAKY_RELU_DEFAULT_SLOPES]
    return "\n".join(lines) + "\n"
