"""Database URLs without their passwords, for every message and document that names a source.

A password may sit in the user part (``postgres://user:secret@host/db``, where the secret may
itself hold ``/``, ``@`` or ``:`` when it was not percent-encoded) or in the query
(``?password=secret``); the scheme may be spelt in any case (``POSTGRESQL://``).
"""

from __future__ import annotations

import re

MASK = "***"
# ":/" too: a URL taken for a file path comes back from pathlib with one slash.
_URL = re.compile(r"\b(postgres(?:ql)?:/+)(\S*)", re.IGNORECASE)
_QUERY_SECRET = re.compile(r"([?&](?:password|passwd|pwd)=)[^&#\s]*", re.IGNORECASE)


def redact_passwords(text: str) -> str:
    """``text`` (a URL, or a message holding URLs) with the password of every ``postgres://``
    or ``postgresql://`` URL replaced by ``***``; the rest of the text is unchanged."""
    return _URL.sub(_redacted, text)


def _redacted(match: re.Match[str]) -> str:
    scheme, rest = match.group(1), match.group(2)
    # A host holds no "@", so the last "@" ends the user part whatever the password holds
    # (should a query hold an "@", more is masked than needed: never less).
    at = rest.rfind("@")
    if at >= 0:
        user, colon, _ = rest[:at].partition(":")
        rest = (f"{user}:{MASK}" if colon else user) + rest[at:]
    return f"{scheme}{_QUERY_SECRET.sub(lambda m: m.group(1) + MASK, rest)}"
