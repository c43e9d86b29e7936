"""Module-level functions, bound to one default :class:`Context` (configured on first use)."""

from __future__ import annotations

from ._context import Context

_default = Context()

seal = _default.seal
open = _default.open
sign = _default.sign
verify = _default.verify
encrypt = _default.encrypt
decrypt = _default.decrypt
encapsulate = _default.encapsulate
decapsulate = _default.decapsulate
hash = _default.hash
mac = _default.mac
verify_mac = _default.verify_mac
derive_key = _default.derive_key
hash_password = _default.hash_password
verify_password = _default.verify_password
needs_rehash = _default.needs_rehash
generate_key = _default.generate_key
generate_keypair = _default.generate_keypair
configure = _default.configure
reload = _default.reload
get_policy = _default.policy


def default_context() -> Context:
    """The context behind the module-level functions."""
    return _default
