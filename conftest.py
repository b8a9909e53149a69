"""Repository-level pytest configuration. The conformance plugin itself loads through its pytest11 entry
point (installed by `pip install -e .`), so the same options work with `pytest --pyargs conformance`."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
