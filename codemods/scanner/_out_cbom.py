"""CycloneDX 1.6 CBOM built with cyclonedx-python-lib: one cryptographic-asset component per
algorithm (or protocol), its occurrences (file, line, column) as evidence, and the scanned
application depending on each asset."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from agile import __version__
from agile.algorithms import Family

from ._engine import Item, ScanResult
from ._findings import AGILE_MANAGED, UNKNOWN
from ._registry import descriptor

__all__ = ["to_cbom"]


def _primitive(kind: str, algorithm: str) -> str:
    found = descriptor(algorithm)
    if found is not None:
        return {Family.KEM: "kem", Family.KEY_AGREEMENT: "key-agree", Family.PKE: "pke",
                Family.HPKE: "pke", Family.SIGNATURE: "signature", Family.AEAD: "ae", Family.TOKEN: "ae",
                Family.CIPHER: "block-cipher", Family.KDF: "kdf", Family.PASSWORD_HASH: "kdf",
                Family.HASH: "hash", Family.MAC: "mac"}[found.family]
    last = kind.rsplit("-", 1)[-1]
    if kind.startswith(("jwt", "x509")) or last in ("sign", "verify"):
        return "signature"
    if kind in ("ecdh", "x25519-box", "dh-exchange") or last == "exchange":
        return "key-agree"
    return {"encrypt": "pke", "decrypt": "pke", "encapsulate": "kem", "decapsulate": "kem",
            "hash": "hash", "hmac": "mac", "cmac": "mac", "aead": "ae", "fernet": "ae",
            "kdf": "kdf", "cipher": "stream-cipher" if algorithm in ("RC4", "ChaCha20", "Salsa20")
            else "block-cipher"}.get(last if last in ("encrypt", "decrypt") else kind, "unknown")


def _functions(kinds: Iterable[str]) -> list[str]:
    out = set()
    for kind in kinds:
        last = kind.rsplit("-", 1)[-1]
        out.add({"keygen": "keygen", "load": "other", "sign": "sign", "verify": "verify",
                 "encrypt": "encrypt", "decrypt": "decrypt", "encapsulate": "encapsulate",
                 "decapsulate": "decapsulate", "hash": "digest", "hmac": "tag", "cmac": "tag",
                 "kdf": "keyderive", "exchange": "keyderive", "ecdh": "keyderive",
                 "params": "generate"}.get(last, "other"))
    return sorted(out)


def to_cbom(result: ScanResult, *, name: str | None = None) -> str:
    """The CBOM as CycloneDX 1.6 JSON."""
    from cyclonedx.model import Property
    from cyclonedx.model.bom import Bom
    from cyclonedx.model.component import Component, ComponentType
    from cyclonedx.model.component_evidence import ComponentEvidence, Occurrence
    from cyclonedx.model.crypto import (
        AlgorithmProperties,
        CryptoAssetType,
        CryptoFunction,
        CryptoPrimitive,
        CryptoProperties,
        ProtocolProperties,
        ProtocolPropertiesType,
    )
    from cyclonedx.model.tool import Tool
    from cyclonedx.output.json import JsonV1Dot6

    groups: dict[str, list[Item]] = {}
    for item in result.items:
        f = item.finding
        key = f"tls/{f.algorithm}" if f.kind.startswith("tls") else f.algorithm
        if f.algorithm == UNKNOWN:
            key = f"unknown/{f.kind}"
        groups.setdefault(key, []).append(item)

    app_name = name or (result.roots[0] if len(result.roots) == 1 else "scanned-code")
    app = Component(type=ComponentType.APPLICATION, name=app_name, bom_ref="application")
    bom = Bom()
    bom.metadata.component = app
    bom.metadata.tools.tools.add(Tool(vendor="agile", name="agile scan", version=__version__))
    assets = []
    for key in sorted(groups):
        items = groups[key]
        first = items[0].finding
        algorithm = first.algorithm
        found = descriptor(algorithm) if algorithm not in (UNKNOWN, AGILE_MANAGED) else None
        kinds = sorted({i.finding.kind for i in items})
        risks = sorted({i.verdict.risk for i in items})
        weak = sorted({w.id for i in items for w in i.verdict.weaknesses})
        priority = min((str(i.ranked.priority) for i in items),
                       key=("now", "next", "later").index)
        params: dict[str, Any] = {}
        for i in items:
            params.update((k, v) for k, v in i.finding.parameters.items() if v != UNKNOWN)
        if key.startswith("tls/"):
            versions = sorted({str(i.finding.parameters.get("protocol")) for i in items
                               if i.finding.parameters.get("protocol")})
            crypto = CryptoProperties(
                asset_type=CryptoAssetType.PROTOCOL,
                protocol_properties=ProtocolProperties(
                    type=ProtocolPropertiesType.TLS,
                    version=", ".join(versions) if versions else None))
        else:
            size = params.get("key_size")
            crypto = CryptoProperties(
                asset_type=CryptoAssetType.ALGORITHM,
                algorithm_properties=AlgorithmProperties(
                    primitive=CryptoPrimitive(_primitive(first.kind, algorithm)),
                    parameter_set_identifier=str(size) if size is not None else None,
                    curve=str(params["curve"]) if "curve" in params else None,
                    crypto_functions=[CryptoFunction(f) for f in _functions(kinds)],
                    nist_quantum_security_level=(
                        (found.nist_category or 0) if found is not None
                        and str(found.quantum_risk) != "quantum-vulnerable"
                        else 0 if "quantum-vulnerable" in risks else None)),
                oid=found.oids[0] if found is not None and found.oids else None)
        component = Component(
            type=ComponentType.CRYPTOGRAPHIC_ASSET, name=algorithm if not key.startswith(
                "unknown/") else f"unknown ({first.kind})",
            bom_ref=f"crypto/{key}", crypto_properties=crypto,
            evidence=ComponentEvidence(occurrences=[
                Occurrence(location=i.finding.file, line=i.finding.line,
                           offset=i.finding.column,
                           additional_context=f"{i.finding.kind} via {i.finding.api}")
                for i in items]),
            properties=[Property(name="agile:quantum-risk", value=",".join(risks)),
                        Property(name="agile:priority", value=priority),
                        Property(name="agile:libraries",
                                 value=",".join(sorted({i.finding.library for i in items}))),
                        *([Property(name="agile:weak", value=",".join(weak))] if weak else [])])
        bom.components.add(component)
        assets.append(component)
    bom.register_dependency(app, assets)
    return JsonV1Dot6(bom).output_as_string(indent=2) + "\n"
