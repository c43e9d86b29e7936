"""Chat relay keys (PyNaCl) and SSH deploy keys (paramiko) (fixture data)."""
import io

import nacl.secret
import nacl.utils
import paramiko
from nacl.public import Box, PrivateKey, SealedBox
from nacl.signing import SigningKey as NaclSigningKey
from nacl.signing import VerifyKey
from nacl import pwhash
from nacl.hash import blake2b, sha256 as nacl_sha256
from paramiko import ECDSAKey, Ed25519Key
from paramiko import RSAKey as SshRsa

DEPLOY_BITS = 4096
ECDSA_BITS = 384
ROOM_PREFIX = "room:"


def room_name(room_id: int) -> str:
    return f"{ROOM_PREFIX}{room_id}"


class Member:
    def __init__(self, name: str):
        self.name = name
        self.identity = NaclSigningKey.generate()  # expect: Ed25519
        self.kex = PrivateKey.generate()  # expect: X25519

    def post(self, text: bytes) -> bytes:
        return self.identity.sign(text)  # expect: Ed25519

    def box_for(self, other: "Member") -> Box:
        return Box(self.kex, other.kex.public_key)  # expect: X25519 XSalsa20-Poly1305

    def send(self, other: "Member", text: bytes) -> bytes:
        box = self.box_for(other)
        return box.encrypt(text)  # expect: unknown


def check_post(raw_key: bytes, signed: bytes) -> bytes:
    vk = VerifyKey(raw_key)  # expect: Ed25519
    return vk.verify(signed)  # expect: Ed25519


def send_direct(sender: PrivateKey, recipient_pub, text: bytes) -> bytes:
    box = Box(sender, recipient_pub)  # expect: X25519 XSalsa20-Poly1305
    return box.encrypt(text)  # expect: X25519 XSalsa20-Poly1305


def anonymous_drop(recipient_pub, text: bytes) -> bytes:
    return SealedBox(recipient_pub).encrypt(text)  # expect: X25519 XSalsa20-Poly1305


def room_secret(text: bytes) -> bytes:
    key = nacl.utils.random(nacl.secret.SecretBox.KEY_SIZE)
    box = nacl.secret.SecretBox(key)  # expect: XSalsa20-Poly1305
    return box.encrypt(text)  # expect: XSalsa20-Poly1305


def room_password(password: bytes) -> bytes:
    return pwhash.argon2id.str(password)  # expect: Argon2id


def digest_room(data: bytes) -> bytes:
    return blake2b(data)  # expect: BLAKE2b


def digest_room_sha(data: bytes) -> bytes:
    return nacl_sha256(data)  # expect: SHA-256


def deploy_key() -> str:
    key = SshRsa.generate(bits=DEPLOY_BITS)  # expect: RSA-4096
    buf = io.StringIO()
    key.write_private_key(buf)
    return buf.getvalue()


def deploy_key_small():
    gen = paramiko.RSAKey.generate
    return gen(1024)  # expect: RSA-1024


def deploy_ecdsa_key():
    return ECDSAKey.generate(bits=ECDSA_BITS)  # expect: EC-P384


def deploy_ecdsa_default():
    return paramiko.ECDSAKey.generate()  # expect: EC-P256


def load_ed25519(path: str):
    return Ed25519Key.from_private_key_file(path)  # expect: Ed25519


def load_any_key(path: str):
    return paramiko.RSAKey.from_private_key_file(path)  # expect: unknown


def ssh_host_label(host: str, port: int = 22) -> str:
    return f"{host}:{port}"
