"""Database URLs without their passwords, for every message and document that names a source.

A password may sit in the user part (``postgres://user:secret@host/db``, where the secret may
itself hold ``/``, ``@`` or ``:`` when it was not percent-encoded) or in the query
(``?password=secret``); the scheme may be spelt in any case (``POSTGRESQL://``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MASK = "***"
# ":/" too: a URL taken for a file path comes back from pathlib with one slash.
_URL = re.compile(r"\b(postgres(?:ql)?:/+)(\S*)", re.IGNORECASE)
_QUERY_SECRET = re.compile(r"([?&](?:password|passwd|pwd)=)[^&#\s]*", re.IGNORECASE)
_QUERY_VALUE = re.compile(r"([?&](?:password|passwd|pwd)=)([^&#\s]*)", re.IGNORECASE)
_SHORTEST = 4
"""A known password shorter than this is not masked in free text (it would mask words)."""


def redact_passwords(text: str, known: Iterable[str] = ()) -> str:
    """``text`` (a URL, or a message holding URLs) with the password of every ``postgres://``
    or ``postgresql://`` URL replaced by ``***``; the rest of the text is unchanged.

    ``known`` are passwords to mask wherever they appear (see :func:`passwords_in`): a driver
    may quote part of a URL it could not parse in its own words."""
    text = _URL.sub(_redacted, text)
    for secret in sorted(known, key=len, reverse=True):
        if len(secret) >= _SHORTEST:
            text = text.replace(secret, MASK)
    return text


def passwords_in(texts: Iterable[str]) -> list[str]:
    """The passwords of the database URLs among ``texts`` (the command line), and each part of
    one that holds ``/`` or ``@`` (a driver that misreads the URL quotes such a part)."""
    found: list[str] = []
    for text in texts:
        for match in _URL.finditer(text):
            rest = match.group(2)
            at = rest.rfind("@")
            user_part = rest[:at] if at >= 0 else ""
            if ":" in user_part:
                password = user_part.split(":", 1)[1]
                found += [password, *re.split(r"[/@]", password)]
            found += [m.group(2) for m in _QUERY_VALUE.finditer(rest)]
    return [p for p in dict.fromkeys(found) if p]


def _redacted(match: re.Match[str]) -> str:
    scheme, rest = match.group(1), match.group(2)
    # A host holds no "@", so the last "@" ends the user part whatever the password holds
    # (should a query hold an "@", more is masked than needed: never less).
    at = rest.rfind("@")
    if at >= 0:
        user, colon, _ = rest[:at].partition(":")
        rest = (f"{user}:{MASK}" if colon else user) + rest[at:]
    return f"{scheme}{_QUERY_SECRET.sub(lambda m: m.group(1) + MASK, rest)}"
