"""Which WMS/WFS request parameters reach the engine, and with which values.

Only the parameters of the supported operations pass (MAP, MODE, runtime substitutions and
everything else are dropped); layer, type and property names must be among the caller's
published ones (architecture rule 9: user strings never become names unchecked); a WFS FILTER
is parsed (no DTD, no entities) and may name published properties only.
"""

from __future__ import annotations

import re
from http import HTTPStatus

from django.conf import settings
from django.http import QueryDict
from django.utils.translation import gettext as _
from lxml import etree

from layers.registry import Layer

from .crs import offered_srids

REQUESTS = {
    "WMS": {"getcapabilities": "GetCapabilities", "getmap": "GetMap",
            "getfeatureinfo": "GetFeatureInfo", "getlegendgraphic": "GetLegendGraphic"},
    "WFS": {"getcapabilities": "GetCapabilities", "describefeaturetype": "DescribeFeatureType",
            "getfeature": "GetFeature"},
}
COMMON = {"SERVICE", "VERSION", "REQUEST", "EXCEPTIONS", "UPDATESEQUENCE"}
WMS_PARAMS = COMMON | {"LAYERS", "STYLES", "CRS", "SRS", "BBOX", "WIDTH", "HEIGHT", "FORMAT",
                       "TRANSPARENT", "BGCOLOR", "QUERY_LAYERS", "INFO_FORMAT", "I", "J", "X", "Y",
                       "FEATURE_COUNT", "LAYER", "SLD_VERSION", "SCALE", "STYLE", "RULE"}
WFS_PARAMS = COMMON | {"ACCEPTVERSIONS", "TYPENAMES", "TYPENAME", "COUNT", "MAXFEATURES",
                       "STARTINDEX", "BBOX", "SRSNAME", "OUTPUTFORMAT", "PROPERTYNAME",
                       "RESOURCEID", "FEATUREID", "FILTER", "SORTBY", "RESULTTYPE", "NAMESPACES",
                       "SECTIONS", "STOREDQUERY_ID", "ID", "ACCEPTFORMATS"}
VERSIONS = {"WMS": {"1.3.0", "1.1.1"}, "WFS": {"2.0.0", "1.1.0", "1.0.0"}}
IMAGE_FORMATS = {"image/png", "image/jpeg", "png", "jpeg"}
INFO_FORMATS = {"text/plain", "application/vnd.ogc.gml", "application/geo+json", "geojson", "gml",
                "text/xml"}
INTEGER = re.compile(r"^\d{1,7}$")
NUMBER = r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?"
BBOX = re.compile(rf"^{NUMBER}(,{NUMBER}){{3}}(,[A-Za-z0-9:/._-]{{1,80}})?$")
SAFE_TEXT = re.compile(r"^[A-Za-z0-9 ,:;/._=+()#-]{0,200}$")
FEATURE_ID = re.compile(r"^[a-z0-9-]+\.\d{1,12}$")
MAX_FILTER = 20_000
FES_NAMES = {"ValueReference", "PropertyName"}


class BadOwsParameter(ValueError):
    def __init__(self, message: str, *, code: str = "InvalidParameterValue",
                 status: int = HTTPStatus.BAD_REQUEST):
        super().__init__(message)
        self.code, self.status = code, status


def _type_name(value: str, layers: dict[str, type[Layer]]) -> str:
    name = value.strip().split(":", 1)[1] if ":" in value else value.strip()
    if name not in layers:
        raise BadOwsParameter(_("Unknown layer: %(name)s") % {"name": name[:80]},
                              code="LayerNotDefined", status=HTTPStatus.NOT_FOUND)
    return name


def _names(value: str, layers: dict[str, type[Layer]], *, allow_empty: bool = False) -> list[str]:
    parts = [p for p in value.strip("()").split(",") if p.strip()]
    if not parts and not allow_empty:
        raise BadOwsParameter(_("Name at least one layer."), code="MissingParameterValue")
    return [_type_name(p, layers) for p in parts]


def _published_properties(names: list[str], layers: dict[str, type[Layer]]) -> set[str]:
    props: set[str] = set()
    for name in names or list(layers):
        layer = layers[name]
        props |= {*layer.properties(), layer.geometry().column, layer.meta().pk.column}
    return props


def _check_property(value: str, allowed: set[str]) -> str:
    name = value.strip().split(":", 1)[-1].split("/")[-1]
    if name not in allowed:
        raise BadOwsParameter(_("Unknown property: %(name)s") % {"name": name[:80]})
    return name


def check_filter(text: str, allowed: set[str]) -> None:
    """A FES filter: well-formed XML without DTD, naming only published properties."""
    if len(text) > MAX_FILTER:
        raise BadOwsParameter(_("The filter is too long."))
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, remove_comments=True)
    try:
        root = etree.fromstring(text.encode(), parser=parser)
    except etree.XMLSyntaxError:
        raise BadOwsParameter(_("The filter is not well-formed XML.")) from None
    if root.getroottree().docinfo.doctype:
        raise BadOwsParameter(_("The filter may not contain a document type declaration."))
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        local = etree.QName(element).localname
        if local == "Function":
            raise BadOwsParameter(_("Filter functions are not supported."))
        if local in FES_NAMES:
            _check_property(element.text or "", allowed)


def _check_value(key: str, value: str, service: str, names: list[str],
                 layers: dict[str, type[Layer]]) -> str:
    if key in {"WIDTH", "HEIGHT"}:
        if not INTEGER.match(value) or not 1 <= int(value) <= 4096:
            raise BadOwsParameter(_("WIDTH and HEIGHT must be whole numbers from 1 to 4096."))
    elif key in {"I", "J", "X", "Y", "COUNT", "MAXFEATURES", "STARTINDEX", "FEATURE_COUNT"}:
        if not INTEGER.match(value):
            raise BadOwsParameter(_("%(key)s must be a whole number.") % {"key": key})
    elif key == "BBOX":
        if not BBOX.match(value):
            raise BadOwsParameter(_("BBOX must be four numbers (and a CRS)."))
    elif key in {"CRS", "SRS", "SRSNAME"}:
        codes = {f"EPSG:{s}" for s in [settings.CBS_SRID, *offered_srids()]} | {"CRS:84"}
        urn = re.sub(r"^(urn:ogc:def:crs:EPSG::|http://www\.opengis\.net/def/crs/EPSG/0/)",
                     "EPSG:", value)
        if urn.upper() not in codes and value not in ("urn:ogc:def:crs:OGC:1.3:CRS84",):
            raise BadOwsParameter(_("This coordinate reference system is not offered: %(crs)s")
                                  % {"crs": value[:80]}, code="InvalidCRS")
    elif key == "FORMAT":
        if value.split(";")[0].strip().lower() not in IMAGE_FORMATS:
            raise BadOwsParameter(_("Image formats offered: image/png, image/jpeg."),
                                  code="InvalidFormat")
    elif key == "INFO_FORMAT":
        if value.split(";")[0].strip().lower() not in INFO_FORMATS:
            raise BadOwsParameter(_("This feature info format is not offered."), code="InvalidFormat")
    elif key == "PROPERTYNAME":
        allowed = _published_properties(names, layers)
        value = ",".join(_check_property(p, allowed) for p in value.strip("()").split(",") if p)
    elif key == "SORTBY":
        allowed = _published_properties(names, layers)
        parts = []
        for item in value.split(","):
            prop, _sep, order = item.strip().partition(" ")
            if order.upper() not in ("", "ASC", "DESC", "A", "D"):
                raise BadOwsParameter(_("SORTBY: sort order must be ASC or DESC."))
            parts.append(f"{_check_property(prop, allowed)} {order.upper()}".strip())
        value = ",".join(parts)
    elif key == "FILTER":
        check_filter(value, _published_properties(names, layers))
    elif key in {"RESOURCEID", "FEATUREID", "ID"}:
        for fid in value.split(","):
            if not FEATURE_ID.match(fid.strip()) or fid.split(".")[0] not in layers:
                raise BadOwsParameter(_("Unknown feature id: %(id)s") % {"id": fid[:80]},
                                      code="InvalidParameterValue", status=HTTPStatus.NOT_FOUND)
    elif key == "STOREDQUERY_ID":
        if value not in ("urn:ogc:def:query:OGC-WFS::GetFeatureById",):
            raise BadOwsParameter(_("Only the stored query GetFeatureById is offered."))
    elif not SAFE_TEXT.match(value):
        raise BadOwsParameter(_("Invalid value of %(key)s.") % {"key": key})
    return value


def whitelisted(query: QueryDict, *, service: str, layers: dict[str, type[Layer]]) -> dict[str, str]:
    """The parameters passed to the engine for `service` ("WMS"/"WFS"); BadOwsParameter else."""
    given = {key.upper(): value for key, value in query.items()}
    if any(len(v) > (MAX_FILTER if k == "FILTER" else 2000) for k, v in given.items()):
        raise BadOwsParameter(_("A parameter value is too long."))
    stated = given.get("SERVICE", service).upper()
    if stated != service:
        raise BadOwsParameter(_("This address serves %(service)s only.") % {"service": service})
    request = REQUESTS[service].get(given.get("REQUEST", "").lower())
    if request is None:
        raise BadOwsParameter(_("Supported requests: %(list)s.")
                              % {"list": ", ".join(REQUESTS[service].values())},
                              code="OperationNotSupported")
    version = given.get("VERSION")
    if version is not None and version not in VERSIONS[service]:
        raise BadOwsParameter(_("Unsupported version: %(v)s") % {"v": version[:20]},
                              code="InvalidParameterValue")
    allowed = WMS_PARAMS if service == "WMS" else WFS_PARAMS
    out: dict[str, str] = {"SERVICE": service, "REQUEST": request}
    names: list[str] = []
    for key in ("LAYERS", "QUERY_LAYERS", "LAYER", "TYPENAMES", "TYPENAME"):
        if key in given and key in allowed:
            checked = _names(given[key], layers, allow_empty=key == "LAYERS" and request == "GetCapabilities")
            names += checked
            out[key] = ",".join(checked)
    for key, value in given.items():
        if key in allowed and key not in out:
            out[key] = _check_value(key, value, service, names, layers)
    return out
