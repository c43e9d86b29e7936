"""agile.raw Fernet tokens and PBKDF2: pyca's published vectors and byte-identity with the calls
they replace (vectors read from the installed ``cryptography_vectors`` package)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import importlib.resources
import json
from typing import Any

import pytest
from cryptography.exceptions import InvalidKey as PycaInvalidKey
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

import agile
from agile.errors import ConfigError, DecryptionFailed, InvalidKey, InvalidPassword, PolicyViolation

TOML = """
[policies.tokens]
token = "Fernet"

[policies.kdf-sha1]
password-hash = "PBKDF2-HMAC-SHA1"
allow_legacy = true

[policies.kdf-sha256]
password-hash = "PBKDF2-HMAC-SHA256"
min_iterations = 1000

[policies.kdf-sha512]
password-hash = "PBKDF2-HMAC-SHA512"

[policies.argon]
password-hash = "Argon2id"
"""
VECTORS = importlib.resources.files("cryptography_vectors")


@pytest.fixture(scope="module")
def raw() -> Any:
    return agile.Context(config=agile.load_config(text=TOML)).raw


def _fernet_vectors(name: str) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads((VECTORS / "fernet" / name).read_text())
    return data


def _at(now: str) -> int:
    return int(dt.datetime.fromisoformat(now).timestamp())


@pytest.mark.parametrize("case", _fernet_vectors("verify.json"))
def test_fernet_spec_verify_vectors(raw: Any, case: dict[str, Any]) -> None:
    out = raw.fernet_decrypt(case["secret"], case["token"], ttl=case["ttl_sec"],
                             current_time=_at(case["now"]), policy="tokens")
    assert out == case["src"].encode()


@pytest.mark.parametrize("case", _fernet_vectors("generate.json"))
def test_fernet_spec_generate_vectors(raw: Any, case: dict[str, Any]) -> None:
    # The IV is random (as it must be): the token matches the vector in its version byte and
    # timestamp, and it and the vector's token both decrypt to the source.
    now = _at(case["now"])
    token = raw.fernet_encrypt(case["secret"], case["src"].encode(), current_time=now,
                               policy="tokens")
    mine, theirs = base64.urlsafe_b64decode(token), base64.urlsafe_b64decode(case["token"])
    assert mine[:9] == theirs[:9] and len(mine) == len(theirs)
    for t in (token, case["token"]):
        assert raw.fernet_decrypt(case["secret"], t, ttl=60, current_time=now,
                                  policy="tokens") == case["src"].encode()


@pytest.mark.parametrize("case", _fernet_vectors("invalid.json"), ids=lambda c: c["desc"])
def test_fernet_spec_invalid_vectors(raw: Any, case: dict[str, Any]) -> None:
    with pytest.raises(InvalidToken) as info:
        raw.fernet_decrypt(case["secret"], case["token"], ttl=case["ttl_sec"],
                           current_time=_at(case["now"]), policy="tokens")
    assert isinstance(info.value, DecryptionFailed)


def test_fernet_round_trips_with_pyca_both_ways(raw: Any) -> None:
    key = raw.fernet_generate_key(policy="tokens")
    assert Fernet(key).decrypt(raw.fernet_encrypt(key, b"data", policy="tokens")) == b"data"
    assert raw.fernet_decrypt(key.decode(), Fernet(key).encrypt(b"data"),
                              policy="tokens") == b"data"
    other = Fernet.generate_key()
    with pytest.raises(InvalidToken):
        raw.fernet_decrypt(other, Fernet(key).encrypt(b"data"), policy="tokens")


@pytest.mark.parametrize("key", [b"short", "not base64 at all!", b"A" * 44, 42])
def test_a_malformed_fernet_key_is_invalid_key_and_value_error(raw: Any, key: Any) -> None:
    with pytest.raises(ValueError) as info:
        raw.fernet_encrypt(key, b"data", policy="tokens")
    assert isinstance(info.value, InvalidKey)
    assert "32 bytes in url-safe base64" in str(info.value)


def test_fernet_needs_a_token_slot_and_never_stands_in_for_an_aead() -> None:
    ctx = agile.Context(config=agile.load_config(text=TOML))
    with pytest.raises(PolicyViolation, match="has no token algorithm"):
        ctx.raw.fernet_encrypt(Fernet.generate_key(), b"x", policy="kdf-sha256")
    with pytest.raises(ConfigError, match="token"):
        agile.load_config(text='[policies.p]\naead = "Fernet"\n')


def _rfc6070() -> list[dict[str, str]]:
    cases, case = [], {}
    for line in (VECTORS / "KDF" / "rfc-6070-PBKDF2-SHA1.txt").read_text().splitlines():
        if " = " in line:
            name, value = line.split(" = ", 1)
            case[name] = value
        elif not line.strip() and case:
            cases.append(case)
            case = {}
    if case:
        cases.append(case)
    return [c for c in cases if int(c["ITERATIONS"]) <= 4096]  # 2^24 iterations: seconds each


@pytest.mark.parametrize("case", _rfc6070(), ids=lambda c: c["COUNT"])
def test_pbkdf2_rfc6070_vectors(raw: Any, case: dict[str, str]) -> None:
    password = case["PASSWORD"].replace("\\0", "\0").encode()
    salt = case["SALT"].replace("\\0", "\0").encode()
    out = raw.pbkdf2(password, salt=salt, iterations=int(case["ITERATIONS"]),
                     length=int(case["LENGTH"]), policy="kdf-sha1")
    assert out.hex() == case["DERIVED_KEY"]


@pytest.mark.parametrize(("policy", "prf", "pyca"), [
    ("kdf-sha256", "sha256", hashes.SHA256()), ("kdf-sha512", "sha512", hashes.SHA512())])
def test_pbkdf2_matches_hashlib_and_pyca(raw: Any, policy: str, prf: str, pyca: Any) -> None:
    want = hashlib.pbkdf2_hmac(prf, b"pw", b"salt", 1000)
    assert raw.pbkdf2(b"pw", salt=b"salt", iterations=1000, policy=policy) == want
    assert raw.pbkdf2(b"pw", salt=b"salt", iterations=1000, length=48, policy=policy) == \
        PBKDF2HMAC(pyca, 48, b"salt", 1000).derive(b"pw")
    raw.verify_pbkdf2(b"pw", want, salt=b"salt", iterations=1000, policy=policy)
    with pytest.raises(PycaInvalidKey) as info:
        raw.verify_pbkdf2(b"px", want, salt=b"salt", iterations=1000, policy=policy)
    assert isinstance(info.value, InvalidPassword)


def test_pbkdf2_policy_rejects_before_deriving(raw: Any) -> None:
    with pytest.raises(PolicyViolation, match="at least 1000 PBKDF2 iterations, got 999"):
        raw.pbkdf2(b"pw", salt=b"salt", iterations=999, policy="kdf-sha256")
    with pytest.raises(PolicyViolation, match="needs a PBKDF2-HMAC-\\* password-hash"):
        raw.pbkdf2(b"pw", salt=b"salt", iterations=1000, policy="argon")
    with pytest.raises(ValueError, match="positive integer"):
        raw.pbkdf2(b"pw", salt=b"salt", iterations=0, policy="kdf-sha512")
    with pytest.raises(ConfigError, match="min_iterations must be a positive integer"):
        agile.load_config(text='[policies.p]\nmin_iterations = "lots"\n')
