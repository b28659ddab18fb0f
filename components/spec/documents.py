"""The one reader for every YAML and JSON document the blueprint takes in: specs, stack files, OpenAPI
documents, schemas, plans, stack exports and previews.

Hostile or accidental input must end in a clear `DocumentError` (file, line, column, what was expected),
never a traceback, a hang or a memory blow-up: text is UTF-8 (JSON may also carry a UTF-8/16/32 BOM, as
shells write redirected output), files are bounded in size, nesting in depth, YAML aliases in how far
they expand, and a key given twice in one mapping is refused with both line numbers instead of the last
one silently winning. YAML documents keep where each value was written, so errors can point at it.
"""

from __future__ import annotations

import codecs
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import yaml
from yaml.composer import ComposerError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

MAX_YAML_BYTES = 8 * 1024 * 1024
MAX_JSON_BYTES = 256 * 1024 * 1024  # a large real stack export is tens of MB
MAX_DEPTH = 100  # deeper than any spec, OpenAPI document or stack export we know of
MAX_YAML_NODES = 500_000  # values after alias expansion: a "billion laughs" document stops here
STDIN = "-"

Position = tuple[int, int]
"""(line, column), both 1-based."""


class DocumentError(Exception):
    """The document cannot be read; says which file, where (when known) and what was expected."""

    def __init__(self, file: str, message: str, line: int | None = None, column: int | None = None):
        self.file, self.message, self.line, self.column = file, message, line, column
        super().__init__(str(self))

    @property
    def where(self) -> str:
        if self.line is None:
            return "(file)"
        return f"line {self.line}" + (f", column {self.column}" if self.column is not None else "")

    def __str__(self) -> str:
        return f"{self.file}: {self.where}: {self.message}" if self.line is not None else f"{self.file}: {self.message}"


@dataclass(frozen=True)
class YamlDocument:
    data: Any
    positions: dict[tuple[Any, ...], Position] = field(default_factory=dict)

    def position(self, path: tuple[Any, ...] | str) -> Position | None:
        """Where the deepest existing part of `path` was written; parts that name nothing are skipped
        (validator labels, union tags, a missing field's own name)."""
        parts = split_path(path) if isinstance(path, str) else path
        found, current = self.positions.get(()), ()
        for part in parts:
            candidate = (*current, part)
            if candidate in self.positions:
                current, found = candidate, self.positions[candidate]
        return found


_PATH_PART = re.compile(r"\[(\d+)\]|([^.\[\]]+)")


def split_path(path: str) -> tuple[Any, ...]:
    """'clusters[0].kubeconfig.secret' -> ('clusters', 0, 'kubeconfig', 'secret')."""
    return tuple(int(index) if index else name for index, name in _PATH_PART.findall(path))


# ---- bytes and text ---------------------------------------------------------------------------------------


def read_bytes(path: Path | str, limit: int) -> bytes:
    """The file's bytes (or standard input's, for "-"), refusing directories, missing files and oversize input."""
    label = str(path)
    if label == STDIN:
        return _bounded(sys.stdin.buffer, limit, "standard input")
    path = Path(path)
    try:
        if path.is_dir():
            raise DocumentError(label, "is a directory; expected a file")
        with path.open("rb") as stream:
            return _bounded(stream, limit, label)
    except FileNotFoundError:
        raise DocumentError(label, "file not found") from None
    except PermissionError:
        raise DocumentError(label, "cannot be read (permission denied)") from None
    except IsADirectoryError:
        raise DocumentError(label, "is a directory; expected a file") from None
    except OSError as error:
        raise DocumentError(label, f"cannot be read ({error.strerror or error})") from None


def _bounded(stream: BinaryIO, limit: int, label: str) -> bytes:
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise DocumentError(label, f"is larger than {limit // (1024 * 1024)} MiB; expected a smaller document")
    return data


def _line_column(data: bytes | str, offset: int) -> Position:
    newline = b"\n" if isinstance(data, bytes) else "\n"
    before = data[:offset]
    return before.count(newline) + 1, offset - (before.rfind(newline) + 1) + 1


_UTF16_32_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def decode(data: bytes, label: str, *, json_input: bool) -> str:
    """UTF-8 text (a UTF-8 BOM is dropped); JSON may also be UTF-16/32 with its BOM. NUL is never text."""
    encoding = "utf-8-sig"
    if data.startswith(_UTF16_32_BOMS) or (len(data) > 1 and b"\x00" in data[:2] and data.count(b"\x00") * 3 > len(data)):
        if not json_input:
            raise DocumentError(label, "is UTF-16 or UTF-32 text (as some shells write redirected output); "
                                       "expected UTF-8: save it as UTF-8")
        encoding = json.detect_encoding(data)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        line, column = _line_column(data, error.start)
        raise DocumentError(label, f"is not valid {encoding.removesuffix('-sig').upper()} text (byte "
                                   f"0x{data[error.start]:02x}); expected UTF-8", line, column) from None
    nul = text.find("\x00")
    if nul >= 0:
        line, column = _line_column(text, nul)
        raise DocumentError(label, "contains a NUL character; expected a text file", line, column)
    return text


# ---- JSON ------------------------------------------------------------------------------------------------


def _refuse_duplicates(label: str):
    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in items:
            if key in out:
                raise DocumentError(label, f"key {key!r} appears twice in one object; expected each key once")
            out[key] = value
        return out

    return pairs


def parse_json(text: str, label: str) -> Any:
    try:
        data = json.loads(text, object_pairs_hook=_refuse_duplicates(label))
    except json.JSONDecodeError as exc:
        raise DocumentError(label, f"invalid JSON: {exc.msg}", exc.lineno, exc.colno) from None
    except RecursionError:
        raise DocumentError(label, f"nested deeper than {MAX_DEPTH} levels; expected a flatter document") from None
    _check_depth(data, label)
    return data


def read_json(path: Path | str, limit: int = MAX_JSON_BYTES) -> Any:
    """Parse a JSON file (or standard input for "-"); DocumentError on anything else."""
    label = "(standard input)" if str(path) == STDIN else str(path)
    return parse_json(decode(read_bytes(path, limit), label, json_input=True), label)


def _check_depth(data: Any, label: str) -> None:
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise DocumentError(label, f"nested deeper than {MAX_DEPTH} levels; expected a flatter document")
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)


# ---- YAML ------------------------------------------------------------------------------------------------


class _BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader with a nesting bound while composing (deep input must not exhaust the stack)."""

    def __init__(self, stream: str, label: str):
        super().__init__(stream)
        self.label = label
        self.depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise DocumentError(self.label, f"nested deeper than {MAX_DEPTH} levels; expected a flatter document",
                                    mark.line + 1, mark.column + 1)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _check_expansion(root: Node, label: str) -> None:
    """Count values as a reader would see them after aliases expand, and their depth, without expanding."""
    sizes: dict[int, tuple[int, int]] = {}
    active: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            active.discard(key)
            kids = [sizes[id(child)] for child in _children(node)]
            size = 1 + sum(s for s, _ in kids)
            depth = 1 + max((d for _, d in kids), default=0)
            if size > MAX_YAML_NODES or depth > MAX_DEPTH:
                mark = node.start_mark
                what = (f"expands to more than {MAX_YAML_NODES} values through aliases" if size > MAX_YAML_NODES
                        else f"nests deeper than {MAX_DEPTH} levels through aliases")
                raise DocumentError(label, f"{what}; expected a document without alias bombs",
                                    mark.line + 1, mark.column + 1)
            sizes[key] = (size, depth)
            continue
        if key in sizes:
            continue
        if key in active:
            mark = node.start_mark
            raise DocumentError(label, "an alias refers to the value that contains it (a recursive structure); "
                                       "expected a tree", mark.line + 1, mark.column + 1)
        active.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in sizes)


def _check_duplicates(root: Node, label: str) -> None:
    """A key twice in one mapping (block or flow) is refused; merge keys (`<<: *base`) may be overridden."""
    seen_nodes: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen_nodes:
            continue
        seen_nodes.add(id(node))
        if isinstance(node, MappingNode):
            lines: dict[tuple[str, str], int] = {}
            for key_node, _ in node.value:
                if not isinstance(key_node, ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key, line = (key_node.tag, key_node.value), key_node.start_mark.line + 1
                if key in lines:
                    raise DocumentError(label, f"duplicate key {key_node.value!r} (first on line {lines[key]}, again on "
                                               f"line {line}); expected each key once per mapping",
                                        line, key_node.start_mark.column + 1)
                lines[key] = line
        stack.extend(_children(node))


def _positions(root: Node) -> dict[tuple[Any, ...], Position]:
    positions: dict[tuple[Any, ...], Position] = {}
    stack: list[tuple[Node, tuple[Any, ...], Position]] = [(root, (), (root.start_mark.line + 1, root.start_mark.column + 1))]
    while stack:
        node, path, at = stack.pop()
        positions.setdefault(path, at)
        if isinstance(node, SequenceNode):
            for i, item in enumerate(node.value):
                stack.append((item, (*path, i), (item.start_mark.line + 1, item.start_mark.column + 1)))
        elif isinstance(node, MappingNode):
            for key_node, value in reversed(node.value):
                if key_node.tag == "tag:yaml.org,2002:merge":
                    for merged in (value.value if isinstance(value, SequenceNode) else [value]):
                        stack.insert(0, (merged, path, positions.get(path, at)))
                elif isinstance(key_node, ScalarNode):
                    stack.append((value, (*path, key_node.value),
                                  (key_node.start_mark.line + 1, key_node.start_mark.column + 1)))
    return positions


def parse_yaml(text: str, label: str) -> YamlDocument:
    """One YAML document with the positions of its values; DocumentError naming line and column otherwise."""
    loader = None
    try:
        loader = _BoundedLoader(text, label)
        node = loader.get_single_node()
        if node is None:
            return YamlDocument(None, {})
        _check_expansion(node, label)
        _check_duplicates(node, label)
        positions = _positions(node)  # before construction, which flattens merge keys in place
        return YamlDocument(loader.construct_document(node), positions)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        if isinstance(exc, ComposerError) and "expected a single document" in (exc.context or ""):
            problem = "more than one YAML document (---); expected exactly one"
        raise DocumentError(label, f"invalid YAML: {problem}", *((mark.line + 1, mark.column + 1) if mark else ())) from None
    except yaml.reader.ReaderError as exc:
        line, column = _line_column(text, exc.position)
        raise DocumentError(label, f"invalid YAML: a control character (#x{exc.character:04x}) is not allowed; "
                                   "expected printable text", line, column) from None
    except yaml.YAMLError as exc:
        raise DocumentError(label, f"invalid YAML: {exc}") from None
    except RecursionError:
        raise DocumentError(label, f"nested deeper than {MAX_DEPTH} levels; expected a flatter document") from None
    finally:
        if loader is not None:
            loader.dispose()


def read_yaml(path: Path | str, limit: int = MAX_YAML_BYTES) -> YamlDocument:
    """Parse a YAML file (JSON is YAML too, so OpenAPI and schema documents in either form read here)."""
    label = str(path)
    return parse_yaml(decode(read_bytes(path, limit), label, json_input=False), label)


def read_text(path: Path | str, limit: int = MAX_YAML_BYTES) -> str:
    """A UTF-8 text file (an event schema, say) under the same encoding and size rules."""
    return decode(read_bytes(path, limit), str(path), json_input=False)
