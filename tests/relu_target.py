"""A third-party target as README's "Adding a target" writes one: relu by numpy, registered through the
entry point group `conformance.targets` in tests/test_target_entry_point.py."""

from __future__ import annotations

import numpy as np

from conformance.targets import Adapter, Call, Capabilities, Target


def relu(x):
    return np.maximum(x, 0).astype(x.dtype)


def target() -> Target:
    return Target(
        name="numpy-relu",
        package="numpy",
        adapters={"relu": Adapter(Capabilities(dtypes=("float32",)), lambda case: Call(relu, {}))},
    )


def no_relu(x):
    return x


def broken_target() -> Target:
    """The same target with the classic bug: negatives pass through."""
    return Target(
        name="numpy-relu",
        package="numpy",
        adapters={"relu": Adapter(Capabilities(dtypes=("float32",)), lambda case: Call(no_relu, {}))},
    )
