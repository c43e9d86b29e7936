"""``agile qkd simulate`` as a real subprocess, driven by curl (an independent client) and by
``agile qkd status``; CliRunner for the error paths."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from agile.cli import cli

from .conftest import Sim, site_toml

Running = tuple[Path, dict[str, str], "subprocess.Popen[str]"]


@pytest.fixture(scope="module")
def simulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """``agile qkd simulate`` in a child process: (pki dir, {KME id: url})."""
    pki = tmp_path_factory.mktemp("sim") / "pki"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "agile.cli", "qkd", "simulate", "--pki",
                             str(pki), "--duration", "120"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, stdin=subprocess.PIPE, text=True, env=env)
    urls: dict[str, str] = {}
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.strip() == "ready":
            break
        kme, url, *_ = line.split()
        urls[kme] = url
    else:  # pragma: no cover - the simulator died
        pytest.fail(f"simulator did not start: {proc.stderr.read() if proc.stderr else ''}")
    yield pki, urls, proc
    proc.terminate()
    out, _ = proc.communicate(timeout=10)
    assert proc.returncode == 0 and "stopped" in out


def _curl(curl: str, pki: Path, sae: str, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([curl, "-sS", "--cacert", str(pki / "ca.pem"), "--cert",
                           str(pki / f"{sae}.pem"), "--key", str(pki / f"{sae}.key"),
                           "-w", "\n%{http_code}", *args, url], capture_output=True, text=True,
                          timeout=20)


def _json(result: subprocess.CompletedProcess[str]) -> tuple[int, object]:
    body, _, code = result.stdout.rpartition("\n")
    return int(code), json.loads(body) if body else None


def test_curl_status_enc_keys_dec_keys(simulator: Running, curl: str) -> None:
    pki, urls, _ = simulator
    a, b = urls["KME-A"], urls["KME-B"]
    code, status = _json(_curl(curl, pki, "SAE-A", f"{a}/api/v1/keys/SAE-B/status"))
    assert code == 200 and isinstance(status, dict) and status["target_KME_ID"] == "KME-B"
    code, got = _json(_curl(curl, pki, "SAE-A", f"{a}/api/v1/keys/SAE-B/enc_keys", "-H",
                            "Content-Type: application/json", "-d",
                            '{"number": 2, "size": 128}'))
    assert code == 200 and isinstance(got, dict) and len(got["keys"]) == 2
    first, second = got["keys"]
    code, one = _json(_curl(curl, pki, "SAE-B", f"{b}/api/v1/keys/SAE-A/dec_keys?key_ID="
                            f"{first['key_ID']}"))
    assert code == 200 and one == {"keys": [first]}
    code, two = _json(_curl(curl, pki, "SAE-B", f"{b}/api/v1/keys/SAE-A/dec_keys", "-H",
                            "Content-Type: application/json", "-d",
                            json.dumps({"key_IDs": [{"key_ID": second["key_ID"]}]})))
    assert code == 200 and two == {"keys": [second]}
    code, error = _json(_curl(curl, pki, "SAE-A", f"{a}/api/v1/keys/SAE-B/enc_keys?number=1&size=100"))
    assert code == 400 and isinstance(error, dict) and "size_not_multiple_of_8" in str(error)
    # SAE-A's certificate at KME-B: 401, no body
    assert _json(_curl(curl, pki, "SAE-A", f"{b}/api/v1/keys/SAE-A/dec_keys?key_ID={first['key_ID']}")
                 ) == (401, None)
    no_cert = subprocess.run([curl, "-sS", "--cacert", str(pki / "ca.pem"),
                              f"{a}/api/v1/keys/SAE-B/status"], capture_output=True, text=True,
                             timeout=20)
    assert no_cert.returncode != 0  # the TLS handshake demands a client certificate


def test_status_command_against_the_subprocess(simulator: Running,
                                               tmp_path: Path) -> None:
    pki, urls, _ = simulator
    config = tmp_path / "agile.toml"
    config.write_text(f"""
[qkd.links.dc]
kme_url = "{urls['KME-A']}"
kme_id = "KME-A"
sae_id = "SAE-A"
peer_sae_id = "SAE-B"
cert = "{pki / 'SAE-A.pem'}"
key = "{pki / 'SAE-A.key'}"
ca = "{pki / 'ca.pem'}"
""")
    done = subprocess.run([sys.executable, "-m", "agile.cli", "qkd", "status", "--config",
                           str(config), "--json"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)["dc"]
    assert report["available"] and report["status"]["source_KME_ID"] == "KME-A"
    assert report["health"] == "ok"


def test_status_command_reports_an_unavailable_link(sim: Sim, tmp_path: Path) -> None:
    config = tmp_path / "a.toml"
    config.write_text(site_toml(sim, site="A"))
    ok = CliRunner().invoke(cli, ["qkd", "status", "--config", str(config)])
    assert ok.exit_code == 0, ok.output
    assert "pool: ok (1000 of 1000 keys" in ok.output and "stored_key_count" in ok.output
    sim.link.set_down()
    down = CliRunner().invoke(cli, ["qkd", "status", "--config", str(config)])
    assert down.exit_code == 1 and "unavailable:" in down.output and "QKD link is down" in down.output
    missing = CliRunner().invoke(cli, ["qkd", "status", "--config", str(config), "--link", "x"])
    assert missing.exit_code == 1 and "no [qkd.links.x]" in missing.output


def test_simulate_rejects_bad_arguments(tmp_path: Path) -> None:
    bad = CliRunner().invoke(cli, ["qkd", "simulate", "--pki", str(tmp_path), "--kme", "KME-A"])
    assert bad.exit_code == 1 and "KME_ID=SAE_ID" in bad.output
    one = CliRunner().invoke(cli, ["qkd", "simulate", "--pki", str(tmp_path), "--kme",
                                   "KME-A=SAE-A"])
    assert one.exit_code == 1 and "at least two --kme" in one.output
    assert "ETSI GS QKD 014" in CliRunner().invoke(cli, ["qkd", "--help"]).output


def _command(proc: subprocess.Popen[str], line: str) -> str:
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(line + "\n")
    proc.stdin.flush()
    return proc.stdout.readline().strip()


def test_faults_injected_on_stdin(simulator: Running,
                                  curl: str) -> None:
    pki, urls, proc = simulator
    status = f"{urls['KME-A']}/api/v1/keys/SAE-B/status"
    assert _command(proc, "link-down KME-A KME-B") == "ok link-down KME-A KME-B"
    code, body = _json(_curl(curl, pki, "SAE-A", status))
    assert code == 503 and isinstance(body, dict) and body["message"] == "QKD link is down"
    assert _command(proc, "link-up KME-A KME-B").startswith("ok")
    assert _json(_curl(curl, pki, "SAE-A", status))[0] == 200
    assert _command(proc, "kme-stop KME-A").startswith("ok")
    assert _curl(curl, pki, "SAE-A", status).returncode != 0  # connection refused
    assert _command(proc, "kme-start KME-A").startswith("ok")
    assert _json(_curl(curl, pki, "SAE-A", status))[0] == 200
    assert _command(proc, "pool KME-A KME-B").startswith("ok pool ")
    assert _command(proc, "qber KME-A KME-B 0.5").startswith("ok")
    assert _command(proc, "teleport").startswith("error: unknown command")
    assert _command(proc, "kme-stop KME-Z").startswith("error: ")
