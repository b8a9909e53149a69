"""Divergences of Keras layers from the spec."""
