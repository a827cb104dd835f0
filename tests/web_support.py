"""Helpers for the web app's tests: the real `piano-xlsx serve` in a process of its own, and plain HTTP to it."""

from __future__ import annotations

import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

from support import ROOT

CSRF = re.compile(r'name="csrf" value="([0-9a-f]+)"')


@dataclass
class Served:
    """A running `piano-xlsx serve`: its process, the URL it printed (with the token) and its base."""

    process: subprocess.Popen[str]
    url: str
    data: Path

    @property
    def base(self) -> str:
        return self.url.split("/?")[0]

    @property
    def token(self) -> str:
        return self.url.split("token=")[1]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def serve(data: Path, *extra: str) -> Served:
    """Start the app on a free port and wait for the URL it prints."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-m", "piano_xlsx", "serve", "--data", str(data), "--port", "0",
                                "--no-browser", *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=env, cwd=ROOT)
    deadline = time.monotonic() + 60
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        found = re.search(r"(http://\S+/\?token=\S+)", line)
        if found:
            return Served(process, found.group(1), data)
    process.kill()
    raise AssertionError(f"serve did not start: {process.stderr.read() if process.stderr else ''}")


class Client:
    """A browser-less visitor: keeps the cookie, reads the CSRF field, posts forms and files."""

    def __init__(self, served: Served):
        self.served = served
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.csrf = ""

    def open(self) -> str:
        page = self.get(self.served.url)[1]
        self.csrf = CSRF.search(page).group(1)  # type: ignore[union-attr]
        return page

    def request(self, path: str, data: bytes | None = None, headers: dict[str, str] | None = None,
                method: str | None = None) -> tuple[int, str, dict[str, str]]:
        url = path if path.startswith("http") else self.served.base + path
        req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
        try:
            with self.opener.open(req, timeout=60) as response:
                return response.status, response.read().decode("utf-8", "replace"), dict(response.headers)
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace"), dict(exc.headers)

    def get(self, path: str) -> tuple[int, str]:
        status, body, _ = self.request(path)
        return status, body

    def post(self, path: str, fields: dict[str, str] | None = None,
             files: list[tuple[str, str, bytes]] | None = None, csrf: bool = True) -> tuple[int, str]:
        body, content_type = multipart({**({"csrf": self.csrf} if csrf else {}), **(fields or {})}, files or [])
        status, text, _ = self.request(path, body, {"Content-Type": content_type})
        return status, text


def multipart(fields: dict[str, str], files: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    """A multipart/form-data body: fields, then files as (field, file name, bytes)."""
    boundary = uuid.uuid4().hex
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for field, filename, data in files:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
                     f"Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def text_of(html: str) -> str:
    """A page's visible words, roughly: tags dropped, spaces folded."""
    import html as html_module

    return re.sub(r"\s+", " ", html_module.unescape(re.sub(r"<[^>]+>", " ", html)))


