"""``agile migrate`` over a project that generates and loads keys: config, and it still runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

APP = textwrap.dedent("""
    import sys

    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa


    def main(pem_path):
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        sig = key.sign(b"release", padding.PKCS1v15(), hashes.SHA256())
        key.public_key().verify(sig, b"release", padding.PKCS1v15(), hashes.SHA256())
        signer = ec.generate_private_key(ec.SECP256R1())
        ec_sig = signer.sign(b"release", ec.ECDSA(hashes.SHA256()))
        with open(pem_path, "rb") as f:
            loaded = serialization.load_pem_private_key(f.read(), password=b"secret")
        loaded.public_key().verify(loaded.sign(b"x", padding.PKCS1v15(), hashes.SHA256()), b"x",
                                   padding.PKCS1v15(), hashes.SHA256())
        print(key.key_size, signer.curve.name, len(ec_sig) > 60, loaded.key_size)


    if __name__ == "__main__":
        main(sys.argv[1])
""")


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "AGILE_CONFIG"}
    return subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True,
                          check=False, env=env)


def test_cli_migrates_a_key_project_that_still_runs(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    root = tmp_path / "proj"
    root.mkdir()
    (root / "app.py").write_text(APP, encoding="utf-8")
    pem = rsa.generate_private_key(public_exponent=65537, key_size=3072).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"secret"))
    (tmp_path / "key.pem").write_bytes(pem)
    before = _run([str(root / "app.py"), str(tmp_path / "key.pem")], root)
    assert before.returncode == 0, before.stderr
    assert before.stdout == "2048 secp256r1 True 3072\n"

    out = _run(["-m", "agile.cli", "migrate", "--no-progress", str(root), "--report",
                str(tmp_path / "report.json")], tmp_path)
    assert out.returncode == 0, out.stderr
    assert "5 sites rewritten, 2 left unchanged" in out.stderr
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    keys = [(s["line"], s["rewritten"], s["reason"]) for s in report["sites"]
            if s["pattern"].startswith("pyca key")]
    # a loaded key's type is not in the source: its pyca uses and so its loader stay
    assert keys == [(9, True, ""), (12, True, ""),
                    (15, False, "a use of the key (line 16) is not rewritten")]
    code = (root / "app.py").read_text(encoding="utf-8")
    assert 'key = agile.raw.generate_private_key(policy="rsa-pkcs1v15-sha256", ' \
           'slot="signature", rsa_bits=2048)' in code
    assert 'signer = agile.raw.generate_private_key(policy="ecdsa-p256-sha256", ' \
           'slot="signature")' in code
    assert "serialization.load_pem_private_key(f.read(), password=b\"secret\")" in code
    assert "rsa." not in code and "ec." not in code
    config = tomllib.loads((root / "agile.toml").read_text(encoding="utf-8"))["policies"]
    assert config["rsa-pkcs1v15-sha256"] == {"signature": "RSA-PKCS1v15-SHA256"}
    assert config["ecdsa-p256-sha256"] == {"signature": "ECDSA-P256-SHA256"}
    assert "app.py:9" in (root / "agile.toml").read_text(encoding="utf-8")

    after = _run([str(root / "app.py"), str(tmp_path / "key.pem")], root)
    assert after.returncode == 0, after.stderr
    assert after.stdout == before.stdout

    again = _run(["-m", "agile.cli", "migrate", "--check", "--no-progress", str(root)],
                 tmp_path)
    assert again.returncode == 0, again.stderr  # nothing left to change
