"""Pooling and padding conformance: every selected target against the reference, on hypothesis-drawn cases.
The tests (test_max_pool, test_avg_pool, ..., test_zero_pad) are generated from the op table."""

from .check import conformance_tests

globals().update(conformance_tests("pool", "adaptive", "global", "pad"))
