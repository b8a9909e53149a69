"""What a target can express for one op; strategies draw mostly inside it, the adapter decides."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

INTEGER_DTYPES = ("int8", "uint8", "int32", "int64")
# "any": every form; "symmetric": explicit, pb == pa; "keras": only 'valid'/'same' resolutions;
# "none": no padding argument at all
PaddingForms = Literal["any", "symmetric", "keras", "none"]


@dataclass(frozen=True)
class Capabilities:
    ranks: tuple[int, ...] = (1, 2, 3)
    dtypes: tuple[str, ...] = ("float32", "float64")
    dtypes_3d: tuple[str, ...] | None = None  # where 3-D kernels exist for fewer dtypes
    layouts: tuple[str, ...] = ("channels_first",)
    padding: PaddingForms = "any"
    pad_limit: bool = False  # torch: each pad <= half the effective kernel
    ceil_mode: bool = True
    dilation: bool = True
    count_include_pad: bool = True
    divisor_override_ranks: tuple[int, ...] = (1, 2, 3)
    kernel_within_input_3d: bool = False  # torch avg_pool3d rejects kernel > input even with padding
    int_ranks: tuple[int, ...] = ()  # ranks where integer inputs are accepted (max pooling)
    groups: bool = True  # conv: grouped and depthwise convolution
    causal: bool = True  # conv: padding='causal' (1-D), i.e. (d*(k-1), 0)
    dilation_with_stride: bool = True  # conv: stride > 1 together with dilation > 1 (Keras Conv rejects it)

    def dtypes_for(self, rank: int) -> tuple[str, ...]:
        floats = self.dtypes_3d if rank == 3 and self.dtypes_3d is not None else self.dtypes
        return floats + (INTEGER_DTYPES if rank in self.int_ranks else ())
