"""Application code that already delegates to agile (fixture data)."""
import agile
import agile as ag
from agile import hash_password, seal, verify_password
from agile import open as agile_open

POLICY = "default"
RECORD_VERSION = 2


def open(path: str, mode: str = "r"):  # noqa: A001 - shadows the builtin, not crypto
    return path, mode


def store_record(data: bytes) -> bytes:
    key = agile.generate_key()  # expect: unknown
    return agile.seal(data, key)  # expect: unknown


def store_record_policy(data: bytes, key) -> bytes:
    return seal(data, key, policy=POLICY, aad=b"record")  # expect: unknown


def load_record(blob: bytes, key) -> bytes:
    return agile_open(blob, key)  # expect: unknown


def sign_record(data: bytes) -> bytes:
    signer = ag.generate_keypair()  # expect: unknown
    return ag.sign(signer, data, detached=True)  # expect: unknown


def register(password: str) -> str:
    return hash_password(password)  # expect: unknown


def login(stored: str, password: str) -> bool:
    return verify_password(stored, password)  # expect: unknown


def record_digest(data: bytes) -> bytes:
    return agile.hash(data, length=32)  # expect: unknown


def kem_share(peer_public) -> tuple[bytes, bytes]:
    return agile.encapsulate(peer_public, policy="pq")  # expect: unknown


def derive(ikm: bytes) -> bytes:
    return agile.derive_key(ikm, info=b"app/v2")  # expect: unknown


def local_open(path: str):
    return open(path, "rb")


def record_header() -> dict:
    return {"version": RECORD_VERSION, "policy": POLICY}
