"""Safe YAML reading that remembers where every key came from.

PyYAML's ``safe_load`` forgets line numbers, accepts duplicate keys silently and expands
aliases without bound. Here we compose the node tree ourselves and build plain Python
data from it, recording the line of every key, refusing anything that is not plain data
(Python object tags, merge keys), and collecting every problem instead of stopping at
the first.
"""

from __future__ import annotations

import errno
import os
import re
import stat

import yaml

from simcenter.errors import InputError, Problem, format_path
from simcenter.i18n import language, t

MAX_FILE_BYTES = 1_000_000
"""A scenario is a few kilobytes; anything above this is a mistake (or an attack)."""
MAX_NODES = 200_000
"""Bound on the nodes built from one file, so alias bombs cannot exhaust memory."""
MAX_DEPTH = 64
"""Bound on nesting (a scenario needs about 6 levels): PyYAML composes recursively, so
``[[[[...]]]]`` a few hundred levels deep would otherwise end in a RecursionError."""

_SAFE_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}

Locations = dict[tuple, tuple[str, int]]
"""Maps a data path (tuple of keys and list indices) to ``(file, line)``."""


def read_text(path: str | os.PathLike) -> str:
    """Read a small UTF-8 text file (a scenario, an experiment), turning every failure into a located problem."""
    raw = read_regular(path, MAX_FILE_BYTES)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(
            [Problem(str(path), line, "", t("file.not_utf8", column=col, byte=f"0x{raw[exc.start]:02x}"))]
        )


def read_regular(path: str | os.PathLike, limit: int | None = None) -> bytes:
    """The bytes of a regular file (at most ``limit``), every failure a located problem.

    Only regular files are read: a named pipe would block the command forever, a device never
    ends, and a symbolic link loop is an error of the file system, not of the input. The file
    is checked before it is opened (``stat``), opened without blocking, and checked again once
    open (``fstat``: it may have been replaced in between).
    """
    name = str(path)
    problem = regular_file_problem(path)
    if problem is not None:
        raise InputError([Problem(name, 1, "", problem[1])])
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode):
                raise InputError([Problem(name, 1, "", _kind_problem(st.st_mode))])
            if limit is not None and st.st_size > limit:
                raise InputError([Problem(name, 1, "", t("file.too_large", size=st.st_size, limit=limit))])
            raw = fh.read() if limit is None else fh.read(limit + 1)  # bounded: the file may grow meanwhile
        if limit is not None and len(raw) > limit:
            raise InputError([Problem(name, 1, "", t("file.too_large", size=f"more than {limit}", limit=limit))])
    except (OSError, ValueError) as exc:  # e.g. a name too long, or with a NUL byte
        raise InputError([Problem(name, 1, "", os_problem(exc))]) from None
    return raw


def regular_file_problem(path: str | os.PathLike) -> tuple[str, str] | None:
    """Why ``path`` cannot be read as an input file, or None when it is a regular file: the reason
    (``missing``, ``folder`` or ``other``) and the message.

    ``stat`` follows symbolic links, so a link to a regular file is fine and a loop of links is
    named as such; nothing is opened, so a named pipe or a device cannot block the command.
    """
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return "missing", t("file.not_found")
    except (OSError, ValueError) as exc:
        return "other", os_problem(exc)
    if stat.S_ISDIR(st.st_mode):
        return "folder", t("file.is_dir")
    if not stat.S_ISREG(st.st_mode):
        return "other", _kind_problem(st.st_mode)
    return None


def _kind_problem(mode: int) -> str:
    """The message for a file that is not a regular file, naming what it is."""
    if stat.S_ISFIFO(mode):
        kind = "fifo"
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        kind = "device"
    elif stat.S_ISSOCK(mode):
        kind = "socket"
    elif stat.S_ISDIR(mode):
        return t("file.is_dir")
    else:
        kind = "other"
    return t("file.not_regular", kind=t(f"file.kind_{kind}"))


def os_problem(exc: BaseException) -> str:
    """A failure of the file system (an ``OSError``, or a name it cannot hold) as a message."""
    if isinstance(exc, OSError) and exc.errno == errno.ELOOP:
        return t("file.symlink_loop")
    return t("file.unreadable", error=getattr(exc, "strerror", None) or exc)


PARSER_PROBLEMS = (
    (r"mapping values are not allowed here", "mapping_value"),
    (r"could not find expected ':'", "missing_colon"),
    (r"expected <block end>, but found (?P<found>.*)", "indentation"),
    (r"expected ',' or '\]', but got (?P<found>.*)", "flow_sequence"),
    (r"expected ',' or '\}', but got (?P<found>.*)", "flow_mapping"),
    (r"found character (?P<found>.*) that cannot start any token", "bad_start"),
    (r"found unexpected end of stream", "end_of_file"),
    (r"found undefined alias (?P<found>.*)", "unknown_alias"),
    (r"sequence entries are not allowed here", "list_item"),
    (r"found unknown escape character (?P<found>.*)", "escape"),
    (r"invalid indentation or unclosed '\[' or '\{'", "unclosed"),
    (r"expected the node content, but found (?P<found>.*)", "no_value"),
    (r"expected '<document start>', but found (?P<found>.*)", "document_start"),
)
"""PyYAML's words for the slips a hand-edited scenario makes, and their keys (``yaml.problem.*``); the
English messages are PyYAML's own, the Bulgarian say the same in Bulgarian. Other problems keep PyYAML's words."""


def _said(problem: str) -> str | None:
    """PyYAML's ``problem`` in the user's language, if it is one of ``PARSER_PROBLEMS`` (else ``None``)."""
    if language() == "en":
        return None  # PyYAML's own words, with its context, as ever
    for pattern, key in PARSER_PROBLEMS:
        if found := re.fullmatch(pattern, problem):
            if key == "bad_start" and found["found"] == repr("\t"):
                key = "tab"  # the usual one: said in words, not as '\t'
            return t(f"yaml.problem.{key}", **found.groupdict())
    return None


def load_mapping_text(text: str, name: str) -> tuple[dict, Locations]:
    """Parse YAML text whose root must be a mapping; return the data and key locations."""
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        node = yaml.compose(text, Loader=_SafeComposer)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        col = mark.column + 1 if mark else 1
        what = exc.problem or exc.context or "invalid YAML"
        said = _said(exc.problem) if exc.problem else None
        if said is not None:  # the parser's words in the user's language, where a scenario's usual slips are
            started = exc.context_mark.line + 1 if exc.context and exc.context_mark else None
            what = said + (t("yaml.problem.started", line=started) if started and started != line else "")
        elif exc.problem and exc.context:  # e.g. "second occurrence" of a duplicate anchor needs its context
            where = f" at line {exc.context_mark.line + 1}" if exc.context_mark else ""
            what = f"{exc.problem} ({exc.context}{where})"
        raise InputError([Problem(name, line, "", t("yaml.syntax", column=col, problem=what))])
    except yaml.YAMLError as exc:  # e.g. a reader error on control characters
        mark = getattr(exc, "problem_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        position = getattr(exc, "position", None)  # a ReaderError has no mark, only a character index
        if mark is None and isinstance(position, int):
            line = text.count("\n", 0, position) + 1
            col = position - (text.rfind("\n", 0, position) + 1) + 1
        raise InputError([Problem(name, line, "", t("yaml.syntax", column=col, problem=str(exc).splitlines()[0]))])
    if node is None:
        raise InputError([Problem(name, 1, "", t("yaml.empty"))])
    if not isinstance(node, yaml.MappingNode):
        kind = "a list" if isinstance(node, yaml.SequenceNode) else "a single value"
        raise InputError([Problem(name, node.start_mark.line + 1, "", t("yaml.root_not_mapping", kind=kind))])
    builder = _Builder(name)
    data = builder.build(node, ())
    if builder.problems:
        raise InputError(builder.problems)
    return data, builder.locations


def parse_value(text: str, name: str, path: str) -> object:
    """Parse one command-line value as a YAML scalar or flow collection (``3``, ``true``, ``[1, 2]``)."""
    try:
        node = yaml.compose(text if text.strip() else "''", Loader=_SafeComposer)
    except yaml.YAMLError:
        return text  # not YAML: take it as the plain string the user typed
    builder = _Builder(name)
    value = builder.build(node, ()) if node is not None else None
    if builder.problems:
        raise InputError([Problem(p.file, p.line, path, p.message) for p in builder.problems])
    return value


class _SafeComposer(yaml.SafeLoader):
    """The safe loader's composer with a bound on nesting depth."""

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(
                    None, None, f"values nested more than {MAX_DEPTH} levels deep", self.peek_event().start_mark
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


# YAML 1.1 (PyYAML) reads a number with an exponent as text unless it has a dot and a signed
# exponent (`1.0e+5`); YAML 1.2, and every other tool, reads `1e5`, `1E-3` and `2.5e6` as numbers.
# Scenarios and experiments follow YAML 1.2 here. The regular expression only adds forms with an
# exponent, so integers, `1_000` and the YAML 1.1 floats resolve as before.
_SafeComposer.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)[eE][-+]?[0-9]+$"),
    list("-+0123456789."),
)


class _Builder:
    """Turns a composed YAML node tree into dicts, lists and scalars, recording key lines."""

    def __init__(self, name: str):
        self.name = name
        self.problems: list[Problem] = []
        self.locations: Locations = {(): (name, 1)}
        self._constructor = yaml.SafeLoader("")
        self._nodes = 0
        self._open: set[int] = set()  # ids of the collection nodes being built (to catch `&a [*a]`)

    @staticmethod
    def _tag(node: yaml.Node) -> str:
        return node.tag.replace("tag:yaml.org,2002:", "!!")

    def _problem(self, node: yaml.Node, path: tuple, message: str) -> None:
        self.problems.append(Problem(self.name, node.start_mark.line + 1, format_path(path), message))

    def build(self, node: yaml.Node, path: tuple):
        self._nodes += 1
        if self._nodes > MAX_NODES:
            if self._nodes == MAX_NODES + 1:  # name the top-level key that expands, not a value deep inside
                line = self.locations.get(path[:1], (self.name, node.start_mark.line + 1))[1]
                message = t("yaml.too_many_nodes", limit=MAX_NODES)
                self.problems.append(Problem(self.name, line, format_path(path[:1]), message))
            return None
        if isinstance(node, yaml.CollectionNode):
            if id(node) in self._open or len(path) > MAX_DEPTH:
                problem = "an alias refers to a collection that contains it" if id(node) in self._open \
                    else f"values nested more than {MAX_DEPTH} levels deep"
                self._problem(node, path, t("yaml.syntax", column=node.start_mark.column + 1, problem=problem))
                return None
            self._open.add(id(node))
            try:
                return self._collection(node, path)
            finally:
                self._open.discard(id(node))
        if node.tag not in _SAFE_SCALAR_TAGS:
            self._problem(node, path, t("yaml.unsafe_tag", tag=self._tag(node)))
            return None
        try:
            value = self._constructor.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            self._problem(node, path, t("yaml.bad_scalar", value=node.value, problem=getattr(exc, "problem", exc)))
            return None
        if hasattr(value, "isoformat"):  # a bare date: keep what the user wrote
            return str(node.value)
        return value

    def _collection(self, node: yaml.CollectionNode, path: tuple):
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if node.tag != "tag:yaml.org,2002:seq":
            self._problem(node, path, t("yaml.unsafe_tag", tag=self._tag(node)))
            return None
        out = []
        for i, item in enumerate(node.value):
            self.locations[path + (i,)] = (self.name, item.start_mark.line + 1)
            out.append(self.build(item, path + (i,)))
        return out

    def _mapping(self, node: yaml.MappingNode, path: tuple) -> dict | None:
        if node.tag != "tag:yaml.org,2002:map":
            self._problem(node, path, t("yaml.unsafe_tag", tag=self._tag(node)))
            return None
        out: dict = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self._problem(key_node, path, t("yaml.merge_key"))
                continue
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _SAFE_SCALAR_TAGS:
                self._problem(key_node, path, t("yaml.bad_key"))
                continue
            key = str(self._constructor.construct_object(key_node))
            if key_node.tag != "tag:yaml.org,2002:str":
                key = key_node.value  # e.g. `yes:` or `1:` keep the text as written
            if key in out:
                self._problem(key_node, path + (key,), t("yaml.duplicate_key", key=key))
                continue
            self.locations[path + (key,)] = (self.name, key_node.start_mark.line + 1)
            out[key] = self.build(value_node, path + (key,))
        return out
