"""The ``.shrink`` container: one ZIP file of JSON and NumPy arrays, checksummed.

Layout (every entry stored, never extracted to disk)::

    manifest.json        format name and version, library version, the object's state
    arrays/<k>.npy       the arrays the state refers to by number (np.save, no pickle)
    SHA256               hex SHA-256 of everything above (names, sizes and bytes)

Reading checks, in this order: the file is a ZIP holding the expected
entries; the manifest names this format and a version this library reads
(a newer version is refused before anything else, so the message stays
right whatever a later version changes); the checksum matches (a truncated,
bit-flipped or hand-edited file is refused); only then are the arrays
parsed, with ``allow_pickle=False``.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path as FilePath
from typing import IO, Any

import numpy as np

FORMAT_NAME = "shrinkage-model"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CHECKSUM = "SHA256"
# A model file is coefficients and small grids; refuse to inflate anything
# larger (a ZIP bomb, or not a model file at all).
MAX_UNCOMPRESSED = 2**31


class ModelFileError(ValueError):
    """A model file that cannot be read: damaged, truncated, foreign or too new."""


def atomic_write(path: str | os.PathLike[str], write: Callable[[IO[bytes]], object]) -> None:
    """Write ``path`` through a temporary file in the same directory, then rename.

    A reader (or a crash) never sees a half-written file: ``os.replace`` is
    atomic on POSIX and Windows when both names are on one file system,
    which the same directory guarantees.
    """
    target = FilePath(path)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        # mkstemp makes the file private (0600); give it the mode a plain
        # open() would, as the user's umask says.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _digest(entries: dict[str, bytes]) -> str:
    """SHA-256 over every entry's name, length and bytes, in name order."""
    sha = hashlib.sha256()
    for name in sorted(entries):
        data = entries[name]
        sha.update(name.encode() + b"\0" + str(len(data)).encode() + b"\0")
        sha.update(data)
    return sha.hexdigest()


def _npy_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def write_container(
    path: str | os.PathLike[str], manifest: dict[str, Any], arrays: list[np.ndarray]
) -> None:
    """Write ``manifest`` (plain JSON) and ``arrays`` atomically to ``path``."""
    entries = {MANIFEST: json.dumps(manifest, indent=1, allow_nan=False).encode()}
    for k, array in enumerate(arrays):
        entries[f"arrays/{k}.npy"] = _npy_bytes(array)
    checksum = _digest(entries).encode()

    def write(handle: IO[bytes]) -> None:
        with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, data in entries.items():
                archive.writestr(name, data)
            archive.writestr(CHECKSUM, checksum)

    atomic_write(path, write)


def _read_entries(path: str | os.PathLike[str]) -> dict[str, bytes]:
    name = os.fspath(path)
    try:
        with zipfile.ZipFile(name) as archive:
            infos = archive.infolist()
            if sum(info.file_size for info in infos) > MAX_UNCOMPRESSED:
                raise ModelFileError(f"{name}: the file declares more than 2 GiB of content.")
            return {info.filename: archive.read(info) for info in infos}
    except FileNotFoundError:
        raise ModelFileError(f"{name}: no such file.") from None
    except IsADirectoryError:
        raise ModelFileError(f"{name} is a directory, not a model file.") from None
    except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError) as exc:
        if isinstance(exc, ModelFileError):
            raise
        raise ModelFileError(
            f"{name} is not a readable shrinkage model file (damaged or truncated: {exc})."
        ) from None


def read_container(path: str | os.PathLike[str]) -> tuple[dict[str, Any], list[np.ndarray]]:
    """The verified manifest and arrays of a ``.shrink`` file.

    Raises
    ------
    ModelFileError
        With a one-line message saying what is wrong and what to do.
    """
    name = os.fspath(path)
    entries = _read_entries(path)
    if MANIFEST not in entries or CHECKSUM not in entries:
        raise ModelFileError(
            f"{name} is not a shrinkage model file (no {MANIFEST} or {CHECKSUM} inside)."
        )
    try:
        manifest = json.loads(entries[MANIFEST])
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ModelFileError(f"{name}: the manifest is damaged (not JSON).") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        raise ModelFileError(f"{name} is not a shrinkage model file (format is not {FORMAT_NAME}).")
    version = manifest.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ModelFileError(f"{name}: the manifest has no integer format_version.")
    if version > FORMAT_VERSION:
        from .. import __version__

        raise ModelFileError(
            f"{name} has model format version {version}, newer than version "
            f"{FORMAT_VERSION} that shrinkage {__version__} reads (written by shrinkage "
            f"{manifest.get('shrinkage_version', '?')}); upgrade shrinkage: "
            "pip install --upgrade shrinkage."
        )
    stored = entries.pop(CHECKSUM).decode(errors="replace").strip()
    if stored != _digest(entries):
        raise ModelFileError(
            f"{name} is damaged: its checksum does not match its content (a truncated, "
            "corrupted or edited file); refit or restore the model file."
        )
    arrays = []
    for k in range(len(entries) - 1):
        key = f"arrays/{k}.npy"
        if key not in entries:
            raise ModelFileError(f"{name}: entry {key} is missing.")
        try:
            arrays.append(np.load(io.BytesIO(entries[key]), allow_pickle=False))
        except ValueError as exc:
            raise ModelFileError(
                f"{name}: entry {key} is not a plain NumPy array ({exc})."
            ) from None
    return manifest, arrays
