"""The liboqs provider: catalog vs the real library, pyca interop, input checks, policies.

Tests marked ``oqs`` need liboqs (OQS_INSTALL_PATH=/path/to/liboqs-install); the conformance
suite (test_conformance.py) and the Wycheproof files (test_wycheproof.py) cover the provider's
algorithms through the same parametrisation as pyca's. The tests without the mark run anywhere:
they check what happens when liboqs is absent.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from agile import algorithms, providers
from agile.algorithms import Family
from agile.algorithms._catalog_oqs import KEM_ROWS, SEEDED, SIGNATURE_ROWS, VARIABLE_LENGTH
from agile.errors import InvalidArgument, InvalidKey, InvalidSignature, UnsupportedAlgorithm
from agile.providers._oqs import mechanism

oqs_only = pytest.mark.oqs


def _oqs() -> Any:
    return providers.get("oqs")


def _pyca() -> Any:
    return providers.get("pyca")


# --- with liboqs ---------------------------------------------------------------------------------


@oqs_only
def test_catalog_rows_match_the_loaded_liboqs() -> None:
    import oqs

    enabled_kems = set(oqs.get_enabled_kem_mechanisms())
    enabled_sigs = set(oqs.get_enabled_sig_mechanisms())
    for name, category, pk, sk, ct, ss in KEM_ROWS:
        alg = algorithms.get(name)
        assert mechanism(alg) in enabled_kems, name
        with oqs.KeyEncapsulation(mechanism(alg)) as kem:
            d = kem.details
        assert (d["claimed_nist_level"], d["length_public_key"], d["length_secret_key"],
                d["length_ciphertext"], d["length_shared_secret"]) == (category, pk, sk, ct, ss), name
        assert alg.nist_category == category
        assert alg.private_key_size == (d["length_keypair_seed"] if name in SEEDED else sk + pk)
    for name, category, pk, sk, sig in SIGNATURE_ROWS:
        alg = algorithms.get(name)
        assert mechanism(alg) in enabled_sigs, name
        with oqs.Signature(mechanism(alg)) as signer:
            d = signer.details
        assert (d["claimed_nist_level"], d["length_public_key"], d["length_secret_key"],
                d["length_signature"]) == (category, pk, sk, sig), name
        assert (alg.signature_size or alg.params["max_signature_size"]) == sig


@oqs_only
def test_the_registry_entries_pyca_also_serves_agree_with_liboqs() -> None:
    import oqs

    for name in ("ML-KEM-768", "ML-KEM-1024"):
        alg = algorithms.get(name)
        with oqs.KeyEncapsulation(name) as kem:
            d = kem.details
        assert (d["length_public_key"], d["length_ciphertext"], d["length_shared_secret"],
                d["length_keypair_seed"]) == (alg.public_key_size, alg.ciphertext_size,
                                              alg.shared_secret_size, alg.private_key_size)
    for name in ("ML-DSA-44", "ML-DSA-65", "ML-DSA-87"):
        alg = algorithms.get(name)
        with oqs.Signature(name) as signer:
            d = signer.details
        assert (d["length_public_key"], d["length_signature"]) == (alg.public_key_size,
                                                                   alg.signature_size)


@oqs_only
def test_the_provider_serves_every_catalog_algorithm_and_the_shared_ones() -> None:
    served = _oqs().algorithms()
    expected = {row[0] for row in (*KEM_ROWS, *SIGNATURE_ROWS)}
    assert expected | {"ML-KEM-768", "ML-KEM-1024", "ML-DSA-44", "ML-DSA-65", "ML-DSA-87"} == served


@oqs_only
@pytest.mark.parametrize("name", ["ML-KEM-768", "ML-KEM-1024"])
def test_mlkem_across_providers_both_ways(name: str) -> None:
    oqs_kem, pyca_kem = _oqs().scheme(name), _pyca().scheme(name)
    for make, encap, decap in ((pyca_kem, oqs_kem, pyca_kem), (oqs_kem, pyca_kem, oqs_kem)):
        private = make.generate()
        raw_public = make.public_bytes(make.public_of(private))
        shared, ct = encap.encapsulate(encap.public_from_bytes(raw_public))
        assert decap.decapsulate(private, ct) == shared
        # the private key (the 64-byte seed) moves too, and gives the same public key
        seed = make.private_bytes(private)
        other = encap if make is decap else decap
        moved = other.private_from_bytes(seed)
        assert other.public_bytes(other.public_of(moved)) == raw_public
        assert other.decapsulate(moved, ct) == shared


@oqs_only
@pytest.mark.parametrize("name", ["ML-DSA-44", "ML-DSA-65", "ML-DSA-87"])
@pytest.mark.parametrize("context", [None, b"agile context"])
def test_mldsa_across_providers_both_ways(name: str, context: bytes | None) -> None:
    oqs_sig, pyca_sig = _oqs().scheme(name), _pyca().scheme(name)
    for signer, verifier in ((pyca_sig, oqs_sig), (oqs_sig, pyca_sig)):
        private = signer.generate()
        public = verifier.public_from_bytes(signer.public_bytes(signer.public_of(private)))
        sig = signer.sign(private, b"message", context)
        verifier.verify(public, sig, b"message", context)
        with pytest.raises(InvalidSignature):
            verifier.verify(public, sig, b"message", b"another context")
        with pytest.raises(InvalidSignature):
            verifier.verify(public, sig, b"messagf", context)


@oqs_only
def test_mldsa_seed_private_keys_do_not_move_to_liboqs() -> None:
    pyca_sig, oqs_sig = _pyca().scheme("ML-DSA-65"), _oqs().scheme("ML-DSA-65")
    seed = pyca_sig.private_bytes(pyca_sig.generate())
    with pytest.raises(InvalidKey, match="provider 'pyca'"):
        oqs_sig.private_from_bytes(seed)
    expanded = oqs_sig.private_bytes(oqs_sig.generate())
    assert len(expanded) == 4032 + 1952  # liboqs secret key || public key
    with pytest.raises(InvalidKey):
        pyca_sig.private_from_bytes(expanded)


@oqs_only
@pytest.mark.parametrize("name", ["ML-DSA-65", "Falcon-512", "MAYO-1", "SLH-DSA-SHA2-128f"])
def test_signature_lengths_are_checked_before_liboqs(name: str) -> None:
    scheme = _oqs().scheme(name)
    private = scheme.generate()
    raw = scheme.private_bytes(private)
    for bad in (raw[:-1], raw + b"\0", raw[:32]):
        with pytest.raises(InvalidKey):
            scheme.private_from_bytes(bad)  # liboqs-python would zero-pad a short secret key
    public = scheme.public_of(private)
    sig = scheme.sign(private, b"m", None)
    for bad_sig in (sig + b"\0", b"", sig[:1]):
        with pytest.raises(InvalidSignature):
            scheme.verify(public, bad_sig, b"m", None)
    with pytest.raises(InvalidKey):
        scheme.sign(_pyca().scheme("ML-DSA-65").generate(), b"m", None)
    with pytest.raises(InvalidKey):
        scheme.verify(_oqs().scheme("ML-DSA-44").public_of(_oqs().scheme("ML-DSA-44").generate()),
                      sig, b"m", None)
    if name in VARIABLE_LENGTH:
        assert len(sig) <= algorithms.get(name).params["max_signature_size"]  # type: ignore[operator]


@oqs_only
@pytest.mark.parametrize("name", ["ML-KEM-512", "HQC-1", "BIKE-L1", "FrodoKEM-640-SHAKE"])
def test_kem_lengths_are_checked_before_liboqs(name: str) -> None:
    scheme = _oqs().scheme(name)
    private = scheme.generate()
    public = scheme.public_of(private)
    raw_public = scheme.public_bytes(public)
    for bad in (raw_public[:-1], raw_public + b"\0"):
        with pytest.raises(InvalidKey):
            scheme.public_from_bytes(bad)
    _, ct = scheme.encapsulate(public)
    for bad_ct in (ct[:-1], ct + b"\0", b""):
        with pytest.raises(InvalidArgument):
            scheme.decapsulate(private, bad_ct)
    with pytest.raises(InvalidKey):
        scheme.private_from_bytes(scheme.private_bytes(private)[:-1])
    with pytest.raises(InvalidKey):
        scheme.encapsulate(object())


POLICY = """
[policies.fast]
signature = "ML-DSA-65"
kem = "ML-KEM-768"
providers = ["oqs", "pyca"]

[policies.hash-based]
signature = "SLH-DSA-SHAKE-128f"
kem = "HQC-1"
"""


@oqs_only
def test_policies_choose_oqs_when_preferred_and_for_oqs_only_algorithms(make_context: Any) -> None:
    ctx = make_context(POLICY)
    key = ctx.generate_keypair(policy="fast", family="signature")
    assert key.provider == "oqs"
    signed = ctx.sign(key, b"payload", policy="fast")
    assert ctx.verify(key.public_key(), signed, policy="fast") == b"payload"
    slh = ctx.generate_keypair(policy="hash-based", family="signature")
    assert slh.provider == "oqs"
    sig = ctx.raw.sign(slh, b"p", policy="hash-based", context=b"ctx")
    ctx.raw.verify(slh.public_key(), sig, b"p", policy="hash-based", context=b"ctx")
    with pytest.raises(InvalidSignature):
        ctx.raw.verify(slh.public_key(), sig, b"p", policy="hash-based")
    with pytest.raises(UnsupportedAlgorithm, match=r"agile\.raw\.sign"):
        ctx.sign(slh, b"p", policy="hash-based")  # no COSE identifier is assigned yet
    kem_key = ctx.generate_keypair(policy="hash-based", family="kem")
    shared, ct = ctx.encapsulate(kem_key.public_key(), policy="hash-based")
    assert ctx.decapsulate(kem_key, ct, policy="hash-based") == shared
    # automatic choice without a preference: pyca first where both serve
    assert providers.for_algorithm("ML-DSA-65").name == "pyca"
    assert providers.for_algorithm("HQC-1").name == "oqs"


@oqs_only
def test_cli_lists_oqs_as_a_provider(tmp_path: Path) -> None:
    out = _run_cli(["algorithms", "--family", "kem"], dict(os.environ), tmp_path)
    assert out.returncode == 0, out.stderr
    rows = {line.split()[0]: line for line in out.stdout.splitlines() if line.strip()}
    assert "pyca,oqs" in rows["ML-KEM-768"]
    assert "oqs" in rows["HQC-1"] and "unavailable" not in rows["HQC-1"]
    assert "faulthandler" not in out.stdout  # liboqs-python's import-time log line is muted


# --- without liboqs (these run everywhere) ---------------------------------------------------------


def _agile_executable() -> str:
    return str(Path(sys.executable).with_name("agile"))


def _no_liboqs_env(tmp_path: Path) -> dict[str, str]:
    """No liboqs anywhere liboqs-python looks, and a ``git`` that records being run and fails."""
    bin_dir = tmp_path / "fake-bin"
    bin_dir.mkdir(exist_ok=True)
    git = bin_dir / "git"
    git.write_text(f"#!/bin/sh\necho \"$@\" >> {tmp_path / 'git-was-run'}\n"
                   "echo 'fake git: network access attempted' >&2\nexit 97\n")
    git.chmod(0o755)
    env = {k: v for k, v in os.environ.items()
           if k not in {"OQS_INSTALL_PATH", "LD_LIBRARY_PATH", "PYOQS_VERSION"}}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    env["HOME"] = str(tmp_path / "home")  # liboqs-python's default install dir is ~/_oqs
    env["OQS_INSTALL_PATH"] = str(tmp_path / "no-liboqs-here")
    return env


def _run_cli(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([_agile_executable(), *args], env=env, cwd=cwd, capture_output=True,
                          text=True, timeout=60, check=False)


def _liboqs_found_anyway(env: dict[str, str]) -> bool:
    probe = "from agile.providers._oqs_loader import find_liboqs; print(find_liboqs() or '')"
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True,
                         timeout=60, check=True)
    return bool(out.stdout.strip())


@pytest.mark.skipif(importlib.util.find_spec("oqs") is None,
                    reason="liboqs-python is not installed: pip install -e '.[dev]' installs it")
def test_import_and_listing_never_start_the_liboqs_download(tmp_path: Path) -> None:
    env = _no_liboqs_env(tmp_path)
    if _liboqs_found_anyway(env):
        pytest.skip("a system-wide liboqs is on the library path, so the download fallback "
                    "cannot be provoked here")
    script = textwrap.dedent("""
        import agile
        from agile import providers
        oqs = providers.get("oqs")
        assert oqs.algorithms() == frozenset()
        print(oqs.unavailable_reason("Falcon-512"))
    """)
    started = time.monotonic()
    out = subprocess.run([sys.executable, "-c", script], env=env, cwd=tmp_path, capture_output=True,
                         text=True, timeout=60, check=False)
    listing = _run_cli(["algorithms", "--family", "signature"], env, tmp_path)
    elapsed = time.monotonic() - started
    assert out.returncode == 0, out.stderr
    assert "OQS_INSTALL_PATH" in out.stdout
    assert listing.returncode == 0, listing.stderr
    row = next(line for line in listing.stdout.splitlines() if line.startswith("Falcon-512 "))
    assert "unavailable" in row
    assert "liboqs shared library not found" in listing.stdout
    assert not (tmp_path / "git-was-run").exists()
    assert elapsed < 30  # liboqs-python's fallback alone waits 5 s per import, then clones

    # The trap works: importing liboqs-python directly in the same environment runs git.
    direct = subprocess.run([sys.executable, "-c", "import oqs"], env=env, cwd=tmp_path,
                            capture_output=True, text=True, timeout=120, check=False)
    assert direct.returncode != 0
    assert "clone" in (tmp_path / "git-was-run").read_text()


def test_a_policy_naming_an_oqs_only_algorithm_fails_at_load_without_liboqs(tmp_path: Path) -> None:
    env = _no_liboqs_env(tmp_path)
    if _liboqs_found_anyway(env):
        pytest.skip("a system-wide liboqs is on the library path")
    (tmp_path / "agile.toml").write_text('[policies.pilot]\nkem = "HQC-1"\n', encoding="utf-8")
    out = _run_cli(["policy", "validate", "agile.toml"], env, tmp_path)
    assert out.returncode != 0
    assert "HQC-1" in out.stderr
    assert "OQS_INSTALL_PATH" in out.stderr
    assert "Traceback" not in out.stderr
    assert not (tmp_path / "git-was-run").exists()


def test_oqs_only_descriptors_exist_without_liboqs() -> None:
    names = [row[0] for row in (*KEM_ROWS, *SIGNATURE_ROWS)]
    # liboqs' 41 KEMs less ML-KEM-768/1024 (main catalog); 62 signature parameter sets
    assert len(names) == len(set(names)) == 39 + 62
    for name in names:
        alg = algorithms.get(name)
        assert alg.family in (Family.KEM, Family.SIGNATURE)
        assert alg.nist_category in (1, 2, 3, 5)
        assert alg.public_key_size and alg.private_key_size
    assert algorithms.by_oid("2.16.840.1.101.3.4.3.20")[0].name == "SLH-DSA-SHA2-128s"
    assert algorithms.by_oid("2.16.840.1.101.3.4.4.1")[0].name == "ML-KEM-512"
    assert algorithms.get("SLH_DSA_PURE_SHAKE_256F").name == "SLH-DSA-SHAKE-256f"


@oqs_only
def test_a_pyca_mldsa_key_under_a_policy_preferring_oqs_fails_clearly(make_context: Any) -> None:
    from agile.keys import PrivateKey

    ctx = make_context(POLICY)
    pyca_key = PrivateKey.generate("ML-DSA-65", provider="pyca")
    with pytest.raises(InvalidKey, match="provider 'pyca'"):
        ctx.sign(pyca_key, b"payload", policy="fast")
    # its public key moves: a signature from an oqs key verifies with pyca and vice versa
    oqs_key = ctx.generate_keypair(policy="fast", family="signature")
    signed = ctx.sign(oqs_key, b"payload", policy="fast")
    public = PrivateKey.generate("ML-DSA-65", provider="pyca").public_key()
    with pytest.raises(InvalidSignature):
        ctx.verify(public, signed, policy="fast")
    moved = type(public).from_bytes(oqs_key.public_key().public_bytes(), "ML-DSA-65",
                                    provider="pyca")
    assert ctx.verify(moved, signed, policy="fast") == b"payload"


@pytest.mark.oqs
def test_policy_preference_for_oqs_holds_in_a_fresh_process() -> None:
    # pyca is built in and also offers ML-KEM-768: the preferred oqs plug-in must be loaded
    # before pyca is chosen (regression: a fresh process used to pick pyca).
    code = """
import agile
from agile import audit
cfg = agile.load_config(text='[policies.p]\\nkem = "ML-KEM-768"\\nproviders = ["oqs", "pyca"]\\n')
ctx = agile.Context(cfg)
seen = []
audit.subscribe(seen.append)
key = ctx.generate_keypair(policy="p", family="kem")
ctx.encapsulate(key.public_key(), policy="p")
print(",".join(e.provider for e in seen))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, check=True)
    assert out.stdout.strip() == "oqs"
