"""Faithful transcriptions of the numpy code in the seed posts (../shared/seeds/), bugs included, each
wrapped as a module exposing part of the reference API so the conformance suite can run against it with
`--impl tests.seed_impls.<module>`:

- `ko_maxpool_fc_activation` (seed 000): max_pool, dense, relu, leaky_relu, sigmoid, tanh
- `ko_tf_pooling` (seed 001): max_pool, avg_pool (1-D and 2-D)
- `ko_im2col_conv` (seed 002): im2col, conv, max_pool
- `ja_im2col_pooling` (seed 003): max_pool, im2col, col2im
- `zh_pooling` (seed 004): max_pool, avg_pool

The seed code itself lives in `_seedNNN.py`, as posted; the public modules only translate layout and
arguments, and raise NotImplementedError for arguments the seed cannot express. Each public module's
docstring lists the bugs found in its seed with an input that exposes each; tests/test_seed_impls.py
checks them against the reference.
"""
