"""Reads over the assets: search, proximity, camera coverage, outage impact, custody, expiries.

Spatial questions run in PostGIS in the storage CRS (the TM zone, metres) with GiST indexes.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.contrib.gis.geos import Point
from django.db import connection
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from .models import (
    Assignment, Camera, DeviceStatus, FiberLink, InventoryItem, License, NetworkDevice, Site,
)
from .models.fields import normalise_mac

MAX_CAMERA_RANGE = 2000  # metres; the model's upper bound, used to let the index prefilter

# Layer name of each spatial asset model (the registry's collection ids).
KIND_LAYER = {"lokasyon": "ay-lokasyon", "cihaz": "ay-cihaz", "kamera": "kh-kamera", "fiber": "ay-fiber"}
KIND_MODEL = {"lokasyon": Site, "cihaz": NetworkDevice, "kamera": Camera, "fiber": FiberLink}


@dataclass(frozen=True)
class AssetHit:
    kind: str
    id: int
    title: str
    detail: str
    url: str


def asset_url(kind: str, key: int) -> str:
    if kind == "esya":
        return reverse("assets:item", args=[key])
    return reverse("assets:asset", args=[kind, key])


def _mac_or_none(text: str) -> str | None:
    try:
        return normalise_mac(text) if re.fullmatch(r"[0-9A-Fa-f:.\-]{12,17}", text) else None
    except ValidationError:  # not a MAC: just search text
        return None


def _ip_or_none(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def asset_search(query: str, limit: int = 30) -> list[AssetHit]:
    """Assets matching a name, IP, MAC, serial, asset tag, site code/name or address."""
    text = query.strip()[:100]
    if len(text) < 2:
        return []
    mac, ip = _mac_or_none(text), _ip_or_none(text)
    hits: list[AssetHit] = []

    def exact_or(q: Q, **exact) -> Q:
        for name, value in exact.items():
            if value is not None:
                q |= Q(**{name: value})
        return q

    devices = NetworkDevice.objects.filter(exact_or(
        Q(adi__icontains=text) | Q(seri_no__iexact=text) | Q(demirbas_no__iexact=text)
        | Q(lokasyon__adi__icontains=text) | Q(lokasyon__kod__iexact=text), mac=mac, ip=ip)).select_related("lokasyon")
    hits += [AssetHit("cihaz", d.tucbs_no, d.adi, f"{d.get_tur_display()} · {d.ip or '-'} · {d.lokasyon.adi}",
                      asset_url("cihaz", d.tucbs_no)) for d in devices[:limit]]
    cameras = Camera.objects.filter(exact_or(Q(adi__icontains=text) | Q(seri_no__iexact=text)
                                             | Q(lokasyon__adi__icontains=text), mac=mac, ip=ip))
    hits += [AssetHit("kamera", c.tucbs_no, c.adi, f"{c.get_tur_display()} · {c.ip or '-'}",
                      asset_url("kamera", c.tucbs_no)) for c in cameras[:limit]]
    sites = Site.objects.filter(Q(adi__icontains=text) | Q(kod__iexact=text) | Q(adres__icontains=text))
    hits += [AssetHit("lokasyon", s.tucbs_no, f"{s.kod} {s.adi}", f"{s.get_tur_display()} · {s.adres}",
                      asset_url("lokasyon", s.tucbs_no)) for s in sites[:limit]]
    fibers = FiberLink.objects.filter(adi__icontains=text)
    hits += [AssetHit("fiber", f.tucbs_no, f.adi, f"{f.damar_sayisi} · {f.uzunluk:.0f} m",
                      asset_url("fiber", f.tucbs_no)) for f in fibers[:limit]]
    items = InventoryItem.objects.filter(Q(tasinir_no__icontains=text) | Q(serial_no__iexact=text)
                                         | Q(brand__icontains=text) | Q(model_name__icontains=text))
    hits += [AssetHit("esya", i.pk, str(i), f"{i.brand} {i.model_name} · {i.unit}", asset_url("esya", i.pk))
             for i in items.select_related("unit")[:limit]]
    return hits[:limit]


def storage_point(lon: float, lat: float) -> Point:
    """A lon/lat point in the storage CRS."""
    return Point(lon, lat, srid=4326).transform(settings.CBS_SRID, clone=True)


@dataclass(frozen=True)
class NearHit:
    kind: str
    id: int
    title: str
    status: str
    distance_m: float
    lon: float
    lat: float


def assets_near(point: Point, radius_m: float, limit: int = 200) -> list[NearHit]:
    """Sites, devices and cameras within `radius_m` of a point (storage CRS), nearest first."""
    radius = max(1.0, min(float(radius_m), 5000.0))
    sql = """
        WITH p AS (SELECT ST_SetSRID(ST_MakePoint(%(x)s, %(y)s), %(srid)s) AS g),
        hits AS (
            SELECT 'lokasyon' AS kind, "tucbsNo" AS id, kod || ' ' || adi AS title, '' AS status, geom
            FROM assets_site, p WHERE ST_DWithin(geom, p.g, %(r)s)
            UNION ALL
            SELECT 'cihaz', "tucbsNo", adi, durum, geom FROM assets_networkdevice, p
            WHERE ST_DWithin(geom, p.g, %(r)s)
            UNION ALL
            SELECT 'kamera', "tucbsNo", adi, durum, geom FROM assets_camera, p
            WHERE ST_DWithin(geom, p.g, %(r)s)
        )
        SELECT kind, id, title, status, ST_Distance(hits.geom, p.g), ST_X(ST_Transform(hits.geom, 4326)),
               ST_Y(ST_Transform(hits.geom, 4326))
        FROM hits, p ORDER BY 5, 1, 2 LIMIT %(limit)s
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, {"x": point.x, "y": point.y, "srid": point.srid, "r": radius, "limit": limit})
        return [NearHit(k, i, t, s, round(d, 1), lon, lat) for k, i, t, s, d, lon, lat in cursor.fetchall()]


def cameras_seeing(point: Point) -> list[dict]:
    """Cameras in service whose view sector (derived in the TM zone) contains the point."""
    sql = f"""
        SELECT c."tucbsNo", c.adi, c.tur, c.durum, round(ST_Distance(c.geom, p.g)::numeric, 1)
        FROM assets_camera c, (SELECT ST_SetSRID(ST_MakePoint(%(x)s, %(y)s), %(srid)s) AS g) p
        WHERE c.geom && ST_Expand(p.g, {MAX_CAMERA_RANGE}) AND c.durum <> %(retired)s
          AND ST_DWithin(c.geom, p.g, c.menzil)
          AND ST_Intersects(assets_camera_sector(c.geom, c.azimut, c."gorusAcisi", c.menzil), p.g)
        ORDER BY 5, 1
    """  # noqa: S608  (a constant)
    with connection.cursor() as cursor:
        cursor.execute(sql, {"x": point.x, "y": point.y, "srid": point.srid, "retired": DeviceStatus.RETIRED})
        return [{"id": i, "title": t, "kind": k, "status": s, "distance_m": float(d)}
                for i, t, k, s, d in cursor.fetchall()]


@dataclass
class OutageImpact:
    """What a failed device or fiber link cuts off, downstream in the uplink tree."""

    devices: list[dict] = field(default_factory=list)
    cameras: list[dict] = field(default_factory=list)
    sites: list[dict] = field(default_factory=list)
    per_mahalle: list[dict] = field(default_factory=list)


def outage_impact(*, device: int | None = None, fiber: int | None = None) -> OutageImpact:
    """Devices below the failed device (or fed over the failed fiber), the cameras connected to or
    recording on them, the sites they stand at, and counts per mahalle – in one recursive query."""
    sql = """
        WITH RECURSIVE cut AS (
            SELECT d."tucbsNo", 0 AS depth FROM assets_networkdevice d
            WHERE d."tucbsNo" = %(device)s OR d."uplinkFiber" = %(fiber)s
            UNION
            SELECT d."tucbsNo", cut.depth + 1 FROM assets_networkdevice d JOIN cut ON d.uplink = cut."tucbsNo"
        ),
        devices AS (
            SELECT DISTINCT ON (d."tucbsNo") d."tucbsNo" AS id, d.adi AS title, d.tur, d.durum,
                   cut.depth, d.lokasyon, d.geom
            FROM assets_networkdevice d JOIN cut USING ("tucbsNo") ORDER BY d."tucbsNo", cut.depth
        ),
        cameras AS (
            SELECT c."tucbsNo" AS id, c.adi AS title, c.tur, c.durum, c.geom FROM assets_camera c
            WHERE c."baglantiCihazi" IN (SELECT id FROM devices) OR c."kayitCihazi" IN (SELECT id FROM devices)
        ),
        sites AS (
            SELECT s."tucbsNo" AS id, s.kod || ' ' || s.adi AS title, s.tur, '' AS durum, s.geom
            FROM assets_site s WHERE s.kod IN (SELECT lokasyon FROM devices)
        ),
        everything AS (
            SELECT 'devices' AS list, id, title, tur, durum, geom FROM devices
            UNION ALL SELECT 'cameras', id, title, tur, durum, geom FROM cameras
            UNION ALL SELECT 'sites', id, title, tur, durum, geom FROM sites
        )
        SELECT e.list, e.id, e.title, e.tur, e.durum, m.adi,
               ST_X(ST_Transform(e.geom, 4326)), ST_Y(ST_Transform(e.geom, 4326))
        FROM everything e LEFT JOIN layers_mahalle m ON ST_Contains(m.geom, e.geom)
        ORDER BY e.list, e.id
    """
    impact = OutageImpact()
    counts: dict[str, dict[str, int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, {"device": device, "fiber": fiber})
        for kind, key, title, tur, durum, mahalle, lon, lat in cursor.fetchall():
            getattr(impact, kind).append({"id": key, "title": title, "type": tur, "status": durum,
                                          "mahalle": mahalle or "", "lon": lon, "lat": lat})
            row = counts.setdefault(mahalle or "", {"devices": 0, "cameras": 0, "sites": 0})
            row[kind] += 1
    impact.per_mahalle = [{"mahalle": name, **row} for name, row in sorted(counts.items())]
    return impact


def sectors_geojson(bbox: tuple[float, float, float, float] | None = None) -> str:
    """Camera view sectors as a GeoJSON FeatureCollection (CRS84), built by PostGIS."""
    where, params = "", {}
    if bbox is not None:
        from ogc.crs import clip_to_storage_area

        clipped = clip_to_storage_area(bbox, settings.CBS_SRID)
        where = "WHERE false"  # outside the storage CRS's area: no camera there
        if clipped is not None:
            where = ("WHERE c.geom && ST_Transform(ST_MakeEnvelope(%(w)s, %(s)s, %(e)s, %(n)s, 4326), "
                     f"{int(settings.CBS_SRID)})")
            params = dict(zip("wsen", clipped, strict=True))
    sql = f"""
        SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
            'type', 'Feature', 'id', c."tucbsNo",
            'geometry', ST_AsGeoJSON(ST_Transform(assets_camera_sector(c.geom, c.azimut, c."gorusAcisi",
                                                                        c.menzil), 4326), 7)::json,
            'properties', json_build_object('adi', c.adi, 'tur', c.tur, 'durum', c.durum))), '[]'))::text
        FROM assets_camera c {where}
    """  # noqa: S608  (the SRID is an integer setting)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def holdings(*, staff=None, unit=None):
    """Open custody records of a person or a unit (what they hold now)."""
    qs = Assignment.objects.filter(returned_on__isnull=True).select_related("item", "staff", "staff__unit")
    if staff is not None:
        qs = qs.filter(staff=staff)
    if unit is not None:
        qs = qs.filter(staff__unit=unit)
    return qs.order_by("staff__name", "item__tasinir_no")


@dataclass(frozen=True)
class Expiry:
    what: str
    title: str
    ends_on: date
    url: str


def expiring(days: int = 90, today: date | None = None) -> list[Expiry]:
    """Licences expiring and warranties ending within `days` (already expired ones excluded)."""
    today = today or timezone.localdate()
    until = today + timedelta(days=days)
    rows = [Expiry("licence", f"{lic.name} ({lic.seats})", lic.expires_on, reverse("assets:expiring"))
            for lic in License.objects.filter(expires_on__range=(today, until))]
    rows += [Expiry("warranty", f"{d.adi} ({d.get_tur_display()})", d.garanti_bitis, asset_url("cihaz", d.tucbs_no))
             for d in NetworkDevice.objects.filter(garanti_bitis__range=(today, until))
             .exclude(durum=DeviceStatus.RETIRED)]
    rows += [Expiry("warranty", str(i), i.warranty_end, asset_url("esya", i.pk))
             for i in InventoryItem.objects.filter(warranty_end__range=(today, until)).exclude(status="hurda")]
    return sorted(rows, key=lambda e: (e.ends_on, e.title))
