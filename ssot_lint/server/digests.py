"""Digests of buffer texts: what the server keeps to tell later whether a result still holds for
what it was worked out from (a project-wide check's findings for a reopened buffer, an unsafe
fix's reason for the other open buffers). Of the text, not of version numbers: a document
closed and reopened starts its versions again, with other text."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from ssot_lint import api


def _encoded(text: str | bytes) -> bytes:
    # A buffer may hold lone surrogates (JSON allows them): "surrogatepass" keeps them distinct.
    return text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")


def text_digest(text: str | bytes) -> bytes:
    return hashlib.blake2b(_encoded(text), digest_size=16).digest()


def buffers_digest(buffers: Mapping[api.PathLike, str | bytes]) -> bytes:
    """One digest of the buffers by path: equal only for the same paths with the same texts."""
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(buffers, key=str):
        name, text = _encoded(str(path)), _encoded(buffers[path])
        # Lengths first: ("ab", "c") and ("a", "bc") must not digest alike.
        digest.update(len(name).to_bytes(8, "little") + name + len(text).to_bytes(8, "little") + text)
    return digest.digest()
