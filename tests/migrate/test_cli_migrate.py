"""``agile migrate`` through click's CliRunner and as a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from agile.cli import cli

from .test_migrate import APP, make_tree


def test_dry_run_prints_diffs_and_writes_nothing(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "repo")
    result = CliRunner().invoke(cli, ["migrate", "--dry-run", str(root)])
    assert result.exit_code == 0, result.output
    assert "--- a/src/pkg/app.py" in result.stdout
    assert '+    return agile.raw.hash(data, policy="fingerprint").hex()' in result.stdout
    assert f"+++ b/{root / 'agile.toml'}" in result.stdout
    assert "2 sites rewritten, 1 left unchanged; would change 1 files" in result.stderr
    assert not (root / "agile.toml").exists()
    assert (root / "src" / "pkg" / "app.py").read_text(encoding="utf-8") == APP


def test_check_exits_3_until_migrated(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "repo")
    runner = CliRunner()
    assert runner.invoke(cli, ["migrate", "--check", str(root)]).exit_code == 3
    report = tmp_path / "report.json"
    done = runner.invoke(cli, ["migrate", str(root), "--report", str(report), "--annotate"])
    assert done.exit_code == 0, done.output
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["summary"]["rewritten_sites"] == 2
    assert data["configs"][0]["created"] is True
    code = (root / "src" / "pkg" / "app.py").read_text(encoding="utf-8")
    assert "# agile-migrate: review: hashlib object:" in code
    assert runner.invoke(cli, ["migrate", "--check", "--annotate", str(root)]).exit_code == 0


def test_policy_map_and_markdown_report(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "repo")
    mapping = tmp_path / "names.toml"
    mapping.write_text('"hmac-sha256" = "webhook-signing"\n', encoding="utf-8")
    report = tmp_path / "pr.md"
    result = CliRunner().invoke(cli, ["migrate", str(root), "--policy-map", str(mapping),
                                      "--report", str(report)])
    assert result.exit_code == 0, result.output
    assert 'policy="webhook-signing"' in (root / "src/pkg/app.py").read_text(encoding="utf-8")
    assert "| `webhook-signing` | mac = HMAC-SHA256 | 1 |" in report.read_text(encoding="utf-8")


def test_bad_policy_map_and_conflict_are_clear_errors(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "repo")
    mapping = tmp_path / "names.toml"
    mapping.write_text('"hmac-sha256" = "has space"\n', encoding="utf-8")
    bad = CliRunner().invoke(cli, ["migrate", str(root), "--policy-map", str(mapping)])
    assert bad.exit_code == 1 and "must name a policy" in bad.stderr
    (root / "agile.toml").write_text('[policies.hmac-sha256]  # ours\nmac = "HMAC-SHA512"\n')
    conflict = CliRunner().invoke(cli, ["migrate", str(root)])
    assert conflict.exit_code == 1
    assert "already sets mac = 'HMAC-SHA512'" in conflict.stderr
    assert "--policy-map" in conflict.stderr
    assert (root / "src/pkg/app.py").read_text(encoding="utf-8") == APP


def test_naming_algorithm_keeps_algorithm_names(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "repo")
    result = CliRunner().invoke(cli, ["migrate", "--naming", "algorithm", str(root)])
    assert result.exit_code == 0, result.output
    code = (root / "src/pkg/app.py").read_text(encoding="utf-8")
    assert 'policy="sha-256"' in code and "fingerprint" not in code.split("def fingerprint")[1]
    bad = CliRunner().invoke(cli, ["migrate", "--naming", "vibes", str(root)])
    assert bad.exit_code == 2 and "'vibes' is not one of" in bad.stderr


def test_subprocess_with_jobs(tmp_path: Path) -> None:
    roots = [make_tree(tmp_path / f"r{i}") for i in range(2)]
    out = subprocess.run([sys.executable, "-m", "agile.cli", "migrate", "--jobs", "2",
                          "--no-progress", *map(str, roots)],
                         capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert "4 sites rewritten, 2 left unchanged; changed 2 files and 2 config files" in out.stderr
    for root in roots:
        assert "agile.raw.hmac" in (root / "src/pkg/app.py").read_text(encoding="utf-8")
