"""Encrypted blob store using pyca/cryptography symmetric primitives (fixture data)."""
import os

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers import algorithms as algs
from cryptography.hazmat.primitives.ciphers.aead import AESCCM, AESGCM, ChaCha20Poly1305
from cryptography.hazmat.primitives.ciphers.aead import AESGCMSIV as SivAead
from cryptography.hazmat.primitives import padding as blockpad

KEY_LEN = 32
NONCE_LEN = 12
BLOCK = 128


class BlobHeader:
    """Plain data holder; the words cipher and nonce here are just field names."""

    def __init__(self, cipher: str, nonce_len: int = NONCE_LEN):
        self.cipher = cipher
        self.nonce_len = nonce_len

    def encode(self) -> bytes:
        return f"{self.cipher}:{self.nonce_len}".encode()


def seal_blob(data: bytes, aad: bytes) -> tuple[bytes, bytes, bytes]:
    key = AESGCM.generate_key(bit_length=256)  # expect: AES-256-GCM
    aead = AESGCM(key)  # expect: AES-256-GCM
    nonce = os.urandom(NONCE_LEN)
    return key, nonce, aead.encrypt(nonce, data, aad)  # expect: AES-256-GCM


def open_blob(key: bytes, nonce: bytes, blob: bytes, aad: bytes) -> bytes:
    return AESGCM(key).decrypt(nonce, blob, aad)  # expect: unknown


def seal_small(data: bytes) -> bytes:
    k = AESGCM.generate_key(128)  # expect: AES-128-GCM
    return AESGCM(k).encrypt(b"\x00" * 12, data, None)  # expect: AES-128-GCM


def seal_chacha(data: bytes) -> bytes:
    key = ChaCha20Poly1305.generate_key()  # expect: ChaCha20-Poly1305
    box = ChaCha20Poly1305(key)  # expect: ChaCha20-Poly1305
    return box.encrypt(os.urandom(12), data, b"")  # expect: ChaCha20-Poly1305


def seal_ccm(data: bytes) -> bytes:
    key = AESCCM.generate_key(bit_length=128)  # expect: AES-128-CCM
    ccm = AESCCM(key, tag_length=16)  # expect: AES-128-CCM
    return ccm.encrypt(os.urandom(13), data, None)  # expect: AES-128-CCM


def seal_siv(data: bytes) -> bytes:
    key = SivAead.generate_key(256)  # expect: AES-256-GCM-SIV
    return SivAead(key).encrypt(os.urandom(12), data, None)  # expect: AES-256-GCM-SIV


def gcm_stream(data: bytes) -> bytes:
    key = os.urandom(KEY_LEN)
    iv = os.urandom(NONCE_LEN)
    enc = Cipher(algorithms.AES(key), modes.GCM(iv)).encryptor()  # expect: AES-256-GCM
    body = enc.update(data) + enc.finalize()  # expect: AES-256-GCM
    return iv + body + enc.tag


def cbc_encrypt(data: bytes) -> bytes:
    key = os.urandom(16)
    iv = os.urandom(16)
    padder = blockpad.PKCS7(BLOCK).padder()
    padded = padder.update(data) + padder.finalize()
    cipher = Cipher(algs.AES(key), modes.CBC(iv))  # expect: AES-128-CBC
    enc = cipher.encryptor()  # expect: AES-128-CBC
    return iv + enc.update(padded) + enc.finalize()  # expect: AES-128-CBC


def cbc_decrypt(key: bytes, iv: bytes, blob: bytes) -> bytes:
    dec = Cipher(algorithms.AES(key), mode=modes.CBC(iv)).decryptor()  # expect: unknown
    return dec.update(blob) + dec.finalize()  # expect: unknown


def ecb_legacy(block: bytes) -> bytes:
    key = b"0123456789abcdef0123456789abcdef"
    ecb = Cipher(algorithms.AES(key), modes.ECB())  # expect: AES-ECB
    return ecb.encryptor().update(block)  # expect: AES-ECB


def ctr_keystream(key: bytes, nonce: bytes, data: bytes) -> bytes:
    mode = modes.CTR(nonce)
    enc = Cipher(algorithms.AES256(key), mode).encryptor()  # expect: AES-256-CTR
    return enc.update(data)  # expect: AES-256-CTR


def triple_des(data: bytes) -> bytes:
    key = os.urandom(24)
    enc = Cipher(algorithms.TripleDES(key), modes.CBC(os.urandom(8))).encryptor()  # expect: 3DES-CBC
    return enc.update(data) + enc.finalize()  # expect: 3DES-CBC


def rc4_legacy(key: bytes, data: bytes) -> bytes:
    return Cipher(algorithms.ARC4(key), mode=None).encryptor().update(data)  # expect: RC4


def chacha_stream(key: bytes, nonce16: bytes, data: bytes) -> bytes:
    return Cipher(algorithms.ChaCha20(key, nonce16), None).encryptor().update(data)  # expect: ChaCha20


def header_for(name: str) -> bytes:
    return BlobHeader(name).encode()
