"""Files every host shares, and the local paths that tools such as GDAL need.

Files that any host may have to serve or read (ticket attachments, uploaded import files) live in
Django's default storage (settings.STORAGES): a folder that every app and worker container mounts,
or S3-compatible object storage. Nothing keeps a host's own path to them; they are named by their
storage name. GDAL and ogr2ogr open paths, so a worker asks `local_folder()` for one: a folder
storage is used in place, anything else is copied into this host's scratch folder for the time
of the work and removed afterwards.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, default_storage

CHUNK = 1 << 20


def _local_path(storage: Storage, name: str) -> Path | None:
    """The file's path on this host when the storage is a folder on disk (FileSystemStorage, on a
    volume every host mounts); None for any other storage (S3 has no paths, and InMemoryStorage's
    `path()` names a file that does not exist)."""
    return Path(storage.path(name)) if isinstance(storage, FileSystemStorage) else None


def _plain(name: str) -> str:
    """A file name without folders (names listed by a storage are used as local file names)."""
    if name in ("", ".", "..") or PurePosixPath(name).name != name or "\\" in name:
        raise ValueError(f"unexpected name in storage: {name!r}")
    return name


class _LocalFile(File):
    """A local file handed to `storage.save()`: a folder storage moves it into place (a rename on
    the same file system, like Django's own temporary uploads); other storages read it."""

    def temporary_file_path(self) -> str:
        return self.name


def save_folder(folder: Path, prefix: str, *, storage: Storage | None = None) -> list[str]:
    """Store every file of a local folder under `prefix/` with the same names (the folder's files
    are moved or copied away); the storage names. Refuses to keep a file under another name."""
    storage = storage or default_storage
    names = []
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        wanted = f"{prefix}/{_plain(path.name)}"
        with open(path, "rb") as handle:
            saved = storage.save(wanted, _LocalFile(handle, name=str(path)))
        names.append(saved)
        if saved != wanted:  # a file of that name was there already: never mix two uploads
            delete_folder(prefix, storage=storage)
            raise FileExistsError(wanted)
    return names


@contextmanager
def local_folder(prefix: str, *, scratch: Path, storage: Storage | None = None) -> Iterator[Path]:
    """A folder on this host's disk holding the files stored directly under `prefix/`, under
    their stored names (a Shapefile's parts stay side by side). A folder storage's own folder is
    used in place; otherwise the files are copied into a private folder under `scratch`, removed
    on exit. FileNotFoundError when nothing is stored there."""
    storage = storage or default_storage
    here = _local_path(storage, prefix)
    if here is not None:
        if not here.is_dir() or not any(here.iterdir()):
            raise FileNotFoundError(prefix)
        yield here
        return
    try:
        _folders, files = storage.listdir(prefix)
    except FileNotFoundError:
        files = []
    if not files:
        raise FileNotFoundError(prefix)
    scratch.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=scratch, prefix="stored-") as tmp:
        for name in files:
            with storage.open(f"{prefix}/{name}", "rb") as source, open(Path(tmp) / _plain(name), "wb") as out:
                shutil.copyfileobj(source, out, CHUNK)
        yield Path(tmp)


def delete_folder(prefix: str, *, storage: Storage | None = None) -> None:
    """Delete every file stored under `prefix/` (and, in a folder storage, the emptied folders)."""
    storage = storage or default_storage
    try:
        folders, files = storage.listdir(prefix)
    except FileNotFoundError:
        return
    for name in files:
        storage.delete(f"{prefix}/{name}")
    for name in folders:
        delete_folder(f"{prefix}/{name}", storage=storage)
    here = _local_path(storage, prefix)
    if here is not None:
        try:
            here.rmdir()
        except OSError:
            pass  # something else arrived meanwhile: leave it
