"""NumPy reference ops: the spec the conformance suite compares every framework against.

Arrays are channels-first, (N, C, *spatial) with 1-3 spatial dims; each function's docstring states its
formula.
"""

from .backward import (
    adaptive_avg_pool_backward,
    adaptive_max_pool_backward,
    avg_pool_backward,
    conv_backward,
    conv_transpose_backward,
    dense_backward,
    global_avg_pool_backward,
    global_max_pool_backward,
    im2col_backward,
    leaky_relu_backward,
    lp_pool_backward,
    max_pool_backward,
    relu_backward,
    sigmoid_backward,
    sum_pool_backward,
    tanh_backward,
    zero_pad_backward,
)
from .conv import col2im, conv, conv_transpose, im2col
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
    "im2col", "col2im", "conv", "conv_transpose",
    "dense", "relu", "leaky_relu", "sigmoid", "tanh",
    "max_pool_backward", "avg_pool_backward", "sum_pool_backward", "lp_pool_backward",
    "global_max_pool_backward", "global_avg_pool_backward", "adaptive_max_pool_backward",
    "adaptive_avg_pool_backward", "zero_pad_backward", "im2col_backward", "conv_backward",
    "conv_transpose_backward", "dense_backward", "relu_backward", "leaky_relu_backward", "sigmoid_backward",
    "tanh_backward",
]
