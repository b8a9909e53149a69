"""The right name, the textbook's signature: max_pool(x, pool_h, pool_w, stride, pad)."""

import reference


def max_pool(x, pool_h, pool_w, stride=1, pad=0):
    return reference.max_pool(x, (pool_h, pool_w), stride, pad)
