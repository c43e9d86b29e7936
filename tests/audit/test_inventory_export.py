"""Processes export their runtime inventory at exit; `agile audit inventory` merges them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

APP = """
import agile
ctx = agile.Context(agile.load_config(text='[policies.p]\\naead = "AES-256-GCM"\\n', path="a.toml"))
key = ctx.generate_key(policy="p")
for _ in range({n}):
    ctx.open(ctx.seal(b"x", key, policy="p"), key, policy="p")
"""


def test_inventory_is_exported_at_exit_and_merged(tmp_path: Path) -> None:
    env = {**os.environ, "AGILE_INVENTORY_FILE": str(tmp_path / "inv-{pid}.json")}
    for n in (3, 4):
        subprocess.run([sys.executable, "-c", APP.format(n=n)], env=env, cwd=tmp_path, check=True)
    files = sorted(tmp_path.glob("inv-*.json"))
    assert len(files) == 2
    out = subprocess.run([sys.executable, "-m", "agile.cli", "audit", "inventory", "--json",
                          *map(str, files)], capture_output=True, text=True, check=True)
    merged = {(o["operation"], o["algorithm"]): o["count"]
              for o in json.loads(out.stdout)["operations"]}
    assert merged[("seal", "AES-256-GCM")] == 7 and merged[("open", "AES-256-GCM")] == 7
    table = subprocess.run([sys.executable, "-m", "agile.cli", "audit", "inventory",
                            *map(str, files)], capture_output=True, text=True, check=True).stdout
    assert "seal" in table and "AES-256-GCM" in table


def test_bad_inventory_file_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "something-else"}')
    result = subprocess.run([sys.executable, "-m", "agile.cli", "audit", "inventory", str(bad)],
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert "not an agile runtime inventory" in result.stderr
    assert "Traceback" not in result.stderr
