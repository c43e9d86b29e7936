"""Token signing service built on pyca/cryptography RSA (fixture data, never run)."""
from __future__ import annotations

import logging
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization as ser
from cryptography.hazmat.primitives.asymmetric import padding as pad
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.rsa import generate_private_key as new_rsa

log = logging.getLogger(__name__)

KEY_BITS = 3072
LEGACY_BITS = 1024
PUBLIC_EXPONENT = 65537
DEFAULT_TIMEOUT = 30


def sign(payload: dict) -> str:
    """Project helper called `sign`: it only formats a dict, no cryptography."""
    return ";".join(f"{k}={v}" for k, v in sorted(payload.items()))


def make_service_key():
    return rsa.generate_private_key(public_exponent=PUBLIC_EXPONENT, key_size=KEY_BITS)  # expect: RSA-3072


def make_legacy_key():
    return new_rsa(65537, LEGACY_BITS)  # expect: RSA-1024


def make_key_of(bits: int):
    gen = rsa.generate_private_key
    return gen(public_exponent=65537, key_size=bits)  # expect: unknown


def make_default_keys():
    gen = rsa.generate_private_key
    primary = gen(public_exponent=65537, key_size=2048)  # expect: RSA-2048
    backup = gen(65537, 4096)  # expect: RSA-4096
    return primary, backup


class TokenSigner:
    def __init__(self) -> None:
        self._key = rsa.generate_private_key(  # expect: RSA-2048
            public_exponent=65537,
            key_size=2048,
        )
        self._pss = pad.PSS(mgf=pad.MGF1(hashes.SHA256()), salt_length=pad.PSS.MAX_LENGTH)
        self.name = "token-signer"

    def sign_token(self, body: bytes) -> bytes:
        return self._key.sign(body, self._pss, hashes.SHA256())  # expect: RSA-PSS-SHA256

    def sign_legacy(self, body: bytes) -> bytes:
        return self._key.sign(body, pad.PKCS1v15(), hashes.SHA1())  # expect: RSA-PKCS1v15-SHA1

    def describe(self) -> str:
        return sign({"name": self.name, "timeout": DEFAULT_TIMEOUT})


def sign_report(report: bytes) -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)  # expect: RSA-3072
    scheme = pad.PSS(mgf=pad.MGF1(hashes.SHA384()), salt_length=pad.PSS.DIGEST_LENGTH)
    sig = key.sign(report, scheme, hashes.SHA384())  # expect: RSA-PSS-SHA384
    key.public_key().verify(sig, report, scheme, hashes.SHA384())  # expect: RSA-PSS-SHA384
    return sig


def sign_invoice(key, invoice: bytes) -> bytes:
    return key.sign(invoice, pad.PKCS1v15(), hashes.SHA256())  # expect: RSA-PKCS1v15-SHA256


def verify_invoice(public_key, sig: bytes, invoice: bytes) -> None:
    public_key.verify(sig, invoice, pad.PKCS1v15(), hashes.SHA512())  # expect: RSA-PKCS1v15-SHA512


def sign_with(key, data: bytes, digest) -> bytes:
    return key.sign(data, pad.PSS(mgf=pad.MGF1(digest), salt_length=32), digest)  # expect: unknown


def wrap_session_key(recipient_pub, session_key: bytes) -> bytes:
    oaep = pad.OAEP(mgf=pad.MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
    return recipient_pub.encrypt(session_key, oaep)  # expect: RSA-OAEP-SHA256


def unwrap_session_key(private_key, blob: bytes) -> bytes:
    return private_key.decrypt(  # expect: RSA-OAEP-SHA256
        blob,
        pad.OAEP(mgf=pad.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None),
    )


def unwrap_old_blob(private_key, blob: bytes) -> bytes:
    return private_key.decrypt(blob, pad.PKCS1v15())  # expect: RSA-PKCS1v15-ENC


def load_signing_key(path: str, password: bytes | None):
    with open(path, "rb") as fh:
        pem = fh.read()
    return ser.load_pem_private_key(pem, password=password)  # expect: unknown


def load_verifying_key(pem: bytes):
    return ser.load_pem_public_key(pem)  # expect: unknown


def key_file_name(service: str) -> str:
    # a comment mentioning rsa.generate_private_key(key_size=512) is not a call
    log.info("writing key for %s using rsa.generate_private_key", service)
    return os.path.join("/etc/keys", f"{service}.rsa.pem")
