"""benchmarks/run.py runs end to end (``--quick``). No timing asserts: performance is measured by
the benchmark itself, never by timed tests."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

RUN = Path(__file__).resolve().parents[1] / "benchmarks" / "run.py"
CASES = (
    "seal+open 64 B",
    "seal+open 1 KiB",
    "seal+open 64 KiB",
    "encrypt+decrypt HPKE-MLKEM768X25519 1 KiB",
    "sign+verify ML-DSA-65 1 KiB",
    "encaps+decaps X-Wing (MLKEM768-X25519)",
    "sign+verify MLDSA65-Ed25519-SHA512 1 KiB",
    "seal 1 KiB: keyring primary vs explicit key",
    "audit share of a 1 KiB seal (no subscribers)",
    'ctx.policy("archive") (cached)',
    "import agile (fresh process)",
)


def _quick_json(script: str, tmp_path: Path) -> dict[str, Any]:
    """Run ``benchmarks/<script> --quick --json`` in a subprocess; its JSON report."""
    out_json = tmp_path / f"{Path(script).stem}.json"
    result = subprocess.run([sys.executable, str(RUN.parent / script), "--quick", "--json",
                             str(out_json)], capture_output=True, text=True, timeout=300,
                            cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(out_json.read_text(encoding="utf-8"))
    return data


def test_quick_run_completes_and_reports_every_case(tmp_path: Path) -> None:
    out_json = tmp_path / "bench.json"
    result = subprocess.run([sys.executable, str(RUN), "--quick", "--json", str(out_json)],
                            capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for case in CASES:
        assert case in result.stdout
    data = json.loads(out_json.read_text(encoding="utf-8"))
    assert [r["case"] for r in data["results"]] == list(CASES)
    assert data["quick"] is True


def test_tls_handshake_benchmark_runs(tmp_path: Path) -> None:
    script = RUN.parent / "tls_handshake.py"
    out_json = tmp_path / "tls.json"
    result = subprocess.run([sys.executable, str(script), "--rounds", "1", "--n", "2",
                             "--json", str(out_json)],
                            capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(out_json.read_text(encoding="utf-8"))
    assert data["raw_ratio"] > 0 and data["ratio"] > 0
    assert "hybrid/classical ratio" in result.stdout


def test_qkd_benchmark_runs(tmp_path: Path) -> None:
    out_json = tmp_path / "qkd.json"
    result = subprocess.run([sys.executable, str(RUN.parent / "qkd.py"), "--quick", "--json",
                             str(out_json)], capture_output=True, text=True, timeout=300,
                            cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(out_json.read_text(encoding="utf-8"))
    assert data["results"]["1 key/request"]["agile_keys_per_s"] > 0
    assert data["results"]["seal 1 KiB"]["qkd_hybrid_ms"] > 0


def test_migrate_throughput_runs_on_a_small_tree(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "a.py").write_text("import hashlib\nD = hashlib.sha256(b'x').digest()\n")
    (tree / "b.py").write_text("print('plain')\n")
    script = RUN.parent / "migrate_throughput.py"
    out_json = tmp_path / "migrate.json"
    result = subprocess.run([sys.executable, str(script), "--tree", str(tree), "--noop-sample", "2",
                             "--jobs", "1", "--json", str(out_json)],
                            capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "agile migrate --dry-run --jobs 1" in result.stdout
    data = json.loads(out_json.read_text(encoding="utf-8"))
    assert data["summary"]["rewritten_sites"] == 1
    assert (tree / "a.py").read_text().endswith("hashlib.sha256(b'x').digest()\n")  # untouched

@pytest.mark.oqs
def test_oqs_benchmark_runs(tmp_path: Path) -> None:
    data = _quick_json("oqs_provider.py", tmp_path)
    assert len(data["results"]) == 3 and all(r["ratio"] > 0 for r in data["results"])
    assert data["environment"]["liboqs"].startswith("0.")


def test_pycryptodome_benchmark_runs(tmp_path: Path) -> None:
    data = _quick_json("pycryptodome_raw.py", tmp_path)
    assert len(data["results"]) == 3 and all(r["ratio"] > 0 for r in data["results"])
    assert data["environment"]["pycryptodome"]
