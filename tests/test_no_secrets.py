"""No private key material in any repr, str, log line, audit event or exception."""

from __future__ import annotations

import base64
import logging
import pickle

import pytest

import agile
from agile.audit import AuditEvent


def _forms(secret: bytes) -> list[str]:
    return [secret.hex(), secret.hex().upper(), base64.b64encode(secret).decode()[:20],
            repr(secret)[2:40]]


def _assert_clean(text: str, secrets: list[bytes]) -> None:
    for secret in secrets:
        for form in _forms(secret):
            assert form not in text, "secret material leaked"


def test_keys_do_not_show_secrets(default_context: agile.Context) -> None:
    key = default_context.generate_key()
    signer = default_context.generate_keypair()
    hpke = default_context.generate_keypair(family="hpke")
    secrets = [key.export(), signer.private_bytes(), hpke.private_bytes()]
    for obj in (key, signer, hpke, signer.public_key()):
        _assert_clean(repr(obj) + str(obj) + format(obj), secrets)
    for obj in (key, signer):
        with pytest.raises(TypeError):
            pickle.dumps(obj)


def test_logs_events_and_errors_do_not_show_secrets(default_context: agile.Context,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    ctx = default_context
    events: list[AuditEvent] = []
    unsubscribe = agile.audit.subscribe(events.append)
    messages: list[str] = []
    try:
        with caplog.at_level(logging.DEBUG):
            key = ctx.generate_key()
            signer = ctx.generate_keypair()
            hpke = ctx.generate_keypair(family="hpke")
            secrets = [key.export(), signer.private_bytes(), hpke.private_bytes()]
            sealed = ctx.seal(b"data", key)
            ctx.open(sealed, key)
            ctx.verify(signer, ctx.sign(signer, b"data"))
            ctx.decrypt(hpke, ctx.encrypt(hpke, b"data"))
            wrong = ctx.generate_key()
            attempts = [
                lambda: ctx.open(sealed, wrong),
                lambda: ctx.open(sealed[:-1], key),
                lambda: ctx.verify(signer, sealed),
                lambda: agile.SecretKey.from_bytes(key.export()[:-1], "AES-256-GCM"),
                lambda: agile.PrivateKey.from_bytes(signer.private_bytes()[:-1], "ML-DSA-65"),
                lambda: agile.load_private_key(signer.to_pem()[:-30]),
                lambda: agile.load_private_key(signer.to_pem(password=b"pw"), password=b"nope"),
            ]
            for attempt in attempts:
                with pytest.raises(agile.AgileError) as info:
                    attempt()
                messages.append(str(info.value) + repr(info.value))
                cause = info.value.__cause__
                while cause is not None:
                    messages.append(str(cause) + repr(cause))
                    cause = cause.__cause__
    finally:
        unsubscribe()
    assert events and all(e.kid is None or len(e.kid) == 32 for e in events)
    text = caplog.text + "".join(messages) + "".join(repr(e.as_dict()) for e in events)
    _assert_clean(text, secrets)
    assert "kid=" in caplog.text  # the audit logger did emit lines


def test_a_failing_subscriber_never_breaks_an_operation(default_context: agile.Context) -> None:
    def boom(event: AuditEvent) -> None:
        raise RuntimeError("subscriber bug")

    unsubscribe = agile.audit.subscribe(boom)
    try:
        key = default_context.generate_key()
        assert default_context.open(default_context.seal(b"x", key), key) == b"x"
    finally:
        unsubscribe()
