"""Pooling and padding conformance: every selected target against the reference, on hypothesis-drawn cases."""

from .check import conformance_test

test_max_pool = conformance_test("max_pool")
test_avg_pool = conformance_test("avg_pool")
test_lp_pool = conformance_test("lp_pool")
test_sum_pool = conformance_test("sum_pool")
test_adaptive_max_pool = conformance_test("adaptive_max_pool")
test_adaptive_avg_pool = conformance_test("adaptive_avg_pool")
test_global_max_pool = conformance_test("global_max_pool")
test_global_avg_pool = conformance_test("global_avg_pool")
test_zero_pad = conformance_test("zero_pad")
