"""Modules with one planted bug each in a backward pass, for the catch table (bench/catch_table.py) and
tests/test_planted_bugs.py: each defines only the backward op its bug lives in."""
