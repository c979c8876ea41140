"""The map page (/map/) and its small JSON helpers; reads go through selectors and the OGC gate."""

import json
import warnings
from dataclasses import asdict
from functools import cache

import pyproj
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.gis.geos import GEOSGeometry
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from cbs.accounts.selectors import layer_resource, user_can
from cbs.http import BIGINT_MAX, INTEGER_MAX, BadInput, NotFound, digits, int_param
from ogc.gate import Caller, visible_collections

from .history import feature_restore, last_edit_by, versions
from .registry import THEMES, all_layers, get_layer
from .selectors import map_search
from .services import VersionConflict


def _visible(request: HttpRequest) -> frozenset[str]:
    user = request.user
    caller = Caller("staff", user=user) if user.is_authenticated else Caller("anonymous")
    return visible_collections(caller)


def visible_layer_names(request: HttpRequest) -> frozenset[str]:
    """Names of the layers this request's user may see (the OGC gate's answer), for other views."""
    return _visible(request)


@cache
def _proj4(srid: int) -> str:
    with warnings.catch_warnings():  # a TM zone is fully described by its PROJ string
        warnings.simplefilter("ignore", UserWarning)
        return pyproj.CRS.from_epsg(srid).to_proj4()


def map_config(request: HttpRequest) -> dict:
    """What map.js needs: layers by theme (only those this user may see), CRSs, extent."""
    visible = _visible(request)
    themes = []
    for code, title in THEMES.items():
        layers = [
            {"name": layer.name, "title": str(layer.title), "geometry": layer.geometry_type(),
             "color": layer.map_color, "minZoom": layer.map_min_zoom, "visible": layer.map_visible,
             "editable": user_can(request.user, layer_resource(layer), "edit"),
             "tiles": f"/ogc/collections/{layer.name}/tiles/WebMercatorQuad/{{z}}/{{y}}/{{x}}"}
            for layer in all_layers() if layer.theme == code and layer.name in visible
        ]
        if layers:
            themes.append({"code": code, "title": str(title), "layers": layers})
    srid = settings.CBS_SRID
    return {
        "themes": themes,
        "bbox": settings.CBS_MAP_BBOX,
        "tm": {"code": f"EPSG:{srid}", "proj4": _proj4(srid)},
        "basemap": settings.CBS_BASEMAP_URL,
        "searchUrl": reverse("layers:map_search"),
        "formUrl": reverse("layers:feature_form", args=["LAYER"]),
        "itemsUrl": "/ogc/collections/LAYER/items",
        "historyUrl": reverse("layers:feature_history", args=["LAYER", 0]).replace("/0/", "/ID/"),
    }


@require_GET
def map_view(request: HttpRequest) -> HttpResponse:
    """Full-screen map with the layer tree, pointer coordinates, search, measuring and popups."""
    from .printing import SCALES

    scales = [(s, f"1:{s:,}".replace(",", "\u202f")) for s in SCALES]  # 1:2 500, as on the page
    return render(request, "layers/map.html", {"config": map_config(request), "print_scales": scales})


@require_GET
def map_search_view(request: HttpRequest) -> JsonResponse:
    hits = map_search(request.GET.get("q", ""), _visible(request))
    return JsonResponse({"results": [asdict(h) for h in hits]}, json_dumps_params={"ensure_ascii": False})


def _layer_or_404(name: str):
    """The registered layer `name` (a URL segment), or 404 with a translated message."""
    try:
        return get_layer(name)
    except KeyError:
        raise NotFound(_("No such layer.")) from None


@login_required
def feature_history(request: HttpRequest, layer: str, tucbs_no: int) -> HttpResponse:
    """Every version of a feature with who, when and what changed; restore or undo (editors),
    also of a deleted feature (its history ends with the deletion)."""
    layer_cls = _layer_or_404(layer)
    if not user_can(request.user, layer_resource(layer_cls), "view"):
        raise PermissionDenied
    instance = layer_cls.model.objects.filter(tucbs_no=tucbs_no).first()
    found = versions(layer_cls, tucbs_no)
    deleted = instance is None and bool(found) and found[-1].is_tombstone
    can_edit = (instance is not None or deleted) and user_can(request.user, layer_resource(layer_cls), "edit")
    if request.method == "POST":
        if not can_edit:
            return HttpResponse(status=403)
        return _restore(request, layer_cls, instance, tucbs_no)
    current_version = instance.version if instance is not None else (found[-1].row.version if found else 0)
    return render(request, "layers/history.html", {
        "layer": layer_cls, "tucbs_no": tucbs_no, "instance": instance, "versions": found,
        "deleted": deleted, "tombstone": found[-1] if deleted else None,
        "can_edit": can_edit, "current_version": current_version,
        "undo": last_edit_by(layer_cls, tucbs_no, request.user) if can_edit else None,
        "versions_geometries": [{"before": _lonlat(v.before), "after": _lonlat(v.after)} for v in found],
    })


def _lonlat(snapshot: dict | None) -> dict | None:
    """A snapshot's geometry as GeoJSON in lon/lat, for the small diff map."""
    if not snapshot or not snapshot.get("geometry"):
        return None
    return json.loads(GEOSGeometry(snapshot["geometry"]).transform(4326, clone=True).geojson)


def _restore(request: HttpRequest, layer_cls, instance, tucbs_no: int) -> HttpResponse:
    record_id = digits(request.POST.get("record"), maximum=BIGINT_MAX)
    if record_id is None:
        raise BadInput(_("Unknown history record."))
    raw_version = request.POST.get("version", "")
    expected = int_param(raw_version, "version", high=INTEGER_MAX) if raw_version else None
    record = layer_cls.history.objects.filter(pk=record_id, tucbs_no=tucbs_no).first()
    try:
        if record is None:
            raise ValidationError(_("Unknown history record."))
        feature_restore(layer=layer_cls, instance=instance, record=record, user=request.user,
                        use_before=request.POST.get("mode") == "undo",
                        expected_version=expected or None)
        messages.success(request, _("Restored: the feature now has a new version."))
    except VersionConflict:
        messages.error(request, _("Someone saved the feature meanwhile; look at the new version first."))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    return redirect(request.path)


def form_schema(layer) -> list[dict]:
    """The attribute form of a layer, from its model: labels, types, code lists, limits."""
    fields = []
    for name, field in layer.properties().items():
        if not field.editable or name == "tucbsNo":
            continue
        kind = field.get_internal_type()
        entry = {
            "name": name, "field": field.name, "label": str(field.verbose_name),
            "help": str(field.help_text or ""),
            "required": not field.blank and not field.has_default() and not field.null,
            "type": {"BooleanField": "checkbox", "DateField": "date", "DateTimeField": "datetime-local",
                     "IntegerField": "number", "PositiveIntegerField": "number",
                     "PositiveSmallIntegerField": "number", "BigIntegerField": "number",
                     "DecimalField": "number", "ForeignKey": "number"}.get(kind, "text"),
        }
        if field.choices:
            entry["choices"] = [[value, str(label)] for value, label in field.choices]
        if getattr(field, "max_length", None):
            entry["maxLength"] = field.max_length
        fields.append(entry)
    return fields


@require_GET
def feature_form(request: HttpRequest, layer: str) -> JsonResponse:
    """The attribute form (JSON) for editors of the layer."""
    try:
        layer_cls = get_layer(layer)
    except KeyError:
        return JsonResponse({"detail": _("No such layer.")}, status=404, json_dumps_params={"ensure_ascii": False})
    if not user_can(request.user, layer_resource(layer_cls), "edit"):
        return JsonResponse({"detail": "forbidden"}, status=403)
    return JsonResponse({"layer": layer, "geometry": layer_cls.geometry_type(),
                         "fields": form_schema(layer_cls)}, json_dumps_params={"ensure_ascii": False})


@require_GET
def export_view(request: HttpRequest) -> HttpResponse:
    """/map/export/?layer=…&format=gpkg|shp|geojson|kml|csv|xlsx|dxf&crs=5254[&bbox=w,s,e,n]:
    any layer the caller may see (the OGC gate decides); exports of sensitive layers are written
    to the access log with their purpose."""
    from cbs.audit.services import access_record
    from ogc.crs import offered_srids

    from .export import FORMATS, export_layer

    from ogc.params import BadParameter, parse_lonlat_bbox

    name, fmt = request.GET.get("layer", ""), request.GET.get("format", "gpkg")
    if name not in _visible(request):
        return _text(_("No such layer."), 404)
    srid = digits(request.GET.get("crs", str(settings.CBS_SRID)))
    if fmt not in FORMATS or srid not in offered_srids():
        return _text(_("Choose a format (%(formats)s), a CRS (%(crs)s) and optionally bbox=w,s,e,n.")
                     % {"formats": ", ".join(FORMATS), "crs": ", ".join(map(str, offered_srids()))}, 400)
    try:
        bbox = parse_lonlat_bbox(request.GET["bbox"]) if request.GET.get("bbox") else None
    except BadParameter as exc:
        return _text(str(exc), 400)
    layer = get_layer(name)
    data, filename = export_layer(layer, fmt, srid, bbox)
    if layer.sensitive:
        user = request.user
        access_record(method="GET", path=request.get_full_path(), status=200, size=len(data),
                      user=user.get_username() if user.is_authenticated else "",
                      purpose=f"export: {layer.name} ({fmt}, EPSG:{srid})")
    response = HttpResponse(data, content_type=FORMATS[fmt].content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _text(message: str, status: int) -> HttpResponse:
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


@require_GET
def metadata_view(request: HttpRequest, layer: str) -> HttpResponse:
    """The layer's TUCBS/ISO 19139 metadata (Turkish XML), for layers the caller may see."""
    from .metadata import metadata_xml

    if layer not in _visible(request):
        return _text(_("No such layer."), 404)
    base = f"{request.scheme}://{request.get_host()}"
    response = HttpResponse(metadata_xml(get_layer(layer), base), content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{layer}-iso19139.xml"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def metadata_edit(request: HttpRequest, layer: str) -> HttpResponse:
    """The GIS unit maintains a layer's metadata; extent, CRS and dates are filled from the data."""
    from .metadata import effective_metadata, metadata_form, metadata_update
    from .models import LayerMetadata

    target = _layer_or_404(layer)
    if not user_can(request.user, layer_resource(target), "edit"):
        raise PermissionDenied
    form_class = metadata_form()
    row = LayerMetadata.objects.filter(layer=target.name).first()
    if request.method == "POST":
        try:
            metadata_update(layer=target, user=request.user, data=request.POST)
            messages.success(request, _("The metadata was saved."))
            return redirect("layers:metadata_edit", layer=target.name)
        except ValidationError as exc:
            form = form_class(request.POST, instance=row)
            form.is_valid()
            messages.error(request, " ".join(exc.messages))
    else:
        form = form_class(instance=row)
    for field in form.fields.values():
        field.widget.attrs.setdefault("class", "form-select form-select-sm" if hasattr(field, "choices")
                                      else "form-control form-control-sm")
    return render(request, "layers/metadata_edit.html", {
        "layer": target, "form": form, "effective": effective_metadata(target), "row": row})
