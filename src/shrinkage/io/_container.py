"""The ``.shrink`` container: one ZIP file of JSON and NumPy arrays, checksummed.

Layout (entries are read into memory, never extracted to disk)::

    manifest.json        format name and version, library version, the object's state
    arrays/<k>.npy       the arrays the state refers to by number (np.save, no pickle)
    (archive comment)    "shrinkage-sha256:" and the SHA-256 of the whole file

The checksum covers every byte of the file (computed with its own 64 hex
digits set to "0"), ZIP headers included, so any truncation, flipped bit
or edit is caught, not only those inside an entry's data.

Reading checks, in this order: the file is a ZIP holding a manifest; the
manifest names this format and a version this library reads (a newer
version is refused first, so the message stays right whatever a later
version changes); the checksum matches; only then are the arrays parsed,
with ``allow_pickle=False``.
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
CHECKSUM_PREFIX = b"shrinkage-sha256:"
DIGEST_LENGTH = 64
# A model file is coefficients and small grids; refuse to read or inflate
# anything larger (a ZIP bomb, or not a model file at all).
MAX_SIZE = 2**31
# Fixed entry dates: the same model gives the same bytes.
ENTRY_DATE = (1980, 1, 1, 0, 0, 0)


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


def _whole_file_digest(data: bytes) -> bytes:
    """SHA-256 of ``data`` with its trailing digest replaced by zeros."""
    blank = data[: len(data) - DIGEST_LENGTH] + b"0" * DIGEST_LENGTH
    return hashlib.sha256(blank).hexdigest().encode()


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
    write_entries(path, entries)


def write_entries(path: str | os.PathLike[str], entries: dict[str, bytes]) -> None:
    """Write raw ZIP entries and the whole-file checksum atomically to ``path``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            info = zipfile.ZipInfo(name, date_time=ENTRY_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
        # The comment is the file's last bytes: the digest goes there.
        archive.comment = CHECKSUM_PREFIX + b"0" * DIGEST_LENGTH
    data = buffer.getvalue()
    data = data[: len(data) - DIGEST_LENGTH] + _whole_file_digest(data)
    atomic_write(path, lambda handle: handle.write(data))


def _read_entries(name: str) -> tuple[bytes, dict[str, bytes]]:
    """The file's bytes and its entries (in memory)."""
    try:
        if os.path.getsize(name) > MAX_SIZE:
            raise ModelFileError(f"{name} is larger than 2 GiB: not a shrinkage model file.")
        with open(name, "rb") as handle:
            data = handle.read()
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if sum(info.file_size for info in infos) > MAX_SIZE:
                raise ModelFileError(f"{name}: the file declares more than 2 GiB of content.")
            return data, {info.filename: archive.read(info) for info in infos}
    except FileNotFoundError:
        raise ModelFileError(f"{name}: no such file.") from None
    except IsADirectoryError:
        raise ModelFileError(f"{name} is a directory, not a model file.") from None
    except PermissionError:
        raise ModelFileError(f"{name}: permission denied.") from None
    except ModelFileError:
        raise
    except Exception as exc:  # zipfile, zlib, struct and OSError on a damaged file
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
    data, entries = _read_entries(name)
    if MANIFEST not in entries:
        raise ModelFileError(f"{name} is not a shrinkage model file (no {MANIFEST} inside).")
    try:
        manifest = json.loads(entries[MANIFEST])
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ModelFileError(f"{name}: the manifest is damaged (not JSON).") from None
    except RecursionError:
        raise ModelFileError(
            f"{name}: the manifest nests too deeply to be a model's; it was not written by "
            "shrinkage.save."
        ) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        raise ModelFileError(f"{name} is not a shrinkage model file (format is not {FORMAT_NAME}).")
    version = manifest.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ModelFileError(
            f"{name}: the manifest has no valid format_version (an integer >= 1, got "
            f"{version!r}); it was not written by shrinkage.save."
        )
    if version > FORMAT_VERSION:
        from .. import __version__

        raise ModelFileError(
            f"{name} has model format version {version}, newer than version "
            f"{FORMAT_VERSION} that shrinkage {__version__} reads (written by shrinkage "
            f"{manifest.get('shrinkage_version', '?')}); upgrade shrinkage: "
            "pip install --upgrade shrinkage."
        )
    trailer = data[-(len(CHECKSUM_PREFIX) + DIGEST_LENGTH):]
    if not trailer.startswith(CHECKSUM_PREFIX) or trailer[-DIGEST_LENGTH:] != (
        _whole_file_digest(data)
    ):
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
