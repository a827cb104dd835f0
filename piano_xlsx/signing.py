"""Ed25519 keys and signatures for manifests (the `cryptography` library does the cryptography)."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from piano_xlsx.atomic import make_dir, refuse_existing, write_bytes
from piano_xlsx.errors import UserError
from piano_xlsx.italian import os_problem

PRIVATE_NAME = "piano-xlsx-privata.pem"
PUBLIC_NAME = "piano-xlsx-pubblica.pem"


class KeyFileError(UserError):
    """A key file cannot be read or is not an Ed25519 key."""


def keygen(directory: str | Path, *, force: bool = False) -> tuple[Path, Path]:
    """Write a new private key (readable by its owner only) and its public key; return both paths.

    Existing key files are replaced only with `force` (OutputExists otherwise, and nothing is written).
    """
    directory = Path(directory)
    private_path, public_path = directory / PRIVATE_NAME, directory / PUBLIC_NAME
    refuse_existing([private_path, public_path], force=force)
    make_dir(directory)
    private = Ed25519PrivateKey.generate()
    private_pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption())
    public_pem = private.public_key().public_bytes(serialization.Encoding.PEM,
                                                   serialization.PublicFormat.SubjectPublicKeyInfo)
    write_bytes(private_path, private_pem, force=force, mode=0o600)  # readable by its owner only
    write_bytes(public_path, public_pem, force=force)
    return private_path, public_path


def load_private_key(path: str | Path) -> Ed25519PrivateKey:
    data = _read_key(path, "privata")
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        raise KeyFileError(_not_a_key(path, data, "privata")) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(f"«{path}» non è una chiave privata Ed25519 di piano-xlsx.")
    return key


def load_public_key(path: str | Path) -> Ed25519PublicKey:
    data = _read_key(path, "pubblica")
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError):
        raise KeyFileError(_not_a_key(path, data, "pubblica")) from None
    if not isinstance(key, Ed25519PublicKey):
        raise KeyFileError(f"«{path}» non è una chiave pubblica Ed25519 di piano-xlsx.")
    return key


def _read_key(path: str | Path, kind: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise KeyFileError(os_problem(exc, f"leggere la chiave {kind}", path)) from None


def _not_a_key(path: str | Path, data: bytes, kind: str) -> str:
    """Why `data` is not the key asked for, and which file to give instead (cryptography says it in English)."""
    if kind == "pubblica" and b"PRIVATE KEY-----" in data:
        return (f"«{path}» è la chiave privata, non la chiave pubblica: indicare il file {PUBLIC_NAME} "
                "(la chiave privata resta all'Ufficio Personale).")
    if kind == "privata" and b"PUBLIC KEY-----" in data:
        return f"«{path}» è la chiave pubblica, non la chiave privata: indicare il file {PRIVATE_NAME}."
    if b"-----BEGIN" not in data:
        wanted = PUBLIC_NAME if kind == "pubblica" else PRIVATE_NAME
        return f"«{path}» non è un file di chiave: indicare il file {wanted} scritto da «piano-xlsx keygen»."
    return f"«{path}» non contiene una chiave {kind} leggibile: il file è danneggiato o di un altro programma."


def key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def sign(private: Ed25519PrivateKey, data: bytes) -> str:
    return base64.b64encode(private.sign(data)).decode("ascii")


def verify(public: Ed25519PublicKey, data: bytes, signature: str) -> bool:
    try:
        public.verify(base64.b64decode(signature, validate=True), data)
    except (InvalidSignature, ValueError):
        return False
    return True
