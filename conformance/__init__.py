"""cnn-conformance: property-based conformance tests of CNN ops against the NumPy reference."""
