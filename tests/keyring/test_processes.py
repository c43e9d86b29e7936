"""Real processes: SIGKILLed writers, concurrent writers, and rotation end to end via the CLI."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from agile.keyring import FileStorage, KeyStatus, Secret

from .conftest import FAST_INIT, PASSPHRASE

WORKER = str(Path(__file__).with_name("_worker.py"))


def _check_consistent(path: Path) -> int:
    """Load the file; every transaction added one key, so keys == generation. Returns it."""
    keyrings = FileStorage(path, secret=Secret.passphrase(PASSPHRASE)).load()
    ring = keyrings.get("p")
    entries = ring.list() if ring is not None else []
    assert len(entries) == keyrings.generation
    assert sum(e.status is KeyStatus.PRIMARY for e in entries) == (1 if entries else 0)
    for entry in entries:
        entry.key()  # every key loads and matches its kid
    return keyrings.generation


@pytest.mark.slow
def test_sigkill_at_many_points_leaves_the_old_or_the_new_keyring(store: FileStorage,
                                                                  tmp_path: Path) -> None:
    server = subprocess.Popen(
        [sys.executable, WORKER, "forkserver", str(store.path), PASSPHRASE, str(tmp_path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert server.stdin is not None and server.stdout is not None
    rng = random.Random(20261128)
    last = 0
    mid_write = 0
    try:
        for _ in range(40):
            server.stdin.write("go\n")
            server.stdin.flush()
            pid, journal = server.stdout.readline().split()
            time.sleep(rng.uniform(0.0, 0.2))
            os.kill(int(pid), signal.SIGKILL)
            assert server.stdout.readline().strip() == "reaped"
            mid_write += any(p.name.endswith(".tmp") for p in tmp_path.iterdir())
            generation = _check_consistent(store.path)
            committed = [int(x) for x in Path(journal).read_text().split()] \
                if Path(journal).exists() else []
            assert generation >= last  # nothing committed earlier was lost
            if committed:  # everything the writer saw committed is on disk; at most one more
                assert committed[-1] <= generation <= committed[-1] + 1
            last = generation
    finally:
        server.stdin.close()
        server.kill()
        server.wait()
    assert last >= 40  # the writers did commit between kills
    # a later writer cleans up temp files left by killed ones
    with store.transaction():
        pass
    assert not any(p.name.endswith(".tmp") for p in tmp_path.iterdir())
    print(f"{mid_write} of 40 kills left a temp file (killed mid-write); final generation {last}")


@pytest.mark.slow
def test_eight_concurrent_writers_lose_no_update(store: FileStorage) -> None:
    per_process = 6
    procs = [subprocess.Popen([sys.executable, WORKER, "update", str(store.path), PASSPHRASE,
                               str(per_process), f"w{i}"], stdout=subprocess.PIPE, text=True)
             for i in range(8)]
    outputs = [p.communicate(timeout=120)[0] for p in procs]
    assert [p.returncode for p in procs] == [0] * 8, outputs
    assert _check_consistent(store.path) == 8 * per_process


def _agile(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "agile.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=60)


def _app(code: str, cwd: Path, env: dict[str, str], stdin: bytes = b""
         ) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, input=stdin,
                          capture_output=True, timeout=60)


SEAL = "import agile, sys; sys.stdout.buffer.write(agile.seal(sys.stdin.buffer.read(), policy='archive'))"
OPEN = "import agile, sys; sys.stdout.buffer.write(agile.open(sys.stdin.buffer.read(), policy='archive'))"


@pytest.mark.slow
def test_rotation_end_to_end_in_subprocesses(keyring_config: Callable[..., Path],
                                            tmp_path: Path) -> None:
    keyring_config(create=False)
    env = {**os.environ, "TEST_KEYRING_PASSPHRASE": PASSPHRASE, "AGILE_CONFIG": ""}
    env.pop("AGILE_CONFIG")
    assert _agile("keys", "init", *FAST_INIT, cwd=tmp_path, env=env).returncode == 0
    again = _agile("keys", "init", cwd=tmp_path, env=env)
    assert again.returncode == 1 and "already exists" in again.stderr
    out = _agile("keys", "rotate", "archive", cwd=tmp_path, env=env)
    assert out.returncode == 0, out.stderr
    key1 = out.stdout.split(" key ")[1].split()[0]

    sealed = _app(SEAL, tmp_path, env, b"written under key 1")
    assert sealed.returncode == 0, sealed.stderr
    assert _agile("keys", "rotate", "archive", cwd=tmp_path, env=env).returncode == 0
    opened = _app(OPEN, tmp_path, env, sealed.stdout)
    assert opened.stdout == b"written under key 1", opened.stderr

    assert _agile("keys", "retire", "archive", key1[:8], cwd=tmp_path, env=env).returncode == 0
    assert _app(OPEN, tmp_path, env, sealed.stdout).stdout == b"written under key 1"

    listed = _agile("keys", "list", "--json", cwd=tmp_path, env=env)
    assert '"retired"' in listed.stdout and key1 in listed.stdout

    refused = _agile("keys", "destroy", "archive", key1, cwd=tmp_path, env=env)
    assert refused.returncode == 2 and "--yes" in refused.stderr
    assert _agile("keys", "destroy", "archive", key1, "--yes", cwd=tmp_path,
                  env=env).returncode == 0
    failed = _app(OPEN, tmp_path, env, sealed.stdout)
    assert failed.returncode == 1 and b"KeyDestroyed" in failed.stderr
    assert b"was destroyed" in failed.stderr

    wrong = _agile("keys", "list", cwd=tmp_path, env={**env, "TEST_KEYRING_PASSPHRASE": "nope"})
    assert wrong.returncode == 1 and "wrong passphrase" in wrong.stderr
