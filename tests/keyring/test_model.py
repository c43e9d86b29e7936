"""The in-memory model: statuses, one primary per family, O(1) lookup, no secrets shown."""

from __future__ import annotations

import pytest

from agile.errors import KeyDestroyed, KeyNotFound, KeyringCorrupted, KeyringError
from agile.keyring import KeyEntry, Keyring, KeyringSet, KeyStatus
from agile.keys import PrivateKey, SecretKey


def _key() -> SecretKey:
    return SecretKey.generate("AES-256-GCM")


def test_rotate_promotes_and_demotes_the_old_primary() -> None:
    ring = Keyring("p")
    first = ring.rotate(_key())
    second = ring.rotate(_key())
    assert (first.status, second.status) == (KeyStatus.ACTIVE, KeyStatus.PRIMARY)
    assert ring.primary("aead") is second
    assert [e.kid for e in ring.list()] == [first.kid, second.kid]


def test_two_phase_rotation_add_then_promote() -> None:
    ring = Keyring("p")
    old = ring.rotate(_key())
    new = ring.add(_key())
    assert new.status is KeyStatus.ACTIVE and ring.primary("aead") is old
    ring.promote(new.kid.hex()[:8])  # a unique hex prefix works
    assert ring.primary("aead") is new and old.status is KeyStatus.ACTIVE


def test_primary_is_per_family() -> None:
    ring = Keyring("p")
    aead = ring.rotate(_key())
    signer = ring.rotate(PrivateKey.generate("ML-DSA-65"), algorithm="ML-DSA-65",
                         family="signature")
    assert ring.primary("aead") is aead and ring.primary("signature") is signer


def test_status_rules() -> None:
    ring = Keyring("p")
    old = ring.rotate(_key())
    with pytest.raises(KeyringError, match="primary"):
        ring.retire(old.kid)
    with pytest.raises(KeyringError, match="retire it before"):
        ring.destroy(old.kid)
    ring.rotate(_key())
    ring.retire(old.kid)
    with pytest.raises(KeyringError, match="only an active key"):
        ring.promote(old.kid)
    ring.destroy(old.kid)
    assert old.status is KeyStatus.DESTROYED and old.to_dict()["material"] is None
    with pytest.raises(KeyDestroyed):
        old.key()
    with pytest.raises(KeyringError, match="already in the keyring"):
        ring.add(ring.list()[1].key())  # type: ignore[arg-type]
    with pytest.raises(KeyNotFound):
        ring.get(b"\x00" * 16)
    with pytest.raises(KeyNotFound):
        ring.get("zz")


def test_lookup_by_kid_is_a_dict_access() -> None:
    ring = Keyring("p", [KeyEntry.from_key(_key()) for _ in range(2000)])
    target = ring.list()[1234]
    assert ring.find(target.kid) is target
    assert isinstance(ring._entries, dict)


def test_round_trip_and_no_material_in_repr() -> None:
    keys = KeyringSet()
    ring = keys.for_policy("p")
    key = _key()
    entry = ring.rotate(key)
    signer = PrivateKey.generate("ML-DSA-65")
    ring.rotate(signer, algorithm="ML-DSA-65", family="signature")
    again = KeyringSet.from_dict(keys.to_dict())
    loaded = again.for_policy("p").get(entry.kid).key()
    assert isinstance(loaded, SecretKey) and loaded.export() == key.export()
    sig = again.for_policy("p").primary("signature")
    assert sig is not None and sig.public_key() == signer.public_key()
    shown = repr(entry) + str(entry) + repr(ring) + repr(keys) + repr(entry.describe())
    assert key.export().hex() not in shown and entry.kid.hex() in shown


def test_malformed_entries_are_corruption() -> None:
    with pytest.raises(KeyringCorrupted):
        KeyringSet.from_dict({"generation": 1, "keyrings": {"p": [{"kid": "zz"}]}})
    with pytest.raises(KeyringCorrupted):
        KeyringSet.from_dict([])
    entry = KeyEntry.from_key(_key()).to_dict()
    entry["material"] = KeyEntry.from_key(_key()).to_dict()["material"]  # wrong material for kid
    with pytest.raises(KeyringCorrupted, match="does not match its kid"):
        KeyringSet.from_dict({"generation": 1, "keyrings": {"p": [entry]}}).rings["p"].list()[0].key()
