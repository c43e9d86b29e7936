"""Policy flip end to end: real config files, real subprocesses, data kept on disk between them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import cbor2

import agile

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "policy_flip"


def _step(config: str, step: str, folder: Path) -> dict[str, str]:
    env = {**os.environ, "AGILE_CONFIG": str(EXAMPLE / f"{config}.toml")}
    out = subprocess.run([sys.executable, str(EXAMPLE / "flip.py"), step, str(folder)], env=env,
                         capture_output=True, text=True, check=True)
    result: dict[str, str] = json.loads(out.stdout)
    return result


def _alg_of(envelope: bytes) -> int:
    return int(cbor2.loads(cbor2.loads(envelope).value[0])[1])


def test_flip_keeps_old_data_readable_while_accepted(tmp_path: Path) -> None:
    assert _step("v1", "write", tmp_path) == {"aead": "AES-128-GCM", "signature": "EC-P256"}
    old = {p.name: _alg_of(p.read_bytes()) for p in tmp_path.glob("*.sealed")}
    assert list(old.values()) == [agile.algorithms.get("AES-128-GCM").cose_alg]

    assert _step("v2", "read", tmp_path) == {"AES-128-GCM sealed": "ok", "EC-P256 signed": "ok"}

    assert _step("v2", "write", tmp_path) == {"aead": "AES-256-GCM", "signature": "ML-DSA-65"}
    new_sealed = [p for p in tmp_path.glob("*.sealed") if p.name not in old]
    assert [_alg_of(p.read_bytes()) for p in new_sealed] == [3]  # COSE A256GCM
    new_signed = [p for p in tmp_path.glob("*.signed")
                  if _alg_of(p.read_bytes()) == agile.algorithms.get("ML-DSA-65").cose_alg]
    assert len(new_signed) == 1

    after = _step("v3", "read", tmp_path)
    assert after["AES-256-GCM sealed"] == "ok" and after["ML-DSA-65 signed"] == "ok"
    assert after["AES-128-GCM sealed"].startswith(
        "PolicyViolation: policy 'archive' does not accept AES-128-GCM")
    assert after["EC-P256 signed"].startswith(
        "PolicyViolation: policy 'archive' does not accept ECDSA-P256-SHA256")
