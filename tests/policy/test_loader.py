"""Configuration loading and validation: errors name the file, the line, the key and the fix."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

import agile
from agile.errors import ConfigError
from agile.policy import Requirement, find_config_file, load_config


def _load(tmp_path: Path, toml: str, **kw: object) -> agile.Config:
    path = tmp_path / "agile.toml"
    path.write_text(textwrap.dedent(toml))
    return load_config(path, **kw)  # type: ignore[arg-type]


def _error(tmp_path: Path, toml: str, **kw: object) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        _load(tmp_path, toml, **kw)
    return info.value


def test_unknown_algorithm_names_file_line_key_and_fix(tmp_path: Path) -> None:
    err = _error(tmp_path, """
        [policies.archive]
        aead = "AES-256-GCM"
        kem = "ML-KEM768"
        """)
    msg = str(err)
    assert "unknown algorithm 'ML-KEM768' in policy 'archive'" in msg
    assert "did you mean ML-KEM-768?" in msg
    assert msg.startswith(f"{tmp_path / 'agile.toml'}:4:")
    assert err.line == 4 and err.key == "policies.archive.kem"


@pytest.mark.parametrize(("toml", "fragment"), [
    ('[policies.a]\naead = "ML-DSA-65"', "is a signature algorithm, not aead"),
    ('[policies.a]\naeed = "AES-256-GCM"', "did you mean 'aead'?"),
    ('[policies.a]\nhash = "MD5"', "legacy algorithm"),
    ('[policies.a]\nsignature = "RSA-PSS-SHA256"\nrequire = "hybrid"', "hybrid is required"),
    ('[policies.a]\nsignature = "ML-DSA-44"\nmin_category = 3', "below the minimum 3"),
    ('[policies.a]\nsuite = "nope"', "suite 'nope' is not defined"),
    ('[policies.a]\nzone = "dmz"', "zone 'dmz' is not defined"),
    ('[policies.a]\nrequire = "quantum"', "require must be one of"),
    ('[policies.a]\naccept.aead = ["AES-999-GCM"]', "unknown algorithm"),
    ('[policies.a]\naccept.aed = ["AES-256-GCM"]', "did you mean 'aead'?"),
    ('[policies.a]\nrsa_bits = 1024', "rsa_bits must be an integer >= 2048"),
    ('default_policy = "nope"\n[policies.a]\naead = "AES-256-GCM"', "not defined"),
    ('[policy.a]\naead = "AES-256-GCM"', "did you mean 'policies'?"),
    ("[policies.a\n", "invalid TOML"),
])
def test_bad_config_is_a_clear_error(tmp_path: Path, toml: str, fragment: str) -> None:
    assert fragment in str(_error(tmp_path, toml))


def test_zone_constraints_bind_member_policies(tmp_path: Path) -> None:
    toml = """
        [zones.restricted]
        require = "post-quantum"
        min_category = 3

        [policies.vault]
        zone = "restricted"
        signature = "{sig}"
        """
    assert "zone 'restricted' constraint not met" in str(_error(tmp_path, toml.format(sig="Ed25519")))
    cfg = _load(tmp_path, toml.format(sig="ML-DSA-87"))
    assert cfg.policy("vault").zone == "restricted"


def test_suites_flip_many_policies_at_once(tmp_path: Path) -> None:
    cfg = _load(tmp_path, """
        [suites.current]
        aead = "AES-256-GCM"
        signature = "ML-DSA-65"
        accept.signature = ["Ed25519"]

        [policies.a]
        suite = "current"

        [policies.b]
        suite = "current"
        signature = "ML-DSA-87"
        require = "post-quantum"
        """)
    assert cfg.policy("a").algorithm("signature").name == "ML-DSA-65"
    assert cfg.policy("b").algorithm("signature").name == "ML-DSA-87"
    assert cfg.policy("b").accept[agile.algorithms.Family.SIGNATURE] == {"ML-DSA-87", "Ed25519"}
    assert cfg.policy("b").constraints.require is Requirement.POST_QUANTUM


def test_dates_refuse_disallowed_and_warn_deprecated(tmp_path: Path) -> None:
    toml = '[policies.a]\nsignature = "RSA-PSS-SHA256"\n'
    assert _load(tmp_path, toml, today=dt.date(2026, 1, 1)).warnings == ()
    warned = _load(tmp_path, toml, today=dt.date(2031, 6, 1))
    assert "deprecated after 2030-12-31" in warned.warnings[0]
    err = _error(tmp_path, toml, today=dt.date(2036, 1, 1))
    assert "disallowed after 2035-12-31" in str(err)
    reading = '[policies.a]\nsignature = "ML-DSA-65"\naccept.signature = ["ECDSA-P256-SHA256"]\n'
    err = _error(tmp_path, reading, today=dt.date(2036, 1, 1))
    assert "disallowed after 2035-12-31" in str(err) and err.line == 3
    assert err.key == "policies.a.accept.signature"


def test_legacy_only_for_reading_or_with_allow_legacy(tmp_path: Path) -> None:
    cfg = _load(tmp_path, '[policies.a]\nhash = "SHA-256"\naccept.hash = ["SHA-1", "MD5"]\n')
    assert cfg.policy("a").accept[agile.algorithms.Family.HASH] == {"SHA-256", "SHA-1", "MD5"}
    legacy = _load(tmp_path, '[policies.a]\nhash = "MD5"\nallow_legacy = true\n')
    assert legacy.policy("a").algorithm("hash").name == "MD5"


def test_unknown_policy_name(tmp_path: Path) -> None:
    cfg = _load(tmp_path, '[policies.archive]\naead = "AES-256-GCM"\n')
    with pytest.raises(ConfigError, match="did you mean 'archive'"):
        cfg.policy("archiv")
    fallback = _load(tmp_path, 'default_policy = "archive"\n[policies.archive]\n'
                     'aead = "AES-256-GCM"\n')
    assert fallback.policy("anything").name == "archive"


def test_discovery_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nested = tmp_path / "project" / "src"
    nested.mkdir(parents=True)
    (tmp_path / "project" / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.agile.policies.app]\naead = "ChaCha20-Poly1305"\n')
    assert find_config_file(nested) == tmp_path / "project" / "pyproject.toml"
    monkeypatch.chdir(nested)
    assert load_config().policy("app").algorithm("aead").name == "ChaCha20-Poly1305"
    (nested / "agile.toml").write_text('[policies.app]\naead = "AES-128-GCM"\n')
    assert load_config().policy("app").algorithm("aead").name == "AES-128-GCM"
    other = tmp_path / "other.toml"
    other.write_text('[policies.app]\naead = "AES-256-GCM-SIV"\n')
    monkeypatch.setenv("AGILE_CONFIG", str(other))
    assert load_config().policy("app").algorithm("aead").name == "AES-256-GCM-SIV"
    monkeypatch.setenv("AGILE_CONFIG", str(tmp_path / "missing.toml"))
    with pytest.raises(ConfigError, match="not a file"):
        load_config()


def test_pyproject_errors_name_the_tool_table(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text('[project]\nname = "x"\n\n[tool.agile.policies.app]\naead = "AES-256-GMC"\n')
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.line == 5 and "tool.agile.policies.app.aead" in str(info.value)


def test_no_file_means_safe_defaults(tmp_path: Path) -> None:
    cfg = load_config()
    assert cfg.source == "<built-in defaults>"
    pol = cfg.policy("whatever")
    assert pol.algorithm("hpke").name == "HPKE-MLKEM768X25519-SHA256-A256GCM"
    assert pol.algorithm("signature").name == "ML-DSA-65"


def test_policy_resolution_is_cached(tmp_path: Path) -> None:
    ctx = agile.Context(_load(tmp_path, '[policies.a]\naead = "AES-256-GCM"\n'))
    assert ctx.policy("a") is ctx.policy("a")


def test_configure_keeps_old_config_on_error(tmp_path: Path) -> None:
    ctx = agile.Context(_load(tmp_path, '[policies.a]\naead = "AES-256-GCM"\n'))
    bad = tmp_path / "bad.toml"
    bad.write_text('[policies.a]\naead = "nope"\n')
    with pytest.raises(ConfigError):
        ctx.configure(bad)
    assert ctx.policy("a").algorithm("aead").name == "AES-256-GCM"
