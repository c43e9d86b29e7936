"""Purpose-derived policy names: the words, the levels, and the command choosing them."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest
from libcst.codemod import CodemodContext

from codemods.commands import SITES_KEY, MigrateToAgile
from codemods.commands._purpose import purpose_of, words


@pytest.mark.parametrize(("identifier", "expected"), [
    ("sign_webhook_payload", ["sign", "webhook", "payload"]),
    ("signWebhookPayloadV2", ["sign", "webhook", "payload", "v", "2"]),
    ("HTTPSessionStore", ["http", "session", "store"]),
    ("_csrf", ["csrf"]),
])
def test_words_split_snake_and_camel_case(identifier: str, expected: list[str]) -> None:
    assert words(identifier) == expected


@pytest.mark.parametrize(("levels", "expected"), [
    ([["mac"], ["sign_webhook"]], "webhook"),  # the innermost level naming one wins
    ([["session_tag"], ["sign_webhook"]], "session"),
    ([["digest"], ["compute"], ["utils"]], None),  # nothing names a purpose
    ([["x"], ["make"], ["tokens"]], "token"),  # the file name is the last resort
    ([["reset_password_link"]], "password-reset"),  # a word pair beats its single words
    ([["api_key_hash"]], "api-key"),
    ([["session_token"], ["sign_webhook"]], None),  # two purposes at one level: unclear
    ([[], ["hash_password"]], "password"),
])
def test_purpose_of_levels(levels: list[list[str]], expected: str | None) -> None:
    assert purpose_of(levels) == expected


def _policies(source: str, filename: str = "app.py", **options: object) -> dict[int, str]:
    context = CodemodContext(filename=filename)
    command = MigrateToAgile(context, **options)  # type: ignore[arg-type]
    command.transform_module(cst.parse_module(textwrap.dedent(source)))
    return {s.line: str(s.policy) for s in context.scratch[SITES_KEY] if s.rewritten}


SOURCE = """\
    import hashlib
    import hmac
    from cryptography.hazmat.primitives import hashes


    class SessionStore:
        def sign(self, key, data):
            return hmac.new(key, data, hashlib.sha256).digest()

        def check(self, key, data):
            etag = hashlib.md5(data).hexdigest()
            return etag


    def hash_password_legacy(pw):
        return hashlib.sha1(pw).hexdigest()


    def content(data):
        h = hashes.Hash(hashes.SHA256())
        h.update(data)
        cache_key = h.finalize()
        return cache_key


    def plain(data):
        return hashlib.sha256(data).digest()
"""


def test_each_call_is_named_by_the_closest_name_that_says_its_purpose() -> None:
    assert _policies(SOURCE) == {
        8: "session",  # class SessionStore (the method name says nothing)
        11: "cache-key",  # the variable etag beats the class
        16: "password",  # def hash_password_legacy
        20: "cache-key",  # a pyca Hash run: the name its result is assigned to
        27: "sha-256",  # nothing says: the algorithm
    }


def test_the_file_name_is_the_last_resort_and_naming_algorithm_ignores_purposes() -> None:
    assert _policies(SOURCE, filename="src/webhooks.py")[27] == "webhook"
    assert set(_policies(SOURCE, naming="algorithm").values()) == {
        "hmac-sha256", "md5", "sha-1", "sha-256"}


def test_disambiguation_and_policy_map_apply_to_purpose_names() -> None:
    names = _policies(SOURCE, disambiguate=frozenset({("password", "hash", "SHA-1")}),
                      policy_map={"session": "web-sessions"})
    assert names[16] == "password-sha-1"
    assert names[8] == "web-sessions"
    with pytest.raises(ValueError, match="naming must be one of"):
        MigrateToAgile(CodemodContext(), naming="vibes")
