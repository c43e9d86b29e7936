"""``agile scan merge``: combine the JSON results (or CBOMs) of shards or of repositories.

JSON results become :class:`ScanResult` objects again (:func:`from_record`) with every file's
disposition, every finding and its classification and priority exactly as recorded, so merging
one result gives it back unchanged and merging the shards of a scan gives the scan. Results of
different roots (repositories) are kept apart by prefixing their paths with their root, as one
scan over several roots does.

>>> merged = merge_results([from_record(json.load(open(p))) for p in paths])  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as _dt
import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from agile.errors import InvalidArgument

from ._classify import Classification, Rules, Weakness
from ._engine import Item, ScanResult
from ._findings import FileReport, Finding, Status
from ._out_json import SCHEMA, SCHEMA_VERSION
from ._risk import Priority, Ranked
from ._settings import ScanSettings
from ._shard import Shard

__all__ = ["from_record", "load_result", "merge_cboms", "merge_results", "read_input"]


def _settings(data: Mapping[str, Any]) -> ScanSettings:
    """The settings a result records (its rules object keeps only where the rules came from)."""
    return ScanSettings(
        crqc_year=int(data["crqc_year"]), migration_years=data["migration_years"],
        default_retention_years=data["default_retention_years"],
        retention=MappingProxyType(dict(data.get("retention", {}))),
        retention_by_policy=MappingProxyType(dict(data.get("retention_by_policy", {}))),
        rules=Rules((), (), str(data["rules"])), origin=str(data["config"]))


def _item(data: Mapping[str, Any]) -> Item:
    c, p = data["classification"], data["priority"]
    verdict = Classification(
        risk=c["quantum_risk"],
        weaknesses=tuple(Weakness(i, m) for i, m in zip(c["weak"], c["weak_reasons"], strict=True)),
        legacy=bool(c["legacy"]), source=c["classified_by"])
    ranked = Ranked(Priority(p["level"]), p["reason"], p.get("retention_years"))
    return Item(Finding.from_dict(data), verdict, ranked, str(data["id"]))


def from_record(record: Mapping[str, Any], origin: str = "<result>") -> ScanResult:
    """The :class:`ScanResult` a JSON record (``agile scan --format json``) describes."""
    if record.get("schema") != SCHEMA:
        raise InvalidArgument(f"{origin}: not an agile scan JSON result (no \"schema\": "
                              f"\"{SCHEMA}\"); write one with agile scan --format json")
    if record.get("version") != SCHEMA_VERSION:
        raise InvalidArgument(f"{origin}: agile scan JSON version {record.get('version')!r} is "
                              f"not supported (this agile reads version {SCHEMA_VERSION})")
    try:
        items = [_item(f) for f in record["findings"]]
        by_file: dict[str, list[Finding]] = {}
        for item in items:
            by_file.setdefault(item.finding.file, []).append(item.finding)
        files = []
        for f in record["files"]:
            found = tuple(by_file.pop(f["path"], ()))
            if len(found) != f["findings"]:
                raise InvalidArgument(f"{origin}: {f['path']} records {f['findings']} findings "
                                      f"but {len(found)} are listed")
            files.append(FileReport(f["path"], Status(f["status"]), f["reason"], found))
        if by_file:
            raise InvalidArgument(f"{origin}: findings in {sorted(by_file)[0]}, a file the "
                                  "result does not list")
        summary = record["summary"]
        cache = summary.get("cache")
        baseline = record.get("baseline")
        return ScanResult(
            tuple(record["roots"]), tuple(files), tuple(items), _settings(record["settings"]),
            float(summary.get("elapsed_seconds", 0.0)), str(record["generated"]),
            shard=record.get("shard"),
            cache=(int(cache["hits"]), int(cache["misses"])) if cache else None,
            baseline=(str(baseline["file"]), int(baseline["known"])) if baseline else None)
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, InvalidArgument):
            raise
        raise InvalidArgument(f"{origin}: malformed agile scan result "
                              f"({type(exc).__name__}: {exc})") from None


def read_input(path: str | Path) -> dict[str, Any]:
    """A JSON document from ``path``, with a clear error when it is not one."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise InvalidArgument(f"{path}: cannot read ({exc.strerror or exc})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidArgument(f"{path}: not JSON ({exc})") from None
    if not isinstance(data, dict):
        raise InvalidArgument(f"{path}: not a JSON object")
    return data


def load_result(path: str | Path) -> ScanResult:
    return from_record(read_input(path), str(path))


def _prefixed(result: ScanResult) -> ScanResult:
    """``result`` with its paths under its (single) root, as a multi-root scan names them."""
    prefix = Path(result.roots[0]).as_posix().rstrip("/") + "/"
    return replace(
        result,
        files=tuple(replace(f, path=prefix + f.path,
                            findings=tuple(replace(x, file=prefix + x.file) for x in f.findings))
                    for f in result.files),
        items=tuple(replace(i, finding=replace(i.finding, file=prefix + i.finding.file),
                            fingerprint="") for i in result.items))


def _shards(results: Sequence[ScanResult]) -> str | None:
    """The merged shard label: None when complete, else e.g. ``"1,3/4"`` (what is present)."""
    shards = [Shard.parse(r.shard) for r in results if r.shard]
    if len(shards) != len(results) or len({s.count for s in shards}) != 1:
        return None if not shards else ",".join(sorted({str(s) for s in shards}))
    present = sorted({s.index for s in shards})
    count = shards[0].count
    return None if present == list(range(1, count + 1)) else \
        f"{','.join(map(str, present))}/{count}"


def merge_results(results: Sequence[ScanResult], names: Sequence[str] = ()) -> ScanResult:
    """One result from several: shards of one scan, or scans of different roots.

    Raises :class:`~agile.errors.InvalidArgument` when a file appears twice (the same shard or
    repository given twice) or when the results were classified under different settings.
    """
    if not results:
        raise InvalidArgument("nothing to merge: give at least one JSON result")
    names = list(names) or [f"result {n}" for n in range(1, len(results) + 1)]
    first = results[0].settings.to_dict()
    for name, result in zip(names, results, strict=True):
        other = result.settings.to_dict()
        if {k: v for k, v in other.items() if k != "config"} != \
                {k: v for k, v in first.items() if k != "config"}:
            raise InvalidArgument(f"{name}: classified under different [scan] settings than "
                                  f"{names[0]} ({other} vs {first}); rescan with one configuration")
    roots: list[str] = []
    for result in results:
        roots.extend(r for r in result.roots if r not in roots)
    if len(roots) > 1:
        results = [_prefixed(r) if len(r.roots) == 1 else r for r in results]
    owner: dict[str, str] = {}
    for name, result in zip(names, results, strict=True):
        for f in result.files:
            if f.path in owner:
                raise InvalidArgument(f"{f.path} is in both {owner[f.path]} and {name}: the same "
                                      "shard or repository was given twice")
            owner[f.path] = name
    files = sorted((f for r in results for f in r.files), key=lambda f: f.path)
    order = {f.path: n for n, f in enumerate(files)}
    items = sorted((i for r in results for i in r.items),
                   key=lambda i: order[i.finding.file])  # stable: each file's own order stays
    caches = [r.cache for r in results if r.cache is not None]
    baselines = {r.baseline for r in results if r.baseline is not None}
    return ScanResult(
        tuple(roots), tuple(files), tuple(items), results[0].settings,
        sum(r.elapsed for r in results), max(r.generated for r in results),
        shard=_shards(results),
        cache=(sum(c[0] for c in caches), sum(c[1] for c in caches)) if caches else None,
        baseline=(", ".join(sorted(b[0] for b in baselines)), sum(b[1] for b in baselines))
        if baselines else None)


# -- CycloneDX -------------------------------------------------------------------------------------
_PRIORITIES = ("now", "next", "later")


def _merge_property(name: str, values: list[str]) -> str:
    if name == "agile:priority":
        return min(values, key=lambda v: _PRIORITIES.index(v) if v in _PRIORITIES else 99)
    return ",".join(sorted({part for v in values for part in v.split(",") if part}))


def merge_cboms(boms: Sequence[Mapping[str, Any]], names: Sequence[str] = ()) -> dict[str, Any]:
    """One CycloneDX 1.6 CBOM from several ``agile scan --format cyclonedx`` outputs: assets
    with the same bom-ref become one, with every occurrence (locations prefixed with the
    application's name when the inputs come from different applications)."""
    if not boms:
        raise InvalidArgument("nothing to merge: give at least one CBOM")
    names = list(names) or [f"CBOM {n}" for n in range(1, len(boms) + 1)]
    apps = []
    for name, bom in zip(names, boms, strict=True):
        if bom.get("bomFormat") != "CycloneDX" or not str(bom.get("specVersion", "")).startswith("1."):
            raise InvalidArgument(f"{name}: not a CycloneDX BOM")
        apps.append(str(bom.get("metadata", {}).get("component", {}).get("name", name)))
    prefix = len(set(apps)) > 1
    assets: dict[str, dict[str, Any]] = {}
    props: dict[str, dict[str, list[str]]] = {}
    for app, bom in zip(apps, boms, strict=True):
        for component in bom.get("components", []):
            ref = component["bom-ref"]
            occurrences = [
                {**o, "location": f"{app.rstrip('/')}/{o['location']}"} if prefix else dict(o)
                for o in component.get("evidence", {}).get("occurrences", [])]
            if ref not in assets:
                assets[ref] = {k: v for k, v in component.items() if k != "properties"}
                assets[ref]["evidence"] = {"occurrences": occurrences}
                props[ref] = {}
            else:
                seen = {json.dumps(o, sort_keys=True) for o in assets[ref]["evidence"]["occurrences"]}
                assets[ref]["evidence"]["occurrences"].extend(
                    o for o in occurrences if json.dumps(o, sort_keys=True) not in seen)
                functions = assets[ref].get("cryptoProperties", {}).get("algorithmProperties", {})
                more = component.get("cryptoProperties", {}).get("algorithmProperties", {})
                if "cryptoFunctions" in functions or "cryptoFunctions" in more:
                    functions["cryptoFunctions"] = sorted(
                        {*functions.get("cryptoFunctions", []), *more.get("cryptoFunctions", [])})
            for prop in component.get("properties", []):
                props[ref].setdefault(prop["name"], []).append(prop["value"])
    components = []
    for ref in sorted(assets):
        component = assets[ref]
        component["evidence"]["occurrences"].sort(
            key=lambda o: (o.get("location", ""), o.get("line", 0), o.get("offset", 0)))
        if props[ref]:
            component["properties"] = [{"name": n, "value": _merge_property(n, v)}
                                       for n, v in sorted(props[ref].items())]
        components.append(component)
    app_name = apps[0] if not prefix else "merged: " + ", ".join(dict.fromkeys(apps))
    first = boms[0]
    return {
        "$schema": first.get("$schema", "http://cyclonedx.org/schema/bom-1.6.schema.json"),
        "bomFormat": "CycloneDX",
        "specVersion": first.get("specVersion", "1.6"),
        "serialNumber": f"urn:uuid:{uuid.uuid4()}",
        "version": 1,
        "metadata": {
            "timestamp": _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat(),
            "tools": first.get("metadata", {}).get("tools", {"components": []}),
            "component": {"type": "application", "name": app_name, "bom-ref": "application"},
        },
        "components": components,
        "dependencies": [{"ref": "application", "dependsOn": sorted(assets)},
                         *({"ref": ref} for ref in sorted(assets))],
    }
