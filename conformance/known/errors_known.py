"""What each target does with each error input (`conformance/errors.py`), recorded as data."""

from __future__ import annotations

from ..errors import RECORDED_ON, record  # noqa: F401
