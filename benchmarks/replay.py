"""Bare XlsxWriter: record the calls our writer makes, then replay them with no plan logic at all.

The baseline of the generate benchmark writes exactly what `generate` writes (the same cells, formats,
validations, conditional formats, protection and print set-up), so the ratio of the two is the cost of
everything else: plan resolution, layout, content, the Python model, the manifest and its signature.
Replaying gives byte-identical files, which the benchmark checks.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet


class BareWorkbook(xlsxwriter.Workbook):
    """XlsxWriter plus the one element it lacks (<workbookProtection>), as any user of it would add."""

    structure_password_hash: str | None = None

    def _write_book_views(self) -> None:
        if self.structure_password_hash:
            self._xml_empty_tag("workbookProtection", [
                ("workbookPassword", self.structure_password_hash), ("lockStructure", 1)])
        super()._write_book_views()


@dataclass(frozen=True)
class Handle:
    index: int  # position in the replay's list of objects (0 is the workbook)


@dataclass
class Recording:
    options: dict[str, Any]
    structure_password_hash: str | None
    calls: list[tuple[int, str, tuple[Any, ...], dict[str, Any], bool, bool]] = field(default_factory=list)
    # (receiver, method, args, kwargs, args hold handles, returns a new object)


class Recorder:
    """Patches XlsxWriter's public methods while `record()` runs a function that writes one workbook."""

    def __init__(self) -> None:
        self.depth = 0
        self.handles: dict[int, int] = {}
        self.recording: Recording | None = None

    def _encode(self, value: Any) -> tuple[Any, bool]:
        if isinstance(value, (Format, Worksheet)):
            return Handle(self.handles[id(value)]), True
        if isinstance(value, dict):
            pairs = [(k, self._encode(v)) for k, v in value.items()]
            return {k: v for k, (v, _) in pairs}, any(h for _, (_, h) in pairs)
        if isinstance(value, (list, tuple)):
            items = [self._encode(v) for v in value]
            return type(value)(v for v, _ in items), any(h for _, h in items)
        return value, False

    def record(self, write: Callable[[], Any]) -> tuple[Recording, Any]:
        originals: list[tuple[type, str, Any]] = []
        recorder = self

        def wrap(name: str, original: Any) -> Any:
            def method(obj: Any, *args: Any, **kwargs: Any) -> Any:
                if recorder.depth:
                    return original(obj, *args, **kwargs)
                assert recorder.recording is not None
                if name == "close":
                    recorder.recording.structure_password_hash = getattr(obj, "structure_password_hash", None)
                enc_args, h1 = recorder._encode(args)
                enc_kwargs, h2 = recorder._encode(kwargs)
                receiver = recorder.handles[id(obj)]
                recorder.depth += 1
                try:
                    result = original(obj, *args, **kwargs)
                finally:
                    recorder.depth -= 1
                creates = isinstance(result, (Format, Worksheet))
                if creates:
                    recorder.handles[id(result)] = len(recorder.handles)
                assert recorder.recording is not None
                recorder.recording.calls.append((receiver, name, enc_args, enc_kwargs, h1 or h2, creates))
                return result
            return method

        original_init = Workbook.__init__

        def init(obj: Any, filename: Any = None, options: dict[str, Any] | None = None) -> None:
            recorder.handles[id(obj)] = 0
            recorder.recording = Recording(dict(options or {}), None)
            recorder.depth += 1
            try:
                original_init(obj, filename, options)
            finally:
                recorder.depth -= 1

        originals.append((Workbook, "__init__", Workbook.__dict__["__init__"]))
        Workbook.__init__ = init  # type: ignore[method-assign]
        for cls in (Workbook, Worksheet, Format):
            for name in dir(cls):
                if name.startswith("_"):
                    continue
                original = getattr(cls, name)
                if callable(original) and not isinstance(original, type):
                    originals.append((cls, name, cls.__dict__.get(name)))
                    setattr(cls, name, wrap(name, original))
        try:
            self.handles = {}
            self.recording = None
            result = write()
        finally:
            for cls, name, original in originals:
                if original is None:
                    delattr(cls, name)
                else:
                    setattr(cls, name, original)
        assert self.recording is not None
        return self.recording, result


def _decode(value: Any, objects: list[Any]) -> Any:
    if isinstance(value, Handle):
        return objects[value.index]
    if isinstance(value, dict):
        return {k: _decode(v, objects) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_decode(v, objects) for v in value)
    return value


def replay(recording: Recording) -> bytes:
    """Write the recorded workbook with bare XlsxWriter (in memory) and return its bytes."""
    buffer = io.BytesIO()
    wb = BareWorkbook(buffer, recording.options)
    wb.structure_password_hash = recording.structure_password_hash
    objects: list[Any] = [wb]
    for receiver, name, args, kwargs, has_handles, creates in recording.calls:
        if has_handles:
            args, kwargs = _decode(args, objects), _decode(kwargs, objects)
        result = getattr(objects[receiver], name)(*args, **kwargs)
        if creates:
            objects.append(result)
    return buffer.getvalue()
