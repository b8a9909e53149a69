"""Planted-bug implementations: each module is the reference with ONE deliberate bug.

They exist to test the conformance suite itself (tests/test_planted_bugs.py): run as `--impl
tests.planted.<module>`, the suite must fail with a message that explains the planted bug. Each module
wraps `reference` functions, keeps the reference signatures, and exposes only the ops its bug touches.
"""
