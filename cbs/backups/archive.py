"""Stored files in and out of a backup, through Django's storage API.

Every file of a storage (FileSystemStorage under MEDIA_ROOT, or S3-compatible object storage
through django-storages) is streamed into one tar per storage alias, hashed on the way; restoring
streams each member back through the storage's `save()`. So the same code serves a folder and a
bucket, and a drill can restore into a scratch folder whatever the site uses.
"""

from __future__ import annotations

import hashlib
import io
import posixpath
import tarfile
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath

from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, storages

CHUNK = 1024 * 1024


def storage_for(alias: str, root: Path | None = None) -> Storage:
    """The configured storage, or a folder standing in for it (restores into another root)."""
    return FileSystemStorage(location=root) if root is not None else storages[alias]


def walk(storage: Storage, prefix: str = "") -> Iterator[str]:
    """Every file name in a storage (sorted, so archives of the same files are identical)."""
    try:
        dirs, files = storage.listdir(prefix)
    except FileNotFoundError:  # a folder storage whose folder was never created
        return
    for name in sorted(files):
        yield posixpath.join(prefix, name) if prefix else name
    for folder in sorted(dirs):
        yield from walk(storage, posixpath.join(prefix, folder) if prefix else folder)


class _Hashing:
    """A read-only, forward-only file wrapper that hashes what is read (`size` is the declared
    size a storage may ask for, `count` what was read)."""

    def __init__(self, handle, size: int | None = None):
        self.handle, self.sha, self.count = handle, hashlib.sha256(), 0
        if size is not None:
            self.size = size

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.sha.update(data)
        self.count += len(data)
        return data

    def seek(self, offset: int, whence: int = 0) -> int:
        if offset == 0 and whence == 0 and self.count == 0:
            return 0
        raise io.UnsupportedOperation("forward-only")

    def tell(self) -> int:
        return self.count


def sha256_file(path: Path) -> str:
    sha = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            sha.update(chunk)
    return sha.hexdigest()


def archive_storage(storage: Storage, target: Path, beat: Callable[[], None] = lambda: None) -> dict:
    """Write every file of the storage into the tar `target`; name -> {size, sha256} and the
    files that vanished between listing and reading (deleted meanwhile)."""
    files, vanished = {}, []
    with tarfile.open(target, "w", format=tarfile.PAX_FORMAT) as tar:
        for name in walk(storage):
            beat()
            try:
                handle = storage.open(name, "rb")
            except FileNotFoundError:
                vanished.append(name)
                continue
            with handle:
                info = tarfile.TarInfo(name)
                info.size = storage.size(name)
                try:
                    info.mtime = int(storage.get_modified_time(name).timestamp())
                except (NotImplementedError, OSError):
                    pass
                info.mode = 0o640
                reader = _Hashing(handle)
                tar.addfile(info, reader)
                files[name] = {"size": reader.count, "sha256": reader.sha.hexdigest()}
    return {"files": files, "vanished": vanished}


def _safe_name(member: tarfile.TarInfo) -> str:
    path = PurePosixPath(member.name)
    if not member.isreg() or path.is_absolute() or ".." in path.parts or not member.name:
        raise ValueError(f"refusing archive member {member.name!r}")
    return str(path)


def stored_names(storage: Storage) -> list[str]:
    return list(walk(storage))


def restore_storage(archive: Path, storage: Storage, *, replace: bool = False,
                    beat: Callable[[], None] = lambda: None) -> dict:
    """Put every member back under its name; name -> {size, sha256} of what was written."""
    written = {}
    with tarfile.open(archive, "r") as tar:
        for member in tar:
            beat()
            name = _safe_name(member)
            if storage.exists(name):
                if not replace:
                    raise FileExistsError(name)
                storage.delete(name)
            reader = _Hashing(tar.extractfile(member), size=member.size)
            saved = storage.save(name, File(reader, name=posixpath.basename(name)))
            if saved != name:  # the storage renamed it: the database would point at nothing
                storage.delete(saved)
                raise ValueError(f"the storage stored {name!r} as {saved!r}")
            written[name] = {"size": reader.count, "sha256": reader.sha.hexdigest()}
    return written


def checksums(storage: Storage, names) -> dict:
    """Read back files from a storage: name -> {size, sha256}, None when missing."""
    found = {}
    for name in names:
        try:
            with storage.open(name, "rb") as handle:
                reader = _Hashing(handle)
                while reader.read(CHUNK):
                    pass
            found[name] = {"size": reader.count, "sha256": reader.sha.hexdigest()}
        except FileNotFoundError:
            found[name] = None
    return found
