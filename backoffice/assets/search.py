"""Assets for the site-wide search: cameras, network devices, sites and fiber links by name, code
or IP, folded like every search (cbs.fold). Only for users holding the assets module grant."""

from __future__ import annotations

import ipaddress

from django.db.models import Q
from django.utils.translation import gettext as _

from cbs.accounts.selectors import user_can
from cbs.fold import Fold, fold_value
from cbs.hits import Hit, lonlat_bbox, with_lonlat

from .models import Camera, FiberLink, NetworkDevice, Site
from .selectors import KIND_LAYER, asset_url

PER_KIND = 6


def _ip(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def _named(model, text: str, words: list[str], *, columns: tuple[str, ...], code: str | None = None,
           ip: str | None = None):
    """Rows whose folded name (or code) holds every word, or whose IP is the typed address."""
    qs = model.objects.annotate(_fold_adi=Fold("adi"))
    match = Q()
    for word in words:
        match &= Q(_fold_adi__contains=fold_value(word))
    if code:
        qs = qs.annotate(_fold_code=Fold(code))
        match |= Q(_fold_code__contains=fold_value(text))
    if ip:
        match = Q(ip=ip)  # an address is exact: 10.2.3.4 is not 10.2.3.40
    return with_lonlat(qs.filter(match).only("tucbs_no", "adi", *columns), "geom").order_by("adi")[:PER_KIND]


def asset_search_hits(query: str, user) -> list[Hit]:
    """Cameras, devices, sites and fiber links matching `query`, as "Kamera KGYS-014 (10.2.3.4)"."""
    text = " ".join(query.split())[:100]
    if len(text) < 2 or not user_can(user, "module:assets", "view"):
        return []
    words, ip = text.split(), _ip(text)
    hits = [Hit("asset", _("Camera %(name)s (%(ip)s)") % {"name": c.adi, "ip": c.ip} if c.ip
                else _("Camera %(name)s") % {"name": c.adi},
                f"{c.get_tur_display()} · {c.get_durum_display()}", KIND_LAYER["kamera"], c.tucbs_no,
                lonlat_bbox(c), asset_url("kamera", c.tucbs_no))
            for c in _named(Camera, text, words, columns=("ip", "tur", "durum"), ip=ip)]
    hits += [Hit("asset", _("Device %(name)s (%(ip)s)") % {"name": d.adi, "ip": d.ip} if d.ip
                 else _("Device %(name)s") % {"name": d.adi},
                 f"{d.get_tur_display()} · {d.get_durum_display()}", KIND_LAYER["cihaz"], d.tucbs_no,
                 lonlat_bbox(d), asset_url("cihaz", d.tucbs_no))
             for d in _named(NetworkDevice, text, words, columns=("ip", "tur", "durum"), ip=ip)]
    if ip is None:
        hits += [Hit("asset", _("Site %(code)s %(name)s") % {"code": s.kod, "name": s.adi},
                     s.get_tur_display(), KIND_LAYER["lokasyon"], s.tucbs_no, lonlat_bbox(s),
                     asset_url("lokasyon", s.tucbs_no))
                 for s in _named(Site, text, words, columns=("kod", "tur"), code="kod")]
        hits += [Hit("asset", _("Fiber link %(name)s") % {"name": f.adi}, f.get_durum_display(),
                     KIND_LAYER["fiber"], f.tucbs_no, lonlat_bbox(f), asset_url("fiber", f.tucbs_no))
                 for f in _named(FiberLink, text, words, columns=("durum",))]
    return hits
