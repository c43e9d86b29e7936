"""Checksums, fingerprints and password hashing with hashlib/hmac (fixture data)."""
import hashlib
import hashlib as hl
import hmac
from hashlib import md5 as _md5
from hashlib import pbkdf2_hmac, sha256
from hmac import compare_digest

DIGEST = "sha256"
LEGACY_DIGEST = "sha1"
ITERATIONS = 600_000
CHUNK = 1 << 16

# Docs: "we used to call hashlib.md5(data) here" -- this comment is not code.
HELP_TEXT = "Use hashlib.sha256() or hmac.new(key, msg, 'sha256') for integrity."


def etag(body: bytes) -> str:
    return hashlib.md5(body, usedforsecurity=False).hexdigest()  # expect: MD5


def cache_key(parts: list[str]) -> str:
    h = hl.sha1(usedforsecurity=False)  # expect: SHA-1
    for part in parts:
        h.update(part.encode())  # expect: SHA-1
    return h.hexdigest()  # expect: SHA-1


def legacy_fingerprint(blob: bytes) -> str:
    return _md5(blob).hexdigest()  # expect: MD5


def file_digest(path: str) -> str:
    digest = sha256()  # expect: SHA-256
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            digest.update(chunk)  # expect: SHA-256
    return digest.hexdigest()  # expect: SHA-256


def strong_digest(data: bytes) -> bytes:
    return hashlib.sha512(data).digest()  # expect: SHA-512


def sha384_of(data: bytes) -> bytes:
    return hashlib.sha384(data).digest()  # expect: SHA-384


def sha3_of(data: bytes) -> str:
    return hashlib.sha3_256(data).hexdigest()  # expect: SHA3-256


def shake_of(data: bytes) -> bytes:
    return hashlib.shake_256(data).digest(64)  # expect: SHAKE256


def blake_of(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=32).digest()  # expect: BLAKE2b


def named_digest(data: bytes) -> bytes:
    return hashlib.new(DIGEST, data).digest()  # expect: SHA-256


def named_legacy(data: bytes) -> bytes:
    return hashlib.new("md5", data).digest()  # expect: MD5


def any_digest(name: str, data: bytes) -> bytes:
    return hashlib.new(name, data).digest()  # expect: unknown


def hash_password(password: str, salt: bytes) -> bytes:
    return pbkdf2_hmac(DIGEST, password.encode(), salt, ITERATIONS)  # expect: PBKDF2-HMAC-SHA256


def hash_password_legacy(password: str, salt: bytes) -> bytes:
    return hashlib.pbkdf2_hmac(LEGACY_DIGEST, password.encode(), salt, 1000)  # expect: PBKDF2-HMAC-SHA1


def hash_password_scrypt(password: bytes, salt: bytes) -> bytes:
    return hashlib.scrypt(password, salt=salt, n=2**14, r=8, p=1, dklen=64)  # expect: scrypt


def sign_webhook(secret: bytes, body: bytes) -> str:
    return hmac.new(secret, body, hashlib.sha256).hexdigest()  # expect: HMAC-SHA256


def sign_webhook_named(secret: bytes, body: bytes) -> bytes:
    mac = hmac.new(secret, digestmod="sha512")  # expect: HMAC-SHA512
    mac.update(body)  # expect: HMAC-SHA512
    return mac.digest()  # expect: HMAC-SHA512


def sign_legacy_webhook(secret: bytes, body: bytes) -> bytes:
    return hmac.new(secret, body, digestmod=hl.sha1).digest()  # expect: HMAC-SHA1


def quick_mac(secret: bytes, body: bytes) -> bytes:
    return hmac.digest(secret, body, "sha384")  # expect: HMAC-SHA384


def mac_with(secret: bytes, body: bytes, algo) -> bytes:
    return hmac.new(secret, body, algo).digest()  # expect: unknown


def check_webhook(secret: bytes, body: bytes, sent: str) -> bool:
    expected = hmac.new(secret, body, sha256).hexdigest()  # expect: HMAC-SHA256
    return compare_digest(expected, sent)


def available() -> list[str]:
    return sorted(hashlib.algorithms_available)


def describe_hash(name: str) -> str:
    # hashlib is mentioned in this string only
    return f"hashlib.{name}() is configured via DIGEST={DIGEST!r}"
