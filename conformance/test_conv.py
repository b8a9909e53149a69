"""Conv conformance: conv (and im2col, where a target has it) against the reference, on drawn cases.
The tests (test_conv, test_im2col) are generated from the op table."""

from .check import conformance_tests

globals().update(conformance_tests("conv", "transpose", "im2col"))
