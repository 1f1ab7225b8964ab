"""Synthetic sample data (合成样本): generated pairing ledgers with known injected faults.

Everything here is **synthetic**: generated from published totals (seed 004) on real division
codes, for demos, tests and benchmarks. No row describes a real business or person.
"""

from foodsafety.samples._dataset import SampleDataset, provinces, sample_dataset, sample_faults
from foodsafety.samples._exports import LAYOUTS, ExportStyle, write_export
from foodsafety.samples._pairing import FaultRates, Sample, anyang, fault_kinds, province

__all__ = [
    "LAYOUTS",
    "ExportStyle",
    "FaultRates",
    "Sample",
    "SampleDataset",
    "anyang",
    "fault_kinds",
    "province",
    "provinces",
    "sample_dataset",
    "sample_faults",
    "write_export",
]
