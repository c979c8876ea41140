"""Receiving an import file safely: size limits, zip bombs, zip slip, server-side names.

The user's file name only decides the format (its extension) and is shown back; what GDAL
opens is always `<folder>/source.<ext>` (with source.shx, source.dbf … beside a Shapefile from a
zip), so no user string ever becomes a path. Zip members are checked before anything is extracted
and extracted by streaming with a byte budget (a member's declared size is not trusted).

An upload is received and unpacked in this host's scratch folder (`scratch()`), then its files are
kept in the shared storage under `imports/<job id>/` (`keep()`), so a worker on any host reads
them (`local_source()`: a local path for GDAL, a copy when the storage is not a local folder).
"""

from __future__ import annotations

import codecs
import hashlib
import shutil
import stat
import zipfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cbs import storage

# Extension of the uploaded file -> format kind.
KINDS = {".zip": "zip", ".gpkg": "gpkg", ".geojson": "geojson", ".json": "geojson", ".kml": "kml",
         ".kmz": "kmz", ".dxf": "dxf", ".csv": "csv", ".txt": "csv", ".xlsx": "xlsx"}
# Inside a zip: the files GDAL opens, and the side files a Shapefile needs beside its .shp.
OPENABLE = {".shp": "shp", ".gpkg": "gpkg", ".geojson": "geojson", ".json": "geojson",
            ".kml": "kml", ".dxf": "dxf", ".csv": "csv", ".xlsx": "xlsx"}
SHAPEFILE_PARTS = {".shx", ".dbf", ".prj", ".cpg"}
MAGIC = {"gpkg": b"SQLite format 3\x00", "zip": b"PK\x03\x04", "kmz": b"PK\x03\x04", "xlsx": b"PK\x03\x04"}
CHUNK = 1 << 20


@dataclass
class StoredUpload:
    kind: str                       # format GDAL will open (shp, gpkg, geojson, kml, dxf, csv, xlsx)
    path: Path                      # what GDAL opens (a server-side name)
    size: int
    sha256: str
    members: list[str] = field(default_factory=list)  # original names inside a zip (shown only)


def _limit(name: str) -> int:
    return int(getattr(settings, name))


def _copy_limited(source, target: Path, budget: int, too_big: str) -> tuple[int, str]:
    """Stream `source` into `target`, refusing more than `budget` bytes; (size, sha256)."""
    digest, size = hashlib.sha256(), 0
    with open(target, "wb") as out:
        while chunk := source.read(CHUNK):
            size += len(chunk)
            if size > budget:
                raise ValidationError(too_big)
            digest.update(chunk)
            out.write(chunk)
    return size, digest.hexdigest()


def _safe_member(info: zipfile.ZipInfo) -> PurePosixPath:
    """The member's path if it is a plain relative file; ValidationError for slips and links."""
    name = info.filename.replace("\\", "/")
    path = PurePosixPath(name)
    if name.startswith("/") or (len(name) > 1 and name[1] == ":") or ".." in path.parts:
        raise ValidationError(_("The archive contains an unsafe path (%(name)s); nothing was imported.")
                              % {"name": info.filename[:100]})
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise ValidationError(_("The archive contains a link (%(name)s); nothing was imported.")
                              % {"name": info.filename[:100]})
    return path


def check_archive(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """Every member checked (count, paths, links, declared sizes and compression ratio)."""
    infos = archive.infolist()
    if len(infos) > _limit("CBS_IMPORT_MAX_ENTRIES"):
        raise ValidationError(_("The archive has %(count)d entries (at most %(max)d are accepted).")
                              % {"count": len(infos), "max": _limit("CBS_IMPORT_MAX_ENTRIES")})
    total = 0
    for info in infos:
        _safe_member(info)
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > CHUNK and ratio > _limit("CBS_IMPORT_MAX_RATIO"):
            raise ValidationError(_("The archive is compressed suspiciously well (%(ratio)d:1, a zip bomb?); "
                                    "nothing was imported.") % {"ratio": ratio})
    if total > _limit("CBS_IMPORT_MAX_UNPACKED_BYTES"):
        raise ValidationError(_("The archive unpacks to more than %(max)d MB.")
                              % {"max": _limit("CBS_IMPORT_MAX_UNPACKED_BYTES") >> 20})
    return infos


def _extract(archive: zipfile.ZipFile, folder: Path, wanted_kind: str | None = None) -> tuple[Path, str, list[str]]:
    """Extract the openable files (and Shapefile parts) under server-side names."""
    infos = [i for i in check_archive(archive) if not i.is_dir()]
    by_suffix: dict[str, list[zipfile.ZipInfo]] = {}
    for info in infos:
        suffix = PurePosixPath(info.filename).suffix.lower()
        if PurePosixPath(info.filename).name.startswith(("._", ".")):  # macOS resource forks
            continue
        by_suffix.setdefault(suffix, []).append(info)
    candidates = [s for s in OPENABLE if by_suffix.get(s) and (wanted_kind is None or OPENABLE[s] == wanted_kind)]
    if not candidates:
        raise ValidationError(_("The archive contains no file that can be imported "
                                "(Shapefile, GeoPackage, GeoJSON, KML, DXF, CSV or XLSX)."))
    suffix = candidates[0]
    main = sorted(by_suffix[suffix], key=lambda i: i.filename)[0]
    stem = str(PurePosixPath(main.filename).with_suffix("")).lower()
    members = [main] + [i for s in SHAPEFILE_PARTS if suffix == ".shp" for i in by_suffix.get(s, [])
                        if str(PurePosixPath(i.filename).with_suffix("")).lower() == stem]
    budget = _limit("CBS_IMPORT_MAX_UNPACKED_BYTES")
    target_main = folder / f"source{'.json' if suffix == '.json' else suffix}"
    for info in members:
        target = target_main.with_suffix(PurePosixPath(info.filename).suffix.lower())
        with archive.open(info) as src:
            size, _digest = _copy_limited(src, target, budget, _("The archive unpacks to more than allowed."))
        budget -= size
    if suffix == ".shp" and not target_main.with_suffix(".dbf").exists():
        raise ValidationError(_("The Shapefile in the archive has no .dbf file."))
    return target_main, OPENABLE[suffix], [i.filename[:255] for i in members]


def store_upload(upload, folder: Path) -> StoredUpload:
    """Save an uploaded file (Django UploadedFile or any binary file with .name) into `folder`."""
    suffix = PurePosixPath(str(upload.name or "").replace("\\", "/")).suffix.lower()
    kind = KINDS.get(suffix)
    if kind is None:
        raise ValidationError(_("Unsupported file type “%(ext)s”. Accepted: %(list)s.")
                              % {"ext": suffix[:10] or "?", "list": ", ".join(sorted(set(KINDS)))})
    folder.mkdir(parents=True, exist_ok=True)
    received = folder / f"upload{suffix if kind not in ('zip', 'kmz') else '.zip'}"
    size, sha = _copy_limited(upload, received, _limit("CBS_IMPORT_MAX_BYTES"),
                              _("The file is larger than %(max)d MB.") % {"max": _limit("CBS_IMPORT_MAX_BYTES") >> 20})
    if size == 0:
        raise ValidationError(_("The file is empty."))
    with open(received, "rb") as head:
        start = head.read(16)
    if kind in MAGIC and not start.startswith(MAGIC[kind]):
        raise ValidationError(_("The file's content does not match its extension (%(ext)s).") % {"ext": suffix})
    if kind in ("zip", "kmz"):
        try:
            with zipfile.ZipFile(received) as archive:
                path, kind, members = _extract(archive, folder, "kml" if kind == "kmz" else None)
        except zipfile.BadZipFile as exc:
            raise ValidationError(_("The archive is damaged or not a zip file.")) from exc
        received.unlink()
        if kind == "csv":
            _utf8_csv(path)
        return StoredUpload(kind=kind, path=path, size=size, sha256=sha, members=members)
    if kind == "xlsx":  # a zip inside: the same bomb checks before GDAL unpacks it
        try:
            with zipfile.ZipFile(received) as archive:
                check_archive(archive)
        except zipfile.BadZipFile as exc:
            raise ValidationError(_("The spreadsheet is damaged.")) from exc
    path = folder / f"source{'.geojson' if kind == 'geojson' else received.suffix}"
    received.rename(path)
    if kind == "csv":
        _utf8_csv(path)
    return StoredUpload(kind=kind, path=path, size=size, sha256=sha)


def _utf8_csv(path: Path, chunk: int = 1 << 20) -> None:
    """GDAL reads CSV as UTF-8 and refuses a row that is not (an English error naming our staging
    table). A CSV saved by Excel on a Turkish Windows is Windows-1254: it is converted to UTF-8
    here; a file that is neither is refused with a clear message."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with open(path, "rb") as source:
            while block := source.read(chunk):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        return
    except UnicodeDecodeError:
        pass
    converted = path.with_suffix(".utf8")
    try:
        with open(path, encoding="cp1254", newline="") as source, \
                open(converted, "w", encoding="utf-8", newline="") as target:
            while text := source.read(chunk):
                target.write(text)
    except UnicodeDecodeError as exc:
        converted.unlink(missing_ok=True)
        raise ValidationError(_("The CSV file is neither UTF-8 nor Windows Turkish (1254): save it as "
                                "“CSV UTF-8” and upload it again.")) from exc
    converted.replace(path)


def stored_prefix(job_id) -> str:
    """Where a job's files are kept in the shared storage (our name: the job's UUID)."""
    return f"imports/{job_id}"


def job_folder(job_id) -> Path:
    """The job's scratch folder on this host (never the file's home: see `keep()`)."""
    return Path(settings.CBS_IMPORT_DIR) / str(job_id)


@contextmanager
def scratch(job_id) -> Iterator[Path]:
    """An empty scratch folder on this host to receive an upload in; removed on exit."""
    folder = job_folder(job_id) / "upload"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        try:
            folder.parent.rmdir()
        except OSError:
            pass  # not empty (a worker's log): stays


def keep(job_id, folder: Path) -> list[str]:
    """Move the received files (server-side names) into the shared storage."""
    return storage.save_folder(folder, stored_prefix(job_id))


@contextmanager
def local_source(job_id) -> Iterator[Path]:
    """A path on this host of the file GDAL opens (its side files beside it), from the shared
    storage, whichever host received it; a local copy is removed on exit."""
    gone = _("The uploaded file is no longer there; upload it again.")
    with ExitStack() as stack:
        try:
            folder = stack.enter_context(
                storage.local_folder(stored_prefix(job_id), scratch=Path(settings.CBS_IMPORT_DIR)))
        except FileNotFoundError:
            raise ValidationError(gone) from None
        found = sorted(p for p in folder.glob("source.*") if p.suffix.lower() in OPENABLE)
        if not found:
            raise ValidationError(gone)
        yield found[0]


def remove_folder(job_id) -> None:
    """Remove the job's files: those kept in the shared storage and this host's scratch folder."""
    storage.delete_folder(stored_prefix(job_id))
    shutil.rmtree(job_folder(job_id), ignore_errors=True)
