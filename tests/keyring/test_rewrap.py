"""Rewrap: envelopes and files re-encrypted under the primary key; all-or-nothing per file."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

import agile
from agile.cli import cli
from agile.errors import InvalidArgument, KeyDestroyed, MalformedEnvelope, PolicyViolation
from agile.keyring import RewrapOutcome, RewrapResult, rewrap_files
from agile.keyring import _rewrap as rewrap_module

HPKE_CLASSICAL = """
[policies.mail]
hpke = "HPKE-X25519-SHA256-A128GCM"
keyring = "main"
"""
HPKE_HYBRID_KEEP = """
[policies.mail]
hpke = "HPKE-MLKEM768X25519-SHA256-A256GCM"
accept.hpke = ["HPKE-X25519-SHA256-A128GCM"]
keyring = "main"
"""
HPKE_HYBRID_ONLY = """
[policies.mail]
hpke = "HPKE-MLKEM768X25519-SHA256-A256GCM"
keyring = "main"
"""


def _kid(sealed: bytes) -> bytes | None:
    return agile.envelope.parse(sealed, agile.envelope.TAG_ENCRYPT0).kid


@pytest.fixture
def ctx(keyring_context: agile.Context) -> agile.Context:
    return keyring_context


# -- one envelope -------------------------------------------------------------------------------
def test_rewrap_seal_envelope_to_the_new_primary(ctx: agile.Context) -> None:
    ring = ctx.keyring("archive")
    first = ring.rotate()
    old = ctx.seal(b"payload", policy="archive", aad=b"hdr")
    assert ctx.rewrap(old, policy="archive", aad=b"hdr") is old  # already current
    second = ring.rotate()
    new = ctx.rewrap(old, policy="archive", aad=b"hdr")
    assert _kid(old) == first.kid and _kid(new) == second.kid
    assert ctx.open(new, policy="archive", aad=b"hdr") == b"payload"
    assert ctx.rewrap(new, policy="archive", aad=b"hdr") is new
    assert ctx.rewrap(bytearray(new), policy="archive", aad=b"hdr") == new
    with pytest.raises(agile.errors.DecryptionFailed):
        ctx.rewrap(old, policy="archive", aad=b"other")
    ring.retire(first.kid)
    ring.destroy(first.kid)
    with pytest.raises(KeyDestroyed):
        ctx.rewrap(old, policy="archive", aad=b"hdr")


def test_rewrap_refuses_what_it_cannot_or_must_not_rewrap(ctx: agile.Context) -> None:
    ctx.keyring("archive").rotate()
    ctx.keyring("archive").rotate(family="signature")
    with pytest.raises(MalformedEnvelope):  # signatures are not rewrapped
        ctx.rewrap(ctx.sign(data=b"x", policy="archive"), policy="archive")
    with pytest.raises(MalformedEnvelope):
        ctx.rewrap(b"not an envelope", policy="archive")
    with pytest.raises(InvalidArgument):
        ctx.rewrap("text", policy="archive")  # type: ignore[arg-type]
    foreign = agile.SecretKey.generate("ChaCha20-Poly1305")
    other = agile.Context(agile.load_config(text='[policies.x]\naead = "ChaCha20-Poly1305"'))
    with pytest.raises(PolicyViolation):  # not on the accept-list: refused before any key
        ctx.rewrap(other.seal(b"x", foreign, policy="x"), policy="archive")


def test_rewrap_hpke_through_a_classical_to_hybrid_flip(
        keyring_config: Callable[..., Path], tmp_path: Path) -> None:
    def context(toml: str) -> agile.Context:
        path = tmp_path / f"{abs(hash(toml))}.toml"
        path.write_text(keyring_config().read_text() + toml, encoding="utf-8")
        return agile.Context(agile.load_config(path))

    classical, keep, hybrid = (context(HPKE_CLASSICAL), context(HPKE_HYBRID_KEEP),
                               context(HPKE_HYBRID_ONLY))
    classical.keyring("mail").rotate(family="hpke")
    old = classical.encrypt(data=b"letter", policy="mail")
    keep.keyring("mail").rotate(family="hpke")  # phase: hybrid key, old one still readable
    new = keep.rewrap(old, policy="mail")
    assert _kid(new) != _kid(old)
    assert hybrid.decrypt(encrypted=new, policy="mail") == b"letter"
    with pytest.raises(PolicyViolation):
        hybrid.decrypt(encrypted=old, policy="mail")
    assert keep.rewrap(new, policy="mail") is new


# -- files --------------------------------------------------------------------------------------
@pytest.fixture
def files(ctx: agile.Context, tmp_path: Path) -> dict[str, Path]:
    """old: under key 1; gone: under a destroyed key; current: under the primary; junk; missing."""
    ring = ctx.keyring("archive")
    doomed = ring.rotate()
    folder = tmp_path / "data"
    folder.mkdir()
    out = {"gone": folder / "gone.sealed"}
    out["gone"].write_bytes(ctx.seal(b"gone", policy="archive"))
    ring.rotate()
    ring.retire(doomed.kid)
    ring.destroy(doomed.kid)
    out["old"] = folder / "old.sealed"
    out["old"].write_bytes(ctx.seal(b"old data", policy="archive"))
    out["old"].chmod(0o640)
    ring.rotate()
    out["current"] = folder / "current.sealed"
    out["current"].write_bytes(ctx.seal(b"current data", policy="archive"))
    out["junk"] = folder / "junk.txt"
    out["junk"].write_bytes(b"plain text, not an envelope")
    out["missing"] = folder / "missing.sealed"
    out["dir"] = folder / "subdir"
    out["dir"].mkdir()
    return out


ORDER = ["old", "current", "gone", "junk", "missing", "dir"]


def _snapshot(files: dict[str, Path]) -> dict[str, tuple[bytes, int] | None]:
    return {n: (p.read_bytes(), p.stat().st_ino) if p.is_file() else None
            for n, p in files.items()}


def test_rewrap_files_dry_run_writes_nothing(ctx: agile.Context, files: dict[str, Path]) -> None:
    before = _snapshot(files)
    seen: list[tuple[int, int, str]] = []
    report = rewrap_files(ctx, [files[n] for n in ORDER], policy="archive", dry_run=True,
                          progress=lambda d, t, r: seen.append((d, t, r.outcome.value)))
    assert _snapshot(files) == before
    assert [r.outcome for r in report.results] == [
        RewrapOutcome.WOULD_REWRAP, RewrapOutcome.CURRENT, *[RewrapOutcome.FAILED] * 4]
    assert seen == [(i + 1, 6, r.outcome.value) for i, r in enumerate(report.results)]
    assert [r.path for r in report.rewrapped] == [str(files["old"])]


def test_rewrap_files_all_or_nothing(ctx: agile.Context, files: dict[str, Path]) -> None:
    before = _snapshot(files)
    report = rewrap_files(ctx, [files[n] for n in ORDER], policy="archive")
    results = dict(zip(ORDER, report.results, strict=True))
    assert results["old"].outcome is RewrapOutcome.REWRAPPED
    assert results["current"].outcome is RewrapOutcome.CURRENT
    assert {n for n, r in results.items() if r.outcome is RewrapOutcome.FAILED} == {
        "gone", "junk", "missing", "dir"}
    assert "KeyDestroyed" in str(results["gone"].error)
    assert "MalformedEnvelope" in str(results["junk"].error)
    assert "No such file" in str(results["missing"].error)
    assert results["dir"].error == "not a regular file"
    assert not report.ok
    after = _snapshot(files)
    for name in ("current", "gone", "junk"):  # untouched: same bytes, same inode
        assert after[name] == before[name], name
    primary = ctx.keyring("archive").primary()
    assert primary is not None
    new = files["old"].read_bytes()
    assert _kid(new) == primary.kid and results["old"].new_kid == primary.kid.hex()
    assert ctx.open(new, policy="archive") == b"old data"
    assert files["old"].stat().st_mode & 0o777 == 0o640
    assert not [p for p in files["old"].parent.iterdir() if p.name.endswith(".tmp")]
    again = rewrap_files(ctx, [files["old"], files["current"]], policy="archive")
    assert [r.outcome for r in again.results] == [RewrapOutcome.CURRENT] * 2


def test_a_failed_replace_leaves_the_file_and_the_run_continues(
        ctx: agile.Context, files: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    second = files["old"].with_name("second.sealed")
    second.write_bytes(files["old"].read_bytes())
    original = files["old"].read_bytes()
    real_replace = os.replace

    def failing(src: str, dst: str | os.PathLike[str]) -> None:
        if Path(dst).name == "old.sealed":
            raise OSError(28, "No space left on device", str(dst))
        real_replace(src, dst)

    monkeypatch.setattr(rewrap_module.os, "replace", failing)
    report = rewrap_files(ctx, [files["old"], second], policy="archive")
    assert [r.outcome for r in report.results] == [RewrapOutcome.FAILED,
                                                   RewrapOutcome.REWRAPPED]
    assert "No space left on device" in str(report.results[0].error)
    assert files["old"].read_bytes() == original
    assert not [p for p in second.parent.iterdir() if p.name.endswith(".tmp")]


def test_a_file_changed_during_the_rewrap_is_not_replaced(
        ctx: agile.Context, files: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    real = rewrap_module._reencrypt

    def meddle(*args: object, **kwargs: object) -> bytes | None:
        out = real(*args, **kwargs)  # type: ignore[arg-type]
        files["old"].write_bytes(b"someone else's write")
        return out

    monkeypatch.setattr(rewrap_module, "_reencrypt", meddle)
    report = rewrap_files(ctx, [files["old"]], policy="archive")
    assert report.results[0].error == "the file changed while it was being rewrapped"
    assert files["old"].read_bytes() == b"someone else's write"


# -- the command --------------------------------------------------------------------------------
def test_cli_rewrap_summary_and_exit_status(ctx: agile.Context, files: dict[str, Path],
                                            keyring_config: Callable[..., Path]) -> None:
    config = str(keyring_config())
    runner = CliRunner()
    dry = runner.invoke(cli, ["rewrap", "archive", str(files["old"]), str(files["current"]),
                              "--dry-run", "--config", config])
    assert dry.exit_code == 0, dry.output
    assert "would rewrap: 1, already current: 1, failed: 0 (dry run" in dry.output
    result = runner.invoke(cli, ["rewrap", "archive", *(str(files[n]) for n in ORDER),
                                 "--config", config, "--json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert (data["rewrapped"], data["current"], data["failed"]) == (1, 1, 4)
    assert "4 of 6 files could not be rewrapped" in result.stderr
    usage = runner.invoke(cli, ["rewrap", "archive"])
    assert usage.exit_code == 2


def test_cli_rewrap_subprocess(ctx: agile.Context, files: dict[str, Path],
                               keyring_config: Callable[..., Path]) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "agile.cli", "rewrap", "archive", str(files["old"]),
         str(files["current"]), str(files["junk"]), "--config", str(keyring_config())],
        capture_output=True, text=True, env=dict(os.environ), timeout=60)
    assert proc.returncode == 1
    assert f"[1/3] {files['old']}: rewrapped (AES-256-GCM" in proc.stderr
    assert f"[2/3] {files['current']}: current" in proc.stderr
    assert f"[3/3] {files['junk']}: failed: MalformedEnvelope" in proc.stderr
    assert proc.stdout.startswith("rewrapped: 1, already current: 1, failed: 1")
    assert ctx.open(files["old"].read_bytes(), policy="archive") == b"old data"


@pytest.mark.slow
def test_sigkilled_rewrap_never_leaves_a_half_written_file(
        ctx: agile.Context, keyring_config: Callable[..., Path], tmp_path: Path) -> None:
    ring = ctx.keyring("archive")
    ring.rotate()
    folder = tmp_path / "many"
    folder.mkdir()
    expected = {}
    for i in range(300):
        path = folder / f"{i:03}.sealed"
        expected[path] = f"record {i} ".encode() * 50
        path.write_bytes(ctx.seal(expected[path], policy="archive"))
    config = str(keyring_config())
    killed_mid_run = 0
    for after in (7, 120, 285):  # kill once this many files are reported done
        ring.rotate()
        proc = subprocess.Popen([sys.executable, "-m", "agile.cli", "rewrap", "archive",
                                 *map(str, expected), "--config", config],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        assert proc.stderr is not None
        for _ in range(after):
            proc.stderr.readline()
        proc.send_signal(signal.SIGKILL)
        killed_mid_run += proc.wait() == -signal.SIGKILL
        proc.stderr.close()
        for path, plaintext in expected.items():  # every file: the old or the new envelope
            assert ctx.open(path.read_bytes(), policy="archive") == plaintext
        for leftover in folder.glob("*.tmp"):  # a temp file never carries a file's name
            assert leftover.name.startswith(".") and leftover.name.endswith(".rewrap.tmp")
    final = rewrap_files(ctx, expected, policy="archive")
    assert final.ok and len(final.rewrapped) + len(final.current) == 300
    assert 0 < len(final.rewrapped) < 300  # the killed runs had done part of the work
    assert killed_mid_run == 3


def test_progress_result_type() -> None:
    res = RewrapResult("p", RewrapOutcome.FAILED, error="x")
    assert res.to_dict()["outcome"] == "failed" and str(RewrapOutcome.CURRENT) == "current"
