"""A user's module offers the reference API under its names and signatures: checked once, up front."""

from __future__ import annotations

import pytest

from .targets import Target
from .targets.impl_target import ImplTarget


def test_impl_api(target: Target):
    """Every function of the module that means a reference op is named and called as the reference's."""
    if not isinstance(target, ImplTarget):
        pytest.skip(f"{target.id}: its API is the adapter's business")
    report = target.api
    if report.mismatches or report.near_misses:  # one message, not one per test of each op
        pytest.fail("the module's API departs from the reference's (these functions are not tested until it "
                    "matches):\n" + "\n".join(report.lines()), pytrace=False)
