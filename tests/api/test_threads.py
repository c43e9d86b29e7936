"""configure() while other threads seal and open: no torn state, no spurious failures."""

from __future__ import annotations

import threading
from collections.abc import Callable

import agile


def test_concurrent_use_and_reconfigure(make_context: Callable[..., agile.Context],
                                        tmp_path: object) -> None:
    ctx = make_context('[policies.p]\naead = "AES-256-GCM"\naccept.aead = ["ChaCha20-Poly1305"]\n')
    key = ctx.generate_key(policy="p")
    errors: list[BaseException] = []
    stop = threading.Event()

    def worker() -> None:
        try:
            while not stop.is_set():
                assert ctx.open(ctx.seal(b"x" * 100, key, policy="p"), key, policy="p") == b"x" * 100
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for i in range(200):
        accept = '["ChaCha20-Poly1305"]' if i % 2 else '["AES-128-GCM"]'
        ctx.configure(text=f'[policies.p]\naead = "AES-256-GCM"\naccept.aead = {accept}\n')
    stop.set()
    for t in threads:
        t.join()
    assert errors == []
