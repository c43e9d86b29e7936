"""Edwards/Montgomery curves, finite-field DH and DSA via pyca/cryptography (fixture data)."""
import secrets

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import dh, dsa
from cryptography.hazmat.primitives.asymmetric import ed448 as e448
from cryptography.hazmat.primitives.asymmetric import x448
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey as EdKey
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

DH_GENERATOR = 2
DH_BITS = 2048
DSA_BITS = 3072

SESSION_TOKEN_BYTES = 32


def session_token() -> bytes:
    return secrets.token_bytes(SESSION_TOKEN_BYTES)


def session_hex() -> str:
    return secrets.token_hex(16)


class ReleaseSigner:
    def __init__(self):
        self._key = EdKey.generate()  # expect: Ed25519

    def sign_release(self, artifact: bytes) -> bytes:
        return self._key.sign(artifact)  # expect: Ed25519

    def public(self):
        return self._key.public_key()


def verify_release(raw_pub: bytes, sig: bytes, artifact: bytes) -> None:
    pub = Ed25519PublicKey.from_public_bytes(raw_pub)  # expect: Ed25519
    pub.verify(sig, artifact)  # expect: Ed25519


def restore_signer(seed: bytes):
    return EdKey.from_private_bytes(seed)  # expect: Ed25519


def ed448_roundtrip(msg: bytes) -> bool:
    k = e448.Ed448PrivateKey.generate()  # expect: Ed448
    sig = k.sign(msg)  # expect: Ed448
    k.public_key().verify(sig, msg)  # expect: Ed448
    return True


def x25519_handshake(peer_pub) -> bytes:
    eph = X25519PrivateKey.generate()  # expect: X25519
    return eph.exchange(peer_pub)  # expect: X25519


def x448_handshake(peer_pub) -> bytes:
    make = x448.X448PrivateKey.generate
    eph = make()  # expect: X448
    return eph.exchange(peer_pub)  # expect: X448


def dh_parameters():
    return dh.generate_parameters(generator=DH_GENERATOR, key_size=DH_BITS)  # expect: DH-2048


def dh_exchange(peer_pub) -> bytes:
    params = dh.generate_parameters(generator=2, key_size=2048)  # expect: DH-2048
    priv = params.generate_private_key()  # expect: DH-2048
    return priv.exchange(peer_pub)  # expect: DH-2048


def dh_exchange_with(params, peer_pub) -> bytes:
    priv = params.generate_private_key()  # expect: unknown
    return priv.exchange(peer_pub)  # expect: unknown


def dsa_sign(doc: bytes) -> bytes:
    key = dsa.generate_private_key(key_size=DSA_BITS)  # expect: DSA-3072
    sig = key.sign(doc, hashes.SHA256())  # expect: DSA-SHA256
    key.public_key().verify(sig, doc, hashes.SHA256())  # expect: DSA-SHA256
    return sig


def dsa_legacy_key():
    make_dsa = dsa.generate_private_key
    return make_dsa(1024)  # expect: DSA-1024
