"""ETSI GS QKD 014 V1.1.1 data formats: Status, Key container, Key IDs, Error (clause 6).

Paths (clause 5): ``GET /api/v1/keys/{slave_SAE_ID}/status``, ``POST|GET
/api/v1/keys/{slave_SAE_ID}/enc_keys`` and ``POST|GET /api/v1/keys/{master_SAE_ID}/dec_keys``.
Sizes are in bits; keys are base64 (RFC 4648); key_IDs are UUIDs (RFC 4122).

>>> parse_status({"source_KME_ID": "K1", "target_KME_ID": "K2", "master_SAE_ID": "A",
...               "slave_SAE_ID": "B", "key_size": 256, "stored_key_count": 3,
...               "max_key_count": 10, "max_key_per_request": 4, "max_key_size": 1024,
...               "min_key_size": 64, "max_SAE_ID_count": 0}).stored_key_count
3
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field
from typing import Any

from ..errors import QKDResponseInvalid

API_PREFIX = "/api/v1/keys/"
STATUS_FIELDS: tuple[str, ...] = (
    "source_KME_ID", "target_KME_ID", "master_SAE_ID", "slave_SAE_ID", "key_size",
    "stored_key_count", "max_key_count", "max_key_per_request", "max_key_size", "min_key_size",
    "max_SAE_ID_count")
_INT_FIELDS = STATUS_FIELDS[4:]
_SAE_ID = re.compile(r"^[A-Za-z0-9._~-]{1,128}\Z")  # an unreserved URL path segment
_UUID = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}\Z")
_B64 = re.compile(rb"^[A-Za-z0-9+/]*={0,2}\Z")


def valid_id(value: object) -> bool:
    """Is ``value`` a usable SAE or KME id (non-empty, URL-safe, at most 128 characters)?"""
    return isinstance(value, str) and _SAE_ID.match(value) is not None


def peer_common_names(sock: Any) -> list[str]:
    """The common names in the subject of the TLS peer's certificate (an ``ssl.SSLSocket``)."""
    peer: Any = sock.getpeercert() or {}
    return [value for rdn in peer.get("subject", ()) for key, value in rdn
            if key == "commonName"]


def valid_key_id(value: object) -> bool:
    """Is ``value`` a key_ID in the UUID text format of RFC 4122 (clause 6.3)?"""
    return isinstance(value, str) and _UUID.match(value) is not None


@dataclass(frozen=True, slots=True)
class Status:
    """The ``Status`` data format (clause 6.1): a link's identities, sizes and pool fill."""

    source_KME_ID: str
    target_KME_ID: str
    master_SAE_ID: str
    slave_SAE_ID: str
    key_size: int
    stored_key_count: int
    max_key_count: int
    max_key_per_request: int
    max_key_size: int
    min_key_size: int
    max_SAE_ID_count: int
    status_extension: Any = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {name: getattr(self, name) for name in STATUS_FIELDS}
        if self.status_extension is not None:
            out["status_extension"] = self.status_extension
        return out


@dataclass(frozen=True, slots=True)
class QKDKey:
    """One delivered key: ``key_id`` (UUID text) and the key bytes (never in repr).

    ``material`` is a bytearray so it can be wiped with :meth:`wipe` once combined.
    """

    key_id: str
    material: bytearray = field(repr=False)
    key_id_extension: Any = field(default=None, repr=False)
    key_extension: Any = field(default=None, repr=False)

    def __repr__(self) -> str:
        return f"<QKDKey key_ID={self.key_id} {len(self.material) * 8} bits>"

    def wipe(self) -> None:
        """Overwrite the key bytes with zeros (our copy; Python may hold others briefly)."""
        self.material[:] = bytes(len(self.material))


def _bad(what: str) -> QKDResponseInvalid:
    return QKDResponseInvalid(f"the KME's answer is not ETSI GS QKD 014: {what}; check the KME "
                              "URL points at a KME (…/api/v1/keys/) and report it to its operator")


def parse_status(body: object) -> Status:
    """Validate a ``Status`` JSON object (all fields of clause 6.1 present and typed)."""
    if not isinstance(body, dict):
        raise _bad("status is not a JSON object")
    missing = [name for name in STATUS_FIELDS if name not in body]
    if missing:
        raise _bad(f"status lacks {', '.join(missing)}")
    for name in STATUS_FIELDS[:4]:
        if not valid_id(body[name]):
            raise _bad(f"status {name} is not an id string")
    for name in _INT_FIELDS:
        value = body[name]
        if type(value) is not int or value < 0:
            raise _bad(f"status {name} is not a non-negative integer")
    return Status(**{name: body[name] for name in STATUS_FIELDS},
                  status_extension=body.get("status_extension"))


def parse_key_container(body: object, *, number: int | None, size_bits: int | None,
                        requested_ids: list[str] | None = None) -> list[QKDKey]:
    """Validate a ``Key container`` (clause 6.3) against the request.

    ``number`` and ``size_bits`` are what was asked (enc_keys); ``requested_ids`` the key_IDs
    asked for (dec_keys): the answer must hold exactly those, in any order.
    """
    if not isinstance(body, dict) or not isinstance(body.get("keys"), list):
        raise _bad("the key container has no keys array")
    entries = body["keys"]
    expected = len(requested_ids) if requested_ids is not None else number
    if expected is not None and len(entries) != expected:
        raise _bad(f"asked for {expected} key(s), got {len(entries)}")
    keys: list[QKDKey] = []
    seen: set[str] = set()
    for entry in entries:
        if not isinstance(entry, dict):
            raise _bad("a key entry is not an object")
        key_id, encoded = entry.get("key_ID"), entry.get("key")
        if not valid_key_id(key_id):
            raise _bad("a key_ID is not a UUID")
        assert isinstance(key_id, str)
        if key_id in seen:
            raise _bad(f"key_ID {key_id} appears twice")
        seen.add(key_id)
        if not isinstance(encoded, str) or not _B64.match(encoded.encode("ascii", "replace")):
            raise _bad(f"key {key_id} is not base64")
        try:
            material = bytearray(base64.b64decode(encoded, validate=True))
        except (binascii.Error, ValueError):
            raise _bad(f"key {key_id} is not base64") from None
        if not material or (size_bits is not None and len(material) * 8 != size_bits):
            raise _bad(f"key {key_id} has {len(material) * 8} bits, not {size_bits}")
        keys.append(QKDKey(key_id, material, entry.get("key_ID_extension"),
                           entry.get("key_extension")))
    if requested_ids is not None and seen != set(requested_ids):
        for key in keys:
            key.wipe()
        raise _bad("the key_IDs returned are not the ones asked for")
    if size_bits is None and len({len(k.material) for k in keys}) > 1:
        for key in keys:
            key.wipe()
        raise _bad("the keys differ in size")
    return keys


def error_message(body: bytes, content_type: str) -> tuple[str | None, list[Any]]:
    """(message, details) of an ``Error`` body (clause 6.5), or (None, []) if it is not one.

    Real KMEs answer HTML, plain text or nothing on errors: only JSON objects count.
    """
    if "json" not in content_type.lower() or not body:
        return None, []
    import json

    try:
        parsed = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None, []
    if not isinstance(parsed, dict):
        return None, []
    message = parsed.get("message")
    details = parsed.get("details")
    return (message[:300] if isinstance(message, str) else None,
            details if isinstance(details, list) else [])
