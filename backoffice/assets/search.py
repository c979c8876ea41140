"""Assets for the site-wide search: cameras, network devices, sites and fiber links by name, code
or IP, folded like every search (cbs.fold). Only for users holding the assets module grant."""

from __future__ import annotations

import ipaddress

from django.db.models import CharField, F, Func, Q, Value
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from cbs.accounts.selectors import user_can
from cbs.fold import Fold, fold_value
from cbs.hits import Hit, with_lonlat

from .models import Camera, FiberLink, NetworkDevice, Site
from .selectors import KIND_LAYER, asset_url

PER_KIND = 6


def _ip(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def _named(kind: str, model, text: str, words: list[str], *, code: str | None = None, ip: str | None = None,
           columns: tuple[str, ...] = ()):
    """The first PER_KIND rows by name whose folded name (or code) holds every word, or whose IP is
    the typed address, as (kind, tucbsNo, name, ip, tur, durum, kod, box): one shape for the four
    kinds, so that they are asked in one UNION ALL statement."""
    qs = model.objects.alias(_fold_adi=Fold("adi"))
    match = Q()
    for word in words:
        match &= Q(_fold_adi__contains=fold_value(word))
    if code:
        qs = qs.alias(_fold_code=Fold(code))
        match |= Q(_fold_code__contains=fold_value(text))
    if ip:
        match = Q(ip=ip)  # an address is exact: 10.2.3.4 is not 10.2.3.40
    text_of = {name: F(name) if name in columns else Value("", output_field=CharField())
               for name in ("tur", "durum", "kod")}
    rows = with_lonlat(qs.filter(match), "geom").annotate(
        _kind=Value(kind), _no=F("tucbs_no"), _name=F("adi"),
        _ip=Func(F("ip"), function="host", output_field=CharField()) if "ip" in columns
        else Cast(Value(None), CharField()),
        _tur=text_of["tur"], _durum=text_of["durum"], _kod=text_of["kod"])
    return rows.order_by("adi").values_list("_kind", "_no", "_name", "_ip", "_tur", "_durum", "_kod", "_lonlat")[:PER_KIND]


def _hit(kind: str, number: int, name: str, ip: str | None, tur: str, durum: str, kod: str, box) -> Hit:
    bbox = None if not box or None in box else [round(v, 7) for v in box]
    if kind == "kamera":
        c = Camera(adi=name, ip=ip, tur=tur, durum=durum)
        return Hit("asset", _("Camera %(name)s (%(ip)s)") % {"name": name, "ip": ip} if ip
                   else _("Camera %(name)s") % {"name": name},
                   f"{c.get_tur_display()} · {c.get_durum_display()}", KIND_LAYER[kind], number, bbox,
                   asset_url(kind, number))
    if kind == "cihaz":
        d = NetworkDevice(adi=name, ip=ip, tur=tur, durum=durum)
        return Hit("asset", _("Device %(name)s (%(ip)s)") % {"name": name, "ip": ip} if ip
                   else _("Device %(name)s") % {"name": name},
                   f"{d.get_tur_display()} · {d.get_durum_display()}", KIND_LAYER[kind], number, bbox,
                   asset_url(kind, number))
    if kind == "lokasyon":
        return Hit("asset", _("Site %(code)s %(name)s") % {"code": kod, "name": name},
                   Site(tur=tur).get_tur_display(), KIND_LAYER[kind], number, bbox, asset_url(kind, number))
    return Hit("asset", _("Fiber link %(name)s") % {"name": name}, FiberLink(durum=durum).get_durum_display(),
               KIND_LAYER[kind], number, bbox, asset_url(kind, number))


def asset_search_hits(query: str, user) -> list[Hit]:
    """Cameras, devices, sites and fiber links matching `query`, as "Kamera KGYS-014 (10.2.3.4)"
    (one statement for the four kinds)."""
    text = " ".join(query.split())[:100]
    if len(text) < 2 or not user_can(user, "module:assets", "view"):
        return []
    words, ip = text.split(), _ip(text)
    parts = [_named("kamera", Camera, text, words, ip=ip, columns=("ip", "tur", "durum")),
             _named("cihaz", NetworkDevice, text, words, ip=ip, columns=("ip", "tur", "durum"))]
    if ip is None:
        parts += [_named("lokasyon", Site, text, words, code="kod", columns=("kod", "tur")),
                  _named("fiber", FiberLink, text, words, columns=("durum",))]
    order = [part_kind for part_kind in ("kamera", "cihaz", "lokasyon", "fiber")]
    rows = sorted(parts[0].union(*parts[1:], all=True), key=lambda row: order.index(row[0]))  # stable
    return [_hit(*row) for row in rows]
