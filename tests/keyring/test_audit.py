"""Every keyring operation emits an audit event; no event, log line or error shows a secret."""

from __future__ import annotations

import base64
import json
import logging
import os
from pathlib import Path

import pytest

import agile
from agile.audit import AuditEvent
from agile.errors import AgileError

from .conftest import PASSPHRASE


def _forms(secret: bytes) -> list[str]:
    return [secret.hex(), secret.hex().upper(), base64.b64encode(secret).decode()[:20],
            repr(secret)[2:40]]


def test_each_operation_emits_one_event_without_secrets(keyring_context: agile.Context,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    ctx = keyring_context
    ring = ctx.keyring("archive")
    events: list[AuditEvent] = []
    unsubscribe = agile.audit.subscribe(events.append)
    secrets: list[bytes] = [PASSPHRASE.encode()]
    errors: list[str] = []
    try:
        with caplog.at_level(logging.INFO, logger="agile.audit"):
            steps = {
                "keyring.rotate": lambda: ring.rotate(),
                "keyring.generate": lambda: ring.generate(),
                "keyring.promote": lambda: ring.promote(ring.list()[1].kid),
                "keyring.retire": lambda: ring.retire(ring.list()[0].kid),
                "keyring.destroy": lambda: ring.destroy(ring.list()[0].kid),
                "keyring.add": lambda: ring.add(ctx.generate_key(policy="archive")),
                "seal": lambda: ctx.seal(b"data"),
                "keyring.rotate/signature": lambda: ring.rotate(family="signature"),
                "sign": lambda: ctx.sign(data=b"data"),
                "keyring.export_public": lambda: ring.public_key(),
                "keyring.rotate/hpke": lambda: ring.rotate(family="hpke"),
                "encrypt": lambda: ctx.encrypt(data=b"data"),
            }
            for name, step in steps.items():
                before = len(events)
                step()
                new = events[before:]
                assert [e.operation for e in new] == [name.split("/")[0]], name
                assert new[0].outcome == "ok" and new[0].kid and len(new[0].kid) == 32
                assert new[0].policy == "archive" and new[0].algorithm
            for entry in ring.list():
                if entry.status != "destroyed":
                    key = entry.key()
                    secrets.append(key.export() if isinstance(key, agile.SecretKey)
                                   else key.private_bytes())
            before = len(events)
            with pytest.raises(AgileError) as info:
                ring.retire(ring.primary().kid)  # type: ignore[union-attr]
            errors.append(str(info.value) + repr(info.value))
            assert [(e.operation, e.outcome) for e in events[before:]] == [
                ("keyring.retire", "error")]
    finally:
        unsubscribe()
    text = caplog.text + "".join(repr(e.as_dict()) for e in events) + "".join(errors)
    text += "".join(repr(e) for e in ring.list()) + repr(ring) + repr(ring.storage)
    for secret in secrets:
        for form in _forms(secret):
            assert form not in text, "secret material leaked"
    assert "keyring.rotate" in caplog.text


def test_export_inventory_writes_this_process_inventory_atomically(
        keyring_context: agile.Context, tmp_path: Path) -> None:
    ctx = keyring_context
    ctx.keyring("archive").rotate()
    ctx.seal(b"x", policy="archive")
    target = tmp_path / "out" / "inventory.json"
    target.parent.mkdir()
    target.write_text("old")
    written = agile.audit.export_inventory(target)
    data = json.loads(target.read_text())
    assert data == json.loads(json.dumps(written))
    assert (data["format"], data["version"], data["pid"]) == (
        "agile-runtime-inventory", 1, os.getpid())
    seals = [o for o in data["operations"] if (o["operation"], o["policy"], o["algorithm"])
             == ("seal", "archive", "AES-256-GCM")]
    assert len(seals) == 1 and seals[0]["count"] >= 1  # counters are process-wide
    assert target.stat().st_mode & 0o777 == 0o644
    assert [p.name for p in target.parent.iterdir()] == ["inventory.json"]
    with pytest.raises(OSError):
        agile.audit.export_inventory(tmp_path / "missing-dir" / "inventory.json")
