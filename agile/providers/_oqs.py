"""Provider ``oqs``: the KEMs and signatures of liboqs, through liboqs-python.

Installed with ``pip install 'agile-crypto[oqs]'`` plus a liboqs shared library (see the README
section "liboqs provider"). The provider always registers; liboqs is looked for on first use, and
when it is missing :meth:`OqsProvider.algorithms` is empty and
:meth:`OqsProvider.unavailable_reason` says how to enable it. liboqs-python is imported only after
the library was found, so its download-and-build fallback never runs.

It serves every registry KEM or signature whose liboqs mechanism (``params["oqs"]``, else the
canonical name) the loaded liboqs enables: the entries of ``agile.algorithms._catalog_oqs`` and
ML-KEM-768/1024 and ML-DSA-44/65/87, which pyca serves too. Automatic choice keeps pyca first for
those; a policy with ``providers = ["oqs", "pyca"]`` prefers liboqs.

>>> provider = OqsProvider()
>>> provider.name
'oqs'
"""

from __future__ import annotations

import threading
from types import ModuleType

from .. import algorithms
from ..algorithms import Algorithm, Family
from ..algorithms._catalog_oqs import ALL as _LIBOQS_ONLY
from ..algorithms._catalog_oqs import VARIABLE_LENGTH
from ..errors import AgileError, Reason, UnsupportedAlgorithm
from ._oqs_loader import load_oqs
from ._oqs_schemes import OqsKEM, OqsPrivateKey, OqsPublicKey, OqsSignature

_ONLY_HERE = frozenset(a.name for a in _LIBOQS_ONLY)


def mechanism(alg: Algorithm) -> str:
    """The liboqs name of ``alg`` (``params["oqs"]``, else its canonical name)."""
    return str(alg.params.get("oqs", alg.name))


class OqsProvider:
    """Provider ``oqs`` (see the module docstring)."""

    name = "oqs"

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._probed = False
        self._oqs: ModuleType | None = None
        self._reason: str | None = None
        self._names: frozenset[str] = frozenset()
        self._schemes: dict[str, object] = {}

    def __repr__(self) -> str:
        return "<OqsProvider>"

    def _probe(self) -> None:
        with self._lock:
            if self._probed:
                return
            self._oqs, self._reason = load_oqs()
            if self._oqs is not None:
                kems = set(self._oqs.get_enabled_kem_mechanisms())
                sigs = set(self._oqs.get_enabled_sig_mechanisms())
                self._names = frozenset(
                    a.name for a in algorithms.all_algorithms()
                    if (a.family is Family.KEM and mechanism(a) in kems)
                    or (a.family is Family.SIGNATURE and mechanism(a) in sigs))
            self._probed = True

    @property
    def liboqs_version(self) -> str | None:
        """The loaded liboqs version, or None when liboqs is unavailable."""
        self._probe()
        return None if self._oqs is None else str(self._oqs.oqs_version())

    def algorithms(self) -> frozenset[str]:
        if not self._probed:
            self._probe()
        return self._names

    def unavailable_reason(self, algorithm: str) -> str | None:
        """Why ``algorithm`` does not run here (None if it does, or liboqs never offers it)."""
        self._probe()
        if algorithm in self._names or algorithm not in _ONLY_HERE:
            return None
        if self._reason is not None:
            return f"provider oqs: {self._reason}"
        return (f"provider oqs: liboqs {self.liboqs_version} was built without "
                f"{mechanism(algorithms.get(algorithm))}; rebuild it with that algorithm enabled")

    def identify(self, native_key: object) -> str | None:
        if isinstance(native_key, OqsPrivateKey | OqsPublicKey):
            return native_key.algorithm
        return None

    def scheme(self, algorithm: str) -> object:
        found = self._schemes.get(algorithm)
        if found is not None:
            return found
        if algorithm not in self.algorithms():
            why = self.unavailable_reason(algorithm) or "liboqs does not implement it"
            raise UnsupportedAlgorithm(f"oqs cannot run {algorithm}: {why}", Reason.NO_PROVIDER)
        alg = algorithms.get(algorithm)
        built: object
        try:
            if alg.family is Family.KEM:
                built = OqsKEM(self._oqs, alg.name, mechanism(alg))
            else:
                built = OqsSignature(self._oqs, alg.name, mechanism(alg),
                                     fixed_length=alg.name not in VARIABLE_LENGTH)
        except AgileError:
            raise
        except Exception as exc:  # a liboqs-python error constructing the mechanism
            raise UnsupportedAlgorithm(f"oqs cannot run {algorithm}: {exc}",
                                       Reason.NO_PROVIDER) from exc
        self._schemes[algorithm] = built
        return built
