"""tokenecon's own usage Parquet (`convert -o F.parquet`), read back with the speed it priced.

The file is the canonical columns under their own names, so the generic adapter reads it. One
thing the generic adapter cannot know is whether a ``speed`` column is Anthropic's (the speed
a request ran at, which sets the fast-mode price) or a column of the user's that means
anything else (docs/convert.md). `convert` says so in the file's ``tokenecon`` metadata when
every source it read with a ``speed`` column states Anthropic's speed; such a file is this
format, whose ``speed`` prices as in the original exports. A file made with another source's
``speed`` is left to the generic adapter, and `convert` said so in that source's notes.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from tokenecon.ingest.generic import GenericFormat

if TYPE_CHECKING:
    from tokenecon.ingest.formats.base import Format, Probe

USAGE_SCHEMA = "tokenecon.usage/v1"
"""Names the canonical Parquet layout in the file's ``tokenecon`` metadata."""
SPEED_STATED = "anthropic"
"""The metadata's ``speed`` when the file's ``speed`` column is Anthropic's."""


def converted_metadata(probe: Probe) -> dict[str, object] | None:
    """The ``tokenecon`` metadata of a local Parquet file `convert` wrote, else None."""
    if probe.source.kind != "parquet":
        return None
    stored = dict(probe.metadata).get(b"tokenecon")  # (none for a remote file's probe)
    try:
        found = json.loads(stored) if stored else None
    except ValueError:  # somebody else's "tokenecon" key
        return None
    return found if isinstance(found, dict) and found.get("schema") == USAGE_SCHEMA else None


class ConvertedUsage(GenericFormat):
    """A Parquet file of `convert` whose ``speed`` column is Anthropic's."""

    name = "tokenecon_usage"
    title = "tokenecon's own usage Parquet with Anthropic's speed (convert -o F.parquet)"

    def detect(self, probe: Probe) -> bool:
        """The file's metadata names the canonical layout and Anthropic's speed."""
        found = converted_metadata(probe)
        return found is not None and found.get("speed") == SPEED_STATED


FORMATS: list[Format] = [ConvertedUsage()]
