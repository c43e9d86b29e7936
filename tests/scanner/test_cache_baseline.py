"""The content-hash cache (re-runs reuse results; changes, new scanner versions and corrupt
entries do not) and --baseline (only new findings, gated with --fail-on)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from agile.cli import cli
from agile.errors import InvalidArgument
from codemods.scanner import scan
from codemods.scanner._baseline import apply_baseline, load_baseline
from codemods.scanner._cache import ScanCache, default_cache_dir, scanner_version
from codemods.scanner._out_json import to_json

from .conftest import FIXTURES


def _facts(text: str) -> dict[str, object]:
    record = json.loads(text)
    return {"files": record["files"], "findings": record["findings"]}


def test_rerun_hits_the_cache_with_identical_results(tmp_path: Path) -> None:
    cache = ScanCache(tmp_path / "cache")
    first = scan([str(FIXTURES)], cache=cache)
    scanned = sum(1 for f in first.files if str(f.status) == "scanned")
    assert first.cache == (0, scanned)
    second = scan([str(FIXTURES)], cache=cache, jobs=2)
    assert second.cache == (scanned, 0)
    assert all(f.cached for f in second.files if str(f.status) == "scanned")
    assert _facts(to_json(second)) == _facts(to_json(first)) == _facts(to_json(scan([str(FIXTURES)])))


def test_a_changed_file_is_rescanned(tmp_path: Path) -> None:
    repo, cache = tmp_path / "repo", ScanCache(tmp_path / "cache")
    repo.mkdir()
    (repo / "a.py").write_text("import hashlib\nhashlib.md5()\n")
    (repo / "b.py").write_text("import hashlib\nhashlib.sha256()\n")
    scan([str(repo)], cache=cache)
    (repo / "a.py").write_text("import hashlib\nhashlib.sha1()\n")
    again = scan([str(repo)], cache=cache)
    assert again.cache == (1, 1)
    assert [i.finding.algorithm for i in again.items] == ["SHA-1", "SHA-256"]


def test_another_scanner_version_misses(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("import hashlib\nhashlib.md5()\n")
    scan([str(tmp_path)], cache=ScanCache(tmp_path / "cache"))
    assert scan([str(tmp_path)], cache=ScanCache(tmp_path / "cache")).cache == (1, 0)
    other = ScanCache(tmp_path / "cache", version=scanner_version() + "-rules-changed")
    assert scan([str(tmp_path)], cache=other).cache == (0, 1)


def test_corrupt_entries_are_ignored_and_replaced(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("import hashlib\nhashlib.md5()\n")
    cache = ScanCache(tmp_path / "cache")
    expected = scan([str(tmp_path)], cache=cache).items
    entries = list((tmp_path / "cache").rglob("*.json"))
    assert len(entries) == 1
    for damage in (b"", b"{not json", b'{"format": 1}', b"[]", b'{"format": 1, "path": "a.py", '
                   b'"status": "scanned", "reason": "", "findings": [{"file": 1}]}'):
        entries[0].write_bytes(damage)
        again = scan([str(tmp_path)], cache=cache)
        assert again.cache == (0, 1) and again.items == expected
    assert scan([str(tmp_path)], cache=cache).cache == (1, 0)  # rewritten by the miss


def test_unwritable_cache_does_not_stop_the_scan(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("import hashlib\nhashlib.md5()\n")
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("")
    result = scan([str(tmp_path)], cache=ScanCache(blocker / "cache"))
    assert [i.finding.algorithm for i in result.items] == ["MD5"]


def test_default_cache_dir_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache_dir() == tmp_path / "agile" / "scan"


def test_cli_uses_the_default_cache(tmp_path: Path) -> None:
    runner = CliRunner()
    (tmp_path / "a.py").write_text("import hashlib\nhashlib.md5()\n")
    first = runner.invoke(cli, ["scan", str(tmp_path), "--format", "json"])
    second = runner.invoke(cli, ["scan", str(tmp_path), "--format", "json"])
    assert json.loads(second.stdout)["summary"]["cache"] == {"hits": 1, "misses": 0}
    assert _facts(first.stdout) == _facts(second.stdout)
    off = runner.invoke(cli, ["scan", str(tmp_path), "--format", "json", "--no-cache"])
    assert json.loads(off.stdout)["summary"]["cache"] is None
    both = runner.invoke(cli, ["scan", str(tmp_path), "--no-cache", "--cache", str(tmp_path)])
    assert both.exit_code == 2


# -- baseline ---------------------------------------------------------------------------------------
_OLD = "import hashlib\nfrom cryptography.hazmat.primitives.asymmetric import rsa\n" \
       "hashlib.md5(b'a')\nrsa.generate_private_key(65537, 2048)\n"


def test_baseline_reports_only_new_findings(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "m.py").write_text(_OLD)
    base = tmp_path / "base.json"
    base.write_text(to_json(scan([str(repo)])))
    # lines shift, one old call is repeated (a second identical call is new), one call is new
    (repo / "m.py").write_text("# moved\n\n" + _OLD + "hashlib.md5(b'a')\nhashlib.sha1(b'b')\n")
    result = apply_baseline(scan([str(repo)]), load_baseline(base))
    assert [(i.finding.line, i.finding.algorithm) for i in result.items] == [(7, "MD5"), (8, "SHA-1")]
    assert result.baseline == (str(base), 2)
    record = json.loads(to_json(result))
    assert record["baseline"] == {"file": str(base), "known": 2}
    assert record["files"][0]["findings"] == 2
    full_ids = {f["id"] for f in json.loads(to_json(scan([str(repo)])))["findings"]}
    assert {f["id"] for f in record["findings"]} <= full_ids  # ids are those of the full scan


def test_baseline_with_fail_on_in_the_cli(tmp_path: Path) -> None:
    runner = CliRunner()
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "m.py").write_text(_OLD)
    base = tmp_path / "base.json"
    assert runner.invoke(cli, ["scan", str(repo), "--format", "json", "-o", str(base)]).exit_code == 0
    assert runner.invoke(cli, ["scan", str(repo), "--fail-on", "weak"]).exit_code == 3
    same = runner.invoke(cli, ["scan", str(repo), "--baseline", str(base), "--fail-on", "unknown"])
    assert same.exit_code == 0, same.output
    assert "2 known findings not shown" in same.output
    (repo / "m.py").write_text(_OLD + "rsa.generate_private_key(65537, 4096)\n")
    new = runner.invoke(cli, ["scan", str(repo), "--baseline", str(base),
                              "--fail-on", "quantum-vulnerable"])
    assert new.exit_code == 3
    assert "--fail-on quantum-vulnerable: new 1 quantum-vulnerable" in new.stderr
    assert runner.invoke(cli, ["scan", str(repo), "--baseline", str(base),
                               "--fail-on", "weak"]).exit_code == 0
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]")
    result = runner.invoke(cli, ["scan", str(repo), "--baseline", str(bad)])
    assert result.exit_code == 1 and "not a JSON object" in result.output


def test_baseline_must_be_a_scan_result(tmp_path: Path) -> None:
    other = tmp_path / "sarif.json"
    other.write_text('{"version": "2.1.0", "runs": []}')
    with pytest.raises(InvalidArgument, match="agile scan JSON result"):
        load_baseline(other)
