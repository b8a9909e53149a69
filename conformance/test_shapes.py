"""The output-shape formula. Every windowed check already compares output shapes (and Keras'
compute_output_shape); this module checks a target's own `output_size` function (impl targets)."""

from __future__ import annotations

import pytest
from hypothesis import given

from .check import check_output_size
from .strategies import output_size_args


@pytest.mark.op("output_size")
@given(args=output_size_args())
def test_output_size(target, args):
    check_output_size(target, args)
