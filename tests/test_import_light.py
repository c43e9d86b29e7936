"""`import agile` stays light: no libcst, pyOpenSSL or CLI (checked in a fresh interpreter)."""

from __future__ import annotations

import json
import subprocess
import sys


def test_import_agile_does_not_pull_heavy_modules() -> None:
    code = ("import sys, json, agile; print(json.dumps(sorted(m for m in sys.modules if "
            "m.split('.')[0] in ('libcst', 'OpenSSL', 'click') or m == 'agile.cli')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []
