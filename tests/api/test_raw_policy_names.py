"""The raw level never lets default_policy stand in for a policy that is not defined."""

from __future__ import annotations

import hashlib

import pytest

import agile
from agile.errors import PolicyViolation


def test_undefined_policy_is_an_error_not_the_default() -> None:
    ctx = agile.Context(agile.load_config(discover=False))  # built-in: default_policy = "default"
    assert ctx.policy("sha-512").name == "default"  # the envelope level still falls back
    with pytest.raises(PolicyViolation, match="does not fall back to default_policy"):
        ctx.raw.hash(b"abc", policy="sha-512")
    with pytest.raises(PolicyViolation, match="'hmac-sha256' is not defined"):
        ctx.raw.hmac(b"k", b"m", policy="hmac-sha256")
    assert ctx.raw.hash(b"abc", policy="default") == hashlib.sha256(b"abc").digest()


def test_defined_policy_is_used() -> None:
    ctx = agile.Context(agile.load_config(text='[policies.sha-512]\nhash = "SHA-512"\n'))
    assert ctx.raw.hash(b"abc", policy="sha-512") == hashlib.sha512(b"abc").digest()
