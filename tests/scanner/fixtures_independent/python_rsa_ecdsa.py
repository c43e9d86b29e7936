"""License-file signing with python-rsa and the pure-python ecdsa package (fixture data)."""
import rsa
import rsa as pyrsa
from ecdsa import NIST256p, NIST384p, SECP256k1, SigningKey, VerifyingKey
from ecdsa import SigningKey as SK
from ecdsa.util import sigencode_der
import hashlib

LICENSE_BITS = 2048
SMALL_BITS = 512
WALLET_CURVE = SECP256k1


def sign(license_text: str) -> str:
    """Local helper named sign: appends a footer, no cryptography at all."""
    return license_text + "\n-- signed by licensing team --"


def issue_keys():
    pub, priv = rsa.newkeys(LICENSE_BITS)  # expect: RSA-2048
    return pub, priv


def issue_test_keys():
    newkeys = pyrsa.newkeys
    return newkeys(SMALL_BITS, poolsize=2)  # expect: RSA-512


def issue_keys_of(bits: int):
    return rsa.newkeys(nbits=bits)  # expect: unknown


def sign_license(priv, text: str) -> bytes:
    return rsa.sign(text.encode(), priv, "SHA-256")  # expect: RSA-PKCS1v15-SHA256


def sign_license_old(priv, text: str) -> bytes:
    return pyrsa.sign(text.encode(), priv, hash_method="SHA-1")  # expect: RSA-PKCS1v15-SHA1


def verify_license(pub, text: str, sig: bytes) -> str:
    return rsa.verify(text.encode(), sig, pub)  # expect: unknown


def encrypt_license_key(pub, secret: bytes) -> bytes:
    return rsa.encrypt(secret, pub)  # expect: RSA-PKCS1v15-ENC


def decrypt_license_key(priv, blob: bytes) -> bytes:
    return rsa.decrypt(blob, priv)  # expect: RSA-PKCS1v15-ENC


def footer(text: str) -> str:
    return sign(text)


def wallet_key():
    return SigningKey.generate(curve=WALLET_CURVE)  # expect: EC-secp256k1


def api_key():
    sk = SK.generate(curve=NIST256p)  # expect: EC-P256
    return sk, sk.get_verifying_key()


def api_sign(payload: bytes) -> bytes:
    sk = SK.generate(curve=NIST384p, hashfunc=hashlib.sha384)  # expect: EC-P384
    return sk.sign(payload, hashfunc=hashlib.sha384, sigencode=sigencode_der)  # expect: ECDSA-P384-SHA384


def api_sign_default(payload: bytes) -> bytes:
    sk = SigningKey.generate()  # expect: EC-P192
    return sk.sign(payload)  # expect: ECDSA-P192-SHA1


def wallet_sign(sk, tx_hash: bytes) -> bytes:
    return sk.sign_digest(tx_hash)  # expect: unknown


def wallet_verify(pem: str, sig: bytes, msg: bytes) -> bool:
    vk = VerifyingKey.from_pem(pem)  # expect: unknown
    return vk.verify(sig, msg)  # expect: unknown


def wallet_from_secret(secret: bytes):
    return SigningKey.from_string(secret, curve=SECP256k1)  # expect: EC-secp256k1
