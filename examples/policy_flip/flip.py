"""Policy flip walkthrough: the same code writes and reads under three configs.

    AGILE_CONFIG=examples/policy_flip/v1.toml python examples/policy_flip/flip.py write DIR
    AGILE_CONFIG=examples/policy_flip/v2.toml python examples/policy_flip/flip.py read DIR
    AGILE_CONFIG=examples/policy_flip/v2.toml python examples/policy_flip/flip.py write DIR
    AGILE_CONFIG=examples/policy_flip/v3.toml python examples/policy_flip/flip.py read DIR

Keys are kept in DIR by key id (a real deployment uses a keyring); each step prints JSON.
With no arguments it runs all four steps in a temporary directory.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import agile

POLICY = "archive"


def write(folder: Path) -> dict[str, str]:
    key = agile.generate_key(policy=POLICY)
    signer = agile.generate_keypair(policy=POLICY)
    (folder / f"{key.kid.hex()}.secret").write_text(f"{key.algorithm.name} {key.export().hex()}")
    (folder / f"{signer.kid.hex()}.private").write_text(
        f"{signer.key_type} {signer.private_bytes().hex()}")
    message = f"written under {agile.get_policy(POLICY).source}".encode()
    (folder / f"{key.kid.hex()}.sealed").write_bytes(agile.seal(message, key, policy=POLICY))
    (folder / f"{signer.kid.hex()}.signed").write_bytes(agile.sign(signer, message, policy=POLICY))
    return {"aead": key.algorithm.name, "signature": signer.key_type}


def read(folder: Path) -> dict[str, str]:
    results: dict[str, str] = {}
    for path in sorted(folder.glob("*.sealed")):
        alg, hexkey = (folder / f"{path.stem}.secret").read_text().split()
        key = agile.SecretKey.from_bytes(bytes.fromhex(hexkey), alg)
        try:
            agile.open(path.read_bytes(), key, policy=POLICY)
            results[f"{alg} sealed"] = "ok"
        except agile.AgileError as exc:
            results[f"{alg} sealed"] = f"{type(exc).__name__}: {exc}"
    for path in sorted(folder.glob("*.signed")):
        key_type, hexkey = (folder / f"{path.stem}.private").read_text().split()
        public = agile.PrivateKey.from_bytes(bytes.fromhex(hexkey), key_type).public_key()
        try:
            agile.verify(public, path.read_bytes(), policy=POLICY)
            results[f"{key_type} signed"] = "ok"
        except agile.AgileError as exc:
            results[f"{key_type} signed"] = f"{type(exc).__name__}: {exc}"
    return results


def walkthrough() -> None:
    here = Path(__file__).parent
    with tempfile.TemporaryDirectory() as tmp:
        for config, step in (("v1", "write"), ("v2", "read"), ("v2", "write"), ("v3", "read")):
            env = {**os.environ, "AGILE_CONFIG": str(here / f"{config}.toml")}
            out = subprocess.run([sys.executable, __file__, step, tmp], env=env, check=True,
                                 capture_output=True, text=True).stdout
            print(f"{config} {step}: {out.strip()}")


def main(argv: list[str]) -> None:
    if not argv:
        walkthrough()
        return
    step, folder = argv[0], Path(argv[1])
    result = write(folder) if step == "write" else read(folder)
    print(json.dumps(result, sort_keys=True))


if __name__ == "__main__":
    main(sys.argv[1:])
