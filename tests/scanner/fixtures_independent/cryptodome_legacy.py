"""Legacy payment gateway code written against PyCryptodome (fixture data)."""
import base64

from Crypto.Cipher import AES, ARC4, DES, DES3, PKCS1_OAEP
from Crypto.Cipher import Blowfish as BF
from Crypto.Hash import HMAC, MD5, SHA1, SHA256
from Crypto.Hash import SHA512 as S512
from Crypto.PublicKey import DSA, ECC, RSA
from Crypto.Random import get_random_bytes
from Crypto.Signature import DSS, pkcs1_15, pss
from Crypto.Util.Padding import pad, unpad

MERCHANT_KEY_BITS = 2048
AES_KEY = b"k" * 32
DES_KEY = b"8bytekey"
TDES_KEY = b"0123456789abcdefFEDCBA98"


def new_merchant_key():
    return RSA.generate(MERCHANT_KEY_BITS)  # expect: RSA-2048


def new_merchant_key_big():
    keygen = RSA.generate
    return keygen(bits=4096)  # expect: RSA-4096


def import_merchant_key(pem: str):
    return RSA.import_key(pem)  # expect: unknown


def encrypt_card(pub, pan: bytes) -> bytes:
    cipher = PKCS1_OAEP.new(pub)  # expect: RSA-OAEP-SHA1
    return cipher.encrypt(pan)  # expect: RSA-OAEP-SHA1


def encrypt_card_sha256(pub, pan: bytes) -> bytes:
    oaep = PKCS1_OAEP.new(pub, hashAlgo=SHA256)  # expect: RSA-OAEP-SHA256
    return oaep.encrypt(pan)  # expect: RSA-OAEP-SHA256


def sign_settlement(key, batch: bytes) -> bytes:
    h = SHA256.new(batch)  # expect: SHA-256
    return pkcs1_15.new(key).sign(h)  # expect: RSA-PKCS1v15-SHA256


def verify_settlement(pub, batch: bytes, sig: bytes) -> None:
    digest = SHA256.new(batch)  # expect: SHA-256
    verifier = pkcs1_15.new(pub)  # expect: unknown
    verifier.verify(digest, sig)  # expect: RSA-PKCS1v15-SHA256


def sign_settlement_pss(key, batch: bytes) -> bytes:
    h = S512.new(batch)  # expect: SHA-512
    return pss.new(key).sign(h)  # expect: RSA-PSS-SHA512


def sign_ecc(batch: bytes) -> bytes:
    key = ECC.generate(curve="P-256")  # expect: EC-P256
    signer = DSS.new(key, "fips-186-3")  # expect: unknown
    return signer.sign(SHA256.new(batch))  # expect: ECDSA-P256-SHA256 SHA-256


def ecc_on(curve_name: str):
    return ECC.generate(curve=curve_name)  # expect: unknown


def ecc_ed25519():
    return ECC.generate(curve="Ed25519")  # expect: Ed25519


def dsa_key():
    return DSA.generate(2048)  # expect: DSA-2048


def encrypt_gcm(data: bytes) -> tuple[bytes, bytes, bytes]:
    cipher = AES.new(AES_KEY, AES.MODE_GCM)  # expect: AES-256-GCM
    ct, tag = cipher.encrypt_and_digest(data)  # expect: AES-256-GCM
    return cipher.nonce, ct, tag


def decrypt_gcm(key: bytes, nonce: bytes, ct: bytes, tag: bytes) -> bytes:
    cipher = AES.new(key, AES.MODE_GCM, nonce=nonce)  # expect: unknown
    return cipher.decrypt_and_verify(ct, tag)  # expect: unknown


def encrypt_cbc(data: bytes) -> bytes:
    key = get_random_bytes(16)
    iv = get_random_bytes(AES.block_size)
    cbc = AES.new(key, AES.MODE_CBC, iv)  # expect: AES-128-CBC
    return iv + cbc.encrypt(pad(data, AES.block_size))  # expect: AES-128-CBC


def decrypt_cbc(blob: bytes) -> bytes:
    cbc = AES.new(AES_KEY, AES.MODE_CBC, iv=blob[:16])  # expect: AES-256-CBC
    return unpad(cbc.decrypt(blob[16:]), 16)  # expect: AES-256-CBC


def encrypt_ecb(block: bytes) -> bytes:
    return AES.new(AES_KEY, AES.MODE_ECB).encrypt(block)  # expect: AES-ECB


def encrypt_ctr(data: bytes) -> bytes:
    key = get_random_bytes(32)
    return AES.new(key, AES.MODE_CTR).encrypt(data)  # expect: AES-256-CTR


def encrypt_eax(data: bytes):
    key = get_random_bytes(16)
    eax = AES.new(key, mode=AES.MODE_EAX)  # expect: AES-128-EAX
    return eax.encrypt_and_digest(data)  # expect: AES-128-EAX


def encrypt_des(block: bytes) -> bytes:
    return DES.new(DES_KEY, DES.MODE_ECB).encrypt(block)  # expect: DES-ECB


def encrypt_3des(data: bytes) -> bytes:
    tdes = DES3.new(TDES_KEY, DES3.MODE_CBC)  # expect: 3DES-CBC
    return tdes.iv + tdes.encrypt(pad(data, 8))  # expect: 3DES-CBC


def encrypt_rc4(data: bytes) -> bytes:
    rc4 = ARC4.new(b"legacy-stream-key")  # expect: RC4
    return rc4.encrypt(data)  # expect: RC4


def encrypt_blowfish(data: bytes) -> bytes:
    return BF.new(b"bf-key-0123", BF.MODE_CBC).encrypt(pad(data, 8))  # expect: Blowfish-CBC


def checksum(data: bytes) -> str:
    return MD5.new(data).hexdigest()  # expect: MD5


def old_checksum(data: bytes) -> str:
    return SHA1.new(data=data).hexdigest()  # expect: SHA-1


def callback_mac(secret: bytes, body: bytes) -> str:
    mac = HMAC.new(secret, digestmod=SHA256)  # expect: HMAC-SHA256
    mac.update(body)  # expect: HMAC-SHA256
    return mac.hexdigest()  # expect: HMAC-SHA256


def callback_mac_default(secret: bytes, body: bytes) -> bytes:
    return HMAC.new(secret, body).digest()  # expect: HMAC-MD5


def to_text(blob: bytes) -> str:
    return base64.b64encode(blob).decode("ascii")
