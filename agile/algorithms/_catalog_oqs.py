"""Registry entries for the algorithms only the liboqs provider (``oqs``) runs.

A static table, so that ``agile algorithms`` lists them (as unavailable, with the reason) where
liboqs is not installed. The rows hold liboqs 0.16.0's ``OQS_KEM``/``OQS_SIG`` length fields;
tests/providers/test_oqs.py checks every row against the loaded library.

Private key encoding (``private_key_size``): liboqs has no call that derives a public key from a
secret key, so agile's private encoding is the liboqs secret key followed by the public key.
ML-KEM-512 is the exception: its private key is the 64-byte FIPS 203 seed (d || z), like
ML-KEM-768/1024 elsewhere in the registry. ``params["oqs"]`` is the liboqs mechanism name where
it differs from the canonical name.

Covered: every KEM liboqs 0.16 enables; signatures Falcon, MAYO, CROSS, UOV, SNOVA and the pure
SLH-DSA parameter sets. Not covered: SLH-DSA pre-hash variants, MQOM, stateful XMSS/LMS.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

from ._descriptor import Algorithm, Family, QuantumClass, QuantumRisk

_NIST_PQC = "2.16.840.1.101.3.4"

# (name prefix, description, standard)
_KEM_FAMILIES = (
    ("BIKE-", "Code-based KEM BIKE (quasi-cyclic MDPC)", "NIST PQC round 4"),
    ("Classic-McEliece-", "Code-based KEM Classic McEliece (Goppa codes; large public keys)",
     "NIST PQC round 4; ISO/IEC 18033-2 amendment draft"),
    ("HQC-", "Code-based KEM HQC (quasi-cyclic)", "NIST selected 2025 (FIPS draft pending)"),
    ("Kyber", "CRYSTALS-Kyber round 3, the pre-standard form of ML-KEM (not interoperable)",
     "NIST PQC round 3 (superseded by FIPS 203)"),
    ("ML-KEM-", "Module-lattice KEM, FIPS 203", "FIPS 203"),
    ("NTRU-", "Lattice KEM NTRU", "NIST PQC round 3 finalist"),
    ("sntrup", "Streamlined NTRU Prime KEM", "NIST PQC round 3 alternate (used by OpenSSH)"),
    ("FrodoKEM-", "Unstructured-lattice KEM FrodoKEM", "ISO/IEC 18033-2 amendment draft"),
    ("eFrodoKEM-", "Unstructured-lattice KEM FrodoKEM, ephemeral variant: one encapsulation per "
     "key pair", "ISO/IEC 18033-2 amendment draft"),
)

_SIG_FAMILIES = (
    ("Falcon-padded-", "Lattice signature Falcon, fixed-length (padded) signatures; FN-DSA "
     "(draft FIPS 206) derives from it", "NIST PQC round 3 (Falcon)"),
    ("Falcon-", "Lattice signature Falcon, variable-length signatures up to the size shown; "
     "FN-DSA (draft FIPS 206) derives from it", "NIST PQC round 3 (Falcon)"),
    ("MAYO-", "Multivariate signature MAYO", "NIST additional signatures round 2"),
    ("cross-", "Code-based signature CROSS", "NIST additional signatures round 2"),
    ("OV-", "Multivariate signature UOV (oil and vinegar)", "NIST additional signatures round 2"),
    ("SNOVA_", "Multivariate signature SNOVA", "NIST additional signatures round 2"),
    ("SLH-DSA-", "Stateless hash-based signature SLH-DSA (pure), FIPS 205", "FIPS 205"),
)

#: name, NIST category, public key, liboqs secret key, ciphertext, shared secret (bytes)
KEM_ROWS = (
    ("BIKE-L1", 1, 1541, 5223, 1573, 32),
    ("BIKE-L3", 3, 3083, 10105, 3115, 32),
    ("BIKE-L5", 5, 5122, 16494, 5154, 32),
    ("Classic-McEliece-348864", 1, 261120, 6492, 96, 32),
    ("Classic-McEliece-348864f", 1, 261120, 6492, 96, 32),
    ("Classic-McEliece-460896", 3, 524160, 13608, 156, 32),
    ("Classic-McEliece-460896f", 3, 524160, 13608, 156, 32),
    ("Classic-McEliece-6688128", 5, 1044992, 13932, 208, 32),
    ("Classic-McEliece-6688128f", 5, 1044992, 13932, 208, 32),
    ("Classic-McEliece-6960119", 5, 1047319, 13948, 194, 32),
    ("Classic-McEliece-6960119f", 5, 1047319, 13948, 194, 32),
    ("Classic-McEliece-8192128", 5, 1357824, 14120, 208, 32),
    ("Classic-McEliece-8192128f", 5, 1357824, 14120, 208, 32),
    ("HQC-1", 1, 2241, 2321, 4433, 32),
    ("HQC-3", 3, 4514, 4602, 8978, 32),
    ("HQC-5", 5, 7237, 7333, 14421, 32),
    ("Kyber512", 1, 800, 1632, 768, 32),
    ("Kyber768", 3, 1184, 2400, 1088, 32),
    ("Kyber1024", 5, 1568, 3168, 1568, 32),
    ("ML-KEM-512", 1, 800, 1632, 768, 32),
    ("NTRU-HPS-2048-509", 1, 699, 935, 699, 32),
    ("NTRU-HPS-2048-677", 3, 930, 1234, 930, 32),
    ("NTRU-HPS-4096-821", 5, 1230, 1590, 1230, 32),
    ("NTRU-HPS-4096-1229", 5, 1842, 2366, 1842, 32),
    ("NTRU-HRSS-701", 3, 1138, 1450, 1138, 32),
    ("NTRU-HRSS-1373", 5, 2401, 2983, 2401, 32),
    ("sntrup761", 2, 1158, 1763, 1039, 32),
    ("FrodoKEM-640-AES", 1, 9616, 19888, 9752, 16),
    ("FrodoKEM-640-SHAKE", 1, 9616, 19888, 9752, 16),
    ("FrodoKEM-976-AES", 3, 15632, 31296, 15792, 24),
    ("FrodoKEM-976-SHAKE", 3, 15632, 31296, 15792, 24),
    ("FrodoKEM-1344-AES", 5, 21520, 43088, 21696, 32),
    ("FrodoKEM-1344-SHAKE", 5, 21520, 43088, 21696, 32),
    ("eFrodoKEM-640-AES", 1, 9616, 19888, 9720, 16),
    ("eFrodoKEM-640-SHAKE", 1, 9616, 19888, 9720, 16),
    ("eFrodoKEM-976-AES", 3, 15632, 31296, 15744, 24),
    ("eFrodoKEM-976-SHAKE", 3, 15632, 31296, 15744, 24),
    ("eFrodoKEM-1344-AES", 5, 21520, 43088, 21632, 32),
    ("eFrodoKEM-1344-SHAKE", 5, 21520, 43088, 21632, 32),
)

#: name, NIST category, public key, liboqs secret key, signature (bytes; Falcon: the maximum)
SIGNATURE_ROWS = (
    ("Falcon-512", 1, 897, 1281, 752),
    ("Falcon-1024", 5, 1793, 2305, 1462),
    ("Falcon-padded-512", 1, 897, 1281, 666),
    ("Falcon-padded-1024", 5, 1793, 2305, 1280),
    ("MAYO-1", 1, 1420, 24, 454),
    ("MAYO-2", 1, 4912, 24, 186),
    ("MAYO-3", 3, 2986, 32, 681),
    ("MAYO-5", 5, 5554, 40, 964),
    ("cross-rsdp-128-balanced", 1, 77, 32, 13152),
    ("cross-rsdp-128-fast", 1, 77, 32, 18432),
    ("cross-rsdp-128-small", 1, 77, 32, 12432),
    ("cross-rsdp-192-balanced", 3, 115, 48, 29853),
    ("cross-rsdp-192-fast", 3, 115, 48, 41406),
    ("cross-rsdp-192-small", 3, 115, 48, 28391),
    ("cross-rsdp-256-balanced", 5, 153, 64, 53527),
    ("cross-rsdp-256-fast", 5, 153, 64, 74590),
    ("cross-rsdp-256-small", 5, 153, 64, 50818),
    ("cross-rsdpg-128-balanced", 1, 54, 32, 9120),
    ("cross-rsdpg-128-fast", 1, 54, 32, 11980),
    ("cross-rsdpg-128-small", 1, 54, 32, 8960),
    ("cross-rsdpg-192-balanced", 3, 83, 48, 22464),
    ("cross-rsdpg-192-fast", 3, 83, 48, 26772),
    ("cross-rsdpg-192-small", 3, 83, 48, 20452),
    ("cross-rsdpg-256-balanced", 5, 106, 64, 40100),
    ("cross-rsdpg-256-fast", 5, 106, 64, 48102),
    ("cross-rsdpg-256-small", 5, 106, 64, 36454),
    ("OV-Is", 1, 412160, 348704, 96),
    ("OV-Ip", 1, 278432, 237896, 128),
    ("OV-III", 3, 1225440, 1044320, 200),
    ("OV-V", 5, 2869440, 2436704, 260),
    ("OV-Is-pkc", 1, 66576, 348704, 96),
    ("OV-Ip-pkc", 1, 43576, 237896, 128),
    ("OV-III-pkc", 3, 189232, 1044320, 200),
    ("OV-V-pkc", 5, 446992, 2436704, 260),
    ("OV-Is-pkc-skc", 1, 66576, 32, 96),
    ("OV-Ip-pkc-skc", 1, 43576, 32, 128),
    ("OV-III-pkc-skc", 3, 189232, 32, 200),
    ("OV-V-pkc-skc", 5, 446992, 32, 260),
    ("SNOVA_24_5_4", 1, 1016, 48, 248),
    ("SNOVA_24_5_4_SHAKE", 1, 1016, 48, 248),
    ("SNOVA_24_5_4_esk", 1, 1016, 36848, 248),
    ("SNOVA_24_5_4_SHAKE_esk", 1, 1016, 36848, 248),
    ("SNOVA_37_17_2", 1, 9842, 48, 124),
    ("SNOVA_25_8_3", 1, 2320, 48, 165),
    ("SNOVA_56_25_2", 3, 31266, 48, 178),
    ("SNOVA_49_11_3", 3, 6006, 48, 286),
    ("SNOVA_37_8_4", 3, 4112, 48, 376),
    ("SNOVA_24_5_5", 3, 1579, 48, 379),
    ("SNOVA_60_10_4", 5, 8016, 48, 576),
    ("SNOVA_29_6_5", 5, 2716, 48, 454),
    ("SLH-DSA-SHA2-128s", 1, 32, 64, 7856),
    ("SLH-DSA-SHA2-128f", 1, 32, 64, 17088),
    ("SLH-DSA-SHA2-192s", 3, 48, 96, 16224),
    ("SLH-DSA-SHA2-192f", 3, 48, 96, 35664),
    ("SLH-DSA-SHA2-256s", 5, 64, 128, 29792),
    ("SLH-DSA-SHA2-256f", 5, 64, 128, 49856),
    ("SLH-DSA-SHAKE-128s", 1, 32, 64, 7856),
    ("SLH-DSA-SHAKE-128f", 1, 32, 64, 17088),
    ("SLH-DSA-SHAKE-192s", 3, 48, 96, 16224),
    ("SLH-DSA-SHAKE-192f", 3, 48, 96, 35664),
    ("SLH-DSA-SHAKE-256s", 5, 64, 128, 29792),
    ("SLH-DSA-SHAKE-256f", 5, 64, 128, 49856),
)

VARIABLE_LENGTH = frozenset({"Falcon-512", "Falcon-1024"})
#: Private key = the 64-byte keypair seed (liboqs ``OQS_KEM_keypair_derand``).
SEEDED = frozenset({"ML-KEM-512"})
_SEED_SIZE = 64

# FIPS 205 / NIST CSOR sigAlgs arcs 20..31, in this order.
_SLH_DSA_OIDS = {
    f"SLH-DSA-{h}-{bits}{v}": f"{_NIST_PQC}.3.{20 + i}"
    for i, (h, bits, v) in enumerate(
        (h, bits, v) for h in ("SHA2", "SHAKE") for bits in (128, 192, 256) for v in "sf")
}
_OIDS = {"ML-KEM-512": f"{_NIST_PQC}.4.1", **_SLH_DSA_OIDS}


def _liboqs_name(name: str) -> str:
    if name.startswith("SLH-DSA-"):
        return "SLH_DSA_PURE_" + name.removeprefix("SLH-DSA-").upper().replace("-", "_")
    return name


def _family_facts(name: str, table: tuple[tuple[str, str, str], ...]) -> tuple[str, str]:
    return next((desc, std) for prefix, desc, std in table if name.startswith(prefix))


def _entry(name: str, family: Family, category: int, **kw: Any) -> Algorithm:
    table = _KEM_FAMILIES if family is Family.KEM else _SIG_FAMILIES
    description, standard = _family_facts(name, table)
    params: dict[str, object] = dict(kw.pop("params", {}))
    oqs_name = _liboqs_name(name)
    aliases: tuple[str, ...] = ()
    if oqs_name != name:
        params["oqs"] = oqs_name
        aliases = (oqs_name,)
    return Algorithm(name=name, family=family, quantum_class=QuantumClass.POST_QUANTUM,
                     quantum_risk=QuantumRisk.RESISTANT, nist_category=category,
                     description=description, key_type=name, standard=standard,
                     oids=(_OIDS[name],) if name in _OIDS else (), aliases=aliases,
                     params=MappingProxyType(params),
                     # Round-3 Kyber is superseded by FIPS 203 ML-KEM and does not interoperate
                     # with it: new policies must not pick it without allow_legacy.
                     legacy=name.startswith("Kyber"), **kw)


OQS_KEMS = tuple(
    _entry(name, Family.KEM, cat, public_key_size=pk,
           private_key_size=_SEED_SIZE if name in SEEDED else sk + pk, ciphertext_size=ct,
           shared_secret_size=ss)
    for name, cat, pk, sk, ct, ss in KEM_ROWS
)

OQS_SIGNATURES = tuple(
    _entry(name, Family.SIGNATURE, cat, public_key_size=pk, private_key_size=sk + pk,
           **({"params": {"max_signature_size": sig}} if name in VARIABLE_LENGTH
              else {"signature_size": sig}))
    for name, cat, pk, sk, sig in SIGNATURE_ROWS
)

#: Every descriptor of this module; the registry adds them after the built-in catalog.
ALL: tuple[Algorithm, ...] = (*OQS_KEMS, *OQS_SIGNATURES)
