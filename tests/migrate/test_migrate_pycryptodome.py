"""``agile migrate`` as a real subprocess over a small PyCryptodome project, which then runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import agile

CRYPTO = textwrap.dedent('''
    """Seals and signs with PyCryptodome (the code agile migrate rewrites)."""
    from Crypto.Cipher import AES, PKCS1_OAEP
    from Crypto.Hash import SHA256, SHAKE128
    from Crypto.PublicKey import RSA
    from Crypto.Signature import pkcs1_15, pss

    KEY = RSA.generate(2048, randfunc=SHAKE128.new(b"fixed test key").read)
    AES_KEY = b"0123456789abcdef"


    def seal(blob, data, aad):
        nonce = blob[:16]
        cipher = AES.new(AES_KEY, AES.MODE_GCM, nonce=nonce)
        cipher.update(aad)
        ciphertext, tag = cipher.encrypt_and_digest(data)
        return nonce, ciphertext, tag


    def unseal(nonce, ciphertext, tag, aad):
        cipher = AES.new(AES_KEY, AES.MODE_GCM, nonce=nonce[:16])
        cipher.update(aad)
        return cipher.decrypt_and_verify(ciphertext, tag)


    def open_or_reject(nonce, ciphertext, tag, aad):
        try:
            return unseal(nonce, ciphertext, tag, aad)
        except ValueError:
            return b"rejected"


    def sign(data):
        digest = SHA256.new(data)
        return pkcs1_15.new(KEY).sign(digest), pss.new(KEY).sign(SHA256.new(data))


    def check(data, signature):
        try:
            pss.new(KEY.public_key()).verify(SHA256.new(data), signature)
            return "valid"
        except ValueError:
            return "invalid"


    def wrap(secret):
        return PKCS1_OAEP.new(KEY.public_key(), hashAlgo=SHA256).encrypt(secret)


    def unwrap(wrapped):
        return PKCS1_OAEP.new(KEY, hashAlgo=SHA256).decrypt(wrapped)
''')
MAIN = textwrap.dedent('''
    import json

    from app.crypto import check, open_or_reject, seal, sign, unwrap, wrap

    blob = bytes(range(100, 116))
    nonce, ct, tag = seal(blob, b"payload", b"header")
    pkcs1, pss_sig = sign(b"message")
    print(json.dumps({
        "sealed": (ct + tag).hex(),
        "opened": open_or_reject(nonce, ct, tag, b"header").decode(),
        "tampered": open_or_reject(nonce, ct, tag[:-1] + b"!", b"header").decode(),
        "pkcs1": pkcs1.hex(),
        "pss": check(b"message", pss_sig),
        "pss_tampered": check(b"other", pss_sig),
        "oaep": unwrap(wrap(b"secret")).decode(),
    }))
''')


def _run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "AGILE_CONFIG"}
    return subprocess.run([sys.executable, *args], cwd=root, capture_output=True, text=True,
                          env=env, check=False)


def test_migrated_project_runs_with_generated_config(tmp_path: Path) -> None:
    root = tmp_path / "project"
    (root / "app").mkdir(parents=True)
    (root / "app" / "__init__.py").write_text("", encoding="utf-8")
    (root / "app" / "crypto.py").write_text(CRYPTO, encoding="utf-8")
    (root / "main.py").write_text(MAIN, encoding="utf-8")
    before = _run(root, "main.py")
    assert before.returncode == 0, before.stderr
    report = tmp_path / "report.json"
    migrate = _run(root, "-m", "agile.cli", "migrate", "--no-progress", "--report", str(report),
                   ".")
    assert migrate.returncode == 0, migrate.stderr
    migrated = (root / "app" / "crypto.py").read_text(encoding="utf-8")
    for gone in ("AES.new", "PKCS1_OAEP", "pkcs1_15.new", "pss.new"):
        assert gone not in migrated
    summary = json.loads(report.read_text(encoding="utf-8"))["summary"]
    assert summary["rewritten_sites"] == 7
    config = agile.load_config(root / "agile.toml")  # the generated policies validate
    assert {"aes-128-gcm", "rsa-pkcs1v15-sha256", "rsa-pss-sha256", "rsa-oaep-sha256"} <= \
        set(config.policies)
    after = _run(root, "main.py")
    assert after.returncode == 0, after.stderr
    old, new = json.loads(before.stdout), json.loads(after.stdout)
    assert old == new  # GCM and PKCS#1 v1.5 byte-identical; PSS/OAEP round-trips agree
    assert new["tampered"] == "rejected" and new["pss_tampered"] == "invalid"
    again = _run(root, "-m", "agile.cli", "migrate", "--check", "--no-progress", ".")
    assert again.returncode == 0, again.stderr  # a second run changes nothing
