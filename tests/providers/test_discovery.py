"""Providers are discovered through the ``agile.providers`` entry-point group, in a real
subprocess with a real (tiny) distribution on its path: a hashlib-backed provider for SHA-256."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

PLUGIN = '''
import hashlib

from agile.errors import Reason, UnsupportedAlgorithm


class _Sha256:
    def digest(self, data, *, length=None):
        return hashlib.sha256(data).digest()


class HashlibProvider:
    name = "hashlib"

    def algorithms(self):
        return frozenset({"SHA-256"})

    def scheme(self, algorithm):
        if algorithm != "SHA-256":
            raise UnsupportedAlgorithm(algorithm, Reason.NO_PROVIDER)
        return _Sha256()

    def identify(self, native_key):
        return None


def broken():
    raise RuntimeError("this plug-in cannot start")
'''

SCRIPT = '''
import json, agile
from agile import providers
events = []
agile.audit.subscribe(events.append)
ctx = agile.Context(agile.load_config(text="""
[policies.pref]
hash = "SHA-256"
providers = ["hashlib"]
[policies.plain]
hash = "SHA-256"
""", path="agile.toml"))
digest = ctx.hash(b"abc", policy="pref")
ctx.hash(b"abc", policy="plain")
print(json.dumps({
    "providers": [p.name for p in providers.all_providers()],
    "errors": providers.discovery_errors(),
    "digest": digest.hex(),
    "used": [e.provider for e in events],
}))
'''


def test_entry_point_provider_is_discovered_and_preferred(tmp_path: Path) -> None:
    (tmp_path / "agile_test_provider.py").write_text(PLUGIN)
    dist = tmp_path / "agile_test_provider-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: agile-test-provider\n"
                                   "Version: 0.1\n")
    (dist / "entry_points.txt").write_text(textwrap.dedent("""
        [agile.providers]
        hashlib = agile_test_provider:HashlibProvider
        broken = agile_test_provider:broken
        """))
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", SCRIPT], env=env, cwd=tmp_path,
                         capture_output=True, text=True, check=True)
    result = json.loads(out.stdout)
    assert result["providers"][0] == "pyca" and "hashlib" in result["providers"]
    assert "RuntimeError: this plug-in cannot start" in result["errors"]["broken"]
    assert result["digest"] == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert result["used"] == ["hashlib", "pyca"]
