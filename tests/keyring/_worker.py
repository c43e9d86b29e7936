"""Keyring writer processes for the crash-safety and concurrency tests (run as a script).

    _worker.py loop PATH PASSPHRASE JOURNAL     rotate forever; append each committed generation
    _worker.py forkserver PATH PASSPHRASE DIR   per line on stdin, fork a ``loop`` child, print its pid
    _worker.py update PATH PASSPHRASE N TAG     N transactions (rotate and add alternately)
"""

from __future__ import annotations

import os
import sys

from agile.keyring import FileStorage, Secret
from agile.keys import SecretKey


def _storage(path: str, passphrase: str) -> FileStorage:
    return FileStorage(path, secret=Secret.passphrase(passphrase))


def _loop(path: str, passphrase: str, journal: str) -> None:
    storage = _storage(path, passphrase)
    fd = os.open(journal, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    while True:
        with storage.transaction() as keyrings:
            keyrings.for_policy("p").rotate(SecretKey.generate("AES-256-GCM"))
            generation = keyrings.generation + 1
        os.write(fd, f"{generation}\n".encode())


def _forkserver(path: str, passphrase: str, folder: str) -> None:
    for count, _line in enumerate(sys.stdin, 1):
        journal = os.path.join(folder, f"journal-{count}")
        pid = os.fork()
        if pid == 0:
            try:
                _loop(path, passphrase, journal)
            finally:
                os._exit(1)
        print(pid, journal, flush=True)
        os.waitpid(pid, 0)  # the test kills it
        print("reaped", flush=True)


def _update(path: str, passphrase: str, count: int, tag: str) -> None:
    storage = _storage(path, passphrase)
    for i in range(count):
        with storage.transaction() as keyrings:
            ring = keyrings.for_policy("p")
            key = SecretKey.generate("AES-256-GCM")
            if i % 2:
                ring.add(key)
            else:
                ring.rotate(key)
    print(tag, "done", flush=True)


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "loop":
        _loop(*args)
    elif command == "forkserver":
        _forkserver(*args)
    elif command == "update":
        _update(args[0], args[1], int(args[2]), args[3])
    else:
        raise SystemExit(f"unknown command {command}")
