"""The XML parts of an untrusted zip, read safely and in bounded memory.

- the prolog of every XML part, needed or not, goes through defusedxml first:
  a DTD, an entity declaration or an external reference is refused
  (FILE_XML_UNSAFE) before the fast C parser sees the part; without a DTD no
  entity can expand;
- a part of up to `TREE_LIMIT` bytes (as its zip entry declares, and zipfile
  never inflates past that) is parsed whole by the C parser and searched in C;
  a larger one is streamed, every element dropped once read unless it is
  inside a row, a validation or a string still being read (at most
  `MAX_SUBTREE` elements), and nesting deeper than `MAX_DEPTH` is refused.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from typing import Any, cast
from xml.etree.ElementTree import Element, ParseError, XMLParser, XMLPullParser

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from piano_xlsx.files.container import ContainerError
from piano_xlsx.italian import thousands as _n

TREE_LIMIT = 4 * 1024 * 1024  # parts up to this size are parsed whole (a tree of some 15 times the size)
MAX_DEPTH = 64  # element nesting in a streamed part (OOXML parts nest about ten deep)
MAX_SUBTREE = 250_000  # elements inside one row, validation, string or format list of a streamed part
CHUNK = 64 * 1024


def _read(zf: zipfile.ZipFile, name: str) -> Any:
    try:
        return zf.open(name)
    except KeyError:
        return None
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, ValueError, EOFError) as exc:
        # a damaged local header makes zipfile seek before the start of the file (ValueError)
        raise ContainerError("FILE_UNREADABLE", f"parte {name} illeggibile ({exc})") from None


class _RootReached(Exception):
    """The prolog is over: the part has no DTD."""


class _StopAtRoot:
    """A parser target that stops at the first element."""

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        raise _RootReached

    def end(self, tag: str) -> None:  # pragma: no cover - never reached
        pass

    def data(self, data: str) -> None:
        pass

    def close(self) -> None:
        pass


class _Prolog:
    """defusedxml reads the start of a part until the root element opens: what comes before it may not be a DTD."""

    def __init__(self) -> None:
        self.parser: Any = DefusedXMLParser(target=_StopAtRoot(), forbid_dtd=True, forbid_entities=True,
                                            forbid_external=True)

    def feed(self, chunk: bytes) -> None:
        if self.parser is None:
            return
        try:
            self.parser.feed(chunk)
        except _RootReached:
            self.parser = None


def check_prologs(zf: zipfile.ZipFile) -> None:
    """Every XML part, read or not, is free of DTDs: a hostile one is refused even where nothing needs it."""
    for info in zf.infolist():
        if not info.filename.lower().endswith((".xml", ".rels")):
            continue
        stream = _read(zf, info.filename)
        prolog = _Prolog()
        try:
            with stream:
                while prolog.parser is not None and (chunk := stream.read(4096)):
                    prolog.feed(chunk)
        except DefusedXmlException as exc:
            raise ContainerError("FILE_XML_UNSAFE", f"{info.filename}: "
                                                    f"{_UNSAFE.get(type(exc).__name__, type(exc).__name__)}") from None
        except ParseError as exc:
            raise ContainerError("FILE_UNREADABLE", f"XML non valido in {info.filename} ({exc})") from None
        except (zipfile.BadZipFile, EOFError, OSError, zlib.error, LookupError, UnicodeError) as exc:
            raise ContainerError("FILE_UNREADABLE", f"parte {info.filename} danneggiata ({exc})") from None


def select(zf: zipfile.ZipFile, name: str, tags: tuple[str, ...]) -> Iterator[Any]:
    """The root element of part `name`, then every element with one of `tags`, each with its subtree.

    Nothing when the part is absent. Elements of one tag come in document order (not across tags).
    """
    try:
        size = zf.getinfo(name).file_size
    except KeyError:
        return
    if size <= TREE_LIMIT:
        root = _parse_whole(zf, name)
        if root is None:
            return
        yield root
        for tag in tags:
            yield from root.iter(tag)
        return
    wanted = frozenset(tags)
    root = True
    for event, el in _events(zf, name, ("start", "end"), keep=wanted):
        if root:
            root = False
            yield el
        if event == "end" and el.tag in wanted:
            yield el


def _parse_whole(zf: zipfile.ZipFile, name: str) -> Any:
    stream = _read(zf, name)
    if stream is None:
        return None
    prolog = _Prolog()
    parser = XMLParser()
    try:
        with stream:
            while chunk := stream.read(CHUNK):
                prolog.feed(chunk)
                parser.feed(chunk)
            return parser.close()
    except (DefusedXmlException, ParseError, zipfile.BadZipFile, EOFError, OSError, zlib.error, LookupError,
            UnicodeError) as exc:
        raise _part_error(name, exc) from None


def _events(zf: zipfile.ZipFile, name: str, events: tuple[str, ...] = ("end",),
            keep: frozenset[str] = frozenset(), only: frozenset[str] | None = None) -> Iterator[tuple[str, Element]]:
    """Stream the elements of part `name` (nothing if absent); with `only`, the events of those tags alone.

    Each element is removed from the tree once its end event has been handled, so memory stays flat however
    long the part; elements inside one whose tag is in `keep` stay until that one ends (a row's cells, a
    validation's formula), and there may be at most `MAX_SUBTREE` of them.
    """
    stream = _read(zf, name)
    if stream is None:
        return
    prolog = _Prolog()
    parser: XMLPullParser[Element] = XMLPullParser(events=("start", "end"))
    want_start, want_end = "start" in events, "end" in events
    stack: list[Element] = []
    kept_at = 0  # depth of the open element being kept whole, 0 when none
    kept = 0
    try:
        with stream:
            while True:
                chunk = stream.read(CHUNK)
                if chunk:
                    prolog.feed(chunk)
                    parser.feed(chunk)
                else:
                    parser.close()
                # asked for start and end events only, the parser gives (event, element) pairs
                for event, el in cast("Iterator[tuple[str, Element]]", parser.read_events()):
                    if event == "start":
                        stack.append(el)
                        if len(stack) > MAX_DEPTH:
                            raise ContainerError("FILE_UNREADABLE", f"XML annidato oltre {MAX_DEPTH} livelli in {name}")
                        if kept_at:
                            kept += 1
                            if kept > MAX_SUBTREE:
                                raise ContainerError("FILE_TOO_LARGE", f"elemento con più di {_n(MAX_SUBTREE)} "
                                                                       f"elementi interni in {name}")
                        elif el.tag in keep:
                            kept_at, kept = len(stack), 0
                        if want_start and (only is None or el.tag in only):
                            yield event, el
                        continue
                    depth = len(stack)
                    stack.pop()
                    if want_end and (only is None or el.tag in only):
                        yield event, el
                    if kept_at and depth > kept_at:
                        continue
                    if depth == kept_at:
                        kept_at = 0
                    if stack and len(stack[-1]) and stack[-1][-1] is el:
                        del stack[-1][-1]
                if not chunk:
                    return
    except (DefusedXmlException, ParseError, zipfile.BadZipFile, EOFError, OSError, zlib.error, LookupError,
            UnicodeError) as exc:
        raise _part_error(name, exc) from None


def _part_error(name: str, exc: Exception) -> ContainerError:
    """The finding for a part that is unsafe, not XML, or damaged in the zip."""
    if isinstance(exc, DefusedXmlException):
        return ContainerError("FILE_XML_UNSAFE", f"{name}: {_UNSAFE.get(type(exc).__name__, type(exc).__name__)}")
    if isinstance(exc, ParseError):
        return ContainerError("FILE_UNREADABLE", f"XML non valido in {name} ({exc})")
    return ContainerError("FILE_UNREADABLE", f"parte {name} danneggiata ({exc})")


_UNSAFE = {
    "DTDForbidden": "dichiarazione DTD (DOCTYPE) non ammessa",
    "EntitiesForbidden": "dichiarazione di entità non ammessa",
    "ExternalReferenceForbidden": "riferimento esterno non ammesso",
    "NotSupportedError": "costrutto XML non ammesso",
}
