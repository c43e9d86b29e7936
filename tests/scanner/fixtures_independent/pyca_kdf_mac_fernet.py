"""Secrets vault: KDFs, MACs, Fernet and key wrapping from pyca/cryptography (fixture data)."""
import base64
import os

from cryptography.fernet import Fernet, MultiFernet
from cryptography.fernet import Fernet as F
from cryptography.hazmat.primitives import hashes, hmac as crypto_hmac
from cryptography.hazmat.primitives import keywrap
from cryptography.hazmat.primitives.hashes import SHA256, Hash
from cryptography.hazmat.primitives.kdf.hkdf import HKDF, HKDFExpand
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC as Pbkdf2
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

SALT_BYTES = 16
ROUNDS = 480_000
INFO = b"vault/v1"


def fingerprint(data: bytes) -> bytes:
    h = Hash(SHA256())  # expect: SHA-256
    h.update(data)  # expect: SHA-256
    return h.finalize()  # expect: SHA-256


def fingerprint_legacy(data: bytes) -> bytes:
    digest = hashes.Hash(hashes.MD5())  # expect: MD5
    digest.update(data)  # expect: MD5
    return digest.finalize()  # expect: MD5


def fingerprint_sha3(data: bytes) -> bytes:
    d = hashes.Hash(algorithm=hashes.SHA3_512())  # expect: SHA3-512
    d.update(data)  # expect: SHA3-512
    return d.finalize()  # expect: SHA3-512


def tag(key: bytes, msg: bytes) -> bytes:
    mac = crypto_hmac.HMAC(key, hashes.SHA256())  # expect: HMAC-SHA256
    mac.update(msg)  # expect: HMAC-SHA256
    return mac.finalize()  # expect: HMAC-SHA256


def check_tag(key: bytes, msg: bytes, expected: bytes) -> None:
    mac = crypto_hmac.HMAC(key, hashes.SHA384())  # expect: HMAC-SHA384
    mac.update(msg)  # expect: HMAC-SHA384
    mac.verify(expected)  # expect: HMAC-SHA384


def derive_subkey(master: bytes) -> bytes:
    kdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=INFO)  # expect: HKDF-SHA256
    return kdf.derive(master)  # expect: HKDF-SHA256


def derive_wide(master: bytes) -> bytes:
    return HKDF(hashes.SHA512(), 64, os.urandom(16), INFO).derive(master)  # expect: HKDF-SHA512


def expand_only(prk: bytes) -> bytes:
    return HKDFExpand(algorithm=hashes.SHA384(), length=48, info=INFO).derive(prk)  # expect: HKDF-SHA384


def key_from_password(password: bytes) -> tuple[bytes, bytes]:
    salt = os.urandom(SALT_BYTES)
    kdf = Pbkdf2(algorithm=hashes.SHA256(), length=32, salt=salt, iterations=ROUNDS)  # expect: PBKDF2-HMAC-SHA256
    return salt, base64.urlsafe_b64encode(kdf.derive(password))  # expect: PBKDF2-HMAC-SHA256


def key_from_password_sha1(password: bytes, salt: bytes) -> bytes:
    return Pbkdf2(hashes.SHA1(), 32, salt, 10_000).derive(password)  # expect: PBKDF2-HMAC-SHA1


def key_from_password_scrypt(password: bytes, salt: bytes) -> bytes:
    kdf = Scrypt(salt=salt, length=32, n=2**15, r=8, p=1)  # expect: scrypt
    return kdf.derive(password)  # expect: scrypt


def key_from_password_argon(password: bytes, salt: bytes) -> bytes:
    kdf = Argon2id(salt=salt, length=32, iterations=3, lanes=4, memory_cost=65536)  # expect: Argon2id
    return kdf.derive(password)  # expect: Argon2id


class Vault:
    def __init__(self, stored_key: bytes | None = None):
        self._key = stored_key or Fernet.generate_key()  # expect: AES-128-CBC HMAC-SHA256
        self._f = Fernet(self._key)  # expect: AES-128-CBC HMAC-SHA256
        self.entries: dict[str, bytes] = {}

    def put(self, name: str, secret: bytes) -> None:
        self.entries[name] = self._f.encrypt(secret)  # expect: AES-128-CBC HMAC-SHA256

    def get(self, name: str) -> bytes:
        return self._f.decrypt(self.entries[name], ttl=3600)  # expect: AES-128-CBC HMAC-SHA256

    def names(self) -> list[str]:
        return sorted(self.entries)


def rotate(old_key: bytes, token: bytes) -> bytes:
    new = F(F.generate_key())  # expect: AES-128-CBC HMAC-SHA256
    multi = MultiFernet([new, F(old_key)])  # expect: AES-128-CBC HMAC-SHA256
    return multi.rotate(token)  # expect: AES-128-CBC HMAC-SHA256


def wrap_dek(kek: bytes, dek: bytes) -> bytes:
    return keywrap.aes_key_wrap(kek, dek)  # expect: unknown


def wrap_dek_fixed(dek: bytes) -> bytes:
    kek = os.urandom(32)
    return keywrap.aes_key_wrap(wrapping_key=kek, key_to_wrap=dek)  # expect: AES-256-KW


def unwrap_dek(kek: bytes, wrapped: bytes) -> bytes:
    return keywrap.aes_key_unwrap_with_padding(kek, wrapped)  # expect: unknown
