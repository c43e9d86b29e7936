"""Precision and recall on the independent, blind-written fixture corpus
(tests/scanner/fixtures_independent/, labels ``# expect: ALGORITHM ...``; see its README).

Matching is by file, line and algorithm. The corpus names some things differently from the
scanner's ``algorithm`` field (its README, "Naming choices"): a key generation is ``RSA-2048``
where the scanner reports ``RSA`` with ``key_size=2048``, Fernet is ``AES-128-CBC HMAC-SHA256``,
an agile call is ``unknown``, a name missing a parameter it needs (``AES-GCM`` without the key
length, ``ECDSA`` without the curve) is ``unknown``, and setting a minimum TLS version on an
existing context is not an algorithm use. :func:`corpus_names` is that translation, computed from the
finding's facts only (algorithm, kind, parameters), never from the labels.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from codemods.scanner import Finding, ScanResult, scan

CORPUS = Path(__file__).parent / "fixtures_independent"
#: The issue's acceptance: both at least 0.95.
PRECISION_FLOOR, RECALL_FLOOR = 0.95, 0.95
_LABEL = re.compile(r"#\s*expect:\s*(.+?)\s*$")
_TLS = {"TLSv1": "TLS-1.0", "TLSv1.1": "TLS-1.1", "TLSv1.2": "TLS-1.2", "SSLv3": "SSL-3.0",
        "SSLv2": "SSL-2.0"}


_AES_NO_BITS = re.compile(r"^AES-(GCM|GCM-SIV|CCM|OCB3|CBC|CTR|CFB|OFB|EAX|KW)$")


def labels() -> dict[tuple[str, int], set[str]]:
    out = {}
    for path in sorted(CORPUS.glob("*.py")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            m = _LABEL.search(line)
            if m:
                out[(path.name, n)] = set(m.group(1).split())
    return out


def _sized(family: str, params: dict[str, Any]) -> str:
    size = params.get("key_size")
    return f"{family}-{size}" if isinstance(size, int) else "unknown"


def corpus_names(f: Finding) -> set[str]:
    """The corpus's spelling of what finding ``f`` reports."""
    alg, kind, params = f.algorithm, f.kind, dict(f.parameters)
    if kind in ("tls-min-version", "tls-max-version", "tls-ciphers"):
        return set()  # configuring an existing context: the corpus labels no algorithm use
    if alg in ("unknown", "agile-managed"):
        return {"unknown"}
    if kind == "x25519-box":
        return {"X25519", "XSalsa20-Poly1305"}
    if alg == "Fernet":
        return {"AES-128-CBC", "HMAC-SHA256"}
    if alg == "TLS":
        protocol = str(params.get("protocol"))
        return {"unknown" if protocol == "unknown" else _TLS.get(protocol, "TLS")}
    if alg in ("RSA", "DSA", "DH") and (kind.endswith(("keygen", "key-load", "params"))
                                        or alg == "DH"):
        return {_sized(alg, params)}
    if alg == "DSA" and isinstance(params.get("hash"), str):
        return {"DSA-" + params["hash"].replace("-", "")}
    if alg == "RSA-PKCS1v15" and kind.endswith(("encrypt", "decrypt")):
        return {"RSA-PKCS1v15-ENC"}
    if alg == "RSA":  # a signature or encryption whose padding or hash is unresolved
        return {"unknown"}
    if _AES_NO_BITS.match(alg) or alg in ("EC", "ECDSA", "ECDH", "EdDSA"):  # curve, key size
        # or AES key length unresolved
        return {"unknown"}
    return {alg}


@pytest.fixture(scope="module")
def corpus_scan() -> ScanResult:
    return scan([str(CORPUS)])


def score(result: ScanResult) -> tuple[int, Counter[tuple[str, int, str]], Counter[tuple[str, int, str]]]:
    """(true positives, false positives, false negatives) as (file, line, algorithm) counts."""
    expected = labels()
    found: dict[tuple[str, int], set[str]] = {}
    for item in result.items:
        found.setdefault((item.finding.file, item.finding.line), set()).update(
            corpus_names(item.finding))
    tp, fp, fn = 0, Counter[tuple[str, int, str]](), Counter[tuple[str, int, str]]()
    for key in sorted(set(expected) | set(found)):
        want, got = expected.get(key, set()), found.get(key, set())
        tp += len(want & got)
        fp.update((*key, a) for a in got - want)
        fn.update((*key, a) for a in want - got)
    return tp, fp, fn


def test_every_corpus_file_is_scanned(corpus_scan: ScanResult) -> None:
    assert {f.path: str(f.status) for f in corpus_scan.files} == {
        p.name: "scanned" for p in CORPUS.glob("*.py")}


def test_precision_and_recall_on_the_independent_corpus(corpus_scan: ScanResult) -> None:
    tp, fp, fn = score(corpus_scan)
    precision = tp / (tp + sum(fp.values()))
    recall = tp / (tp + sum(fn.values()))
    print(f"\nindependent corpus: {sum(len(v) for v in labels().values())} labelled algorithms on "
          f"{len(labels())} lines; {tp} true positives, {sum(fp.values())} false positives, "
          f"{sum(fn.values())} false negatives; precision {precision:.3f}, recall {recall:.3f}")
    for (file, line, alg) in sorted(fp):
        print(f"  false positive {file}:{line} {alg}")
    for (file, line, alg) in sorted(fn):
        print(f"  missed         {file}:{line} {alg}")
    assert precision >= PRECISION_FLOOR
    assert recall >= RECALL_FLOOR


def test_lookalikes_produce_nothing(corpus_scan: ScanResult) -> None:
    assert [i.finding for i in corpus_scan.items
            if i.finding.file == "not_crypto_lookalikes.py"] == []
