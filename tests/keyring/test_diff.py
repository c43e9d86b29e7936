"""``agile policy diff`` / ``diff_configs`` on three fixture flips, with a real keyring file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

import agile
from agile.cli import cli
from agile.keyring import FileStorage, load_policy_keyrings
from agile.policy import Config, KeyImpact, SettingChange, diff_configs, load_config

from .conftest import PASSPHRASE

KEYRING = """
[keyrings.main]
path = "keys.agilekeys"
passphrase_env = "TEST_KEYRING_PASSPHRASE"
"""

CLASSICAL = KEYRING + """
[policies.archive]
aead = "AES-256-GCM"
signature = "Ed25519"
hpke = "HPKE-X25519-SHA256-A128GCM"
keyring = "main"
"""

HYBRID_KEEP = KEYRING + """
[policies.archive]
aead = "AES-256-GCM"
signature = "MLDSA65-Ed25519-SHA512"
hpke = "HPKE-MLKEM768X25519-SHA256-A256GCM"
accept.signature = ["Ed25519"]
accept.hpke = ["HPKE-X25519-SHA256-A128GCM"]
require = "hybrid"
keyring = "main"
"""

HYBRID_DROP = KEYRING + """
[policies.archive]
aead = "AES-256-GCM"
signature = "MLDSA65-Ed25519-SHA512"
hpke = "HPKE-MLKEM768X25519-SHA256-A256GCM"
require = "hybrid"
keyring = "main"
"""

SUITE_OLD = KEYRING + """
default_policy = "default"

[suites.std]
aead = "AES-256-GCM"
signature = "ML-DSA-65"

[policies.default]
suite = "std"

[policies.records]
suite = "std"
keyring = "main"

[policies.legacy]
aead = "AES-128-GCM"
keyring = "main"
"""

SUITE_NEW = KEYRING + """
default_policy = "default"

[zones.restricted]
require = "post-quantum"
min_category = 3

[suites.std]
aead = "ChaCha20-Poly1305"
signature = "ML-DSA-87"
accept.aead = ["AES-256-GCM"]

[policies.default]
suite = "std"

[policies.records]
suite = "std"
keyring = "main"
zone = "restricted"
"""


def _write(folder: Path, name: str, toml: str) -> Path:
    # top-level keys must precede the first table
    lines = textwrap.dedent(toml).splitlines()
    top = [line for line in lines if line.startswith("default_policy")]
    rest = [line for line in lines if not line.startswith("default_policy")]
    path = folder / name
    path.write_text("\n".join(top + rest) + "\n", encoding="utf-8")
    return path


def _cfg(folder: Path, name: str, toml: str) -> Config:
    return load_config(_write(folder, name, toml))


def _sets(mapping: dict[str, frozenset[str]]) -> dict[str, set[str]]:
    return {k: set(v) for k, v in mapping.items()}


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, store: FileStorage) -> FileStorage:
    monkeypatch.setenv("TEST_KEYRING_PASSPHRASE", PASSPHRASE)
    return store


@pytest.fixture
def classical_keys(env: FileStorage, tmp_path: Path) -> dict[str, str]:
    """Under CLASSICAL: aead, signature (x3: primary, active, retired, destroyed) and hpke keys."""
    ctx = agile.Context(_cfg(tmp_path, "classical.toml", CLASSICAL))
    ring = ctx.keyring("archive")
    kids = {
        "aead": ring.rotate().kid.hex(),
        "sig_destroyed": ring.rotate(family="signature").kid.hex(),
        "sig_retired": ring.rotate(family="signature").kid.hex(),
        "sig_active": ring.rotate(family="signature").kid.hex(),
        "sig_primary": ring.rotate(family="signature").kid.hex(),
        "hpke": ring.rotate(family="hpke").kid.hex(),
    }
    ring.retire(kids["sig_destroyed"])
    ring.destroy(kids["sig_destroyed"])
    ring.retire(kids["sig_retired"])
    return kids


# -- flip 1: classical -> hybrid, old algorithms kept readable ---------------------------------
def test_flip_classical_to_hybrid_keeping_accept(classical_keys: dict[str, str],
                                                 tmp_path: Path) -> None:
    old, new = _cfg(tmp_path, "old.toml", CLASSICAL), _cfg(tmp_path, "new.toml", HYBRID_KEEP)
    rings, problems = load_policy_keyrings(old, new)
    assert problems == {}
    pol = diff_configs(old, new, rings).policy("archive")
    assert pol.change == "changed"
    assert _sets(pol.stops_writing) == {"signature": {"Ed25519"},
                                        "hpke": {"HPKE-X25519-SHA256-A128GCM"}}
    assert pol.stops_reading == {}
    assert _sets(pol.starts_reading) == {"signature": {"MLDSA65-Ed25519-SHA512"},
                                         "hpke": {"HPKE-MLKEM768X25519-SHA256-A256GCM"}}
    assert pol.family("signature").still_reading == {"Ed25519"}
    assert [f.family.value for f in pol.families] == ["hpke", "signature"]  # registry order; aead unchanged
    assert pol.settings == (SettingChange("require", None, "hybrid"),)
    assert pol.keys_checked
    assert pol.keys_with(KeyImpact.UNREADABLE) == set()
    assert pol.keys_with(KeyImpact.CANNOT_BE_PRIMARY) == {
        classical_keys["sig_primary"], classical_keys["sig_active"], classical_keys["hpke"]}
    primary = next(k for k in pol.keys if k.kid == classical_keys["sig_primary"])
    assert "agile keys rotate archive --family signature" in primary.reason


# -- flip 2: hybrid, then the old algorithms dropped from the accept-lists ---------------------
def test_flip_dropping_accept_makes_old_keys_unreadable(classical_keys: dict[str, str],
                                                       tmp_path: Path) -> None:
    keep, drop = _cfg(tmp_path, "keep.toml", HYBRID_KEEP), _cfg(tmp_path, "drop.toml",
                                                                 HYBRID_DROP)
    signed = agile.Context(_cfg(tmp_path, "classical.toml", CLASSICAL)).sign(
        data=b"x", policy="archive")  # by the classical primary, before the hybrid rotation
    ctx = agile.Context(keep)
    hybrid_sig = ctx.keyring("archive").rotate(family="signature").kid.hex()
    rings, _ = load_policy_keyrings(keep, drop)
    pol = diff_configs(keep, drop, rings).policy("archive")
    assert pol.stops_writing == {}
    assert pol.starts_reading == {}
    assert _sets(pol.stops_reading) == {"signature": {"Ed25519"},
                                        "hpke": {"HPKE-X25519-SHA256-A128GCM"}}
    assert pol.settings == ()
    # the destroyed key was unreadable already; the new hybrid key and the AES key are fine
    assert pol.keys_with(KeyImpact.UNREADABLE) == {
        classical_keys["sig_primary"], classical_keys["sig_active"],
        classical_keys["sig_retired"], classical_keys["hpke"]}
    assert pol.keys_with(KeyImpact.CANNOT_BE_PRIMARY) == set()
    assert hybrid_sig not in {k.kid for k in pol.keys}
    assert all("no longer on the" in k.reason for k in pol.keys)
    # and the library agrees: data signed under the old key is refused under the new config
    assert ctx.verify(signed=signed, policy="archive") == b"x"
    with pytest.raises(agile.errors.PolicyViolation):
        agile.Context(drop).verify(signed=signed, policy="archive")


# -- flip 3: a policy removed and a suite change hitting several policies ----------------------
def test_flip_removing_a_policy_and_changing_a_suite(env: FileStorage, tmp_path: Path) -> None:
    old, new = _cfg(tmp_path, "old.toml", SUITE_OLD), _cfg(tmp_path, "new.toml", SUITE_NEW)
    ctx = agile.Context(old)
    records_aead = ctx.keyring("records").rotate().kid.hex()
    records_sig = ctx.keyring("records").rotate(family="signature").kid.hex()
    legacy_aead = ctx.keyring("legacy").rotate().kid.hex()
    rings, _ = load_policy_keyrings(old, new)
    assert set(rings) == {"records", "legacy"}  # default names no keyring
    diff = diff_configs(old, new, rings)
    assert [p.name for p in diff.policies] == ["default", "legacy", "records"]
    assert diff.default_policy is None  # so other names get what "default" says

    for name in ("default", "records"):  # the suite change reaches each of them
        pol = diff.policy(name)
        assert pol.change == "changed", name
        assert _sets(pol.stops_writing) == {"aead": {"AES-256-GCM"}, "signature": {"ML-DSA-65"}}
        assert _sets(pol.stops_reading) == {"signature": {"ML-DSA-65"}}
        assert _sets(pol.starts_reading) == {"aead": {"ChaCha20-Poly1305"},
                                             "signature": {"ML-DSA-87"}}
    assert diff.policy("default").settings == ()
    assert {s.setting: (s.old, s.new) for s in diff.policy("records").settings} == {
        "zone": (None, "restricted"), "zone.require": (None, "post-quantum"),
        "zone.min_category": (None, "3"), "zone.allow_legacy": (None, "false")}
    records = diff.policy("records")
    assert records.keys_with(KeyImpact.UNREADABLE) == {records_sig}
    assert records.keys_with(KeyImpact.CANNOT_BE_PRIMARY) == {records_aead}

    legacy = diff.policy("legacy")
    assert (legacy.change, legacy.old_resolves_to, legacy.new_resolves_to) == (
        "removed", "legacy", "default")
    assert _sets(legacy.stops_writing) == {"aead": {"AES-128-GCM"}}
    assert _sets(legacy.stops_reading) == {"aead": {"AES-128-GCM"}}
    assert _sets(legacy.starts_reading) == {"aead": {"ChaCha20-Poly1305", "AES-256-GCM"},
                                            "signature": {"ML-DSA-87"}}
    assert legacy.keys_with(KeyImpact.UNREADABLE) == {legacy_aead}
    assert "now resolves to 'default'" in legacy.keys[0].reason
    assert diff.unusable_keys == {"records": {records_sig}, "legacy": {legacy_aead}}


def test_removed_policy_without_default_stops_everything(tmp_path: Path) -> None:
    old = load_config(text='[policies.a]\naead = "AES-256-GCM"\n[policies.b]\n'
                           'aead = "AES-256-GCM"\nsignature = "ML-DSA-65"')
    new = load_config(text='[policies.a]\naead = "AES-256-GCM"')
    diff = diff_configs(old, new)
    assert diff.policy("a").change == "unchanged" and not diff.policy("a").keys_checked
    b = diff.policy("b")
    assert (b.change, b.new_resolves_to) == ("removed", None)
    assert _sets(b.stops_reading) == {"aead": {"AES-256-GCM"}, "signature": {"ML-DSA-65"}}
    assert _sets(b.stops_writing) == _sets(b.stops_reading)
    added = diff_configs(new, old).policy("b")
    assert (added.change, added.old_resolves_to) == ("added", None)
    assert _sets(added.starts_reading) == _sets(b.stops_reading)
    assert not diff_configs(old, old).changed


def test_default_policy_change_is_reported(tmp_path: Path) -> None:
    body = '[policies.a]\naead = "AES-256-GCM"\n[policies.b]\naead = "AES-128-GCM"\n'
    old = load_config(text='default_policy = "a"\n' + body)
    new = load_config(text='default_policy = "b"\n' + body)
    diff = diff_configs(old, new)
    assert diff.default_policy == SettingChange("default_policy", "a", "b")
    other = diff.policy("*")
    assert (other.old_resolves_to, other.new_resolves_to) == ("a", "b")
    assert _sets(other.stops_reading) == {"aead": {"AES-256-GCM"}}


# -- the command --------------------------------------------------------------------------------
def test_cli_diff_json_and_text(classical_keys: dict[str, str], tmp_path: Path) -> None:
    old = _write(tmp_path, "old.toml", HYBRID_KEEP)
    new = _write(tmp_path, "new.toml", HYBRID_DROP)
    runner = CliRunner()
    result = runner.invoke(cli, ["policy", "diff", str(old), str(new), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    archive = data["policies"]["archive"]
    assert data["keyring_problems"] == {}
    assert {f["family"]: f["stops_reading"] for f in archive["families"]} == {
        "signature": ["Ed25519"], "hpke": ["HPKE-X25519-SHA256-A128GCM"]}
    assert {k["kid"] for k in archive["keys"] if k["impact"] == "unreadable"} == {
        classical_keys[n] for n in ("sig_primary", "sig_active", "sig_retired", "hpke")}
    text = runner.invoke(cli, ["policy", "diff", str(old), str(new)])
    assert text.exit_code == 0
    assert "STOPS BEING READABLE: Ed25519" in text.output
    assert f"UNREADABLE: {classical_keys['sig_primary']}" in text.output
    failing = runner.invoke(cli, ["policy", "diff", str(old), str(new), "--fail-on-unreadable"])
    assert failing.exit_code == 1 and "makes data unreadable" in failing.output
    same = runner.invoke(cli, ["policy", "diff", str(old), str(old), "--fail-on-unreadable"])
    assert same.exit_code == 0 and "no changes" in same.output


def test_cli_diff_reports_a_keyring_it_cannot_open(classical_keys: dict[str, str],
                                                   tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    old = _write(tmp_path, "old.toml", CLASSICAL)
    new = _write(tmp_path, "new.toml", HYBRID_DROP)
    monkeypatch.setenv("TEST_KEYRING_PASSPHRASE", "wrong")
    result = CliRunner().invoke(cli, ["policy", "diff", str(old), str(new)])
    assert result.exit_code == 0, result.output
    assert "note: keys of keyring main" in result.output and "not checked" in result.output
    assert "STOPS BEING READABLE: Ed25519" in result.output
    skipped = CliRunner().invoke(cli, ["policy", "diff", str(old), str(new), "--no-keys",
                                       "--json"])
    assert json.loads(skipped.output)["policies"]["archive"]["keys_checked"] is False


def test_cli_diff_keyring_config_and_subprocess(classical_keys: dict[str, str],
                                                tmp_path: Path) -> None:
    # OLD and NEW name no keyring; --keyring-config says where the policy's keys are
    bare = (tmp_path / "bare")
    bare.mkdir()
    old = _write(bare, "old.toml", CLASSICAL.replace(KEYRING, "").replace('keyring = "main"', ""))
    new = _write(bare, "new.toml", HYBRID_DROP.replace(KEYRING, "").replace('keyring = "main"',
                                                                              ""))
    keyring_config = _write(tmp_path, "keys.toml", CLASSICAL)
    proc = subprocess.run([sys.executable, "-m", "agile.cli", "policy", "diff", str(old),
                           str(new), "--keyring-config", str(keyring_config), "--json"],
                          capture_output=True, text=True, env=dict(os.environ), timeout=60)
    assert proc.returncode == 0, proc.stderr
    keys = json.loads(proc.stdout)["policies"]["archive"]["keys"]
    assert {k["kid"] for k in keys if k["impact"] == "unreadable"} == {
        classical_keys[n] for n in ("sig_primary", "sig_active", "sig_retired", "hpke")}
