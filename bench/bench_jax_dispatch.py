"""The jax target, eager against compiled: which is faster over the suite's own drawn cases, and whether
the two ever answer differently.

The jax target runs its adapter functions eagerly (each lax/jnp call dispatches a kernel XLA compiled
once per shape and parameters). The alternative is one `jax.jit` of the whole adapter call, cached by
(function, parameters) while jax.jit caches per shape and dtype. Both run here side by side in one
process on the same cases (drawn from each op's strategy within the jax target's capabilities), and
every answer is compared bit for bit (NaN == NaN). Prints per op: cases, eager and jit ms per case
(compilation included, as the suite would pay it), the ratio, and the cases whose answers differ, with
the first one's call.

    python bench/bench_jax_dispatch.py                 every op the jax target has, 60 cases each
    python bench/bench_jax_dispatch.py --cases 200 --ops max_pool,global_max_pool_backward
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("JAX_ENABLE_X64", "1")
os.environ.setdefault("JAX_PLATFORMS", "cpu")

import numpy as np
from hypothesis import HealthCheck, given, seed, settings

from conformance.ops import OPS
from conformance.targets.jax_target import ADAPTERS, JaxTarget


def drawn(op: str, count: int, random_seed: int) -> list:
    target, cases = JaxTarget(), []

    @seed(random_seed)
    @settings(max_examples=count, suppress_health_check=list(HealthCheck), database=None, deadline=None)
    @given(OPS[op].strategy(ADAPTERS[op].capabilities))
    def collect(case):
        if target.unsupported(case) is None:
            cases.append(case)

    collect()
    return cases


def same(a: object, b: object) -> bool:
    x, y = np.asarray(a), np.asarray(b)
    if x.shape != y.shape or x.dtype != y.dtype:
        return False
    return bool(np.array_equal(x.astype(np.float64), y.astype(np.float64), equal_nan=True))


def main() -> None:
    import jax

    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=60)
    parser.add_argument("--ops", default=",".join(ADAPTERS))
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    compiled: dict = {}
    print(f"jax {jax.__version__}; {args.cases} drawn cases per op (those the jax target expresses)")
    print(f"{'op':26} {'cases':>5} {'eager ms':>9} {'jit ms':>8} {'jit/eager':>9} {'differ':>6}")
    totals = [0.0, 0.0]
    for op in args.ops.split(","):
        eager_s = jit_s = 0.0
        differ: list = []
        cases = drawn(op, args.cases, args.seed)
        for case in cases:
            call = JaxTarget().call(case)
            arrays = {k: v for k, v in case.arrays().items() if k in call.arrays}
            try:
                start = time.perf_counter()
                eager: object = call.fn(**arrays, **call.params)
                eager_s += time.perf_counter() - start
            except Exception as err:  # the suite records what raises; here it only has no answer to compare
                eager = f"raises {type(err).__name__}"
            key = (call.fn.__name__, repr(call.params), tuple(arrays))
            if key not in compiled:
                names, fn, params = tuple(arrays), call.fn, call.params
                compiled[key] = jax.jit(lambda *a, names=names, fn=fn, params=params:
                                        fn(**dict(zip(names, a)), **params))
            try:
                start = time.perf_counter()
                jitted: object = np.asarray(compiled[key](*arrays.values()))
                jit_s += time.perf_counter() - start
            except Exception as err:
                jitted = f"raises {type(err).__name__}"
            if isinstance(eager, str) or isinstance(jitted, str):
                if eager != jitted:
                    differ.append((case, eager, jitted))
            elif not same(eager, jitted):
                differ.append((case, eager, jitted))
        n = max(len(cases), 1)
        totals[0] += eager_s
        totals[1] += jit_s
        print(f"{op:26} {len(cases):5} {1e3 * eager_s / n:9.2f} {1e3 * jit_s / n:8.2f} "
              f"{jit_s / max(eager_s, 1e-9):9.2f} {len(differ):6}")
        for case, eager, jitted in differ[:1]:
            print(f"    first differing: {case.describe()}")
            print(f"      eager {np.asarray(eager).ravel()[:6]}  jit {np.asarray(jitted).ravel()[:6]}")
    print(f"{'all':26} {'':5} {'':9} {'':8} {totals[1] / max(totals[0], 1e-9):9.2f}")


if __name__ == "__main__":
    main()
