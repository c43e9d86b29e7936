"""[qkd.links.NAME] and a policy's qkd = {...}: validation names file, line, key and fix."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from agile.errors import ConfigError
from agile.policy import QKDSettings, load_config

_LINK = """
[qkd.links.dc]
kme_url = "https://kme-a.example:8443"
sae_id = "SAE-A"
peer_sae_id = "SAE-B"
cert = "pki/SAE-A.pem"
key = "pki/SAE-A.key"
ca = "pki/ca.pem"
"""
_POLICY = """
[policies.link]
kem = "MLKEM768-X25519"
aead = "AES-256-GCM"
qkd = { link = "dc", mode = "preferred" }
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "agile.toml"
    path.write_text(textwrap.dedent(text))
    return path


def test_link_and_policy_resolve(tmp_path: Path) -> None:
    cfg = load_config(_write(tmp_path, _LINK + _POLICY))
    link = cfg.qkd_links["dc"]
    assert link.cert == str(tmp_path / "pki" / "SAE-A.pem")  # relative to the file
    assert (link.key_size, link.retries, link.kme_id) == (256, 2, None)
    assert cfg.policy("link").qkd == QKDSettings("dc", "preferred")


@pytest.mark.parametrize(("text", "fragment", "line"), [
    (_LINK + _POLICY.replace('"dc", mode', '"dcc", mode'),
     "QKD link 'dcc' is not defined (at policies.link.qkd); did you mean 'dc'?", 13),
    (_LINK + _POLICY.replace("preferred", "sometimes"),
     'qkd.mode must be "required" or "preferred"', 13),
    (_LINK.replace('kme_url = "https', 'kme_url = "http'), "kme_url must be an https:// URL", 3),
    (_LINK.replace('peer_sae_id = "SAE-B"\n', ""), "a QKD link needs peer_sae_id", 2),
    (_LINK.replace('sae_id = "SAE-A"', 'sae_id = "SAE A"'), "sae_id must be an id", 4),
    (_LINK + "key_size = 100\n", "key_size must be a whole number of bytes", 9),
    (_LINK + "retries = 99\n", "retries must be an integer from 0 to 10", 9),
    (_LINK + "kme_urll = 1\n", "unknown key 'kme_urll'", 9),
    (_LINK.replace('peer_sae_id = "SAE-B"', 'peer_sae_id = "SAE-A"'), "must differ", 5),
    ('[qkd]\nlinks = 3\n', "[qkd.links] must hold tables", None),
    ('[qkd.other]\nx = 1\n', "unknown key 'other'", None),
])
def test_bad_qkd_config(tmp_path: Path, text: str, fragment: str, line: int | None) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert fragment in str(info.value)
    assert str(path) in str(info.value)
    if line is not None:
        assert info.value.line == line, str(info.value)


def test_policy_diff_shows_a_qkd_mode_flip(tmp_path: Path) -> None:
    from agile.policy import diff_configs

    old = load_config(_write(tmp_path, _LINK + _POLICY.replace("preferred", "required")))
    new = load_config(_write(tmp_path, _LINK + _POLICY))
    [changed] = [p for p in diff_configs(old, new).policies if p.name == "link"]
    assert [(s.setting, s.old, s.new) for s in changed.settings] == [
        ("qkd.mode", "required", "preferred")]


def test_hpke_encrypt_refuses_a_policy_that_requires_qkd() -> None:
    import agile
    from agile.errors import PolicyViolation

    text = """
[qkd.links.l]
kme_url = "https://127.0.0.1:1"
sae_id = "SAE-A"
peer_sae_id = "SAE-B"
cert = "a.pem"
key = "a.key"
ca = "ca.pem"

[policies.strict]
kem = "MLKEM768-X25519"
hpke = "HPKE-MLKEM768X25519-SHA256-A256GCM"
qkd = { link = "l", mode = "required" }

[policies.relaxed]
kem = "MLKEM768-X25519"
hpke = "HPKE-MLKEM768X25519-SHA256-A256GCM"
qkd = { link = "l", mode = "preferred" }
"""
    ctx = agile.Context(agile.load_config(text=text, path="agile.toml"))
    private = ctx.generate_keypair(policy="relaxed", family="hpke")
    with pytest.raises(PolicyViolation, match="requires QKD keys"):
        ctx.encrypt(private.public_key(), b"data", policy="strict")
    sealed = ctx.encrypt(private.public_key(), b"data", policy="relaxed")
    assert ctx.decrypt(private, sealed, policy="relaxed") == b"data"
