"""A test PKI for the KME simulator: a CA, KME server and SAE client certificates.

>>> pki = make_test_pki("pki", kmes=["KME-A", "KME-B"], saes=["SAE-A", "SAE-B"])  # doctest: +SKIP
>>> pki.saes["SAE-A"]   # (certificate path, key path); the common name is the SAE id
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..errors import InvalidArgument
from ._protocol import valid_id

__all__ = ["TestPKI", "make_test_pki", "pki_from_directory"]

_PKI_ALGORITHM = "ECDSA-P256-SHA256"  # classical: Python's ssl and curl link OpenSSL 3.0 here


@dataclass(frozen=True)
class TestPKI:
    """Paths of a test PKI: ``ca`` certificate, and per KME / SAE name (cert, key)."""

    __test__ = False  # not a pytest class
    directory: Path
    ca: Path
    kmes: dict[str, tuple[Path, Path]]
    saes: dict[str, tuple[Path, Path]]


def make_test_pki(directory: str | os.PathLike[str], *, kmes: Iterable[str],
                  saes: Iterable[str], host: str = "127.0.0.1") -> TestPKI:
    """Create a CA, KME server certificates (for ``host``) and SAE client certificates.

    Files are ``ca.pem``, ``NAME.pem`` and ``NAME.key`` (mode 0600) in ``directory``; the
    common name of each certificate is its KME or SAE id.
    """
    from ..tls._certs import issue_ca, issue_certificate

    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    ca = issue_ca(_PKI_ALGORITHM, "agile QKD test CA")
    ca.write(folder / "ca.pem", folder / "ca.key")
    out: dict[str, dict[str, tuple[Path, Path]]] = {"kmes": {}, "saes": {}}
    for group, names, server in (("kmes", kmes, True), ("saes", saes, False)):
        for name in names:
            if not valid_id(name):
                raise InvalidArgument(f"{name!r} is not a usable KME/SAE id")
            issued = issue_certificate(ca, _PKI_ALGORITHM, [host, "localhost"] if server
                                       else [name], common_name=name, server=server,
                                       client=not server)
            paths = (folder / f"{name}.pem", folder / f"{name}.key")
            issued.write(*paths)
            out[group][name] = paths
    return TestPKI(folder, folder / "ca.pem", out["kmes"], out["saes"])


def pki_from_directory(directory: Path) -> TestPKI:
    names = {p.stem for p in directory.glob("*.pem")} - {"ca"}
    pairs = {n: (directory / f"{n}.pem", directory / f"{n}.key") for n in sorted(names)}
    return TestPKI(directory, directory / "ca.pem", pairs, pairs)
