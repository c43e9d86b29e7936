"""TLS client/server plumbing with ssl and pyOpenSSL (fixture data)."""
import socket
import ssl
import ssl as _ssl
from ssl import PROTOCOL_TLSv1_2, SSLContext

from OpenSSL import SSL, crypto
from OpenSSL import crypto as ossl_crypto

HOST = "api.example.com"
PORT = 443
LEGACY_PROTOCOL = ssl.PROTOCOL_TLSv1
CIPHERS = "ECDHE+AESGCM:!aNULL"


def connect_plain(host: str = HOST, port: int = PORT) -> socket.socket:
    return socket.create_connection((host, port), timeout=10)


def default_client(host: str = HOST):
    ctx = ssl.create_default_context()  # expect: TLS
    sock = connect_plain(host)
    return ctx.wrap_socket(sock, server_hostname=host)  # expect: TLS


def pinned_client():
    ctx = SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # expect: TLS
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    return ctx


def tls12_only():
    return SSLContext(PROTOCOL_TLSv1_2)  # expect: TLS-1.2


def legacy_server():
    ctx = _ssl.SSLContext(LEGACY_PROTOCOL)  # expect: TLS-1.0
    return ctx


def very_legacy():
    return ssl.SSLContext(protocol=ssl.PROTOCOL_TLSv1_1)  # expect: TLS-1.1


def server_ctx():
    return ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)  # expect: TLS


def context_for(protocol):
    return ssl.SSLContext(protocol)  # expect: unknown


def old_style_wrap(sock):
    return ssl.wrap_socket(sock, ssl_version=ssl.PROTOCOL_SSLv23)  # expect: TLS


def protocol_name(proto) -> str:
    # ssl.PROTOCOL_TLSv1 is mentioned in a comment only
    return {"tls": "TLS", "ssl3": "SSLv3"}.get(proto, "unknown protocol")


def openssl_key():
    key = crypto.PKey()
    key.generate_key(crypto.TYPE_RSA, 2048)  # expect: RSA-2048
    return key


def openssl_dsa_key():
    pk = ossl_crypto.PKey()
    pk.generate_key(ossl_crypto.TYPE_DSA, 1024)  # expect: DSA-1024
    return pk


def openssl_key_of(bits):
    key = crypto.PKey()
    key.generate_key(crypto.TYPE_RSA, bits)  # expect: unknown
    return key


def openssl_self_signed(cn: str):
    key = crypto.PKey()
    key.generate_key(crypto.TYPE_RSA, 4096)  # expect: RSA-4096
    cert = crypto.X509()
    cert.get_subject().CN = cn
    cert.set_serial_number(1000)
    cert.gmtime_adj_notBefore(0)
    cert.gmtime_adj_notAfter(10 * 365 * 24 * 3600)
    cert.set_issuer(cert.get_subject())
    cert.set_pubkey(key)
    cert.sign(key, "sha256")  # expect: RSA-PKCS1v15-SHA256
    return cert


def openssl_sign_blob(key, data: bytes) -> bytes:
    return crypto.sign(key, data, "sha1")  # expect: unknown


def openssl_server_ctx():
    ctx = SSL.Context(SSL.TLS_SERVER_METHOD)  # expect: TLS
    return ctx


def openssl_legacy_ctx():
    return SSL.Context(SSL.TLSv1_METHOD)  # expect: TLS-1.0


def openssl_sslv23_ctx():
    return SSL.Context(SSL.SSLv23_METHOD)  # expect: TLS
