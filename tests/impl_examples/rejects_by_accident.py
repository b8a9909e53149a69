"""Right signature, wrong rejections: a stride of 0 or a kernel too big is "rejected" only because the
code breaks (a ZeroDivisionError turned ValueError by numpy, a reshape that cannot fit); every valid 1-D
call fails the same way, since the body only handles 2-D input."""

import numpy as np


def max_pool(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    x = np.asarray(input)
    n, c, h, w = x.shape  # ValueError (not enough values to unpack) for 1-D input, valid or not
    k = kernel_size if isinstance(kernel_size, int) else kernel_size[0]
    return x.reshape(n, c, h // k, k, w // k, k).max(axis=(3, 5))
