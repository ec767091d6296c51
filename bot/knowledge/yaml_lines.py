"""Safe YAML loading that remembers the line of every field, so problems can name it.

Bounded on any input: aliases may not expand to more than MAX_VALUES values nor refer to the
value that holds them ("billion laughs", `&a [x, *a]`), an integer may not have more than
MAX_INT_DIGITS digits, and libyaml itself refuses nesting deeper than 1,000. Each raises
Refused (a `yaml.MarkedYAMLError`) naming its line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import yaml

Path_ = tuple[str | int, ...]

MAX_VALUES = 100_000  # values in a document with every alias expanded (a thesis has ~2,000)
MAX_INT_DIGITS = 100


class Refused(yaml.MarkedYAMLError):
    """Valid YAML the loader will not expand or convert: too large, cyclic, too long a number."""


if TYPE_CHECKING:
    _Base = yaml.SafeLoader
else:  # the C loader when libyaml is there; same constructors, faster
    _Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):
    """Safe loading; dates stay text so the model reports a bad one as a field error."""

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        digits = sum(ch.isdigit() for ch in str(node.value))
        if digits > MAX_INT_DIGITS:
            raise Refused(
                None, None,
                f"a number with {digits} digits is too long (at most {MAX_INT_DIGITS}); "
                "quote it if it is meant as text",
                node.start_mark,
            )
        return yaml.SafeLoader.construct_yaml_int(self, node)

    def construct_date_as_text(self, node: yaml.ScalarNode) -> str:
        return self.construct_yaml_str(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_date_as_text)
_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)


class DuplicateKey(Exception):
    def __init__(self, path: Path_, line: int) -> None:
        super().__init__(f"duplicate key {path[-1]!r}")
        self.path = path
        self.line = line


def load_with_lines(text: str) -> tuple[Any, dict[Path_, int]]:
    """Parse one YAML document with safe loading; return the data and a map path -> line (1-based).

    Raises yaml.YAMLError on syntax errors and on documents too large once aliases are
    expanded, and DuplicateKey when a mapping repeats a key (PyYAML would silently keep the
    last one and lose the first).
    """
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        _check_expansion(node)
        data = loader.construct_document(node)
    finally:
        loader.dispose()
    lines: dict[Path_, int] = {(): node.start_mark.line + 1}
    _walk(node, lines)
    return data, lines


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [child for pair in node.value for child in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _check_expansion(root: yaml.Node) -> None:
    """Count the values the document holds with every alias expanded, without expanding them
    (each node's count is computed once), and refuse a cycle or a count over MAX_VALUES."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            open_nodes.discard(key)
            size = 1 + sum(sizes[id(child)] for child in _children(node))
            if size > MAX_VALUES:
                raise Refused(
                    None, None,
                    f"aliases expand this value to more than {MAX_VALUES:,} values; "
                    "write the values out instead of repeating aliases",
                    node.start_mark,
                )
            sizes[key] = size
            continue
        if key in sizes:
            continue
        if key in open_nodes:
            raise Refused(
                None, None,
                "an alias refers to the value that contains it, which never ends; "
                "remove that alias",
                node.start_mark,
            )
        open_nodes.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(_children(node))
                     if id(child) not in sizes)


def _walk(root: yaml.Node, lines: dict[Path_, int]) -> None:
    """Record the line of every path, in document order; a node reached again through an alias
    is not walked again (its values keep the line of their nearest recorded ancestor)."""
    seen: set[int] = set()
    # Items: (node, path) to visit, or (key node, value node, path, keys of its mapping).
    stack: list[Any] = [(root, ())]
    while stack:
        item = stack.pop()
        if len(item) == 4:
            key_node, value_node, child, siblings = item
            if child[-1] in siblings:
                raise DuplicateKey(child, key_node.start_mark.line + 1)
            siblings.add(child[-1])
            lines[child] = key_node.start_mark.line + 1
            stack.append((value_node, child))
            continue
        node, path = item
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            keys: set[str | int] = set()
            stack.extend((key_node, value_node, (*path, str(key_node.value)), keys)
                         for key_node, value_node in reversed(node.value))
        elif isinstance(node, yaml.SequenceNode):
            for index, item_node in enumerate(node.value):
                lines[(*path, index)] = item_node.start_mark.line + 1
            stack.extend(((item_node, (*path, index))
                          for index, item_node in reversed(list(enumerate(node.value)))))


def line_of(lines: dict[Path_, int], path: Path_) -> int:
    """The line of `path`, or of its nearest ancestor that has one."""
    while path not in lines and path:
        path = path[:-1]
    return lines.get(path, 1)
