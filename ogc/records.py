"""The catalogue (OGC API – Records): one record per layer the caller may see.

pygeoapi's TinyDB catalogue provider serves it (text search `q` – as words, never a regular
expression: ogc/catalogue.py –, `bbox`, property filters such as `theme=BI`); we only write its
records file, one per visible set of layers, from the registry, the maintained metadata
(layers.metadata) and the data's extent. A caller's catalogue therefore lists exactly the
collections the access gate lets it see.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.utils import timezone, translation

from layers.metadata import effective_metadata
from layers.registry import THEMES, Access, get_layer

CATALOGUE = "katalog"


def _record(name: str, base_url: str, bbox: list[float], row) -> dict:
    layer = get_layer(name)
    meta = effective_metadata(layer, row)
    w, s, e, n = bbox
    restricted = layer.access != Access.PUBLIC or layer.sensitive
    with translation.override("tr"):  # records are Turkish whatever the request that built the file
        theme = str(THEMES[layer.theme])
    text = " ".join([meta.title, meta.abstract, *meta.keywords, name, theme])
    return {
        "id": name,
        "type": "Feature",
        "conformsTo": ["http://www.opengis.net/spec/ogcapi-records-1/1.0/req/record-core"],
        "geometry": {"type": "Polygon", "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]]},
        "properties": {
            "type": "dataset",
            "title": meta.title,
            "description": meta.abstract,
            "keywords": meta.keywords,
            "theme": layer.theme,
            "themes": [{"concepts": [{"id": layer.theme, "title": theme}],
                        "scheme": "https://tucbs.csb.gov.tr/temalar"}],
            "language": "tr",
            "updated": timezone.now().date().isoformat(),
            "crs": f"http://www.opengis.net/def/crs/EPSG/0/{layer.geometry().srid}",
            "accessConstraints": "protocol" if restricted else "public",
            "rights": meta.use_limitation,
            "contacts": [{"name": meta.contact_name, "organization": settings.CBS_ORGANISATION,
                          "emails": [{"value": meta.contact_email}], "roles": ["pointOfContact"]}],
            "_metadata-anytext": text,
        },
        "links": [
            {"rel": "item", "type": "application/geo+json", "title": "OGC API – Features",
             "href": f"{base_url}/collections/{name}/items"},
            {"rel": "describedby", "type": "application/xml", "title": "ISO 19139 (TUCBS)",
             "href": f"{base_url.removesuffix('/ogc')}/map/metadata/{name}.xml"},
        ],
    }


def records_file(extents: dict[str, list[float]], base_url: str) -> Path:
    """Write (atomically) the TinyDB file of the records of the layers in `extents` (name -> the
    CRS84 bbox the collection already announces); its path."""
    from layers.models import LayerMetadata

    names = sorted(n for n in extents if n != CATALOGUE)
    rows = {row.layer: row for row in LayerMetadata.objects.filter(layer__in=names)}
    folder = Path(settings.CBS_CATALOGUE_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    # One file per set of layers *and* base URL: the records' links name the host they were
    # built for (two hosts sharing one file would link each other's).
    key = hashlib.sha256("\n".join([base_url, *names]).encode()).hexdigest()[:20]
    path = folder / f"records-{key}.json"
    table = {str(i): _record(name, base_url, extents[name], rows.get(name))
             for i, name in enumerate(names, start=1)}
    # A temporary file of its own per call: the server's threads write the same set at once.
    handle, tmp = tempfile.mkstemp(dir=folder, prefix=f"{path.stem}.", suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(json.dumps({"_default": table}, ensure_ascii=False))
    os.replace(tmp, path)
    return path


def catalogue_resource(extents: dict[str, list[float]], base_url: str) -> dict:
    return {
        "type": "collection",
        "title": {"tr": "Katalog – yayımlanan katmanlar", "en": "Catalogue – published layers"},
        "description": {"tr": "Erişebildiğiniz TUCBS katmanlarının üstverisi (OGC API – Records).",
                        "en": "Metadata of the TUCBS layers you may access (OGC API – Records)."},
        "keywords": ["katalog", "TUCBS", "metadata"],
        "links": [],
        "extents": {"spatial": {"bbox": list(settings.CBS_MAP_BBOX),
                                "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84"}},
        # pygeoapi's TinyDB catalogue provider, searching words as text (ogc/catalogue.py).
        "providers": [{"type": "record", "name": "ogc.catalogue.TextCatalogueProvider", "editable": False,
                       "data": str(records_file(extents, base_url)), "id_field": "id",
                       "time_field": "updated", "title_field": "title"}],
    }
