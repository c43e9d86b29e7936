"""Key factory used by a deployment tool: aliases, tables and keyword plumbing (fixture data)."""
import functools
from typing import Callable

import cryptography.hazmat.primitives.asymmetric.ec as elliptic
import cryptography.hazmat.primitives.asymmetric.rsa as RSA_
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ed25519, x25519
from cryptography.hazmat.primitives.asymmetric.padding import PSS, MGF1, PKCS1v15

DEFAULT_RSA_BITS = 2048
STRONG_RSA_BITS = 4096
E = 65537
P256 = elliptic.SECP256R1
P384 = elliptic.SECP384R1
HASH = hashes.SHA256
RSA_KWARGS = {"public_exponent": 65537, "key_size": 3072}

KINDS = ("rsa", "ec", "ed25519", "x25519")


def kinds() -> tuple[str, ...]:
    return KINDS


class KeyFactory:
    def __init__(self, bits: int = DEFAULT_RSA_BITS):
        self.bits = bits
        self._rsa = RSA_.generate_private_key
        self._ec = elliptic.generate_private_key

    def rsa_default(self):
        return self._rsa(public_exponent=E, key_size=DEFAULT_RSA_BITS)  # expect: RSA-2048

    def rsa_configured(self):
        return self._rsa(public_exponent=E, key_size=self.bits)  # expect: unknown

    def ec_default(self):
        return self._ec(P256())  # expect: EC-P256

    def ec_strong(self):
        return self._ec(curve=P384())  # expect: EC-P384


def rsa_from_kwargs():
    return RSA_.generate_private_key(**RSA_KWARGS)  # expect: RSA-3072


def strong_rsa():
    make = functools.partial(RSA_.generate_private_key, public_exponent=E)
    return make(key_size=STRONG_RSA_BITS)  # expect: RSA-4096


def generators() -> dict[str, Callable]:
    return {
        "ed25519": ed25519.Ed25519PrivateKey.generate,
        "x25519": x25519.X25519PrivateKey.generate,
    }


def make_named(kind: str):
    return generators()[kind]()  # expect: unknown


def fresh_identity():
    new_ed = ed25519.Ed25519PrivateKey.generate
    return new_ed()  # expect: Ed25519


def fresh_kex():
    new_x = x25519.X25519PrivateKey.generate
    a, b = new_x(), new_x()  # expect: X25519
    return a.exchange(b.public_key())  # expect: X25519


def sign_manifest(manifest: bytes) -> tuple[bytes, bytes]:
    key = RSA_.generate_private_key(public_exponent=E, key_size=DEFAULT_RSA_BITS)  # expect: RSA-2048
    pss_sig = key.sign(manifest, PSS(MGF1(HASH()), PSS.MAX_LENGTH), HASH())  # expect: RSA-PSS-SHA256
    v15_sig = key.sign(manifest, PKCS1v15(), algorithm=HASH())  # expect: RSA-PKCS1v15-SHA256
    return pss_sig, v15_sig


def sign_manifest_ec(manifest: bytes) -> bytes:
    key = elliptic.generate_private_key(P256())  # expect: EC-P256
    ecdsa = elliptic.ECDSA(HASH())
    return key.sign(manifest, signature_algorithm=ecdsa)  # expect: ECDSA-P256-SHA256


def ecdh_pair() -> bytes:
    alice = elliptic.generate_private_key(P384())  # expect: EC-P384
    bob = elliptic.generate_private_key(P384())  # expect: EC-P384
    return alice.exchange(elliptic.ECDH(), bob.public_key())  # expect: ECDH-P384


def kinds_label() -> str:
    return ",".join(kinds())
