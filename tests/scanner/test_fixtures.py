"""Detection quality over the labelled fixtures: per-file matches and overall precision/recall."""

from __future__ import annotations

from typing import Any

import pytest

from codemods.scanner import Item, ScanResult

from .conftest import Expected, expectations, fixture_files

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _param_ok(token: str, params: dict[str, Any]) -> bool:
    if "=" in token:
        key, _, want = token.partition("=")
        return key in params and str(params[key]) == want
    return any(str(v) == token for v in params.values())


def _matches(exp: Expected, item: Item) -> bool:
    f, v = item.finding, item.verdict
    return (f.line == exp.line and f.kind == exp.kind and f.algorithm == exp.algorithm
            and v.risk == exp.risk and frozenset(w.id for w in v.weaknesses) == exp.weak
            and all(_param_ok(t, dict(f.parameters)) for t in exp.params))


def _score(result: ScanResult) -> tuple[int, list[Item], list[Expected]]:
    """(true positives, unexpected findings, missed expectations) over every fixture file."""
    tp, extra, missed = 0, [], []
    for path in fixture_files():
        pending = expectations(path)
        for item in (i for i in result.items if i.finding.file == path.name):
            hit = next((e for e in pending if _matches(e, item)), None)
            if hit is None:
                extra.append(item)
            else:
                pending.remove(hit)
                tp += 1
        missed.extend(pending)
    return tp, extra, missed


def test_every_fixture_file_is_scanned(fixture_scan: ScanResult) -> None:
    statuses = {f.path: str(f.status) for f in fixture_scan.files}
    assert statuses == {p.name: "scanned" for p in fixture_files()}


@pytest.mark.parametrize("path", fixture_files(), ids=lambda p: p.stem)
def test_fixture_file(path: Any, fixture_scan: ScanResult) -> None:
    items = [i for i in fixture_scan.items if i.finding.file == path.name]
    pending = expectations(path)
    assert pending, "every fixture declares expected findings"
    unexpected = []
    for item in items:
        hit = next((e for e in pending if _matches(e, item)), None)
        if hit is None:
            f = item.finding
            unexpected.append((f.line, f.kind, f.algorithm, item.verdict.risk,
                               sorted(w.id for w in item.verdict.weaknesses), dict(f.parameters)))
        else:
            pending.remove(hit)
    assert unexpected == [] and pending == []


def test_precision_and_recall(fixture_scan: ScanResult) -> None:
    tp, extra, missed = _score(fixture_scan)
    precision = tp / (tp + len(extra)) if tp + len(extra) else 0.0
    recall = tp / (tp + len(missed)) if tp + len(missed) else 0.0
    print(f"\nscanner fixtures: {tp} true positives, {len(extra)} false positives, "
          f"{len(missed)} false negatives; precision {precision:.3f}, recall {recall:.3f}")
    assert precision >= 0.95
    assert recall >= 0.95


def test_every_library_is_covered(fixture_scan: ScanResult) -> None:
    libraries = {i.finding.library for i in fixture_scan.items}
    assert libraries >= {"cryptography", "hashlib", "hmac", "ssl", "pycryptodome", "pycryptodomex",
                         "python-rsa", "ecdsa", "pynacl", "paramiko", "pyjwt", "python-jose",
                         "jwcrypto", "authlib", "pyopenssl", "agile"}


def test_unresolved_is_unknown_never_safe(fixture_scan: ScanResult) -> None:
    unknown = [i for i in fixture_scan.items if i.finding.algorithm == "unknown"]
    assert unknown
    assert {i.verdict.risk for i in unknown} == {"unknown"}
    assert {str(i.finding.confidence) for i in unknown} == {"low"}
    assert all(str(i.ranked.priority) in ("now", "next") for i in unknown)


def test_local_lookalikes_are_not_findings(fixture_scan: ScanResult) -> None:
    lines = {i.finding.line for i in fixture_scan.items if i.finding.file == "pyca_asymmetric.py"}
    src = (fixture_files()[0].parent / "pyca_asymmetric.py").read_text().splitlines()
    lookalike = next(n for n, line in enumerate(src, 1) if line.startswith("rsa_like."))
    assert lookalike not in lines
