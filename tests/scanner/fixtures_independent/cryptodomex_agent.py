"""Agent enrolment using the pycryptodomex (Cryptodome) namespace (fixture data)."""
import json
import uuid

import Cryptodome.PublicKey.RSA as RSAMod
from Cryptodome.Cipher import AES as _AES
from Cryptodome.Cipher import ChaCha20_Poly1305
from Cryptodome.Cipher import PKCS1_OAEP as OAEP
from Cryptodome.Hash import SHA384, SHA3_256
from Cryptodome.Protocol.KDF import PBKDF2, scrypt as cd_scrypt
from Cryptodome.PublicKey import ECC as _ECC
from Cryptodome.Signature import DSS as _DSS
from Cryptodome.Signature import eddsa

AGENT_BITS = 3072
AGENT_CURVE = "P-384"
ENROLL_VERSION = 3


class Cipher:
    """Project class that happens to be called Cipher: a substitution puzzle, not crypto."""

    def __init__(self, shift: int):
        self.shift = shift

    def encrypt(self, text: str) -> str:
        return "".join(chr((ord(c) - 97 + self.shift) % 26 + 97) for c in text)


def puzzle(text: str) -> str:
    c = Cipher(3)
    return c.encrypt(text)


class Agent:
    def __init__(self):
        self.agent_id = str(uuid.uuid4())
        self.rsa = RSAMod.generate(AGENT_BITS)  # expect: RSA-3072
        self.ecc = _ECC.generate(curve=AGENT_CURVE)  # expect: EC-P384
        self.ed = _ECC.generate(curve="ed25519")  # expect: Ed25519

    def enrol_payload(self) -> bytes:
        return json.dumps({"id": self.agent_id, "v": ENROLL_VERSION}).encode()

    def sign_enrolment(self) -> bytes:
        h = SHA384.new(self.enrol_payload())  # expect: SHA-384
        return _DSS.new(self.ecc, "fips-186-3").sign(h)  # expect: ECDSA-P384-SHA384

    def sign_enrolment_ed(self) -> bytes:
        return eddsa.new(self.ed, "rfc8032").sign(self.enrol_payload())  # expect: Ed25519

    def seal_for(self, server_pub, secret: bytes) -> bytes:
        return OAEP.new(server_pub, hashAlgo=SHA384).encrypt(secret)  # expect: RSA-OAEP-SHA384


def derive_agent_key(password: str, salt: bytes) -> bytes:
    return PBKDF2(password, salt, dkLen=32, count=200_000, hmac_hash_module=SHA384)  # expect: PBKDF2-HMAC-SHA384


def derive_agent_key_default(password: str, salt: bytes) -> bytes:
    return PBKDF2(password, salt, 16, count=1000)  # expect: PBKDF2-HMAC-SHA1


def derive_agent_key_scrypt(password: str, salt: bytes) -> bytes:
    return cd_scrypt(password, salt, 32, N=2**14, r=8, p=1)  # expect: scrypt


def seal_report(key: bytes, report: bytes):
    c = _AES.new(key, _AES.MODE_GCM)  # expect: unknown
    return c.nonce, *c.encrypt_and_digest(report)  # expect: unknown


def seal_report_chacha(key: bytes, report: bytes):
    box = ChaCha20_Poly1305.new(key=key)  # expect: ChaCha20-Poly1305
    return box.nonce, *box.encrypt_and_digest(report)  # expect: ChaCha20-Poly1305


def report_id(report: bytes) -> str:
    return SHA3_256.new(report).hexdigest()  # expect: SHA3-256
