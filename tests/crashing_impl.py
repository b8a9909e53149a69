"""An --impl module that kills its own process on some inputs (a stand-in for a framework that segfaults).

max_pool dies with SIGSEGV whenever a kernel dim is 3; everything else is the reference.
"""

import os
import signal

import reference
from reference import avg_pool, output_size  # noqa: F401  (provided unchanged, so those tests run)


def max_pool(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    kernel = (kernel_size,) if isinstance(kernel_size, int) else tuple(kernel_size)
    if 3 in kernel:
        os.kill(os.getpid(), signal.SIGSEGV)
    return reference.max_pool(input, kernel_size, stride, padding, dilation, ceil_mode)
