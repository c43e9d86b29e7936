"""``agile scan`` through click's CliRunner and as a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from agile.cli import cli

from .conftest import FIXTURES


def _repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "keys.py").write_text(
        "from cryptography.hazmat.primitives.asymmetric import rsa\n"
        "rsa.generate_private_key(65537, 2048)\n")
    (root / "pkg" / "fine.py").write_text("import hashlib\nhashlib.sha384()\n")
    return root


def test_table_is_the_default(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["scan", str(_repo(tmp_path))])
    assert result.exit_code == 0, result.output
    assert "2 findings in 2 scanned files" in result.output
    assert "pkg/keys.py:2" in result.output and "NEXT:" in result.output


def test_formats_and_output_file(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    runner = CliRunner()
    for fmt, check in (("json", lambda d: d["schema"] == "agile-scan"),
                       ("sarif", lambda d: d["version"] == "2.1.0"),
                       ("cyclonedx", lambda d: d["specVersion"] == "1.6")):
        out = tmp_path / f"report.{fmt}"
        result = runner.invoke(cli, ["scan", str(repo), "--format", fmt, "--output", str(out)])
        assert result.exit_code == 0, result.output
        assert check(json.loads(out.read_text()))
    md = runner.invoke(cli, ["scan", str(repo), "--format", "markdown"])
    assert md.output.startswith("## agile scan")


def test_fail_on_exit_codes(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    runner = CliRunner()
    assert runner.invoke(cli, ["scan", str(repo), "--fail-on", "weak"]).exit_code == 0
    gated = runner.invoke(cli, ["scan", str(repo), "--fail-on", "quantum-vulnerable"])
    assert gated.exit_code == 3
    assert "--fail-on quantum-vulnerable: 1 quantum-vulnerable" in gated.output
    assert runner.invoke(cli, ["scan", str(repo), "--fail-on", "none"]).exit_code == 0
    excluded = runner.invoke(cli, ["scan", str(repo), "--exclude", "pkg/keys.py",
                                   "--fail-on", "quantum-vulnerable"])
    assert excluded.exit_code == 0


def test_bad_config_is_exit_1_and_missing_path_exit_2(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    (repo / "agile.toml").write_text("[scan]\nbogus = 1\n")
    result = CliRunner().invoke(cli, ["scan", str(repo)])
    assert result.exit_code == 1 and "unknown key 'bogus'" in result.output
    assert CliRunner().invoke(cli, ["scan", str(tmp_path / "nope")]).exit_code == 2


def test_real_subprocess_with_two_jobs(tmp_path: Path) -> None:
    out = tmp_path / "fixtures.sarif"
    proc = subprocess.run(
        [sys.executable, "-m", "agile.cli", "scan", str(FIXTURES), "--jobs", "2",
         "--format", "sarif", "--output", str(out), "--fail-on", "weak", "--progress"],
        capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 3, proc.stderr
    assert "scanning: " in proc.stderr and "classically weak" in proc.stderr
    sarif = json.loads(out.read_text())
    assert len(sarif["runs"][0]["results"]) > 100
