"""Generates the sample municipality (Zeytinburnu, İstanbul, ilçe 1739) deterministically.

The 13 mahalle names, UAVT ids and populations are real (shared/data); every geometry is
synthetic but plausible: an outline around 28.88–28.93 E / 40.98–41.02 N, split into the 13
mahalle, a grid of named roads, buildings along the streets with a door number at each
entrance (on the building edge facing its road), parcels around the buildings, public service
points and zoning areas. Output: one GeoJSON file per layer in EPSG:5254 (TUREF/TM30), with
TUCBS property names. Run `python data/samples/generate.py` to rebuild; the output is committed.
"""

import csv
import json
import random
from datetime import date, timedelta
from pathlib import Path

from pyproj import Transformer
from shapely.ops import voronoi_diagram
from shapely.geometry import LineString, MultiPoint, Point, Polygon, box, mapping
import shapely

HERE = Path(__file__).resolve().parent
MAHALLE_CSV = HERE.parent / "reference" / "zeytinburnu_mahalleler.csv"
SRID = 5254
SEED = 1739
VERSION_START = "2024-01-01T00:00:00+03:00"

OUTLINE_LONLAT = [
    (28.8835, 40.9865), (28.9050, 40.9815), (28.9265, 40.9850), (28.9295, 41.0000),
    (28.9250, 41.0160), (28.9040, 41.0190), (28.8860, 41.0130), (28.8815, 40.9990),
]
CADDE_NAMES = [
    "Kennedy", "Prof. Dr. Muammer Aksoy", "Şehit Er", "Seyitnizam", "Belgrat Kapı Yolu",
    "Beştelsiz", "Telsiz", "Yeşiltepe", "Nuripaşa", "Sümer", "Maltepe", "Çırpıcı",
]
BULVAR_NAMES = ["58.", "10. Yıl"]
SOKAK_NAMES = [
    "Akasya", "Badem", "Çınar", "Defne", "Erguvan", "Fesleğen", "Gül", "Hanımeli", "Ihlamur",
    "Ilgın", "Kardelen", "Lale", "Manolya", "Nergis", "Orkide", "Papatya", "Reyhan", "Sardunya",
    "Sümbül", "Şebboy", "Yasemin", "Zambak", "Zeytin", "Menekşe", "Karanfil", "Leylak",
    "Mimoza", "Begonya", "Kamelya", "Nilüfer", "Süsen", "Yonca", "Kavak", "Servi", "Söğüt",
]
POSTA_KODLARI = ["34015", "34020", "34025"]
SERVICES = [
    ("egitim", "{m} İlkokulu"), ("egitim", "{m} Ortaokulu"), ("saglik", "{m} Aile Sağlığı Merkezi"),
    ("guvenlik", "{m} Polis Merkezi"), ("belediye", "{m} Muhtarlığı"), ("dini", "{m} Camii"),
    ("aileVeSosyal", "{m} Sosyal Yaşam Merkezi"), ("kulturel", "{m} Kültür Evi"),
]


def to_tm() -> Transformer:
    return Transformer.from_crs(4326, SRID, always_xy=True)


def r2(geom):
    """Round coordinates to centimetres (what a survey keeps)."""
    return shapely.set_precision(geom, 0.01)


def feature(geom, props: dict) -> dict:
    return {"type": "Feature", "geometry": mapping(r2(geom)), "properties": props}


def write(name: str, features: list[dict]) -> None:
    collection = {
        "type": "FeatureCollection",
        "name": name,
        "crs": {"type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{SRID}"}},
        "features": features,
    }
    (HERE / f"{name}.geojson").write_text(
        json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8"
    )


def common(no: int) -> dict:
    return {"tucbsNo": no, "surumBaslangicZamani": VERSION_START}


def main() -> None:
    rng = random.Random(SEED)
    tm = to_tm()
    outline = Polygon([tm.transform(x, y) for x, y in OUTLINE_LONLAT])
    minx, miny, maxx, maxy = outline.bounds

    # --- mahalle: Voronoi cells of 13 jittered seeds, clipped to the outline -------------------
    with open(MAHALLE_CSV, encoding="utf-8") as fh:
        rows = sorted(csv.DictReader(fh), key=lambda r: r["mahalle_id"])
    seeds = []
    while len(seeds) < len(rows):
        p = Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if outline.buffer(-400).contains(p) and all(p.distance(s) > 700 for s in seeds):
            seeds.append(p)
    seeds.sort(key=lambda p: (round(p.y, -2), p.x))
    cells = voronoi_diagram(MultiPoint(seeds), envelope=outline.buffer(2000))
    mahalleler = []
    for seed, row in zip(seeds, rows, strict=True):
        cell = next(c for c in cells.geoms if c.contains(seed)).intersection(outline)
        mahalleler.append((r2(cell), row))
    write("id-mahalle", [
        feature(cell if cell.geom_type == "MultiPolygon" else cell, {
            **common(i), "adi": row["ad"], "uavtKodu": int(row["mahalle_id"]),
            "idariHiyerarsiDuzeyKodu": "mahalle", "nufus": int(row["nufus"]),
        })
        for i, (cell, row) in enumerate(mahalleler, start=1)
    ])

    def mahalle_of(p: Point) -> dict | None:
        for cell, row in mahalleler:
            if cell.contains(p):
                return row
        return None

    # --- roads: east-west caddes every 400 m, north-south sokaks every 150 m ------------------
    inner = outline.buffer(-30)
    roads = []  # (tucbsNo, name, type, LineString, orientation)
    ys = [miny + 200 + 400 * k for k in range(int((maxy - miny - 200) // 400) + 1)]
    xs = [minx + 100 + 180 * k for k in range(int((maxx - minx - 100) // 180) + 1)]
    mid_x = xs[len(xs) // 2]
    mid_y = ys[len(ys) // 2]
    cadde_names = iter(CADDE_NAMES)
    sokak_names = iter(SOKAK_NAMES)
    for y in ys:
        line = LineString([(minx, y), (maxx, y)]).intersection(inner)
        if line.is_empty:
            continue
        if y == mid_y:
            roads.append((len(roads) + 1, BULVAR_NAMES[0], "bulvar", line, "h"))
        else:
            roads.append((len(roads) + 1, next(cadde_names), "cadde", line, "h"))
    for k, x in enumerate(xs):
        line = LineString([(x, miny), (x, maxy)]).intersection(inner)
        if line.is_empty:
            continue
        if x == mid_x:
            roads.append((len(roads) + 1, BULVAR_NAMES[1], "bulvar", line, "v"))
        else:
            name = next(sokak_names, None) or f"{100 + k}."
            roads.append((len(roads) + 1, name, "sokak", line, "v"))
    write("ad-yol", [
        feature(line, {**common(no), "adi": name, "yolTipi": kind, "uavtKodu": 5_000_000 + no * 3})
        for no, name, kind, line, _o in roads
    ])
    write("ul-karayolu", [
        feature(line, {
            **common(no), "adi": f"{name} {'Bulvarı' if kind == 'bulvar' else 'Caddesi'}",
            "sanalMi": False,
            "tahsisliSeritDegeri": "otobusSeridi" if kind == "bulvar" else "yok",
        })
        for no, (_n, name, kind, line, _o) in enumerate(
            (r for r in roads if r[2] in ("cadde", "bulvar")), start=1)
    ])

    # --- buildings along both sides of every sokak and cadde --------------------------------
    binalar, numaratajlar, parseller = [], [], []
    road_half, setback, depth, width, step = 6.0, 3.0, 12.0, 14.0, 20.0

    def add_building(footprint, door, lot, road_no: int, road_name: str, number: int, ada: int,
                     parsel: int) -> bool:
        """A building with its door number and parcel, if it lies in the district."""
        row = mahalle_of(door)
        if not inner.contains(lot) or row is None:
            return False
        bina_no = len(binalar) + 1
        floors = rng.choice([1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 7, 8, 10, 12])
        permit = date(1965, 1, 1) + timedelta(days=rng.randrange(0, 21000))
        binalar.append(feature(footprint, {
            **common(bina_no), "binaKimlikNo": 20_000_000 + bina_no,
            "adi": f"{road_name} Apt. {number}" if floors >= 5 else "",
            "zeminUstuKatSayisi": floors,
            "zeminAltiKatSayisi": rng.choice([0, 0, 1, 1, 2]),
            "bagimsizBolumSayisi": floors * rng.choice([1, 2, 2, 3, 4]),
            "yapiGrubuTipi": rng.choice(["AGrubu", "BGrubu", "CGrubu", "DGrubu", "diger"]),
            "yapiSinifiTipi": rng.choice(["1Sinif", "2Sinif", "3Sinif", "diger"]),
            "yapiKullanimIzniTarihi": permit.isoformat() if rng.random() < 0.8 else None,
        }))
        numaratajlar.append(feature(door, {
            **common(bina_no), "kapiNumarasi": str(number),
            "numaratajTipi": "anaGiris", "binaKodu": 20_000_000 + bina_no,
            "uavtAdresNo": 1_100_000_000 + bina_no * 7,
            "postaKodu": POSTA_KODLARI[int(row["mahalle_id"]) % 3],
            "yol": road_no, "mahalle": int(row["mahalle_id"]),
        }))
        lot_row = mahalle_of(lot.centroid) or row
        parseller.append(feature(lot, {
            **common(len(parseller) + 1), "mahalle": int(lot_row["mahalle_id"]),
            "adaNo": ada, "parselNo": parsel,
            "nitelik": "Kargir Apartman" if floors >= 4 else "Kargir Ev",
            "alan": round(lot.area, 2),
        }))
        return True

    ada = 100
    sokaks = [r for r in roads if r[4] == "v"]
    for no, name, _kind, line, _o in sokaks:
        x = line.coords[0][0]
        counters = {-1: 1, 1: 2}  # odd numbers on one side, even on the other
        for y0, y1 in zip(ys, ys[1:], strict=False):
            ada += 1
            parsel = 0
            y = y0 + road_half + 10
            while y + width < y1 - road_half - 10:
                for side in (-1, 1):
                    if rng.random() < 0.25:  # an empty lot now and then
                        continue
                    front = x + side * (road_half + setback)
                    bx0, bx1 = sorted((front, front + side * depth))
                    lx0, lx1 = sorted((x + side * road_half, x + side * (road_half + 30)))
                    margin = (step - width) / 2
                    if add_building(box(bx0, y, bx1, y + width), Point(front, y + width / 2),
                                    box(lx0, y - margin, lx1, y + width + margin), no, name,
                                    counters[side], ada, parsel + 1):
                        counters[side] += 2
                        parsel += 1
                y += step
    # Caddes and bulvars: a row each side between sokak corners (clear of the sokak rows).
    for no, name, _kind, line, _o in (r for r in roads if r[4] == "h"):
        y0 = line.coords[0][1]
        counters = {1: 1, -1: 2}  # north side odd, south side even, west to east
        for xa, xb in zip(xs, xs[1:], strict=False):
            ada += 1
            parsel = 0
            x = xa + 40
            while x + width <= xb - 40:
                for side in (1, -1):
                    if rng.random() < 0.25:
                        continue
                    front = y0 + side * (road_half + setback)
                    by0, by1 = sorted((front, front + side * depth))
                    ly0, ly1 = sorted((y0 + side * road_half, y0 + side * (road_half + 30)))
                    margin = (step - width) / 2
                    if add_building(box(x, by0, x + width, by1), Point(x + width / 2, front),
                                    box(x - margin, ly0, x + width + margin, ly1), no, name,
                                    counters[side], ada, parsel + 1):
                        counters[side] += 2
                        parsel += 1
                x += step
    write("bi-bina", [
        {**f, "geometry": {"type": "MultiPolygon", "coordinates": [f["geometry"]["coordinates"]]}}
        for f in binalar
    ])
    write("ad-numarataj", numaratajlar)
    write("tk-parsel", [
        {**f, "geometry": {"type": "MultiPolygon", "coordinates": [f["geometry"]["coordinates"]]}}
        for f in parseller
    ])

    # --- public services: a few per mahalle, in the middle of street blocks ------------------
    hizmetler = []
    for cell, row in mahalleler:
        spots = [Point(x + 90, y + 200) for x in xs for y in ys if cell.contains(Point(x + 90, y + 200))]
        for kind, pattern in rng.sample(SERVICES, k=min(len(SERVICES), 3 + len(spots) // 4)):
            if not spots:
                break
            p = spots.pop(rng.randrange(len(spots)))
            hizmetler.append(feature(Point(p.x + rng.uniform(-20, 20), p.y + rng.uniform(-60, 60)), {
                **common(len(hizmetler) + 1), "adi": pattern.format(m=row["ad"]), "hizmetTipi": kind,
                "Iletisim_telefon": f"0212 {rng.randrange(400, 700)} {rng.randrange(10, 99)} "
                                    f"{rng.randrange(10, 99)}",
                "Iletisim_adres": f"{row['ad']} Mah., Zeytinburnu/İstanbul",
            }))
    write("kh-hizmet", hizmetler)

    # --- zoning: bands of the district with a land-use decision each -------------------------
    uses = ["konut", "konutTicaret", "ticaret", "parkYesilAlan", "konut", "egitim", "sanayi",
            "konut", "resmiKurum", "konutTicaret"]
    imar = []
    band = (maxy - miny) / 5
    for i in range(5):
        for j, (x0, x1) in enumerate([(minx, mid_x), (mid_x, maxx)]):
            area = box(x0, miny + i * band, x1, miny + (i + 1) * band).intersection(outline)
            if area.is_empty or area.area < 1000:
                continue
            n = len(imar) + 1
            imar.append(feature(area, {
                **common(n), "planAdi": f"Zeytinburnu {i * 2 + j + 1}. Bölge Uygulama İmar Planı",
                "planTuru": "UygulamaImarPlani", "planIslemNumarasi": f"PİN-34-1739-{2010 + n}",
                "onayTarihi": date(2010 + n, 3, 15).isoformat(),
                "planliAraziKullanimKarariDeger": uses[(i * 2 + j) % len(uses)],
            }))
    write("ak-imar", [
        {**f, "geometry": {"type": "MultiPolygon", "coordinates": [f["geometry"]["coordinates"]]}
         if f["geometry"]["type"] == "Polygon" else f["geometry"]}
        for f in imar
    ])
    print(f"mahalle {len(mahalleler)}, yol {len(roads)}, bina {len(binalar)}, "
          f"numarataj {len(numaratajlar)}, parsel {len(parseller)}, hizmet {len(hizmetler)}, "
          f"imar {len(imar)}")


if __name__ == "__main__":
    main()
