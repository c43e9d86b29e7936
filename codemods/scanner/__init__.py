"""Cryptographic inventory scanner: ``agile scan``.

Findings are facts read from the source with libcst name resolution (:mod:`._resolve`, shared
with the codemods); classification comes from agile's algorithm registry plus a swappable rules
file; priorities from Mosca's inequality and the data-retention settings in the agile config.

>>> from codemods.scanner import scan_source
>>> [f.algorithm for f in scan_source("import hashlib\\nhashlib.md5(b'x')\\n")]
['MD5']
"""

from __future__ import annotations

import libcst as cst

from ._baseline import Baseline, apply_baseline, load_baseline
from ._cache import ScanCache, default_cache_dir
from ._classify import Classification, Rules, Weakness, classify
from ._detect import TABLE, detect
from ._engine import Item, ScanResult, scan
from ._findings import AGILE_MANAGED, UNKNOWN, Confidence, FileReport, Finding, Status
from ._merge import from_record, load_result, merge_cboms, merge_results
from ._resolve import Resolver, Value
from ._risk import Priority, Ranked, rank
from ._settings import ScanSettings, find_scan_config, load_settings
from ._shard import Shard

__all__ = [
    "AGILE_MANAGED",
    "TABLE",
    "UNKNOWN",
    "Baseline",
    "Classification",
    "Confidence",
    "FileReport",
    "Finding",
    "Item",
    "Priority",
    "Ranked",
    "Resolver",
    "Rules",
    "ScanCache",
    "ScanResult",
    "ScanSettings",
    "Shard",
    "Status",
    "Value",
    "Weakness",
    "apply_baseline",
    "classify",
    "default_cache_dir",
    "detect",
    "find_scan_config",
    "from_record",
    "load_baseline",
    "load_result",
    "load_settings",
    "merge_cboms",
    "merge_results",
    "rank",
    "scan",
    "scan_source",
]


def scan_source(source: str, path: str = "<string>") -> list[Finding]:
    """Findings in one module's source text (raises libcst.ParserSyntaxError if it does not parse)."""
    return detect(cst.parse_module(source), path, source)
