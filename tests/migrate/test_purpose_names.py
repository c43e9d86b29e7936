"""Purpose-named policies across files: one policy many slots, and conflicts resolved by name."""

from __future__ import annotations

import hashlib
import hmac
import json
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import agile
from codemods.migrate import migrate, to_json

TOKENS_A = textwrap.dedent("""\
    import hashlib


    def token_digest(data: bytes) -> str:
        return hashlib.sha256(data).hexdigest()
""")
TOKENS_B = TOKENS_A.replace("sha256", "sha512")
SESSIONS = textwrap.dedent("""\
    import hashlib
    import hmac


    class Sessions:
        def sign(self, key: bytes, data: bytes) -> str:
            return hmac.new(key, data, hashlib.sha256).hexdigest()

        def legacy_id(self, data: bytes) -> str:
            return hashlib.md5(data).hexdigest()
""")


def _run(root: Path, expression: str) -> list[str]:
    out = subprocess.run([sys.executable, "-c", f"import a, b, s; print({expression})"],
                         cwd=root, env={"PYTHONPATH": str(root)}, capture_output=True,
                         text=True, check=True)
    return out.stdout.split()


def _tree(root: Path) -> Path:
    root.mkdir()
    (root / "a.py").write_text(TOKENS_A, encoding="utf-8")
    (root / "b.py").write_text(TOKENS_B, encoding="utf-8")
    (root / "s.py").write_text(SESSIONS, encoding="utf-8")
    return root


EXPR = "a.token_digest(b'x'), b.token_digest(b'x'), s.Sessions().sign(b'k', b'm'), " \
       "s.Sessions().legacy_id(b'x')"
EXPECTED = [hashlib.sha256(b"x").hexdigest(), hashlib.sha512(b"x").hexdigest(),
            hmac.new(b"k", b"m", hashlib.sha256).hexdigest(), hashlib.md5(b"x").hexdigest()]


def test_one_purpose_two_algorithms_get_their_own_names(tmp_path: Path) -> None:
    root = _tree(tmp_path / "repo")
    result = migrate([str(root)])
    assert result.rewritten_sites == 4
    assert 'policy="token-sha-256"' in (root / "a.py").read_text(encoding="utf-8")
    assert 'policy="token-sha-512"' in (root / "b.py").read_text(encoding="utf-8")
    policies = tomllib.loads((root / "agile.toml").read_text(encoding="utf-8"))["policies"]
    assert "token" not in policies
    # one purpose, two slots: one policy the security lead flips as a whole
    assert policies["session"] == {"hash": "MD5", "mac": "HMAC-SHA256", "allow_legacy": True}
    loaded = agile.load_config(root / "agile.toml")
    assert loaded.policy("token-sha-512").algorithm("hash").name == "SHA-512"
    assert _run(root, EXPR) == EXPECTED
    sites = json.loads(to_json(result))["sites"]
    assert {(s["file"], s["policy"], s["purpose"]) for s in sites} == {
        ("a.py", "token-sha-256", "token"), ("b.py", "token-sha-512", "token"),
        ("s.py", "session", "session")}
    assert not migrate([str(root)]).changed  # idempotent


def test_the_algorithm_the_config_already_pins_keeps_the_purpose_name(tmp_path: Path) -> None:
    root = _tree(tmp_path / "repo")
    config = root / "agile.toml"
    config.write_text('# ours\n[policies.token]  # API tokens\nhash = "SHA-512"\n',
                      encoding="utf-8")
    migrate([str(root)])
    assert 'policy="token-sha-256"' in (root / "a.py").read_text(encoding="utf-8")
    assert 'policy="token"' in (root / "b.py").read_text(encoding="utf-8")
    text = config.read_text(encoding="utf-8")
    assert text.startswith('# ours\n[policies.token]  # API tokens\nhash = "SHA-512"\n')
    assert tomllib.loads(text)["policies"]["token-sha-256"] == {"hash": "SHA-256"}
    assert _run(root, EXPR) == EXPECTED


def test_a_user_policy_gains_a_slot_it_does_not_set(tmp_path: Path) -> None:
    root = _tree(tmp_path / "repo")
    config = root / "agile.toml"
    config.write_text('[policies.session]\naead = "AES-256-GCM"\nallow_legacy = true\n',
                      encoding="utf-8")
    migrate([str(root)])
    session = tomllib.loads(config.read_text(encoding="utf-8"))["policies"]["session"]
    assert session == {"aead": "AES-256-GCM", "allow_legacy": True, "hash": "MD5",
                       "mac": "HMAC-SHA256"}
    assert "pins mac = HMAC-SHA256 as found at\n#   s.py:7" in config.read_text(encoding="utf-8")


def test_a_user_policy_taking_the_slot_from_its_suite_is_left_as_it_is(tmp_path: Path) -> None:
    root = _tree(tmp_path / "repo")
    config = root / "agile.toml"
    user = ('[suites.strong]\nmac = "HMAC-SHA512"\nhash = "SHA-512"\n\n'
            '[policies.session]\nsuite = "strong"\n')
    config.write_text(user, encoding="utf-8")
    migrate([str(root)])
    text = config.read_text(encoding="utf-8")
    assert text.startswith(user)  # the user's policy is not changed
    loaded = agile.load_config(config)
    assert loaded.policy("session").algorithm("mac").name == "HMAC-SHA512"
    assert loaded.policy("session-hmac-sha256").algorithm("mac").name == "HMAC-SHA256"
    assert 'policy="session-hmac-sha256"' in (root / "s.py").read_text(encoding="utf-8")
    assert _run(root, EXPR) == EXPECTED


def test_an_iteration_count_the_code_does_not_show_rules_out_a_floor(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "app.py").write_text(textwrap.dedent("""\
        import hashlib


        def password_key(pw, salt):
            return hashlib.pbkdf2_hmac("sha256", pw, salt, 600000)


        def stored_password_key(pw, salt, rounds):
            return hashlib.pbkdf2_hmac("sha256", pw, salt, rounds)
    """), encoding="utf-8")
    migrate([str(root)])
    policy = tomllib.loads((root / "agile.toml").read_text(encoding="utf-8"))["policies"]
    assert policy["password"] == {"password-hash": "PBKDF2-HMAC-SHA256"}  # no min_iterations
    out = subprocess.run([sys.executable, "-c", "import app; print(app.stored_password_key("
                          "b'pw', b'salt', 10000).hex())"], cwd=root,
                         env={"PYTHONPATH": str(root)}, capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == hashlib.pbkdf2_hmac("sha256", b"pw", b"salt", 10000).hex()
