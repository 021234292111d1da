"""How providers and resellers spell one model: snapshot suffixes, inference-profile and vendor
prefixes. The price book strips them to resolve a name; the aggregate pass strips them to count a
task that called one model under two spellings once."""

from __future__ import annotations

import re

DATE_SUFFIX = re.compile(r"(-\d{4}-\d{2}-\d{2}|-\d{8}|@\d{8}|@latest|-latest|-v\d+(:\d+)?|:\d+)$")
"""A snapshot date, ``-latest``, ``@latest`` or a Bedrock version suffix at the end of a name."""
BEDROCK_PREFIX = re.compile(r"^(us|eu|apac|global|jp|au|ca)\.")
"""A Bedrock cross-region inference profile's region prefix."""
VENDOR_DOT = re.compile(r"^(anthropic|openai|google|mistral|meta|amazon|deepseek|xai)\.")
"""A Bedrock vendor prefix (``anthropic.claude-...``)."""
