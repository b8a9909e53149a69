"""Divergences of JAX (lax, jnp, jax.nn on XLA's CPU backend) from the spec.

Keras on the jax backend reaches the same XLA kernels, and most of these were first measured there
(keras_known.py, "keras-jax-*"); the jax target's entries are those same behaviours re-measured on the
raw calls, each registered once more for the target with its own id and range.
"""

from __future__ import annotations

import dataclasses

from ..divergences import from_rule, register, registry
from . import keras_known  # noqa: F401  (registers the keras-jax entries these start from)
from .shared import SUM_OVERFLOW, accumulation_example, register_working_format, tie_after_rounding

JAX = {"jax": ">=0.9"}  # measured on jax/jaxlib 0.9.2 and 0.10.2 (CPU)


def _same_xla_behaviour(keras_id: str, requires: dict[str, str] = JAX) -> None:
    """Register the Keras-on-jax entry `keras_id` for the jax target: the same XLA behaviour."""
    (entry,) = [d for d in registry() if d.id == keras_id]
    register(dataclasses.replace(entry, id=keras_id.replace("keras-jax-", "jax-"), target="jax",
                                 requires=requires))


_same_xla_behaviour("keras-jax-flushes-subnormals")
_same_xla_behaviour("keras-jax-sigmoid-float16-underflow")
# jax 0.9.2 keeps NaN in these reductions (the hostile nan-4096 cases conform there)
_same_xla_behaviour("keras-jax-max-drops-nan-from-4096-elements", {"jax": ">=0.10"})
_same_xla_behaviour("keras-jax-grouped-conv-float64-nonfinite-spread")
_same_xla_behaviour("keras-jax-max-pool-backward-select-ge")
_same_xla_behaviour("keras-jax-global-max-pool-backward-shares-ties")
_same_xla_behaviour("keras-jax-leaky-relu-backward-one-at-zero")
_same_xla_behaviour("keras-jax-sigmoid-backward-float16-underflow")

register(from_rule(SUM_OVERFLOW, id="jax-sum-overflow", target="jax", requires=JAX))

register_working_format(
    "jax-{dtype}-sums-accumulate-in-{dtype}", "jax", JAX,
    {"float16": ("avg_pool", "sum_pool", "conv", "dense"),
     "bfloat16": ("avg_pool", "sum_pool", "conv", "dense")},
    lambda dtype: f"XLA sums {dtype} in {dtype} (lax.reduce_window), and a bias added after "
    "lax.conv_general_dilated or jnp.dot rounds a second time: jnp.dot(x, w.T) + b on x = w = 1 + 2^-m, "
    "b = 2^-(m+1) (m fraction bits) lands on a tie and rounds to even, 0.5 ulp and a little below the "
    "exact sum",
    tie_after_rounding,
)
register_working_format(
    "jax-{dtype}-gradient-sums-accumulate-in-{dtype}", "jax", JAX,
    {"float16": ("avg_pool_backward", "sum_pool_backward", "max_pool_backward", "conv_backward",
                 "dense_backward"),
     "bfloat16": ("avg_pool_backward", "sum_pool_backward", "max_pool_backward", "conv_backward",
                  "dense_backward")},
    lambda dtype: f"jax.vjp's gradients sum {dtype} cotangents in {dtype}: the average pool's gradient "
    "over x (1, 1, 511), window 256, stride 1, cotangent 10 +- 1",
    lambda dtype: accumulation_example("avg_pool_backward", dtype),
)
