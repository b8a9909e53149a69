"""Module-level functions the executor's tests ask a worker to call: crash, abort, exit, hang, raise, "
"compute."""

import os
import signal
import time


def segfault():
    os.kill(os.getpid(), signal.SIGSEGV)


def abort():
    os.abort()


def exit_with(status):
    os._exit(status)


def sleep(seconds):
    time.sleep(seconds)
    return seconds


def reject_stride():
    raise ValueError("stride must be positive; got 0")


def double(x):
    return x * 2


def negate_in_place(x):
    x[...] = -x  # a user's op may write into its input: it must arrive writable
    return x


def unpicklable(x):
    return lambda: x
