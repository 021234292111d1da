"""Safe YAML loading that remembers line numbers, so schema errors can say `file:line`.

Bounded: ``safe_load`` still expands aliases, and a few lines of nested aliases (a "billion
laughs") make a document of billions of nodes that every walk over it (``str``, a schema check)
takes minutes and gigabytes on; deep nesting overflows the parser's recursion. Both are refused
as errors naming the file, like a syntax error, before anything reads the document.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tokenecon.errors import TokenEconError

if TYPE_CHECKING:
    import yaml

MAX_BYTES = 16 * 1024 * 1024
"""A YAML input larger than this is refused unread (a mapping or a price book is kilobytes)."""
MAX_NODES = 200_000
"""Nodes of a document with its aliases expanded: far above any hand-written file."""
MAX_DEPTH = 64
"""Nesting of mappings and lists."""


class LineDict(dict[str, Any]):
    """A mapping from YAML that knows the line (1-based) of each of its keys and of itself."""

    line: int = 0
    key_lines: dict[str, int]


@functools.cache
def _loader() -> Any:
    """SafeLoader (libyaml's parser where PyYAML has it: 3x faster on the 5,000-line default
    price book) whose mappings are :class:`LineDict` instances. Made on first use: PyYAML's
    import is ~20 ms that a run reading no YAML (the shipped price book comes parsed from
    the cache, tokenecon/price/book.py) need not pay."""
    import yaml

    safe: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class LineLoader(safe):  # type: ignore[valid-type,misc]
        """SafeLoader whose mappings are :class:`LineDict` instances."""

    def construct_mapping(loader: Any, node: yaml.MappingNode) -> LineDict:
        loader.flatten_mapping(node)
        result = LineDict()
        result.line = node.start_mark.line + 1
        result.key_lines = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            result[str(key)] = loader.construct_object(value_node, deep=True)
            result.key_lines[str(key)] = key_node.start_mark.line + 1
        return result

    LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    return LineLoader


def load_yaml(path: Path, error: type[TokenEconError], what: str) -> Any:
    """Read ``path`` as YAML (safe subset) or raise ``error`` naming the file and line."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise error(
                f"{what} {path} is {size:,} bytes: not a hand-written YAML file "
                f"(at most {MAX_BYTES:,} bytes are read)",
                _hint(error, "name the YAML file itself; data belongs in the files it names"),
            )
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise error(
            f"{what} {path} does not exist", _hint(error, "check the path you passed")
        ) from None
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise error(
            f"{path}:{line}: {what} is not UTF-8 text (byte {exc.start + 1})",
            _hint(error, f"save {path.name} as UTF-8"),
        ) from None
    except OSError as exc:
        raise error(f"cannot read {what} {path}: {exc.strerror}") from None
    import yaml

    loader = _loader()(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_size(node, path, error, what)
        return loader.construct_document(node)
    except RecursionError:
        raise error(
            f"{path}: {what} is nested too deeply to read",
            _hint(error, f"at most {MAX_DEPTH} levels"),
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise error(
            f"{where}: not valid YAML: {exc.problem}",
            _hint(error, f"fix the YAML syntax at line {mark.line + 1} of {path}") if mark else "",
        ) from None
    except yaml.YAMLError as exc:  # a reader error: a control character, say
        raise error(
            f"{path}: not valid YAML: {exc}", _hint(error, f"fix the YAML text of {path}")
        ) from None
    finally:
        loader.dispose()


def _hint(error: type[TokenEconError], text: str) -> str:
    """``text`` and the error class's docs page."""
    return f"{text}; {error.default_hint}"


def _check_size(root: yaml.Node, path: Path, error: type[TokenEconError], what: str) -> None:
    """Refuse a document whose aliases expand to more than :data:`MAX_NODES` nodes or that
    nests deeper than :data:`MAX_DEPTH` (counted once per node, so the check is linear)."""
    expanded: dict[int, int] = {}
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 1, False)]
    while stack:
        node, depth, children_done = stack.pop()
        if id(node) in expanded:
            continue
        if depth > MAX_DEPTH:
            raise error(
                f"{path}:{node.start_mark.line + 1}: {what} nests deeper than {MAX_DEPTH} levels",
                _hint(error, "a mapping or price book is a few levels deep; check the indentation"),
            )
        children = _children(node)
        if children_done:
            total = 1 + sum(expanded[id(c)] for c in children)
            if total > MAX_NODES:
                raise error(
                    f"{path}:{node.start_mark.line + 1}: {what} expands to more than "
                    f"{MAX_NODES:,} values (aliases that repeat aliases)",
                    _hint(error, "write the values out instead of nesting `*alias` references"),
                )
            expanded[id(node)] = total
            continue
        stack.append((node, depth, True))
        stack.extend((c, depth + 1, False) for c in children if id(c) not in expanded)


def _children(node: yaml.Node) -> list[yaml.Node]:
    import yaml

    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def line_of(node: Any, key: str | None = None) -> int:
    """The line of ``key`` inside ``node`` (or of ``node`` itself), 0 when unknown."""
    if isinstance(node, LineDict):
        if key is not None and key in node.key_lines:
            return node.key_lines[key]
        return node.line
    return 0
