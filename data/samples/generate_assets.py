"""Deterministic sample network and cameras for Zeytinburnu, built on the committed road and
public-service samples: run `python data/samples/generate_assets.py` after generate.py.

- sites: a system room in the first municipal building, every municipal / cultural / social
  building, and a street cabinet at road crossings;
- devices: core router, firewall, core switch and two NVRs in the system room; four
  distribution switches; an access switch at every other site (uplinked to the nearest
  distribution switch, which is uplinked to the core), access points in buildings;
- fiber links from each site to its uplink site, drawn along the road grid (an L-shaped path
  through a crossing);
- cameras: KGYS cameras looking along the roads at crossings, traffic cameras at some crossings,
  building-security cameras at the buildings; a few are faulty.
"""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

from shapely.geometry import LineString, Point, shape
from shapely.ops import unary_union

HERE = Path(__file__).parent
SRID = 5254
VERSION_START = "2024-01-01T00:00:00+03:00"


def read(name: str) -> list[dict]:
    return json.loads((HERE / f"{name}.geojson").read_text(encoding="utf-8"))["features"]


def write(name: str, features: list[dict]) -> None:
    collection = {"type": "FeatureCollection", "name": name,
                  "crs": {"type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{SRID}"}},
                  "features": features}
    (HERE / f"{name}.geojson").write_text(
        json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")


def feature(no: int, geom, props: dict) -> dict:
    coords = [[round(x, 2), round(y, 2)] for x, y in geom.coords]
    geometry = ({"type": "Point", "coordinates": coords[0]} if geom.geom_type == "Point"
                else {"type": "LineString", "coordinates": coords})
    return {"type": "Feature", "geometry": geometry,
            "properties": {"tucbsNo": no, "surumBaslangicZamani": VERSION_START, **props}}


def main() -> None:
    rng = random.Random(1739)
    district = unary_union([shape(f["geometry"]) for f in read("id-mahalle")]).buffer(-5)
    roads = [(shape(f["geometry"]), f["properties"]["adi"]) for f in read("ad-yol")]
    crossings = []
    for i, (a, name_a) in enumerate(roads):
        for b, name_b in roads[i + 1:]:
            hit = a.intersection(b)
            if hit.geom_type == "Point" and district.contains(hit):
                crossings.append((hit, f"{name_a} / {name_b}"))
    crossings.sort(key=lambda c: (round(c[0].y), round(c[0].x)))
    crossings = crossings[::3]  # a cabinet and cameras at every third crossing
    services = [f for f in read("kh-hizmet") if f["properties"]["hizmetTipi"] in
                ("belediye", "kulturel", "aileVeSosyal")]

    sites: list[dict] = []
    site_points: dict[str, Point] = {}

    def add_site(code: str, name: str, kind: str, point: Point, address: str, note: str = "") -> None:
        sites.append(feature(len(sites) + 1, point, {
            "kod": code, "adi": name, "tur": kind, "adres": address, "sorumlu": "Bilgi İşlem Ağ Birimi",
            "erisimNotu": note}))
        site_points[code] = point

    first = services[0]
    add_site("ZB-SO-001", "Belediye Sistem Odası", "sistemOdasi", shape(first["geometry"]),
             first["properties"].get("Iletisim_adres", ""), "Anahtar güvenlikte; 7/24 erişim kartla.")
    for n, f in enumerate(services[1:], start=1):
        p = f["properties"]
        add_site(f"ZB-BN-{n:03d}", p["adi"], "bina", shape(f["geometry"]), p.get("Iletisim_adres", ""))
    for n, (point, name) in enumerate(crossings, start=1):
        # The cabinet stands on the corner, 8 m off the crossing.
        add_site(f"ZB-KAB-{n:03d}", f"{name} kabineti", "kabinet",
                 Point(point.x + 8, point.y + 8), name, "Kabin anahtarı: Ağ birimi dolabı, no 4.")

    devices: list[dict] = []
    device_no: dict[str, int] = {}
    fibers: list[dict] = []

    def add_device(key: str, name: str, kind: str, site: str, uplink: str | None, status: str = "aktif",
                   fiber: int | None = None, port: str = "") -> int:
        no = len(devices) + 1
        devices.append(feature(no, Point(site_points[site].x + rng.uniform(-1, 1),
                                         site_points[site].y + rng.uniform(-1, 1)), {
            "adi": name, "tur": kind, "marka": rng.choice(["Cisco", "HPE Aruba", "Huawei"]),
            "model": {"switch": "C9200-24P", "router": "ISR4331", "firewall": "FPR1120",
                      "nvr": "NVR-64", "erisimNoktasi": "AP-515"}.get(kind, "X"),
            "seriNo": f"SN{1739_0000 + no * 37}", "demirbasNo": f"ZB-BI-{no:05d}",
            "mac": f"00:1a:2b:{no // 256:02x}:{no % 256:02x}:{(no * 7) % 256:02x}",
            "ip": f"10.17.{no // 250}.{no % 250 + 2}",
            "vlan": 100, "yazilimSurumu": "17.9.4", "durum": status,
            "kurulumTarihi": f"20{rng.randint(18, 24)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
            "garantiBitis": f"202{rng.randint(6, 9)}-{rng.randint(1, 12):02d}-15",
            "lokasyon": site, "uplink": device_no.get(uplink) if uplink else None,
            "uplinkPort": port, "uplinkFiber": fiber}))
        device_no[key] = no
        return no

    def add_fiber(a: str, b: str) -> int:
        pa, pb = site_points[a], site_points[b]
        corner = Point(pb.x, pa.y)  # along the grid: first east-west, then north-south
        path = LineString([pa, corner, pb]) if corner.distance(pa) > 1 and corner.distance(pb) > 1 \
            else LineString([pa, pb])
        cores = rng.choice([12, 24, 48])
        fibers.append(feature(len(fibers) + 1, path, {
            "adi": f"{a} – {b}", "baslangicLokasyon": a, "bitisLokasyon": b, "damarSayisi": cores,
            "kullanilanDamar": rng.choice([2, 4, 6]), "sahiplik": rng.choice(["kendi", "kendi", "kiralik"]),
            "durum": "aktif", "kurulumTarihi": f"20{rng.randint(15, 23)}-05-01", "uzunluk": 0}))
        return len(fibers)

    core = "ZB-SO-001"
    add_device("router", "ZB-CORE-RTR", "router", core, None)
    add_device("firewall", "ZB-FW-01", "firewall", core, "router", port="Gi0/1")
    add_device("core", "ZB-CORE-SW", "switch", core, "firewall", port="Eth1/1")
    add_device("nvr1", "ZB-NVR-01", "nvr", core, "core", port="Gi1/0/47")
    add_device("nvr2", "ZB-NVR-02", "nvr", core, "core", port="Gi1/0/48")
    cabinets = [s["properties"]["kod"] for s in sites if s["properties"]["tur"] == "kabinet"]
    distribution = cabinets[:: max(1, len(cabinets) // 4)][:4]
    for n, code in enumerate(distribution, start=1):
        add_device(f"dist:{code}", f"ZB-DAG-SW{n:02d}", "switch", code, "core",
                   fiber=add_fiber(core, code), port=f"Te1/1/{n}")
    for s in sites[1:]:
        code = s["properties"]["kod"]
        if code in distribution:
            continue
        nearest = min(distribution, key=lambda d: site_points[d].distance(site_points[code]))
        status = "arizali" if rng.random() < 0.05 else "aktif"
        add_device(f"sw:{code}", f"{code}-SW", "switch", code, f"dist:{nearest}", status=status,
                   fiber=add_fiber(nearest, code), port=f"Gi1/0/{rng.randint(1, 24)}")
        if s["properties"]["tur"] == "bina":
            add_device(f"ap:{code}", f"{code}-AP1", "erisimNoktasi", code, f"sw:{code}", port="Gi1/0/2")

    def switch_of(code: str) -> int:
        return device_no.get(f"sw:{code}") or device_no[f"dist:{code}"]

    cameras: list[dict] = []

    def add_camera(name: str, kind: str, mount: str, ctype: str, point: Point, azimuth: float,
                   fov: float, reach: float, site: str) -> None:
        no = len(cameras) + 1
        cameras.append(feature(no, point, {
            "adi": name, "tur": kind, "montaj": mount, "kameraTipi": ctype, "azimut": azimuth % 360,
            "gorusAcisi": fov, "menzil": reach, "ip": f"10.30.{no // 250}.{no % 250 + 2}",
            "mac": f"00:40:8c:{no // 256:02x}:{no % 256:02x}:{(no * 13) % 256:02x}",
            "seriNo": f"CAM{2024_00000 + no}", "durum": "arizali" if rng.random() < 0.04 else "aktif",
            "kayitCihazi": device_no["nvr1" if no % 2 else "nvr2"], "baglantiCihazi": switch_of(site),
            "lokasyon": site, "kurulumTarihi": f"20{rng.randint(19, 24)}-0{rng.randint(1, 9)}-01"}))

    for n, (point, name) in enumerate(crossings, start=1):
        code = f"ZB-KAB-{n:03d}"
        pole = Point(point.x + 5, point.y - 5)
        for azimuth in (0, 90, 180, 270):  # one KGYS camera along each road leaving the crossing
            ahead = Point(pole.x + 60 * math.sin(math.radians(azimuth)),
                          pole.y + 60 * math.cos(math.radians(azimuth)))
            if district.contains(ahead):
                add_camera(f"KGYS {name} {azimuth:03d}°", "kgys", "direk", "sabit", pole, azimuth,
                           rng.choice([50, 60, 70]), rng.choice([90, 120, 150]), code)
        if n % 3 == 0:
            add_camera(f"Trafik {name}", "trafik", "direk", "ptz", Point(point.x - 6, point.y + 6),
                       rng.uniform(0, 360), 90, 200, code)
    for s in sites[1:]:
        if s["properties"]["tur"] != "bina":
            continue
        code, p = s["properties"]["kod"], site_points[s["properties"]["kod"]]
        for k, azimuth in enumerate((45, 225)):
            add_camera(f"{s['properties']['adi']} güvenlik {k + 1}", "binaGuvenlik", "duvar", "dome",
                       Point(p.x + 3 * (k * 2 - 1), p.y), azimuth, 360 if k else 100, 30, code)

    write("ay-lokasyon", sites)
    write("ay-fiber", fibers)
    write("ay-cihaz", devices)
    write("kh-kamera", cameras)
    print(f"sites {len(sites)}, fibers {len(fibers)}, devices {len(devices)}, cameras {len(cameras)}")


if __name__ == "__main__":
    main()
