"""The XML parts of an untrusted zip, read safely and in bounded memory.

- the prolog of every XML part, needed or not, goes through defusedxml first:
  a DTD, an entity declaration or an external reference is refused
  (FILE_XML_UNSAFE) before the fast C parser sees the part; without a DTD no
  entity can expand;
- a part of up to `TREE_LIMIT` bytes (as its zip entry declares, and zipfile
  never inflates past that) is parsed whole by the C parser and searched in C;
  a larger one is streamed, every element dropped once read unless it is
  inside a row, a validation or a string still being read (at most
  `MAX_SUBTREE` elements), and nesting deeper than `MAX_DEPTH` is refused;
- a part checked whole is kept, as inflated, until it is parsed (at most
  `KEEP_LIMIT` bytes of them at a time), so it is inflated once, not twice.
"""

from __future__ import annotations

import pyexpat
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
KEEP_LIMIT = 16 * 1024 * 1024  # bytes of inflated parts kept between the prolog check and the parse


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


class _Doctype(Exception):
    """The part has a document type declaration: defusedxml judges it."""


def _raise_root(name: str, attrs: Any) -> None:
    raise _RootReached


def _raise_doctype(*args: Any) -> None:
    raise _Doctype


def _plain_prolog(data: bytes) -> bool:
    """True when the part's root element opens with no DTD before it and nothing wrong up to there.

    The bare C parser (namespace-aware, as ElementTree's) stops at the root; a DTD, or any error, sends the part
    to defusedxml, which says exactly what is wrong as before. A tenth of defusedxml's cost for every part.
    """
    parser = pyexpat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler = _raise_root
    parser.StartDoctypeDeclHandler = _raise_doctype
    try:
        parser.Parse(data, True)
    except _RootReached:
        return True
    except Exception:  # noqa: BLE001 - a DTD, or a prolog that is not plain: defusedxml decides
        return False
    return False


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


class Package:
    """The XML parts of one zip: every prolog checked first, then parts selected one by one."""

    def __init__(self, zf: zipfile.ZipFile) -> None:
        self.zf = zf
        self._kept: dict[str, bytes] = {}  # part -> its bytes, read whole by the prolog check, until parsed

    def check_prologs(self) -> None:
        """Every XML part, read or not, is free of DTDs: a hostile one is refused even where nothing needs it."""
        budget = KEEP_LIMIT
        for info in self.zf.infolist():
            if not info.filename.lower().endswith((".xml", ".rels")):
                continue
            if info.file_size <= min(TREE_LIMIT, budget):
                data = self._inflate(info.filename)
                if data is not None:
                    if not _plain_prolog(data):
                        _check_prolog(info.filename, [data])
                    self._kept[info.filename] = data
                    budget -= len(data)
                    continue
            _check_prolog(info.filename, _chunks(_read(self.zf, info.filename)))

    def _inflate(self, name: str) -> bytes | None:
        """The whole part, or None when it cannot be read whole: the prolog check then reads its start alone, as
        for a large part, and a damage further in is met (or not) where the part is parsed."""
        try:
            with self.zf.open(name) as stream:  # in chunks: one read() would inflate a lying entry whole
                data = b"".join(iter(lambda: stream.read(CHUNK), b""))
        except (KeyError, zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, ValueError, EOFError,
                zlib.error):
            return None
        return data

    def select(self, name: str, tags: tuple[str, ...]) -> Iterator[Any]:
        """The root element of part `name`, then every element with one of `tags`, each with its subtree.

        Nothing when the part is absent. Elements of one tag come in document order (not across tags).
        """
        zf = self.zf
        try:
            size = zf.getinfo(name).file_size
        except KeyError:
            return
        if size <= TREE_LIMIT:
            kept = self._kept.pop(name, None)
            root = _parse_whole(zf, name) if kept is None else _parse_bytes(name, kept)
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


def _chunks(stream: Any) -> Iterator[bytes]:
    with stream:
        while chunk := stream.read(4096):
            yield chunk


def _check_prolog(name: str, chunks: Iterator[bytes] | list[bytes]) -> None:
    """The prolog of one part, fed until its root element opens."""
    prolog = _Prolog()
    try:
        for chunk in chunks:
            prolog.feed(chunk)
            if prolog.parser is None:
                break
    except (DefusedXmlException, ParseError, zipfile.BadZipFile, EOFError, OSError, zlib.error, LookupError,
            UnicodeError) as exc:
        raise _part_error(name, exc) from None


def _parse_bytes(name: str, data: bytes) -> Any:
    """A part read whole, its prolog already checked."""
    parser = XMLParser()
    try:
        parser.feed(data)
        return parser.close()
    except (ParseError, LookupError, UnicodeError) as exc:
        raise _part_error(name, exc) from None


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
    if isinstance(exc, ParseError):  # the parser's own words are English: say where, in Italian
        line, column = getattr(exc, "position", (0, 0))
        return ContainerError("FILE_UNREADABLE", f"XML non valido in {name} (riga {line}, colonna {column})")
    damage = _DAMAGE.get(type(exc), "errore di lettura")
    return ContainerError("FILE_UNREADABLE", f"parte {name} danneggiata ({damage})")


_DAMAGE = {zipfile.BadZipFile: "archivio zip non valido", zlib.error: "dati compressi danneggiati",
           EOFError: "dati compressi troncati", UnicodeDecodeError: "codifica dei caratteri non valida",
           LookupError: "codifica dei caratteri sconosciuta"}


_UNSAFE = {
    "DTDForbidden": "dichiarazione DTD (DOCTYPE) non ammessa",
    "EntitiesForbidden": "dichiarazione di entità non ammessa",
    "ExternalReferenceForbidden": "riferimento esterno non ammesso",
    "NotSupportedError": "costrutto XML non ammesso",
}
