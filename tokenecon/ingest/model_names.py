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
BEDROCK_ARN = re.compile(
    r"^arn:aws[a-z-]*:bedrock:[^:]*:[^:]*:(inference-profile|foundation-model)/"
)
"""The ARN around a Bedrock model id or system inference profile (``arn:aws:bedrock:us-east-1:
123456789012:inference-profile/us.anthropic...``, ``arn:aws:bedrock:us-east-1::foundation-model/
amazon.titan...``): what invocation logs record as ``modelId`` when the caller passed an ARN (as
Claude Code on Bedrock does). An application inference profile's ARN names no model."""
