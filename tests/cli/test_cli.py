"""The ``agile`` command line: CliRunner over real TOML files, plus real subprocesses.

The autouse ``_isolated_config`` fixture (tests/conftest.py) runs every test in its own
``tmp_path`` with ``AGILE_CONFIG`` unset, so discovery sees only the files a test writes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from importlib import metadata
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import agile
from agile import cli as cli_module
from agile.cli import EXIT_ERROR, EXIT_USAGE, cli
from agile.errors import ProviderError

ARCHIVE_TOML = """
    default_policy = "default"

    [zones.restricted]
    require = "post-quantum"
    min_category = 3
    description = "customer data"

    [policies.default]
    aead = "AES-256-GCM"
    signature = "ML-DSA-65"

    [policies.archive]
    description = "Signed records kept for 30 years"
    zone = "restricted"
    aead = "AES-256-GCM"
    signature = "ML-DSA-65"
    accept.aead = ["AES-128-GCM"]
    accept.signature = ["ECDSA-P256-SHA256"]
    providers = ["pyca"]
"""

CLASSICAL_TOML = """
    [policies.legacy]
    signature = "ECDSA-P256-SHA256"
    aead = "AES-128-GCM"

    [policies.rsa]
    signature = "RSA-PSS-SHA256"
"""


def write(path: Path, toml: str) -> Path:
    path.write_text(textwrap.dedent(toml), encoding="utf-8")
    return path


def run(*args: str, env: dict[str, str | None] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env)


def assert_clean_failure(result: Result, code: int = EXIT_ERROR) -> None:
    """Failed with ``code``, a message on stderr, and no traceback anywhere."""
    assert result.exit_code == code, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert result.stderr.strip()


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    return write(tmp_path / "agile.toml", ARCHIVE_TOML)


# -- help and version ---------------------------------------------------------------------------
@pytest.mark.parametrize("command", [
    [], ["algorithms"], ["policy"], ["policy", "validate"], ["policy", "show"], ["policy", "explain"],
])
def test_every_command_has_help_with_an_example_and_the_exit_codes(command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.output
    assert "agile " in result.output
    assert "Exit status" in result.output and "usage error" in result.output


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert result.output.startswith(f"agile {agile.__version__}")
    assert "cryptography" in result.output


def test_console_script_points_at_main() -> None:
    (entry,) = metadata.entry_points(group="console_scripts", name="agile")
    assert entry.load() is cli_module.main


# -- agile algorithms -----------------------------------------------------------------------------
def _row(output: str, name: str) -> list[str]:
    for line in output.splitlines():
        if line.split(" ", 1)[0] == name:
            return line.split()
    raise AssertionError(f"no row for {name} in:\n{output}")


def test_algorithms_table_lists_pq_and_hybrid_with_provider() -> None:
    result = run("algorithms")
    assert result.exit_code == 0
    header = result.output.splitlines()[0].split()
    assert header[:3] == ["NAME", "FAMILY", "CLASS"]
    kem = _row(result.output, "ML-KEM-768")
    assert kem[1:6] == ["kem", "post-quantum", "quantum-resistant", "3", "approved"]
    assert kem[8].split(",")[0] == "pyca"  # "pyca,oqs" where liboqs is installed too
    dsa = _row(result.output, "ML-DSA-65")
    assert dsa[1:3] == ["signature", "post-quantum"] and dsa[8].split(",")[0] == "pyca"
    hybrid = _row(result.output, "MLKEM768-X25519")
    assert hybrid[1:3] == ["kem", "hybrid"] and "pyca" in hybrid
    assert " ".join(hybrid).endswith("ML-KEM-768 + X25519")
    ecdsa = _row(result.output, "ECDSA-P256-SHA256")
    assert "quantum-vulnerable" in ecdsa and "2035-12-31" in ecdsa


def test_algorithms_hides_legacy_unless_all() -> None:
    default = run("algorithms")
    assert "MD5" not in default.output.split()
    assert "legacy algorithms (kept only to read old data) hidden; --all" in default.output
    everything = run("algorithms", "--all")
    assert _row(everything.output, "MD5")[5] == "disallowed"  # legacy, and past 2010-12-31
    cbc = _row(everything.output, "AES-256-CBC")
    assert cbc[5] == "legacy" and "unavailable" in cbc
    assert "legacy unauthenticated cipher" in everything.output


def test_algorithms_json_parses_and_carries_every_fact() -> None:
    result = run("algorithms", "--json", "--all")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["providers"][0] == "pyca"
    by_name = {a["name"]: a for a in data["algorithms"]}
    assert len(by_name) == len(agile.algorithms.all_algorithms())
    xwing = by_name["MLKEM768-X25519"]
    assert xwing["quantum_class"] == "hybrid"
    assert xwing["components"] == ["ML-KEM-768", "X25519"]
    assert xwing["providers"] == ["pyca"] and xwing["available"] is True
    assert by_name["ML-DSA-65"]["nist_category"] == 3
    rsa = by_name["RSA-PSS-SHA256"]
    assert (rsa["deprecated_after"], rsa["disallowed_after"]) == ("2030-12-31", "2035-12-31")
    ecb = by_name["AES-ECB"]
    assert ecb["available"] is False and ecb["providers"] == []
    assert "agile never runs it" in ecb["unavailable_reason"]


@pytest.mark.parametrize("spelling", ["kem", "KEM"])
def test_algorithms_family_filter(spelling: str) -> None:
    result = run("algorithms", "--family", spelling, "--json")
    names = {a["name"] for a in json.loads(result.stdout)["algorithms"]}
    assert names == {a.name for a in agile.algorithms.in_family("kem") if not a.legacy}  # --all adds legacy
    assert {"ML-KEM-768", "ML-KEM-1024", "MLKEM768-X25519", "MLKEM1024-P384"} <= names
    table = run("algorithms", "--family", spelling).output
    assert "ML-DSA-65" not in table and "MLKEM768-X25519" in table


def test_algorithms_at_a_future_date() -> None:
    data = json.loads(run("algorithms", "--family", "signature", "--json",
                          "--at", "2036-01-01").stdout)
    status = {a["name"]: a["status"] for a in data["algorithms"]}
    assert data["date"] == "2036-01-01"
    assert status["ECDSA-P256-SHA256"] == "disallowed"
    assert status["ML-DSA-65"] == "approved"
    assert _row(run("algorithms", "--at", "2031-01-01").output, "RSA-PSS-SHA256")[5] == "deprecated"


def test_algorithms_unknown_family_is_a_usage_error() -> None:
    assert_clean_failure(run("algorithms", "--family", "quantum"), EXIT_USAGE)


# -- agile policy validate ------------------------------------------------------------------------
def test_validate_discovers_agile_toml(archive: Path) -> None:
    result = run("policy", "validate")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("OK: 2 policies (default, archive)")
    assert f"{archive} (the nearest agile.toml)" in result.output
    assert "default_policy: default" in result.output


def test_validate_explicit_path(tmp_path: Path) -> None:
    path = write(tmp_path / "deploy.toml", CLASSICAL_TOML)
    result = run("policy", "validate", str(path))
    assert result.exit_code == 0
    assert "OK: 2 policies (legacy, rsa)" in result.output
    assert "given on the command line" in result.output


def test_validate_without_config_uses_builtin_defaults() -> None:
    result = run("policy", "validate")
    assert result.exit_code == 0
    assert "OK: 1 policy (default)" in result.output
    assert "built-in defaults" in result.output


def test_validate_finds_pyproject_tool_agile_in_a_parent(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "pyproject.toml", """
        [project]
        name = "app"

        [tool.agile.policies.tokens]
        mac = "HMAC-SHA256"
    """)
    (tmp_path / "src").mkdir()
    monkeypatch.chdir(tmp_path / "src")
    result = run("policy", "validate")
    assert result.exit_code == 0, result.output
    assert "OK: 1 policy (tokens)" in result.output
    assert "[tool.agile] in the nearest pyproject.toml" in result.output


def test_validate_agile_config_environment_variable(tmp_path: Path) -> None:
    path = write(tmp_path / "elsewhere.toml", CLASSICAL_TOML)
    write(tmp_path / "agile.toml", ARCHIVE_TOML)  # AGILE_CONFIG wins over discovery
    result = run("policy", "validate", env={"AGILE_CONFIG": str(path)})
    assert result.exit_code == 0
    assert "(legacy, rsa)" in result.output and "named by $AGILE_CONFIG" in result.output


def test_validate_typo_suggests_the_fix(tmp_path: Path) -> None:
    path = write(tmp_path / "agile.toml", """
        [policies.transfer]
        kem = "ML-KEM768"
    """)
    result = run("policy", "validate", str(path))
    assert_clean_failure(result)
    assert result.stdout == ""
    assert "did you mean ML-KEM-768?" in result.stderr
    assert f"{path}:3:" in result.stderr
    assert "policies.transfer.kem" in result.stderr


def test_validate_at_2036_refuses_a_disallowed_algorithm(tmp_path: Path) -> None:
    path = write(tmp_path / "agile.toml", CLASSICAL_TOML)
    assert run("policy", "validate", str(path)).exit_code == 0
    result = run("policy", "validate", str(path), "--at", "2036-01-01")
    assert_clean_failure(result)
    assert "ECDSA-P256-SHA256 is disallowed after 2035-12-31" in result.stderr
    assert "choose a post-quantum or hybrid algorithm" in result.stderr


def test_validate_at_2036_refuses_a_disallowed_accepted_algorithm(archive: Path) -> None:
    result = run("policy", "validate", "--at", "2036-01-01")
    assert_clean_failure(result)
    assert "ECDSA-P256-SHA256 is disallowed" in result.stderr
    assert "policies.archive.accept" in result.stderr


def test_validate_at_2031_warns_about_deprecation_and_strict_fails(tmp_path: Path) -> None:
    path = write(tmp_path / "agile.toml", CLASSICAL_TOML)
    result = run("policy", "validate", str(path), "--at", "2031-01-01")
    assert result.exit_code == 0
    assert ("warning: policy 'rsa': RSA-PSS-SHA256 is deprecated after 2030-12-31"
            in result.stdout)
    strict = run("policy", "validate", str(path), "--at", "2031-01-01", "--strict")
    assert_clean_failure(strict)
    assert "1 warning and --strict is set" in strict.stderr
    assert run("policy", "validate", str(path), "--strict").exit_code == 0


@pytest.mark.parametrize(("content", "message"), [
    (None, "cannot read config"),
    ("[policies.archive\naead = 1\n", "invalid TOML"),
    ("[policies.a]\naead = \"ML-DSA-65\"\n", "ML-DSA-65 is a signature algorithm, not aead"),
    ("[policies.a]\nzone = \"dmz\"\n", "zone 'dmz' is not defined"),
    ("[policies.a]\naead = \"AES-256-GCM\"\nproviders = [\"liboqs-nope\"]\nrequire = \"pq\"\n",
     "require must be one of"),
    (b"\xff\xfe not utf-8", "not UTF-8"),
])
def test_validate_bad_input_is_a_message_not_a_traceback(tmp_path: Path, content: str | bytes | None,
                                                         message: str) -> None:
    path = tmp_path / "agile.toml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    result = run("policy", "validate", str(path))
    assert_clean_failure(result)
    assert result.stderr.startswith("error: ")
    assert message in result.stderr


def test_validate_a_directory_and_a_bad_agile_config(tmp_path: Path) -> None:
    assert "Is a directory" in run("policy", "validate", str(tmp_path)).stderr
    result = run("policy", "validate", env={"AGILE_CONFIG": str(tmp_path / "missing.toml")})
    assert_clean_failure(result)
    assert "AGILE_CONFIG names" in result.stderr


def test_validate_malformed_date_is_a_usage_error(archive: Path) -> None:
    result = run("policy", "validate", "--at", "2036-13-01")
    assert_clean_failure(result, EXIT_USAGE)
    assert "--at" in result.stderr


def test_every_agile_error_goes_through_one_exit_path(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise ProviderError("the HSM is on fire")

    monkeypatch.setattr(cli_module, "load_config", broken)
    for command in (["policy", "validate"], ["policy", "show"], ["policy", "explain", "x"]):
        result = run(*command)
        assert_clean_failure(result)
        assert result.stderr == "error: the HSM is on fire\n"


# -- agile policy show ----------------------------------------------------------------------------
def test_show_all_policies(archive: Path) -> None:
    result = run("policy", "show")
    assert result.exit_code == 0
    out = result.output
    assert "policy 'default' (default_policy" in out and "policy 'archive'" in out
    assert "zone          restricted (require post-quantum, min_category 3)" in out
    assert "providers     pyca (preferred)" in out
    assert f"source        {archive}" in out
    signature = next(line for line in out.splitlines()
                     if line.split()[:2] == ["signature", "ML-DSA-65"] and "ECDSA" in line)
    assert signature.split()[2:] == ["pyca", "ECDSA-P256-SHA256"]


def test_show_one_policy_as_json(archive: Path) -> None:
    result = run("policy", "show", "archive", "--config", str(archive), "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert list(data["policies"]) == ["archive"]
    pol = data["policies"]["archive"]
    assert pol["families"]["signature"] == {
        "current": "ML-DSA-65", "provider": "pyca",
        "accept": ["ECDSA-P256-SHA256", "ML-DSA-65"],
    }
    assert pol["families"]["aead"]["accept"] == ["AES-128-GCM", "AES-256-GCM"]
    assert pol["zone"]["name"] == "restricted" and pol["zone"]["min_category"] == 3
    assert pol["source"] == str(archive) and pol["providers"] == ["pyca"]
    assert data["default_policy"] == "default"


def test_show_unknown_policy_without_default_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path / "agile.toml", CLASSICAL_TOML)
    result = run("policy", "show", "legasy", "--config", str(path))
    assert_clean_failure(result)
    assert "policy 'legasy' is not defined (defined: legacy, rsa)" in result.stderr
    assert "did you mean 'legacy'?" in result.stderr


def test_show_unknown_policy_with_default_shows_the_fallback(archive: Path) -> None:
    result = run("policy", "show", "archve", "--json")
    assert result.exit_code == 0
    assert list(json.loads(result.stdout)["policies"]) == ["default"]
    assert "get default_policy 'default' (did you mean 'archive'?)" in result.stderr


# -- agile policy explain -------------------------------------------------------------------------
def test_explain_a_policy_in_flight(archive: Path) -> None:
    result = run("policy", "explain", "archive")
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())  # undo line wrapping
    assert f"Policy 'archive' from {archive}" in text
    assert "Signed records kept for 30 years" in text
    assert "New operations use ML-DSA-65; post-quantum; quantum-resistant; NIST category 3" in text
    assert ("ECDSA-P256-SHA256 is accepted for reading; classical; quantum-vulnerable" in text)
    assert "disallowed after 2035-12-31; from 2036-01-01 this configuration stops loading" in text
    assert "Zone 'restricted' (customer data): require post-quantum, min_category 3" in text
    assert ("after 2035-12-31: ECDSA-P256-SHA256 (accept.signature) becomes disallowed" in text)
    assert "Still readable although quantum-vulnerable: ECDSA-P256-SHA256" in text


def test_explain_builtin_default() -> None:
    result = run("policy", "explain", "default")
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    assert "from the built-in defaults" in text
    assert 'require = "quantum-safe"' in text
    assert "New operations use MLKEM768-X25519; hybrid" in text
    assert "combines ML-KEM-768 + X25519" in text
    assert "No quantum-vulnerable algorithm is used for new operations" in text
    assert "No algorithm in this policy reaches a deprecation or disallowance date" in text


def test_explain_classical_policy_timeline(tmp_path: Path) -> None:
    path = write(tmp_path / "agile.toml", CLASSICAL_TOML)
    text = " ".join(run("policy", "explain", "rsa", "--config", str(path)).stdout.split())
    assert "after 2030-12-31: RSA-PSS-SHA256 (signature for new operations) becomes deprecated" in text
    assert "after 2035-12-31: RSA-PSS-SHA256 (signature for new operations) becomes disallowed" in text
    assert "New operations still use quantum-vulnerable algorithms: RSA-PSS-SHA256" in text
    later = " ".join(run("policy", "explain", "rsa", "--config", str(path),
                         "--at", "2031-06-01").stdout.split())
    assert "DEPRECATED since 2031-01-01" in later
    assert "after 2030-12-31" not in later.split("Timeline")[1]


def test_explain_unknown_policy(tmp_path: Path) -> None:
    path = write(tmp_path / "agile.toml", CLASSICAL_TOML)
    result = run("policy", "explain", "nope", "--config", str(path))
    assert_clean_failure(result)
    assert "policy 'nope' is not defined" in result.stderr
    assert_clean_failure(run("policy", "explain"), EXIT_USAGE)  # NAME is required


# -- real processes -------------------------------------------------------------------------------
def agile_process(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "AGILE_CONFIG"}
    return subprocess.run([sys.executable, "-m", "agile.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_subprocess_end_to_end(tmp_path: Path) -> None:
    write(tmp_path / "agile.toml", ARCHIVE_TOML)
    ok = agile_process("policy", "validate", cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("OK: 2 policies") and ok.stderr == ""

    future = agile_process("policy", "validate", "--at", "2036-01-01", cwd=tmp_path)
    assert future.returncode == EXIT_ERROR
    assert future.stdout == ""
    assert future.stderr.startswith("error: ") and "Traceback" not in future.stderr
    assert "ECDSA-P256-SHA256 is disallowed" in future.stderr

    typo = write(tmp_path / "typo.toml", '[policies.x]\nkem = "ML-KEM768"\n')
    bad = agile_process("policy", "validate", str(typo), cwd=tmp_path)
    assert bad.returncode == EXIT_ERROR and "did you mean ML-KEM-768?" in bad.stderr
    assert "\x1b[" not in bad.stderr  # no colour codes when stderr is not a terminal

    listing = agile_process("algorithms", "--json", cwd=tmp_path)
    assert listing.returncode == 0
    names = {a["name"]: a for a in json.loads(listing.stdout)["algorithms"]}
    assert names["ML-KEM-768"]["providers"][0] == "pyca"  # then "oqs" where liboqs is present

    usage = agile_process("policy", "frobnicate", cwd=tmp_path)
    assert usage.returncode == EXIT_USAGE and "Usage: agile policy" in usage.stderr
