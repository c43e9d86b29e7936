"""Lookalike names and text that are NOT cryptography; this file has no expected findings."""
import hashlib  # imported for the docs builder below, never called
import random
import secrets
import string
import uuid
from dataclasses import dataclass

RSA_DOC_URL = "https://example.com/docs/rsa.generate_private_key"
AES_NOTE = "AES.new(key, AES.MODE_ECB) is forbidden by policy"
JWT_ALG_HELP = 'pass algorithm="RS256" to jwt.encode'
MD5_WARNING = "hashlib.md5 must not be used for passwords"
KEY_SIZE_HELP = "key_size=2048 is the legacy default"
CURVES = ["P-256", "P-384", "secp256k1"]  # names only, used to render a drop-down


@dataclass
class Cipher:
    """A crossword cipher clue, unrelated to encryption."""

    clue: str
    answer: str

    def encrypt(self) -> str:
        return self.answer[::-1]

    def decrypt(self, text: str) -> str:
        return text[::-1]


class KeyRing:
    """Physical key inventory for the office."""

    def __init__(self):
        self.keys: dict[str, str] = {}

    def generate_private_key(self, owner: str) -> str:
        tag = f"K-{len(self.keys) + 1:03d}"
        self.keys[tag] = owner
        return tag

    def sign(self, tag: str, name: str) -> str:
        return f"{tag} signed out by {name}"


class rsa:  # noqa: N801 - "Regional Sales Area", a business term
    @staticmethod
    def newkeys(region: str) -> list[str]:
        return [region + "-north", region + "-south"]


def sign(document: str, author: str) -> str:
    return f"{document}\n\n-- {author}"


def verify(document: str) -> bool:
    return document.endswith("--")


def encrypt(text: str, shift: int = 13) -> str:
    return text.translate(str.maketrans(string.ascii_lowercase, string.ascii_lowercase[shift:] + string.ascii_lowercase[:shift]))


def digest(items: list[str]) -> str:
    return ", ".join(sorted(items))


def shuffle_deck(seed: int) -> list[int]:
    rng = random.Random(seed)
    deck = list(range(52))
    rng.shuffle(deck)
    return deck


def pick_winner(names: list[str]) -> str:
    return random.choice(names)


def request_id() -> str:
    return str(uuid.uuid4())


def stable_id(name: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_DNS, name)


def api_token() -> str:
    return secrets.token_urlsafe(32)


def nonce() -> bytes:
    return secrets.token_bytes(16)


def pin() -> int:
    return secrets.randbelow(10_000)


def same(a: str, b: str) -> bool:
    return secrets.compare_digest(a, b)


def docs_for(name: str) -> str:
    # Example from the docs: hashlib.sha256(b"data").hexdigest()
    return f"See hashlib.{name} in the Python docs"


def office_keys() -> list[str]:
    ring = KeyRing()
    first = ring.generate_private_key("alice")
    second = ring.generate_private_key("bob")
    return [ring.sign(first, "alice"), ring.sign(second, "bob")]


def regions() -> list[str]:
    return rsa.newkeys("emea")


def puzzle() -> str:
    c = Cipher(clue="backwards", answer="olleh")
    return c.decrypt(c.encrypt())


def letter() -> str:
    return sign("Dear team, thanks.", author="Ops")


def rot13(text: str) -> str:
    return encrypt(text)


def checksum_name() -> str:
    return "sha256" if verify("x--") else "md5"


def render_curves() -> str:
    return "|".join(CURVES)


def ecb_mode_label(mode: str) -> str:
    return {"ECB": "Electronic Cash Board", "CBC": "Cable Broadcasting Co"}.get(mode, mode)


def hash_table(items: list[str]) -> dict[int, str]:
    return {hash(item): item for item in items}
