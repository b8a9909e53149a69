"""Registered divergences, one module per target."""
