"""Strict, safe YAML for the files people write by hand: scheme files and frameworks.

PyYAML's ``safe_load`` is not strict enough for a file that decides a score: it keeps the
last of two duplicate keys without a word, expands aliases without a limit, and reads any
size of file. This loader parses with libyaml (``CSafeLoader``) when it is present, keeps
the node tree so that a later check can name the line and column of any value, and builds
plain Python values itself, refusing:

- files that are too large, empty, binary, UTF-16 or not UTF-8;
- YAML syntax errors and more than one document;
- duplicate keys, merge keys (``<<``), keys that are not plain scalars;
- tags that construct objects or anything beyond str, int, float, bool, null, dates,
  mappings and lists;
- alias bombs: aliases are followed, but only a limited number of times, and the total
  number of values is limited too.

Every problem found in a file is reported at once, each as ``file:line:column: message``.
"""

from __future__ import annotations

import functools
import os
import stat
from collections.abc import Hashable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import yaml
from msgspec import Struct

from guidebuild.errors import InputError, Problem

try:  # libyaml is about ten times faster; the pure-Python parser gives the same nodes.
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

MAX_BYTES = 1024 * 1024
"""Largest file we read. A complete scheme file with long notes is well under 100 KB."""
MAX_ALIASES = 100
"""How many times a file may re-use an anchored value (``*name``), counted as expanded."""
MAX_VALUES = 100_000
"""How many values (scalars, lists, mappings) a file may hold once aliases are expanded."""
MAX_DEPTH = 100
"""How deeply lists and mappings may nest."""

_SAFE_SCALAR_TAGS = frozenset(
    {
        "tag:yaml.org,2002:str",
        "tag:yaml.org,2002:null",
        "tag:yaml.org,2002:bool",
        "tag:yaml.org,2002:int",
        "tag:yaml.org,2002:float",
        "tag:yaml.org,2002:timestamp",
    }
)
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"
_CONSTRUCTOR = yaml.constructor.SafeConstructor()

_RESOLVED: dict[str, str] = {}
"""Tags of short plain scalars already resolved: keys and ratings repeat in every file."""


class _Loader(_BaseLoader):
    """The safe loader with a faster resolver: the same tags, computed once per value.

    libyaml parses in C but asks Python for the tag of every scalar, which is most of the
    time spent on a scheme file; nearly all of them are the same few keys and ratings.
    """

    def resolve(self, kind: type[yaml.Node], value: Any, implicit: Any) -> Any:
        if kind is yaml.ScalarNode:
            if not implicit[0]:
                return _STR  # quoted, or a block scalar: always text
            tag = _RESOLVED.get(value)
            if tag is None:
                tag = super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]
                if len(value) <= 40 and len(_RESOLVED) < 10_000:
                    _RESOLVED[value] = tag
            return tag
        return _MAP if kind is yaml.MappingNode else _SEQ

    # The safe loader has no path resolvers: nothing to track while descending.
    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None


Key = str | int
"""A step in a path through a document: a mapping key or a list index."""


class Document(Struct, frozen=True, dict=True):
    """A parsed YAML file: its plain value and the nodes that say where each value was."""

    path: str
    """The file's path as the user gave it; used in every message."""
    data: Any
    """The value: dicts with str keys, lists, str, int, float, bool, None, dates."""
    root: yaml.Node
    """The composed node tree, kept to locate values only when something is wrong."""
    problems: tuple[Problem, ...] = ()
    """Problems that left the data usable (a duplicate key keeps its first value), given
    back only when asked for with ``keep_going``, so that checking the data can list them
    together with its own problems."""

    @functools.cached_property
    def _indexes(self) -> dict[int, dict[Any, tuple[yaml.Node, yaml.Node]]]:
        """Each mapping node's keys, by the node's id, made when first located in."""
        return {}

    def locate(self, keys: Sequence[Key], *, key: bool = False) -> tuple[int, int]:
        """Return the 1-based line and column of the value at ``keys``.

        With ``key=True`` return where the last key itself is written (for unknown keys).
        A path that does not exist resolves to its nearest existing ancestor.
        """
        node: yaml.Node = self.root
        key_node: yaml.Node | None = None
        for step in keys:
            found: yaml.Node | None = None
            if isinstance(node, yaml.MappingNode):
                key_node, found = self._index(node).get(step, (None, None))
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
                found = node.value[step] if 0 <= step < len(node.value) else None
                key_node = None
            if found is None:
                key_node = None
                break
            node = found
        target = key_node if key and key_node is not None else node
        mark = target.start_mark
        return mark.line + 1, mark.column + 1

    def _index(self, node: yaml.MappingNode) -> dict[Any, tuple[yaml.Node, yaml.Node]]:
        """The first key and value node of each key of ``node``, built once per mapping.

        Locating each of N problems by scanning the mapping would make reporting a file
        of N unknown keys quadratic; with the index it is linear.
        """
        index = self._indexes.get(id(node))
        if index is None:
            index = {}
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode) and k.value not in index:
                    index[k.value] = (k, v)
            self._indexes[id(node)] = index
        return index

    def problem(self, keys: Sequence[Key], message: str, *, key: bool = False) -> Problem:
        """A problem located at the value (or with ``key=True`` the key) at ``keys``."""
        line, column = self.locate(keys, key=key)
        return Problem(self.path, message, line, column)


def _open_regular(path: Path | str) -> tuple[BinaryIO, os.stat_result] | None:
    """``path`` open for reading, and its status, if it is a regular file; else None.

    Only a regular file is opened: a FIFO would hang the reader and a device (``/dev/zero``)
    never ends. The type is checked before opening (a device is never opened at all), and
    again on the open descriptor, opened without blocking, so a file swapped for a FIFO in
    between is refused too. A folder raises IsADirectoryError; a missing file, OSError.
    """
    mode = os.stat(path).st_mode  # noqa: PTH116 - a str too: read_if_regular makes no Path
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(path)
    if not stat.S_ISREG(mode):
        return None
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    stream = os.fdopen(os.open(path, flags), "rb")
    info = os.fstat(stream.fileno())  # of what was opened, not of the name
    if stat.S_ISREG(info.st_mode):
        return stream, info
    stream.close()
    return None


def read_if_regular(name: str, max_bytes: int = MAX_BYTES) -> bytes | None:
    """The first ``max_bytes`` (-1: all) of ``name`` if it is a regular file, else None.

    For probing many paths where most do not exist: the checks of :func:`read_bytes`,
    quietly, without a Path or an error for each miss.
    """
    try:
        opened = _open_regular(name)
        if opened is None:
            return None
        with opened[0] as stream:
            return stream.read(max_bytes)
    except OSError:
        return None


def read_bytes(path: Path, *, max_bytes: int = MAX_BYTES, display: str | None = None) -> bytes:
    """Read a file we are about to parse, refusing one that is too large to be genuine.

    Only a regular file is read (see :func:`_open_regular`).
    """
    name = display or str(path)
    try:
        opened = _open_regular(path)
        if opened is None:
            raise _error(name, _not_regular(name))
        stream, info = opened
        with stream:
            if info.st_size > max_bytes:
                raise _error(name, _too_large(name, info.st_size, max_bytes))
            data = stream.read(max_bytes + 1)
    except IsADirectoryError:
        raise _error(name, Problem(name, "is a folder, not a file")) from None
    except FileNotFoundError:
        raise _error(name, Problem(name, "no such file")) from None
    except OSError as error:
        raise _error(name, Problem(name, f"cannot read: {error.strerror or error}")) from None
    if len(data) > max_bytes:  # the file grew while we read it
        raise _error(name, _too_large(name, len(data), max_bytes))
    return data


def _not_regular(path: str) -> Problem:
    return Problem(path, "is not a regular file (a FIFO, device or socket): give a saved file")


def _too_large(path: Path | str, size: int, max_bytes: int) -> Problem:
    return Problem(
        path,
        f"file is too large ({size:,} bytes; the limit is {max_bytes:,}): "
        "is this really a scheme file?",
    )


def decode_text(data: bytes, path: str) -> str:
    """Return the UTF-8 text of ``data``, or raise one clear problem about what it is."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _error(path, Problem(path, "file is UTF-16 text; save it as UTF-8", 1, 1))
    if b"\x00" in data[:8192]:
        raise _error(path, Problem(path, "file is binary, not YAML text"))
    if b"\x00" in data:  # text with a NUL byte deep inside: say where it is
        line, column = _line_column(data, data.index(b"\x00"))
        message = "a NUL byte (0x00): YAML text cannot hold one; remove it"
        raise _error(path, Problem(path, message, line, column))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _line_column(data, error.start)
        bad = data[error.start]
        raise _error(
            path,
            Problem(
                path,
                f"file is not UTF-8 text (byte 0x{bad:02X} cannot be read); save it as UTF-8",
                line,
                column,
            ),
        ) from None
    return text.removeprefix("\ufeff")


def _line_column(data: bytes, offset: int) -> tuple[int, int]:
    """The 1-based line and column (in characters) of byte ``offset``."""
    before = data[:offset]
    line_start = before.rfind(b"\n") + 1
    column = len(before[line_start:].decode("utf-8", errors="replace")) + 1
    return before.count(b"\n") + 1, column


def _error(path: str, *problems: Problem) -> InputError:
    count = len(problems)
    heading = f"{path}: {count} problem" + ("s" if count != 1 else "")
    return InputError(heading, tuple(problems))


def load_path(path: Path, *, display: str | None = None, max_bytes: int = MAX_BYTES) -> Document:
    """Read, check and parse one YAML file; see :func:`load_text`."""
    name = display or str(path)
    return load_bytes(read_bytes(path, max_bytes=max_bytes, display=name), name)


def load_bytes(
    data: bytes, path: str, *, max_bytes: int = MAX_BYTES, keep_going: bool = False
) -> Document:
    """Check and parse the bytes of a YAML file named ``path`` (used in messages)."""
    if len(data) > max_bytes:
        raise _error(path, _too_large(path, len(data), max_bytes))
    return load_text(decode_text(data, path), path, keep_going=keep_going)


def load_text(text: str, path: str, *, keep_going: bool = False) -> Document:
    """Parse one YAML document strictly; raise :class:`InputError` listing every problem.

    With ``keep_going``, problems that leave the data usable (duplicate keys) are not
    raised but returned in :attr:`Document.problems`, for the caller to report with its own.
    """
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        raise _error(path, _syntax_problem(path, error, text)) from None
    except yaml.reader.ReaderError as error:
        # A control character YAML does not allow; the reader gives its position only.
        before = text[: error.position]
        line = before.count("\n") + 1
        column = error.position - (before.rfind("\n") + 1) + 1
        message = (
            f"a control character (U+{error.character:04X}) that YAML text cannot hold; remove it"
            if isinstance(error.character, int)
            else str(error.reason)
        )
        raise _error(path, Problem(path, message, line, column)) from None
    except yaml.YAMLError as error:  # pragma: no cover - libyaml always gives a mark
        raise _error(path, Problem(path, f"YAML error: {error}")) from None
    except RecursionError:  # only the pure-Python parser recurses without a limit
        message = f"lists or mappings nest more than {MAX_DEPTH} deep"
        raise _error(path, Problem(path, message)) from None
    if root is None:
        raise _error(path, Problem(path, "file is empty: it holds no YAML document"))
    builder = _Builder(path)
    data = builder.build(root, 0)
    if builder.problems or (builder.soft and not keep_going):
        raise _error(path, *sorted(builder.problems + builder.soft, key=_position))
    return Document(path, data, root, tuple(builder.soft))


def _position(problem: Problem) -> tuple[int, int]:
    return (problem.line or 0, problem.column or 0)


def _syntax_problem(path: str, error: yaml.MarkedYAMLError, text: str) -> Problem:
    mark = error.problem_mark or error.context_mark
    what = error.problem or "syntax error"
    if (error.context or "").startswith("expected a single document"):
        what = "the file holds more than one YAML document (a second '---'): keep only one"
    elif mark is not None and _char_at(text, mark.line, mark.column) == "\t":
        what = "a tab character: indent with spaces, not tabs"
    elif error.context:
        what = f"{what} ({error.context}"
        if error.context_mark is not None and error.context_mark is not mark:
            what += f" at line {error.context_mark.line + 1}"
        what += ")"
    message = f"YAML syntax error: {what}"
    if mark is None:  # pragma: no cover - libyaml always gives a mark
        return Problem(path, message)
    return Problem(path, message, mark.line + 1, mark.column + 1)


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.split("\n", line + 1)
    if line < len(lines) and column < len(lines[line]):
        return lines[line][column]
    return ""


class _Builder:
    """Turns a composed node tree into plain values, collecting every problem on the way."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []
        self.soft: list[Problem] = []
        """Problems after which the data is still usable."""
        self.seen: set[int] = set()
        self.active: set[int] = set()
        self.aliases = 0
        self.values = 0
        self.stopped = False

    def _report(self, node: yaml.Node, message: str) -> None:
        mark = node.start_mark
        self.problems.append(Problem(self.path, message, mark.line + 1, mark.column + 1))

    def _stop(self, node: yaml.Node, message: str) -> None:
        self._report(node, message)
        self.stopped = True

    def build(self, node: yaml.Node, depth: int) -> Any:
        """The plain value of ``node``; problems are collected, never raised."""
        if self.stopped:
            return None
        self.values += 1
        if self.values > MAX_VALUES:
            self._stop(node, f"file holds more than {MAX_VALUES:,} values (an alias bomb?)")
            return None
        if node.__class__ is yaml.ScalarNode:
            # A scalar alias cannot multiply anything: only collections need the checks below.
            return node.value if node.tag == _STR else self._scalar(node)
        if not self._enter(node, depth):
            return None
        ident = id(node)
        self.active.add(ident)
        value: Any = None
        if isinstance(node, yaml.MappingNode) and node.tag == _MAP:
            value = self._mapping(node, depth)
        elif isinstance(node, yaml.SequenceNode) and node.tag == _SEQ:
            value = [self.build(child, depth + 1) for child in node.value]
        else:
            self._report(node, _tag_message(node.tag))
        self.active.discard(ident)
        return value

    def _enter(self, node: yaml.Node, depth: int) -> bool:
        """Check the limits before expanding a list or mapping; False to skip it."""
        ident = id(node)
        if ident in self.seen:
            # The composer hands back the anchored node itself for every alias to it.
            self.aliases += 1
            if ident in self.active:
                self._stop(node, "an alias refers to the value that contains it")
                return False
            if self.aliases > MAX_ALIASES:
                message = f"file uses aliases (*name) more than {MAX_ALIASES} times"
                self._stop(node, message + " (an alias bomb?)")
                return False
        else:
            self.seen.add(ident)
        if depth > MAX_DEPTH:
            self._stop(node, f"lists or mappings nest more than {MAX_DEPTH} deep")
            return False
        return True

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        tag = node.tag
        if tag == _STR:
            return node.value
        if tag not in _SAFE_SCALAR_TAGS:
            self._report(node, _tag_message(tag))
            return None
        if tag == "tag:yaml.org,2002:null":
            return None
        try:
            method = _CONSTRUCTOR.yaml_constructors[tag]
            return method(_CONSTRUCTOR, node)
        except (ValueError, yaml.YAMLError) as error:
            self._report(node, f"cannot read {node.value!r}: {error}")
            return None

    def _mapping(self, node: yaml.MappingNode, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_line: dict[Hashable, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self._report(key_node, "a key must be plain text, not a list or mapping")
                continue
            if key_node.tag == _MERGE:
                self._report(key_node, "merge keys (<<) are not allowed: write the keys out")
                continue
            if key_node.tag not in _SAFE_SCALAR_TAGS:
                self._report(key_node, _tag_message(key_node.tag))
                continue
            # Keys stay as written: `1.0:` or `on:` must not turn into a number or True.
            key = key_node.value
            if key in first_line:
                mark = key_node.start_mark
                message = f"duplicate key {key!r} (first written at line {first_line[key]})"
                self.soft.append(Problem(self.path, message, mark.line + 1, mark.column + 1))
                self.build(value_node, depth + 1)
                continue
            first_line[key] = key_node.start_mark.line + 1
            result[key] = self.build(value_node, depth + 1)
        return result


def _tag_message(tag: str) -> str:
    short = tag.replace("tag:yaml.org,2002:", "!!")
    return (
        f"the tag {short} is not allowed: only plain text, numbers, dates, true/false, "
        "lists and mappings"
    )


def did_you_mean(word: str, choices: Sequence[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest of ``choices``, or an empty string."""
    lowered = {choice.lower(): choice for choice in choices}
    if word.lower() in lowered:
        return f" (did you mean {lowered[word.lower()]!r}?)"
    import difflib  # only on the error path: it costs start-up time

    close = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
    return f" (did you mean {lowered[close[0]]!r}?)" if close else ""


if TYPE_CHECKING:  # a Protocol class costs start-up time, and only mypy needs it
    from typing import Protocol

    class Located(Protocol):
        """Parsed data that can say where a value came from: YAML, a form, a sheet."""

        @property
        def path(self) -> str: ...

        @property
        def data(self) -> Any: ...

        def problem(self, keys: Sequence[Key], message: str, *, key: bool = False) -> Problem:
            """A problem located at the value (or with ``key=True`` the key) at ``keys``."""
            ...


class Checker:
    """Checks the shape of parsed data, collecting every problem with its place.

    Each method returns the value when it has the right type and otherwise records a
    problem and returns a neutral value, so that checking goes on and reports everything.
    """

    def __init__(self, document: Located) -> None:
        self.document = document
        # Problems the reader found but read past (a duplicate key) come first.
        self.problems: list[Problem] = list(getattr(document, "problems", ()))

    def report(self, keys: Sequence[Key], message: str, *, key: bool = False) -> None:
        """Record a problem at the value (or key) at ``keys``."""
        self.problems.append(self.document.problem(keys, message, key=key))

    def mapping(
        self,
        value: Any,
        keys: Sequence[Key],
        *,
        known: Sequence[str],
        required: Sequence[str] = (),
        what: str,
    ) -> dict[str, Any]:
        """Check ``value`` is a mapping with only ``known`` keys and every ``required`` one."""
        if not isinstance(value, dict):
            self.report(keys, f"{what} must be a mapping of keys to values, not {_kind(value)}")
            return {}
        suggested: set[str] = set()
        for name in value:
            if name not in known:
                hint = did_you_mean(name, known)
                if hint:
                    suggested.add(hint.split("'")[1])
                self.report(
                    (*keys, name),
                    f"unknown key {name!r} in {what}{hint}; expected {_names(known)}",
                    key=True,
                )
        for name in required:
            # A misspelt key already said what it should be: do not report it missing too.
            if name not in value and name not in suggested:
                self.report(keys, f"{what} is missing {name!r}")
        return value

    def mappings(
        self,
        value: Any,
        keys: Sequence[Key],
        *,
        known: Sequence[str],
        required: Sequence[str] = (),
        what: str,
    ) -> Iterator[tuple[tuple[Key, ...], dict[str, Any]]]:
        """Each entry of the list ``value`` that is a mapping (checked as :meth:`mapping`
        checks one), with its keys; an entry that is not a mapping is reported and skipped."""
        for index, entry in enumerate(self.sequence(value, keys)):
            at = (*keys, index)
            data = self.mapping(entry, at, known=known, required=required, what=what)
            if data:
                yield at, data

    def sorted_problems(self) -> tuple[Problem, ...]:
        """The problems in the order they appear in the file."""
        return tuple(sorted(self.problems, key=lambda p: (p.line or 0, p.column or 0)))

    def text(self, value: Any, keys: Sequence[Key], *, optional: bool = False) -> str:
        """Check ``value`` is a non-empty string (or, if ``optional``, absent or null)."""
        if value is None and optional:
            return ""
        if isinstance(value, str) and (value.strip() or optional):
            return value.strip()
        self.report(keys, f"{_label(keys)} must be text, not {_kind(value)}")
        return ""

    def flag(self, value: Any, keys: Sequence[Key], *, default: bool = False) -> bool:
        """Check ``value`` is true or false (absent means ``default``)."""
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        self.report(keys, f"{_label(keys)} must be true or false, not {_kind(value)}")
        return default

    def sequence(self, value: Any, keys: Sequence[Key]) -> list[Any]:
        """Check ``value`` is a list (absent means empty)."""
        if value is None:
            return []
        if isinstance(value, list):
            return value
        self.report(keys, f"{_label(keys)} must be a list, not {_kind(value)}")
        return []


def _label(keys: Sequence[Key]) -> str:
    path = ".".join(str(k) if isinstance(k, str) else f"[{k}]" for k in keys)
    return path.replace(".[", "[") or "the file"


def _names(names: Sequence[str]) -> str:
    if len(names) > 8:
        return ", ".join(names[:8]) + ", ..."
    return ", ".join(names)


def _kind(value: Any) -> str:
    """Describe a value for a message: its type, and the value itself when it is short."""
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"{str(value).lower()} (true/false)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"text {_short(value)!r}" if value.strip() else "empty text"
    return f"{type(value).__name__} {_short(str(value))}"


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def kind(value: Any) -> str:
    """Describe ``value`` for an error message (``text 'x'``, ``a list``, ...)."""
    return _kind(value)
