"""Documented framework defaults the spec deliberately lacks: leaky_relu's negative slope.

`reference.leaky_relu` has no default `negative_slope`, and the suite always passes one, because the
frameworks disagree: Keras' LeakyReLU layer uses 0.3, keras.ops / keras.activations and tf.nn 0.2, torch
0.01. A model ported with the default left out changes its output. Each row is a documented fact, checked
by `conformance/test_dense.py::test_leaky_relu_default_slope`, which runs `program` in the target's worker
and measures the slope; `markdown_table()` renders the rows for the docs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..targets.keras_target import PRELUDE

_KERAS = PRELUDE + "\n"
_TORCH = "import torch\nimport torch.nn.functional as F\nt = torch.from_numpy(x)\n"


@dataclass(frozen=True)
class DefaultSlope:
    api: str  # the call with the slope left out, as a user writes it
    target: str  # Target.name whose worker runs `program`
    slope: float  # the documented default negative slope
    program: str  # reads float32 `x`, sets `actual` to the API's output with every default
    documented: str  # where the default is stated
    requires: dict[str, str] = field(default_factory=dict)  # package -> PEP 440 range (target.versions())


LEAKY_RELU_DEFAULT_SLOPES: tuple[DefaultSlope, ...] = (
    DefaultSlope(
        api="keras.layers.LeakyReLU()", target="keras", slope=0.3,
        program=_KERAS + "actual = to_numpy(keras.layers.LeakyReLU()(x))\n",
        documented="https://keras.io/api/layers/activation_layers/leaky_relu/ (negative_slope=0.3; "
                   "Keras 2: alpha=0.3)"),
    DefaultSlope(
        api="keras.ops.leaky_relu(x)", target="keras", slope=0.2,
        program=_KERAS + "actual = to_numpy(keras.ops.leaky_relu(x))\n",
        documented="https://keras.io/api/ops/nn/#leaky_relu-function (negative_slope=0.2)",
        requires={"keras": ">=3.0"}),
    DefaultSlope(
        api="keras.activations.leaky_relu(x)", target="keras", slope=0.2,
        program=_KERAS + "actual = to_numpy(keras.activations.leaky_relu(x))\n",
        documented="https://keras.io/api/layers/activations/#leakyrelu-function (negative_slope=0.2)",
        requires={"keras": ">=3.0"}),
    DefaultSlope(
        api="tf.nn.leaky_relu(x)", target="keras", slope=0.2,
        program="import tensorflow as tf\nactual = tf.nn.leaky_relu(x).numpy()\n",
        documented="https://www.tensorflow.org/api_docs/python/tf/nn/leaky_relu (alpha=0.2)",
        requires={"tensorflow": ">=2.0"}),
    DefaultSlope(
        api="torch.nn.functional.leaky_relu(x)", target="torch", slope=0.01,
        program=_TORCH + "actual = F.leaky_relu(t).numpy()\n",
        documented="https://pytorch.org/docs/stable/generated/torch.nn.functional.leaky_relu.html "
                   "(negative_slope=0.01)"),
    DefaultSlope(
        api="torch.nn.LeakyReLU()", target="torch", slope=0.01,
        program=_TORCH + "actual = torch.nn.LeakyReLU()(t).numpy()\n",
        documented="https://pytorch.org/docs/stable/generated/torch.nn.LeakyReLU.html (negative_slope=0.01)"),
)


def markdown_table() -> str:
    """The rows as a Markdown table (API, default slope, where documented)."""
    lines = ["| API | default negative slope | documented |", "|---|---|---|"]
    lines += [f"| `{d.api}` | {d.slope} | {d.documented} |" for d in LEAKY_RELU_DEFAULT_SLOPES]
    return "\n".join(lines) + "\n"
