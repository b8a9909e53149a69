"""Conv conformance: conv (and im2col, where a target has it) against the reference, on drawn cases."""

from .check import conformance_test

test_conv = conformance_test("conv")
test_im2col = conformance_test("im2col")
