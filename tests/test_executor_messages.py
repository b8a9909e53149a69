"""The executor's messages: arrays travel out of band (pickle protocol 5) and arrive equal, writable and in
their own dtype and memory order, whatever their layout; a result that cannot be pickled comes back as a
raise, and the worker goes on."""

from __future__ import annotations

import ml_dtypes
import numpy as np
import pytest

from conformance.executor import Request, Worker


@pytest.fixture(scope="module")
def worker():
    w = Worker("messages-test")
    yield w
    w.close()


ARRAYS = {
    "float32 C order": np.arange(12, dtype=np.float32).reshape(3, 4),
    "strided view": np.arange(24, dtype=np.float64).reshape(4, 6)[:, ::2],
    "Fortran order": np.asfortranarray(np.arange(12, dtype=np.float16).reshape(3, 4)),
    "bfloat16": np.arange(6, dtype=np.float32).astype(ml_dtypes.bfloat16),
    "empty": np.zeros((0, 3), np.float32),
    "8 MB": np.arange(10**6, dtype=np.float64),
    "int8": np.arange(-4, 4, dtype=np.int8),
}


@pytest.mark.parametrize("name", ARRAYS)
def test_arrays_arrive_equal_and_writable(worker, name):
    x = ARRAYS[name]
    before = x.copy()
    out = worker.run(Request("tests.worker_calls", "negate_in_place", {}), {"x": x})
    assert out.kind == "ok", out.describe()
    got = out.values["actual"]
    assert got.dtype == x.dtype and got.shape == x.shape
    np.testing.assert_array_equal(got, -before)
    assert got.flags.writeable
    np.testing.assert_array_equal(x, before)  # the caller's array is untouched


def test_an_unpicklable_result_is_a_raise_and_the_worker_goes_on(worker):
    out = worker.run(Request("tests.worker_calls", "unpicklable", {}), {"x": np.zeros(2)})
    assert out.kind == "raised" and out.message.startswith("could not return the result: ")
    again = worker.run(Request("tests.worker_calls", "double", {}), {"x": np.arange(3.0)})
    np.testing.assert_array_equal(again.values["actual"], [0.0, 2.0, 4.0])
