"""Device identity and key agreement with pyca/cryptography EC primitives (fixture data)."""
import random
import uuid

from cryptography.hazmat.primitives import hashes as H
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, SECP384R1
from cryptography.hazmat.primitives.asymmetric.ec import generate_private_key as ec_keygen
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

CURVE = ec.SECP256R1()
STRONG_CURVE = SECP384R1()
BITCOIN_CURVE = ec.SECP256K1()
DEVICE_PREFIX = "dev-"


def new_device_id() -> str:
    return DEVICE_PREFIX + uuid.uuid4().hex


def jitter() -> float:
    rng = random.Random(42)
    return rng.random()


def device_key():
    return ec.generate_private_key(CURVE)  # expect: EC-P256


def strong_device_key():
    return ec_keygen(STRONG_CURVE)  # expect: EC-P384


def ledger_key():
    return ec.generate_private_key(curve=BITCOIN_CURVE)  # expect: EC-secp256k1


def p521_key():
    keygen = ec.generate_private_key
    return keygen(ec.SECP521R1())  # expect: EC-P521


def key_on(curve):
    return ec.generate_private_key(curve)  # expect: unknown


def sign_telemetry(sample: bytes) -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())  # expect: EC-P256
    sig = key.sign(sample, ec.ECDSA(H.SHA256()))  # expect: ECDSA-P256-SHA256
    pub = key.public_key()
    pub.verify(sig, sample, ec.ECDSA(H.SHA256()))  # expect: ECDSA-P256-SHA256
    return sig


def sign_audit_record(record: bytes) -> bytes:
    signer = ec_keygen(STRONG_CURVE)  # expect: EC-P384
    algo = ECDSA(H.SHA384())
    return signer.sign(record, algo)  # expect: ECDSA-P384-SHA384


def sign_blob(key, blob: bytes) -> bytes:
    return key.sign(blob, ec.ECDSA(H.SHA256()))  # expect: unknown


class DeviceIdentity:
    def __init__(self):
        self.device_id = new_device_id()
        self.key = ec.generate_private_key(ec.SECP521R1())  # expect: EC-P521

    def attest(self, nonce: bytes) -> bytes:
        return self.key.sign(nonce, ec.ECDSA(H.SHA512()))  # expect: ECDSA-P521-SHA512


def agree(peer_public) -> bytes:
    mine = ec.generate_private_key(ec.SECP256R1())  # expect: EC-P256
    shared = mine.exchange(ec.ECDH(), peer_public)  # expect: ECDH-P256
    return HKDF(algorithm=H.SHA256(), length=32, salt=None, info=b"handshake").derive(shared)  # expect: HKDF-SHA256


def agree_with(private_key, peer_public) -> bytes:
    return private_key.exchange(ec.ECDH(), peer_public)  # expect: unknown


def load_peer(point: bytes):
    return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)  # expect: EC-P256


def derive_from_secret(value: int):
    return ec.derive_private_key(value, ec.SECP384R1())  # expect: EC-P384
