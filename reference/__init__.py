"""NumPy reference ops: the spec the conformance suite compares every framework against.

Arrays are channels-first, (N, C, *spatial) with 1-3 spatial dims; each function's docstring states its
formula.
"""

from .conv import col2im, conv, im2col
from .dense import dense, leaky_relu, relu, sigmoid, tanh
from .padding import zero_pad
from .pooling import (
    adaptive_avg_pool,
    adaptive_max_pool,
    avg_pool,
    global_avg_pool,
    global_max_pool,
    lp_pool,
    max_pool,
    sum_pool,
)
from .shapes import output_size, resolve_padding

# Kept in spec order, not sorted: conformance.report.op_order lists the ops in this order.
__all__ = [  # noqa: RUF022
    "output_size", "resolve_padding", "zero_pad",
    "max_pool", "avg_pool", "sum_pool", "lp_pool",
    "global_max_pool", "global_avg_pool", "adaptive_max_pool", "adaptive_avg_pool",
    "im2col", "col2im", "conv",
    "dense", "relu", "leaky_relu", "sigmoid", "tanh",
]
