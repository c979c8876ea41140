"""Asset pages (search, asset page, inventory custody, expiries, the asset map) and small JSON
helpers for the map; reads through selectors, writes through services, module grant checked."""

from __future__ import annotations

import json
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cbs.accounts.selectors import user_can
from cbs.permissions import module_required
from cbs.audit.models import AuditRecord
from cbs.http import BIGINT_MAX, BadInput, digits
from layers.registry import get_layer
from layers.identify import display_text
from layers.views import map_config

from . import selectors, services
from .forms import AssignForm, MaintenanceForm, MoveForm, ReturnForm
from .models import DeviceStatus, InventoryItem, Staff, Unit


def assets_permission(level: str = "view"):
    return module_required("assets", level)


def _float(request: HttpRequest, name: str, low: float, high: float) -> float:
    try:
        value = float(request.GET.get(name, ""))
    except ValueError:
        raise ValidationError(_("%(name)s must be a number.") % {"name": name}) from None
    if not low <= value <= high:
        raise ValidationError(_("%(name)s must lie between %(low)s and %(high)s.")
                              % {"name": name, "low": low, "high": high})
    return value


def _bad_request(exc: ValidationError) -> JsonResponse:
    return JsonResponse({"error": " ".join(exc.messages)}, status=400)


@require_GET
@assets_permission()
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    from .models import Camera, NetworkDevice

    return render(request, "assets/search.html", {
        "query": query, "hits": selectors.asset_search(query) if query else [],
        "faulty_devices": NetworkDevice.objects.filter(durum=DeviceStatus.FAULTY).select_related("lokasyon"),
        "faulty_cameras": Camera.objects.filter(durum=DeviceStatus.FAULTY),
        "expiring_count": len(selectors.expiring()),
    })


def _display(instance, field) -> str:
    # As in the map's identify panel: code-list labels, local time, related records by name.
    return display_text(instance, field)


@require_GET
@assets_permission()
def asset(request: HttpRequest, kind: str, key: int) -> HttpResponse:
    """One site, device, camera or fiber link: attributes, place on a map, relations, maintenance
    and audit trail."""
    if kind not in selectors.KIND_MODEL:
        raise Http404
    layer = get_layer(selectors.KIND_LAYER[kind])
    relations = [f.name for f in layer.property_fields() if f.is_relation]
    instance = get_object_or_404(layer.model.objects.select_related(*relations), tucbs_no=key)
    rows = [(field.verbose_name, _display(instance, field)) for field in layer.property_fields()]
    geom = instance.geom.transform(4326, clone=True)
    shape = {"type": geom.geom_type, "coordinates": json.loads(geom.json)["coordinates"]}
    related = []
    if kind == "cihaz":
        related = [(_("Uplink"), [instance.uplink] if instance.uplink else []),
                   (_("Downlinks"), list(instance.downlinks.all())),
                   (_("Cameras"), list(instance.kameralar.all()))]
    elif kind == "lokasyon":
        related = [(_("Devices"), list(instance.cihazlar.all())), (_("Cameras"), list(instance.kameralar.all())),
                   (_("Inventory items"), list(instance.items.all()))]
    groups = [(title, [(str(o), selectors.asset_url(
        {"NetworkDevice": "cihaz", "Camera": "kamera", "Site": "lokasyon"}.get(type(o).__name__, "esya"),
        getattr(o, "tucbs_no", o.pk))) for o in objs]) for title, objs in related]
    maintenance = instance.maintenance.select_related("technician")
    # Help-desk tickets about this asset: recurring faults show here.
    tickets = instance.tickets.order_by("-created_at")[:50] if hasattr(instance, "tickets") else []
    audit = AuditRecord.objects.filter(object_type=f"layer:{layer.name}", object_id=str(key)).order_by("-time")[:50]
    return render(request, "assets/asset.html", {
        "config": map_config(request),
        "maintenance_form": MaintenanceForm(), "can_edit": user_can(request.user, "module:assets", "edit"),
        "kind": kind, "layer": layer, "instance": instance, "rows": rows, "groups": groups,
        "maintenance": maintenance, "audit": audit, "tickets": tickets,
        "map_data": {"geometry": shape, "camera": {
            "azimuth": instance.azimut, "fov": instance.gorus_acisi, "range": instance.menzil,
        } if kind == "kamera" else None},
        "can_trace": kind in ("cihaz", "fiber"),
    })


@require_http_methods(["POST"])
@assets_permission("edit")
def maintenance_add(request: HttpRequest, kind: str, key: int) -> HttpResponse:
    """Record maintenance of an asset (`kind` "esya" = an inventory item by its pk)."""
    if kind == "esya":
        target = get_object_or_404(InventoryItem, pk=key)
    elif kind in selectors.KIND_MODEL:
        target = get_object_or_404(selectors.KIND_MODEL[kind], tucbs_no=key)
    else:
        raise Http404
    form = MaintenanceForm(request.POST)
    if form.is_valid():
        try:
            services.maintenance_record_create(asset=target, technician=request.user, user=request.user,
                                               **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Saved."))
    else:
        messages.error(request, " ".join(f"{form.fields[f].label}: {' '.join(e)}" if f in form.fields else " ".join(e)
                                         for f, e in form.errors.items()))
    return redirect(selectors.asset_url(kind, key))


@require_http_methods(["GET", "POST"])
@assets_permission()
def item(request: HttpRequest, pk: int) -> HttpResponse:
    """An inventory item: custody history, moves, licence seats, maintenance; assign / return /
    move for users with the edit grant."""
    obj = get_object_or_404(InventoryItem.objects.select_related("unit"), pk=pk)
    can_edit = user_can(request.user, "module:assets", "edit")
    forms = {"assign": AssignForm(prefix="assign"), "return": ReturnForm(prefix="return"),
             "move": MoveForm(prefix="move")}
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        action = request.POST.get("action")
        if action not in forms:
            raise BadInput(_("Unknown action."))
        form = type(forms[action])(request.POST, prefix=action)
        forms[action] = form
        if form.is_valid():
            data = form.cleaned_data
            try:
                if action == "assign":
                    services.item_assign(item=obj, staff=data["staff"], document_no=data["document_no"],
                                         on=data["on"], note=data["note"], user=request.user)
                elif action == "return":
                    services.item_return(item=obj, on=data["on"], faulty=data["faulty"], user=request.user)
                else:
                    services.item_move(item=obj, to_unit=data["to_unit"], on=data["on"], note=data["note"],
                                       user=request.user)
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("Saved."))
                return redirect("assets:item", pk=obj.pk)
    holder = obj.assignments.filter(returned_on__isnull=True).select_related("staff").first()
    return render(request, "assets/item.html", {
        "maintenance_form": MaintenanceForm(),
        "item": obj, "holder": holder, "forms": forms, "can_edit": can_edit,
        "assignments": obj.assignments.select_related("staff"),
        "movements": obj.movements.select_related("from_unit", "to_unit"),
        "seats": obj.license_seats.select_related("license"),
        "maintenance": obj.maintenance.select_related("technician"),
        "tickets": obj.tickets.order_by("-created_at")[:50],
        "audit": AuditRecord.objects.filter(object_type="assets.inventoryitem", object_id=str(obj.pk))
        .order_by("-time")[:50],
    }, status=400 if request.method == "POST" else 200)


@require_GET
@assets_permission()
def holdings(request: HttpRequest) -> HttpResponse:
    """What a person or a unit holds now."""
    staff = unit = None
    if (staff_id := digits(request.GET.get("staff"))) is not None:
        staff = get_object_or_404(Staff, pk=staff_id)
    if (unit_id := digits(request.GET.get("unit"))) is not None:
        unit = get_object_or_404(Unit, pk=unit_id)
    rows = selectors.holdings(staff=staff, unit=unit) if (staff or unit) else []
    return render(request, "assets/holdings.html", {
        "staff": staff, "unit": unit, "rows": rows, "units": Unit.objects.all(),
        "people": Staff.objects.filter(active=True).select_related("unit")})


@require_GET
@assets_permission()
def expiring(request: HttpRequest) -> HttpResponse:
    days = digits(request.GET.get("days"), BIGINT_MAX)
    days = 90 if days is None else max(1, min(days, 3650))
    return render(request, "assets/expiring.html", {"days": days, "rows": selectors.expiring(days)})


@require_GET
@assets_permission()
def asset_map(request: HttpRequest) -> HttpResponse:
    """The map shell with the asset layers on and the technicians' tools."""
    config = map_config(request)
    for theme in config["themes"]:
        for layer in theme["layers"]:
            layer["visible"] = layer["name"] in selectors.KIND_LAYER.values() or layer["name"] == "ad-yol"
    config["assets"] = {"near": reverse("assets:api_near"), "seeing": reverse("assets:api_cameras_seeing"),
                        "outage": reverse("assets:api_outage"), "sectors": reverse("assets:api_sectors"),
                        "assetUrl": reverse("assets:asset", args=["KIND", 0]).replace("/0/", "/ID/")}
    return render(request, "assets/map.html", {"config": config})


@require_GET
@assets_permission()
def api_near(request: HttpRequest) -> JsonResponse:
    try:
        point = selectors.storage_point(_float(request, "lon", -180, 180), _float(request, "lat", -90, 90))
        radius = _float(request, "r", 1, 5000)
    except ValidationError as exc:
        return _bad_request(exc)
    hits = selectors.assets_near(point, radius)
    return JsonResponse({"radius": radius, "results": [h.__dict__ for h in hits]},
                        json_dumps_params={"ensure_ascii": False})


@require_GET
@assets_permission()
def api_cameras_seeing(request: HttpRequest) -> JsonResponse:
    try:
        point = selectors.storage_point(_float(request, "lon", -180, 180), _float(request, "lat", -90, 90))
    except ValidationError as exc:
        return _bad_request(exc)
    return JsonResponse({"results": selectors.cameras_seeing(point)}, json_dumps_params={"ensure_ascii": False})


@require_GET
@assets_permission()
def api_outage(request: HttpRequest) -> JsonResponse:
    device, fiber = digits(request.GET.get("device")), digits(request.GET.get("fiber"))
    if device is None and fiber is None:
        return _bad_request(ValidationError(_("Give a device or a fiber link (its number).")))
    impact = selectors.outage_impact(device=device, fiber=fiber)
    return JsonResponse(impact.__dict__, json_dumps_params={"ensure_ascii": False})


@require_GET
@assets_permission()
def api_sectors(request: HttpRequest) -> HttpResponse:
    from ogc.params import BadParameter, parse_lonlat_bbox

    bbox = None
    if request.GET.get("bbox"):
        try:
            bbox = parse_lonlat_bbox(request.GET["bbox"])
        except BadParameter as exc:
            return _bad_request(ValidationError(str(exc)))
    return HttpResponse(selectors.sectors_geojson(bbox), content_type="application/geo+json")
