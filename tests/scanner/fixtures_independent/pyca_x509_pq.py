"""Internal CA tooling plus post-quantum keys from cryptography 50 (fixture data)."""
import datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.asymmetric import mldsa, mlkem
from cryptography.hazmat.primitives.asymmetric.mlkem import MLKEM1024PrivateKey as Kem1024
from cryptography.hazmat.primitives.serialization import load_der_private_key, load_pem_private_key
from cryptography.x509.oid import NameOID

VALID_DAYS = 365
CA_KEY_SIZE = 4096
ORG = "Example Corp"


def _name(cn: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORG),
        x509.NameAttribute(NameOID.COMMON_NAME, cn),
    ])


def _validity():
    now = datetime.datetime.now(datetime.timezone.utc)
    return now, now + datetime.timedelta(days=VALID_DAYS)


def make_root_ca():
    key = rsa.generate_private_key(public_exponent=65537, key_size=CA_KEY_SIZE)  # expect: RSA-4096
    start, end = _validity()
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name("Root CA"))
        .issuer_name(_name("Root CA"))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
    )
    cert = builder.sign(private_key=key, algorithm=hashes.SHA256())  # expect: RSA-PKCS1v15-SHA256
    return key, cert


def make_leaf(ca_key, ca_cert, cn: str):
    leaf_key = ec.generate_private_key(ec.SECP256R1())  # expect: EC-P256
    start, end = _validity()
    builder = x509.CertificateBuilder().subject_name(_name(cn)).issuer_name(ca_cert.subject)
    builder = builder.public_key(leaf_key.public_key()).serial_number(x509.random_serial_number())
    builder = builder.not_valid_before(start).not_valid_after(end)
    return leaf_key, builder.sign(ca_key, hashes.SHA256())  # expect: unknown


def make_ec_ca():
    key = ec.generate_private_key(ec.SECP384R1())  # expect: EC-P384
    start, end = _validity()
    builder = x509.CertificateBuilder().subject_name(_name("EC CA")).issuer_name(_name("EC CA"))
    builder = builder.public_key(key.public_key()).serial_number(1)
    builder = builder.not_valid_before(start).not_valid_after(end)
    return builder.sign(key, hashes.SHA384())  # expect: ECDSA-P384-SHA384


def make_ed_ca():
    key = ed25519.Ed25519PrivateKey.generate()  # expect: Ed25519
    start, end = _validity()
    builder = x509.CertificateBuilder().subject_name(_name("Ed CA")).issuer_name(_name("Ed CA"))
    builder = builder.public_key(key.public_key()).serial_number(2)
    builder = builder.not_valid_before(start).not_valid_after(end)
    return builder.sign(key, None)  # expect: Ed25519


def make_csr(cn: str):
    key = rsa.generate_private_key(65537, 2048)  # expect: RSA-2048
    csr = x509.CertificateSigningRequestBuilder().subject_name(_name(cn))
    return csr.sign(key, hashes.SHA256())  # expect: RSA-PKCS1v15-SHA256


def load_ca_key(pem: bytes, passphrase: bytes):
    return load_pem_private_key(pem, passphrase)  # expect: unknown


def load_ca_key_der(der: bytes):
    return load_der_private_key(der, password=None)  # expect: unknown


def export_key(key) -> bytes:
    return key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    )


def load_cert(pem: bytes):
    return x509.load_pem_x509_certificate(pem)


def pq_kem_roundtrip() -> bool:
    dk = mlkem.MLKEM768PrivateKey.generate()  # expect: ML-KEM-768
    ek = dk.public_key()
    shared, ct = ek.encapsulate()  # expect: ML-KEM-768
    return dk.decapsulate(ct) == shared  # expect: ML-KEM-768


def pq_kem_1024():
    make_kem = Kem1024.generate
    return make_kem()  # expect: ML-KEM-1024


def pq_sign(msg: bytes) -> bytes:
    sk = mldsa.MLDSA65PrivateKey.generate()  # expect: ML-DSA-65
    sig = sk.sign(msg)  # expect: ML-DSA-65
    sk.public_key().verify(sig, msg)  # expect: ML-DSA-65
    return sig


def pq_sign_small(seed: bytes):
    return mldsa.MLDSA44PrivateKey.from_seed_bytes(seed)  # expect: ML-DSA-44


def pq_sign_large():
    return mldsa.MLDSA87PrivateKey.generate()  # expect: ML-DSA-87
