"""Imports against real GDAL and PostGIS: round trips, ED50 transformation, bad inputs that
write nothing, code and field mapping, replace in an area, history and audit per feature."""

import io
import json
import subprocess
import zipfile
from pathlib import Path
from unittest import mock

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import translation

from cbs.audit.chain import verify
from cbs.audit.models import AuditRecord
from cbs.testing import make_user
from layers.export import export_layer
from layers.history import feature_versions
from layers.imports import areas, jobs
from layers.imports.report import preview_geojson, report_csv
from layers.models import Bina, ImportStatus, KamuHizmeti, Mahalle, Numarataj
from layers.registry import get_layer

HIZMET = get_layer("kh-hizmet")


@pytest.fixture(autouse=True)
def _english():
    """Reasons are checked by their English text (the UI default is Turkish)."""
    from django.utils import translation

    with translation.override("en"):
        yield


def Upload(data: bytes, name: str) -> ContentFile:  # noqa: N802  (reads like the upload it stands for)
    return ContentFile(data, name=name)


def checked(data: bytes, name: str, layer: str = "kh-hizmet", user=None, **choices):
    job = jobs.job_create(user=user, layer_name=layer, upload=Upload(data, name))
    job = jobs.job_configure(job=job, user=user, settings_=choices)
    return jobs.run(job.pk, "check", user=user)


def geojson(features: list[dict], srid: int = 4326) -> bytes:
    collection = {"type": "FeatureCollection", "features": features}
    if srid != 4326:
        collection["crs"] = {"type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{srid}"}}
    return json.dumps(collection).encode()


def point(lon: float, lat: float, **props) -> dict:
    return {"type": "Feature", "properties": props, "geometry": {"type": "Point", "coordinates": [lon, lat]}}


def snapshot(model) -> dict:
    return {o.tucbs_no: (o.adi, o.hizmet_tipi, o.iletisim_telefon, o.iletisim_adres, o.geom.coords)
            for o in model.objects.all()}


@pytest.mark.parametrize(("fmt", "srid", "tolerance"), [
    ("gpkg", 5254, 0.001), ("geojson", 5254, 0.001), ("shp", 2320, 0.01), ("kml", 4326, 0.01)])
def test_round_trip_export_then_import_gives_the_same_features(db, fmt, srid, tolerance):
    """Export kh-hizmet, import the file replacing the features of its extent: every feature is
    updated in place (same tucbsNo, attributes, position), none created or deleted."""
    before = snapshot(KamuHizmeti)
    data, name = export_layer(HIZMET, fmt, srid)
    choices = {"mode": "replace", "area": areas.FILE_EXTENT}
    job = checked(data, name, **choices)
    assert job.status == ImportStatus.CHECKED, job.message
    assert (job.total, job.rejected) == (len(before), 0), report_csv(job)[:500]
    job = jobs.run(job.pk, "write")
    assert job.status == ImportStatus.DONE, job.message
    # Matched features are updated when the file changed them (the export rounds coordinates to
    # 0.1 mm, other formats transform them), unchanged otherwise.
    assert job.result["updated"] + job.result["unchanged"] == len(before)
    assert job.result["created"] == job.result["deleted"] == 0
    after = snapshot(KamuHizmeti)
    assert after.keys() == before.keys()
    for number, (adi, tip, tel, adres, (x, y)) in before.items():
        a = after[number]
        assert a[:4] == (adi, tip, tel, adres)
        assert abs(a[4][0] - x) < tolerance and abs(a[4][1] - y) < tolerance
    written = HIZMET.history.objects.filter(import_job=job.pk)
    assert written.count() == job.result["updated"] and set(written.values_list("operation", flat=True)) <= {"import"}
    assert not verify("audit")


def test_ed50_tm30_file_lands_within_the_stated_accuracy(db, tmp_path):
    """A Shapefile in ED50 / TM30 (its .prj says so) is transformed, not relabelled: the result
    lies within the transformation's stated accuracy of the TUREF truth, while the raw ED50
    numbers are over 50 m away from it (a relabelling would fail this test)."""
    from pyproj.transformer import TransformerGroup
    from pyproj.aoi import AreaOfInterest
    from django.conf import settings

    truth = [(o.adi, o.geom.x, o.geom.y) for o in KamuHizmeti.objects.order_by("tucbs_no")[:20]]
    # ED50 coordinates of the truth through the inverse of the best published operation.
    group = TransformerGroup("EPSG:5254", "EPSG:2320", always_xy=True,
                             area_of_interest=AreaOfInterest(*settings.CBS_MAP_BBOX))
    inverse = group.transformers[0]
    features = []
    for i, (adi, x, y) in enumerate(truth):
        ex, ey = inverse.transform(x, y)
        assert ((ex - x) ** 2 + (ey - y) ** 2) ** 0.5 > 50
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [ex, ey]},
                         "properties": {"adi": f"ED50 {i} {adi}"[:150], "hizmetTipi": "diger"}})
    source = tmp_path / "ed50.geojson"
    source.write_bytes(geojson(features, 2320))
    subprocess.run(["ogr2ogr", "-f", "ESRI Shapefile", str(tmp_path / "ed50.shp"), str(source),
                    "-lco", "ENCODING=UTF-8"], check=True)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        for part in tmp_path.glob("ed50.*"):
            if part.suffix != ".geojson":
                z.write(part, f"veri/{part.name}")
    assert "ED_1950" in (tmp_path / "ed50.prj").read_text()  # an ESRI .prj, as contractors send
    job = checked(archive.getvalue(), "yuklenici.zip")
    assert job.srid == 2320 and job.source["srid"] == 2320
    assert "ED50 to" in job.transformation and 0 < job.accuracy <= 5
    assert job.status == ImportStatus.CHECKED and job.rejected == 0, report_csv(job)
    job = jobs.run(job.pk, "write")
    assert job.status == ImportStatus.DONE, job.message
    for i, (adi, x, y) in enumerate(truth):
        stored = KamuHizmeti.objects.get(adi=f"ED50 {i} {adi}"[:150])
        assert stored.geom.distance(Point(x, y, srid=5254)) <= job.accuracy
        assert stored.geom.distance(Point(x, y, srid=5254)) < 0.05  # the same operation both ways


def test_append_from_csv_with_lat_lon_columns_decimal_comma_and_semicolons(db):
    data = ("ad;tur;enlem;boylam;tel\n"
            "Yeni Okul;egitim;41,0001;28,9001;0212 555 00 00\n"
            "Yeni Sağlık Ocağı;saglik;41,0002;28,9002;\n").encode()
    job = checked(data, "liste.csv", x_field="boylam", y_field="enlem", srid=4326,
                  mapping={"adi": "ad", "hizmetTipi": "tur", "Iletisim_telefon": "tel"})
    assert job.status == ImportStatus.CHECKED and (job.total, job.rejected) == (2, 0), report_csv(job)
    count = KamuHizmeti.objects.count()
    job = jobs.run(job.pk, "write")
    assert job.result["created"] == 2 and KamuHizmeti.objects.count() == count + 2
    okul = KamuHizmeti.objects.get(adi="Yeni Okul")
    assert okul.iletisim_telefon == "0212 555 00 00" and okul.version == 1
    assert abs(okul.geom.transform(4326, clone=True).y - 41.0001) < 1e-7
    assert [r.operation for r in feature_versions(HIZMET, okul.tucbs_no)] == ["import"]
    assert AuditRecord.objects.filter(action="import", object_type="layer:kh-hizmet").exists()
    assert not verify("audit")


def test_xlsx_with_tm30_columns(db, tmp_path):
    from openpyxl import Workbook

    first = KamuHizmeti.objects.order_by("tucbs_no").first()
    book = Workbook()
    sheet = book.active
    sheet.append(["Adı", "Tür", "Sağa (X)", "Yukarı (Y)"])
    sheet.append(["Excel Noktası", "kulturel", first.geom.x + 5, first.geom.y + 5])
    buffer = io.BytesIO()
    book.save(buffer)
    job = checked(buffer.getvalue(), "liste.xlsx", srid=5254, x_field="Sağa (X)", y_field="Yukarı (Y)",
                  mapping={"adi": "Adı", "hizmetTipi": "Tür"})
    assert job.rejected == 0, report_csv(job)
    jobs.run(job.pk, "write")
    stored = KamuHizmeti.objects.get(adi="Excel Noktası")
    assert abs(stored.geom.x - first.geom.x - 5) < 0.001


def test_swapped_axes_are_detected_before_anything_is_written(db):
    data = b"lat,lon,adi,hizmetTipi\n41.0001,28.9001,Ters,egitim\n41.0002,28.9002,Ters 2,egitim\n"
    job = checked(data, "ters.csv", x_field="lat", y_field="lon", srid=4326)
    assert any(w.get("code") == "swapped" for w in job.warnings), job.warnings
    with pytest.raises(ValidationError):
        jobs.start(job=job, user=None, phase="write")
    job = jobs.job_configure(job=job, user=None, settings_={"swap_axes": True})
    job = jobs.run(job.pk, "check")
    assert job.warnings == [] and job.rejected == 0


def test_wrong_crs_is_detected_and_the_right_one_suggested(db):
    """TM30 metres declared as WGS 84 degrees: nothing fits; the finding names EPSG:5254."""
    first = KamuHizmeti.objects.first()
    data = f"x,y,adi,hizmetTipi\n{first.geom.x},{first.geom.y},Yanlis,egitim\n".encode()
    job = checked(data, "yanlis.csv", x_field="x", y_field="y", srid=4326)
    texts = " ".join(w["text"] for w in job.warnings)
    assert "EPSG:5254" in texts and job.accepted == 0


def test_bad_values_are_reported_per_feature_and_nothing_is_written(db):
    count = KamuHizmeti.objects.count()
    audits = AuditRecord.objects.filter(object_type="layer:kh-hizmet").count()
    imports = AuditRecord.objects.filter(action="import").count()
    data = geojson([
        point(28.90, 41.00, adi="İyi", hizmetTipi="egitim"),
        point(28.90, 41.00, adi="Kod", hizmetTipi="okul"),
        point(28.90, 41.00, adi="Tel", hizmetTipi="egitim", Iletisim_telefon="yok-yok"),
        point(28.90, 41.00, adi="", hizmetTipi="egitim"),
        point(10.0, 10.0, adi="Uzak", hizmetTipi="egitim"),
        {"type": "Feature", "properties": {"adi": "Çizgi", "hizmetTipi": "egitim"},
         "geometry": {"type": "LineString", "coordinates": [[28.9, 41.0], [28.91, 41.0]]}},
        {"type": "Feature", "properties": {"adi": "Boş", "hizmetTipi": "egitim"}, "geometry": None},
    ])
    job = checked(data, "hatali.geojson")
    assert job.status == ImportStatus.CHECKED and (job.total, job.accepted) == (7, 1)
    report = report_csv(job)
    for fragment in ("not in the code list", "telephone", "name is missing", "outside the municipality",
                     "wrong geometry type", "no geometry"):
        assert fragment in report, (fragment, report)
    assert job.result["unknown_codes"] == {"hizmetTipi": ["okul"]}
    job = jobs.run(job.pk, "write")
    assert job.status == ImportStatus.FAILED and "rejected" in job.message
    assert KamuHizmeti.objects.count() == count
    assert AuditRecord.objects.filter(object_type="layer:kh-hizmet").count() == audits
    assert AuditRecord.objects.filter(action="import").count() == imports  # committed ones of other tests stay
    preview = json.loads(preview_geojson(job))
    assert {f["properties"]["ok"] for f in preview["features"]} == {True, False}


def test_broken_geometry_and_wrong_types_for_buildings(db):
    bowtie = [[[[28.900, 41.000], [28.901, 41.001], [28.901, 41.000], [28.900, 41.001], [28.900, 41.000]]]]
    data = geojson([
        {"type": "Feature", "properties": {"binaKimlikNo": "99000001", "zeminUstuKatSayisi": "üç"},
         "geometry": {"type": "MultiPolygon", "coordinates": bowtie}},
        {"type": "Feature", "properties": {"binaKimlikNo": "abc", "zeminUstuKatSayisi": 500,
                                           "yapiKullanimIzniTarihi": "31.02.2020"},
         "geometry": {"type": "Polygon", "coordinates": [[[28.95, 41.05], [28.951, 41.05], [28.951, 41.051],
                                                          [28.95, 41.05]]]}},
    ])
    job = checked(data, "bina.geojson", layer="bi-bina")
    report = report_csv(job)
    assert "invalid geometry: Self-intersection" in report
    assert "“üç” is not a whole number" in report and "“abc” is not a whole number" in report
    assert "above the maximum" in report and "“31.02.2020” is not a date" in report
    assert job.accepted == 0


def test_skip_rejected_writes_only_the_good_ones(db):
    count = KamuHizmeti.objects.count()
    data = geojson([point(28.90, 41.00, adi="İyi", hizmetTipi="egitim"), point(28.90, 41.00, adi="", hizmetTipi="x")])
    job = checked(data, "karisik.geojson", skip_rejected=True)
    job = jobs.run(job.pk, "write")
    assert job.status == ImportStatus.DONE and job.result["created"] == 1 and job.result["skipped"] == 1
    assert KamuHizmeti.objects.count() == count + 1


def test_code_mapping_and_remembered_mapping(db):
    data = geojson([point(28.90, 41.00, isim="Okul 1", tur="Okul"), point(28.901, 41.00, isim="Karakol", tur="Polis")])
    job = checked(data, "kurum.geojson", mapping={"adi": "isim", "hizmetTipi": "tur"},
                  code_map={"hizmetTipi": {"Okul": "egitim", "Polis": "guvenlik"}})
    assert job.rejected == 0, report_csv(job)
    again = jobs.job_create(user=None, layer_name="kh-hizmet", upload=Upload(data, "kurum-2.geojson"))
    assert again.mapping == {"adi": "isim", "hizmetTipi": "tur"}
    assert again.code_map == {"hizmetTipi": {"Okul": "egitim", "Polis": "guvenlik"}}
    jobs.run(job.pk, "write")
    assert KamuHizmeti.objects.get(adi="Karakol").hizmet_tipi == "guvenlik"


def test_replace_in_a_mahalle_leaves_the_rest_alone(db):
    mahalle = Mahalle.objects.order_by("uavt_kodu").first()
    inside = [o for o in KamuHizmeti.objects.all() if mahalle.geom.contains(o.geom)]
    outside = KamuHizmeti.objects.count() - len(inside)
    assert inside and outside
    centre = mahalle.geom.point_on_surface.transform(4326, clone=True)
    data = geojson([point(centre.x, centre.y, adi="Tek Hizmet", hizmetTipi="belediye")])
    job = checked(data, "tek.geojson", mode="replace", area=areas.mahalle_area(str(mahalle.uavt_kodu)))
    job = jobs.run(job.pk, "write")
    assert job.result == {**job.result, "created": 1, "deleted": len(inside), "updated": 0}
    assert KamuHizmeti.objects.count() == outside + 1
    deleted = inside[0].tucbs_no
    assert [r.operation for r in feature_versions(HIZMET, deleted)][-1] == "delete"


def test_replace_checks_uniqueness_only_against_features_outside_the_area(db):
    """In replace mode a tucbsNo or building id of a feature inside the area is free (that feature
    is replaced or deleted), one of a feature outside the area is taken."""
    from django.db import connection

    from layers.imports.checks import checked_table

    mahalle = Mahalle.objects.order_by("uavt_kodu").first()
    inside = [b for b in Bina.objects.filter(geom__within=mahalle.geom).order_by("pk")[:2]]
    outside = [b for b in Bina.objects.filter(geom__disjoint=mahalle.geom).order_by("pk")[:2]]
    assert len(inside) == len(outside) == 2
    at = mahalle.geom.point_on_surface.transform(4326, clone=True)

    def square(i: int, size: float = 0.00002) -> dict:
        x, y = at.x + i * 2 * size, at.y
        ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
        return {"type": "MultiPolygon", "coordinates": [[ring]]}

    rows = [(inside[0].tucbs_no, inside[0].bina_kimlik_no), (outside[0].tucbs_no, 99000021),
            (990000021, outside[1].bina_kimlik_no), (990000022, inside[1].bina_kimlik_no)]
    data = geojson([{"type": "Feature", "geometry": square(i), "properties": {
        "tucbsNo": no, "binaKimlikNo": kimlik, "zeminUstuKatSayisi": 1}} for i, (no, kimlik) in enumerate(rows)])
    job = checked(data, "alan.geojson", layer="bi-bina", mode="replace",
                  area=areas.mahalle_area(str(mahalle.uavt_kodu)))
    assert job.status == ImportStatus.CHECKED, job.message
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT _reasons FROM {checked_table(job)} ORDER BY src_fid")
        reasons = [row[0] for row in cursor.fetchall()]
    assert reasons == [[], [f"TUCBS no: {outside[0].tucbs_no} already exists in the layer"],
                       [f"building id (MAKS): {outside[1].bina_kimlik_no} already exists in the layer"], []], reasons


@pytest.mark.parametrize(("members", "fragment"), [
    ({"../../etc/evil.shp": b"x"}, "unsafe path"),
    ({"/abs/evil.geojson": b"{}"}, "unsafe path"),
    ({"bomb.geojson": b"\0" * (20 << 20)}, "zip bomb"),
    ({"notes.txt": b"hello"}, "no file that can be imported"),
])
def test_unsafe_archives_are_refused_and_leave_nothing(db, settings, tmp_path, members, fragment):
    settings.CBS_IMPORT_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "shared"
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in members.items():
            z.writestr(name, content)
    with pytest.raises(ValidationError, match=fragment):
        jobs.job_create(user=None, layer_name="kh-hizmet", upload=Upload(archive.getvalue(), "veri.zip"))
    assert list(tmp_path.iterdir()) == [] and not (tmp_path.parent / "etc").exists()  # nor in the storage


def test_links_entry_count_size_and_content_checks(db, settings, tmp_path):
    settings.CBS_IMPORT_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "shared"
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        link = zipfile.ZipInfo("veri.shp")
        link.external_attr = (0o120777 << 16)  # a symbolic link
        z.writestr(link, "/etc/passwd")
    with pytest.raises(ValidationError, match="link"):
        jobs.job_create(user=None, layer_name="kh-hizmet", upload=Upload(archive.getvalue(), "l.zip"))
    settings.CBS_IMPORT_MAX_ENTRIES = 3
    many = io.BytesIO()
    with zipfile.ZipFile(many, "w") as z:
        for i in range(5):
            z.writestr(f"f{i}.csv", "a,b\n")
    with pytest.raises(ValidationError, match="entries"):
        jobs.job_create(user=None, layer_name="kh-hizmet", upload=Upload(many.getvalue(), "m.zip"))
    settings.CBS_IMPORT_MAX_BYTES = 100
    with pytest.raises(ValidationError, match="larger"):
        jobs.job_create(user=None, layer_name="kh-hizmet", upload=Upload(b"x" * 101, "b.csv"))
    settings.CBS_IMPORT_MAX_BYTES = 1 << 20
    with pytest.raises(ValidationError, match="does not match"):
        jobs.job_create(user=None, layer_name="kh-hizmet", upload=Upload(b"not sqlite", "x.gpkg"))
    with pytest.raises(ValidationError, match="Unsupported"):
        jobs.job_create(user=None, layer_name="kh-hizmet", upload=Upload(b"MZ", "x.exe"))
    assert list(tmp_path.iterdir()) == []


def test_kmz_and_dxf_are_read(db, tmp_path):
    data, _name = export_layer(HIZMET, "kml", 4326)
    kmz = io.BytesIO()
    with zipfile.ZipFile(kmz, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("doc.kml", data)
    job = jobs.job_create(user=None, layer_name="kh-hizmet", upload=Upload(kmz.getvalue(), "hizmet.kmz"))
    assert job.source["count"] == KamuHizmeti.objects.count() and job.srid == 4326
    assert {"adi", "hizmetTipi"} <= set(job.mapping)  # kept as KML extended data
    job = jobs.run(jobs.job_configure(job=job, user=None, settings_={"mode": "replace",
                                                                   "area": areas.FILE_EXTENT}).pk, "check")
    assert job.status == ImportStatus.CHECKED and job.rejected == 0, report_csv(job)
    with pytest.raises(ValidationError, match="hizmetTipi"):  # a required attribute unmapped: said at once
        jobs.job_configure(job=job, user=None, settings_={"mapping": {"adi": "adi"}})
    dxf, _n = export_layer(HIZMET, "dxf", 5254)
    job = jobs.job_create(user=None, layer_name="kh-hizmet", upload=Upload(dxf, "cizim.dxf"))
    assert job.srid is None  # a drawing has no CRS: the user must choose
    with pytest.raises(ValidationError, match="coordinate reference system"):
        jobs.job_configure(job=job, user=None, settings_={})


def test_permission_is_checked(db):
    user = make_user()
    with pytest.raises(PermissionDenied):
        jobs.job_create(user=user, layer_name="kh-hizmet", upload=Upload(b"a,b\n1,2\n", "x.csv"))


def test_management_command_checks_and_writes(db, tmp_path, capsys):
    path = tmp_path / "yeni.geojson"
    path.write_bytes(geojson([point(28.9003, 41.0003, adi="Komut", hizmetTipi="diger")]))
    call_command("import_layer", str(path), "--layer", "kh-hizmet", "--write")
    assert KamuHizmeti.objects.filter(adi="Komut").exists()
    assert '"created": 1' in capsys.readouterr().out


def test_a_building_overlapping_another_is_refused_by_topology(db):
    existing = Bina.objects.first().geom.transform(4326, clone=True)
    data = geojson([{"type": "Feature", "geometry": json.loads(existing.json),
                     "properties": {"binaKimlikNo": 99000002, "zeminUstuKatSayisi": 2}}])
    job = checked(data, "ust-uste.geojson", layer="bi-bina")
    assert job.rejected == 0
    job = jobs.run(job.pk, "write")
    assert job.status == ImportStatus.FAILED and "overlaps" in job.message
    assert not Bina.objects.filter(bina_kimlik_no=99000002).exists()


def test_duplicates_taken_numbers_and_unknown_references_are_each_reported_in_field_order(db):
    """The uniqueness and reference checks (one statement over the checked table): a number twice
    in the file, numbers the layer already has, a building that does not exist; each feature lists
    its reasons field by field, and a clean feature passes."""
    from django.db import connection

    from layers.imports.checks import checked_table

    taken = Bina.objects.order_by("pk").first()

    def square(lon: float, size: float = 0.0002) -> dict:
        ring = [[lon, 41.0], [lon + size, 41.0], [lon + size, 41.0 + size], [lon, 41.0 + size], [lon, 41.0]]
        return {"type": "MultiPolygon", "coordinates": [[ring]]}

    data = geojson([
        {"type": "Feature", "geometry": square(28.900), "properties": {
            "tucbsNo": 990000001, "binaKimlikNo": 99000011, "zeminUstuKatSayisi": 1}},
        {"type": "Feature", "geometry": square(28.901), "properties": {
            "tucbsNo": 990000002, "binaKimlikNo": 99000011, "zeminUstuKatSayisi": 1}},
        {"type": "Feature", "geometry": square(28.902), "properties": {
            "tucbsNo": taken.tucbs_no, "binaKimlikNo": taken.bina_kimlik_no, "zeminUstuKatSayisi": 1}},
        {"type": "Feature", "geometry": square(28.903), "properties": {
            "tucbsNo": 990000003, "binaKimlikNo": 99000012, "zeminUstuKatSayisi": 1}},
    ])
    job = checked(data, "tekrar.geojson", layer="bi-bina")
    assert job.status == ImportStatus.CHECKED and (job.total, job.accepted) == (4, 1), report_csv(job)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT _reasons FROM {checked_table(job)} ORDER BY src_fid")
        reasons = [row[0] for row in cursor.fetchall()]
    assert reasons[0] == reasons[1] == ["building id (MAKS): 99000011 occurs more than once in the file"], reasons
    assert reasons[2] == [f"TUCBS no: {taken.tucbs_no} already exists in the layer",
                          f"building id (MAKS): {taken.bina_kimlik_no} already exists in the layer"], reasons
    assert reasons[3] == []

    door = Numarataj.objects.order_by("pk").first()
    props = {"kapiNumarasi": "7", "uavtAdresNo": 9_999_000_001, "postaKodu": "34000", "yol": door.yol_id,
             "mahalle": door.mahalle_id, "binaKodu": 99000099}
    job = checked(geojson([point(28.90, 41.00, **props)]), "numara.geojson", layer="ad-numarataj")
    assert "building: 99000099 does not exist" in report_csv(job), report_csv(job)
    assert job.accepted == 0


def test_reap_marks_a_job_whose_queue_job_is_gone_failed(db):
    """(A killed worker: tests/layers/test_import_kill.py, with a real worker process.)"""
    from datetime import timedelta

    from django.utils import timezone

    from layers.models import ImportJob

    job = checked(geojson([point(28.9, 41.0, adi="x", hizmetTipi="diger")]), "r.geojson")
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.WRITING, task_id=2 ** 40,
                                               heartbeat=timezone.now() - timedelta(seconds=30))
    assert jobs.reap() == 0  # the request that queued it may not have committed yet
    ImportJob.objects.filter(pk=job.pk).update(heartbeat=timezone.now() - timedelta(minutes=2))
    with translation.override("en"):
        assert jobs.reap() == 1
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and "interrupted" in job.message


def test_staging_files_use_server_side_names(db, settings, tmp_path):
    from django.core.files.storage import default_storage

    settings.CBS_IMPORT_DIR = tmp_path / "scratch"
    settings.MEDIA_ROOT = tmp_path / "shared"
    job = jobs.job_create(user=None, layer_name="kh-hizmet",
                          upload=Upload(geojson([point(28.9, 41.0, adi="x", hizmetTipi="diger")]),
                                        "; rm -rf ~ $(reboot).geojson"))
    assert default_storage.listdir(f"imports/{job.id}") == ([], ["source.geojson"])
    assert list(Path(tmp_path, "scratch").iterdir()) == []  # received here, kept in the shared storage
    assert job.original_name == "; rm -rf ~ $(reboot).geojson"


def layer_as_geojson(changes: dict | None = None) -> bytes:
    """Every stored service point as a GeoJSON file in the storage CRS, exactly as stored (every
    attribute, coordinates as Python's exact float text); `changes` maps a tucbsNo to the
    properties (and "coordinates") that differ in the file."""
    from django.conf import settings

    features = []
    for o in KamuHizmeti.objects.order_by("tucbs_no"):
        props = {name: getattr(o, f.attname) for name, f in HIZMET.properties().items()
                 if name not in ("surumBaslangicZamani", "surumBitisZamani")}
        props = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in props.items()}
        coordinates = [o.geom.x, o.geom.y]
        extra = dict((changes or {}).get(o.tucbs_no, {}))
        coordinates = extra.pop("coordinates", coordinates)
        features.append({"type": "Feature", "properties": {**props, **extra},
                         "geometry": {"type": "Point", "coordinates": coordinates}})
    return geojson(features, srid=settings.CBS_SRID)


def test_an_import_writes_history_set_based_and_one_audit_record(db):
    """Replacing every service point with a file in which each one's name changed: each feature
    gets its imported version (operation import, the job's id, its previous version closed) in
    the history table, and the import one chained audit record with the SHA-256 of the rows it
    wrote – none per feature; verify_history agrees."""
    from layers.versioning import verify_history

    audits = AuditRecord.objects.filter(object_type="layer:kh-hizmet").count()
    count = KamuHizmeti.objects.count()
    data = layer_as_geojson({o.tucbs_no: {"adi": o.adi + " (yeni)"} for o in KamuHizmeti.objects.all()})
    job = checked(data, "hizmet.geojson", mode="replace", area=areas.FILE_EXTENT)
    assert job.rejected == 0, report_csv(job)
    job = jobs.run(job.pk, "write")
    assert job.status == ImportStatus.DONE and job.result["updated"] == count, job.message
    assert job.result["unchanged"] == 0
    assert AuditRecord.objects.filter(object_type="layer:kh-hizmet").count() == audits + 1
    record = AuditRecord.objects.get(object_type="layer:kh-hizmet", action="import", after__job=str(job.pk))
    assert record.after["history"][0]["rows"] == count and len(record.after["history_sha256"]) == 64
    rows = HIZMET.history.objects.filter(import_job=job.pk)
    assert rows.count() == count and set(rows.values_list("operation", flat=True)) == {"import"}
    some = KamuHizmeti.objects.order_by("pk").first()
    versions = list(feature_versions(HIZMET, some.tucbs_no))
    assert versions[-1].import_job == job.pk and versions[-1].version == some.version
    assert versions[-2].surum_bitis_zamani == versions[-1].surum_baslangic_zamani
    assert verify_history() == [] and not verify("audit")


def test_replace_versions_only_the_features_that_changed(db):
    """A replace import whose file holds every service point, one with a new name and one moved
    by a millimetre (inside the file extent's 1 cm margin), the others exactly as stored: only
    those two get a new version (and count as updated); the others keep their version and history
    and count as unchanged; the import's audit record hashes the two versions it wrote; reverting
    it touches only those two."""
    from layers.imports import revert
    from layers.versioning import verify_history

    renamed, moved, kept = KamuHizmeti.objects.order_by("tucbs_no")[:3]
    history = {o.tucbs_no: list(feature_versions(HIZMET, o.tucbs_no).values_list("id", flat=True))
               for o in (renamed, moved, kept)}
    count = KamuHizmeti.objects.count()
    data = layer_as_geojson({renamed.tucbs_no: {"adi": "Yeni Ad"},
                             moved.tucbs_no: {"coordinates": [moved.geom.x + 0.001, moved.geom.y]}})
    job = checked(data, "hizmet.geojson", mode="replace", area=areas.FILE_EXTENT)
    assert job.rejected == 0, report_csv(job)
    job = jobs.run(job.pk, "write")
    assert job.status == ImportStatus.DONE, job.message
    assert (job.result["updated"], job.result["unchanged"], job.result["created"], job.result["deleted"]) == (
        2, count - 2, 0, 0)
    versions = {o.tucbs_no: (o.version, o.adi, o.geom.x) for o in KamuHizmeti.objects.all()}
    assert versions[renamed.tucbs_no] == (renamed.version + 1, "Yeni Ad", renamed.geom.x)
    assert versions[moved.tucbs_no] == (moved.version + 1, moved.adi, moved.geom.x + 0.001)
    assert versions[kept.tucbs_no] == (kept.version, kept.adi, kept.geom.x)
    assert list(feature_versions(HIZMET, kept.tucbs_no).values_list("id", flat=True)) == history[kept.tucbs_no]
    written = HIZMET.history.objects.filter(import_job=job.pk)
    assert sorted(written.values_list("tucbs_no", flat=True)) == sorted([renamed.tucbs_no, moved.tucbs_no])
    record = AuditRecord.objects.get(object_type="layer:kh-hizmet", action="import", after__job=str(job.pk))
    assert record.after["unchanged"] == count - 2 and [p["rows"] for p in record.after["history"]] == [2]
    assert verify_history() == [] and not verify("audit")
    result = revert.revert(job=job, user=None)
    assert (result["removed"], result["restored"], result["brought_back"]) == (0, 2, 0)
    after = {o.tucbs_no: (o.version, o.adi, o.geom.x) for o in KamuHizmeti.objects.all()}
    assert after[renamed.tucbs_no] == (renamed.version + 2, renamed.adi, renamed.geom.x)
    assert after[moved.tucbs_no] == (moved.version + 2, moved.adi, moved.geom.x)
    assert after[kept.tucbs_no] == (kept.version, kept.adi, kept.geom.x)
    assert list(feature_versions(HIZMET, kept.tucbs_no).values_list("id", flat=True)) == history[kept.tucbs_no]
    # The layer as it is now, imported again: nothing changes, nothing is versioned or revertible.
    job = jobs.run(checked(layer_as_geojson(), "ayni.geojson", mode="replace", area=areas.FILE_EXTENT).pk, "write")
    assert (job.result["updated"], job.result["unchanged"], job.result["history"]) == (0, count, [])
    assert {o.tucbs_no: (o.version, o.adi, o.geom.x) for o in KamuHizmeti.objects.all()} == after
    with pytest.raises(ValidationError, match="changed no feature"):
        revert.revert(job=job, user=None)


def test_transformation_text_is_in_the_language_of_each_request():
    """PROJ's answer is cached, our messages are not (they stayed in the first request's language)."""
    from django.utils import translation

    with translation.override("en"):
        assert jobs.transformation(5254, 5254)[0] == "none (same CRS)"
    with translation.override("tr"):
        assert jobs.transformation(5254, 5254)[0] == "yok (aynı koordinat sistemi)"
        description, accuracy = jobs.transformation(2320, 5254)
    assert "ED50" in description and 0 < accuracy < 10


def test_report_csv_download_quotes_formula_text(client, db):
    """The rejected features' source values that a spreadsheet would run as formulas (the
    full-width signs too) come after a quote in the downloaded report; feature numbers stay numbers."""
    from django.urls import reverse

    from tests.spreadsheets import PAYLOADS, csv_rows, quoted

    user = make_user(("layer:kh-hizmet", "edit"))
    data = geojson([point(28.90, 41.00, adi=p, hizmetTipi=p) for p in PAYLOADS])
    job = checked(data, "formul.geojson", user=user)
    assert job.status == ImportStatus.CHECKED and job.rejected == len(PAYLOADS)
    client.force_login(user)
    response = client.get(reverse("layers:import_report", args=[job.pk]))
    assert response.status_code == 200
    header, *rows = csv_rows(response.content)
    adi, tip = header.index("adi ← adi"), header.index("hizmetTipi ← hizmetTipi")
    assert [(row[adi], row[tip]) for row in rows] == [(quoted(p), quoted(p)) for p in PAYLOADS]
    assert [int(row[0]) for row in rows] == sorted(int(row[0]) for row in rows)


def test_typed_source_columns_give_the_same_values_and_reasons_as_text(db):
    """A file's integer and date columns arrive typed in staging and are taken as they are (no
    parsing from text): the checked values, raw texts and reasons are those of the same file with
    every value written as text."""
    from django.db import connection

    from layers.imports.checks import build_plan, checked_table, staging_types

    def square(lon: float, size: float = 0.0002) -> dict:
        ring = [[lon, 41.0], [lon + size, 41.0], [lon + size, 41.0 + size], [lon, 41.0 + size], [lon, 41.0]]
        return {"type": "MultiPolygon", "coordinates": [[ring]]}

    values = [{"binaKimlikNo": 99000031, "zeminUstuKatSayisi": 500, "zeminAltiKatSayisi": 2,
               "yapiKullanimIzniTarihi": "2020-05-01"},
              {"binaKimlikNo": 99000032, "zeminUstuKatSayisi": 3, "zeminAltiKatSayisi": None,
               "yapiKullanimIzniTarihi": None},
              {"binaKimlikNo": 99000032, "zeminUstuKatSayisi": -1, "zeminAltiKatSayisi": 0,
               "yapiKullanimIzniTarihi": "1999-12-31"}]

    def collection(as_text: bool) -> bytes:
        return geojson([{"type": "Feature", "geometry": square(28.900 + i / 1000), "properties": {
            k: (str(v) if as_text and v is not None else v) for k, v in props.items()}}
            for i, props in enumerate(values)])

    from layers.imports import checks

    given = []
    plan_of_the_check = checks.build_plan
    with mock.patch.object(checks, "build_plan", lambda job, layer, types=None: (
            given.append(types), plan_of_the_check(job, layer, types))[1]):
        typed, text = (checked(collection(t), "tipli.geojson", layer="bi-bina") for t in (False, True))
    # the check itself took the typed path (configuring the job builds a plan without types)
    assert [t["zeminUstuKatSayisi"] for t in given if t] in (["integer", "character varying"],
                                                              ["bigint", "character varying"])
    types = staging_types(typed)
    assert types["zeminUstuKatSayisi"] in {"integer", "bigint"} and types["yapiKullanimIzniTarihi"] == "date"
    assert staging_types(text)["zeminUstuKatSayisi"] == "character varying"
    columns = " ".join(build_plan(typed, get_layer("bi-bina"), types).columns)
    assert "to_date" not in columns and "~" not in columns
    rows = []
    for job in (typed, text):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT to_jsonb(c)::text FROM {checked_table(job)} c ORDER BY src_fid")
            rows.append([json.loads(row[0]) for row in cursor.fetchall()])
    assert rows[0] == rows[1]
    reasons = [r["_reasons"] for r in rows[0]]
    twice = "building id (MAKS): 99000032 occurs more than once in the file"
    assert any("above the maximum" in r for r in reasons[0]) and twice not in reasons[0]
    assert "floors below ground is missing" in reasons[1] and twice in reasons[1]
    assert "floors above ground: -1 is below the minimum (1)" in reasons[2] and twice in reasons[2]


def test_typed_values_the_text_path_would_refuse_get_its_reasons(db):
    """What a typed column can hold beyond the target: a bigint far above a smallint's range, and
    dates outside the years 0001-9999 (BC, 10000, infinity – a date column of a GeoPackage or a
    database source holds them; Python could not read them back). Each gets the text path's
    reason, none a database error, and nothing of them is converted."""
    from django.db import connection

    from layers.imports.checks import checked_table, run_checks, staging_types

    ring = [[28.9, 41.0], [28.9002, 41.0], [28.9002, 41.0002], [28.9, 41.0002], [28.9, 41.0]]
    job = checked(geojson([{"type": "Feature", "geometry": {"type": "MultiPolygon", "coordinates": [[ring]]},
                            "properties": {"binaKimlikNo": 9_000_000_000 + i, "zeminUstuKatSayisi": 3_000_000_000,
                                           "yapiKullanimIzniTarihi": "2020-05-01"}} for i in range(3)]),
                  "tipli.geojson", layer="bi-bina")
    assert staging_types(job)["zeminUstuKatSayisi"] == "bigint"
    assert staging_types(job)["yapiKullanimIzniTarihi"] == "date"
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {job.staging_table} SET \"yapiKullanimIzniTarihi\" = (ARRAY["
                       "'infinity', '10000-01-01', '0044-03-15 BC'])[src_fid - (SELECT min(src_fid) - 1 FROM "
                       f"{job.staging_table})]::date")
    run_checks(job, get_layer("bi-bina"))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT _reasons FROM {checked_table(job)} ORDER BY src_fid")
        reasons = [row[0] for row in cursor.fetchall()]
    not_a_date = "occupancy permit date: “{}” is not a date (2026-11-23 or 23.11.2026)"
    for row, date in zip(reasons, ("infinity", "10000-01-01", "0044-03-15 BC"), strict=True):
        assert "floors above ground: 3000000000 is above the maximum (120)" in row
        assert not_a_date.format(date) in row
        assert not any("building id" in reason for reason in row)


def test_a_date_marked_bc_is_not_a_date_in_text_either(db):
    """The text path ignores a time of day after a date, but not an era: "0044-03-15 BC" was the
    year 44 AD (layers/migrations/0017)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT cbs_import.to_date(v) FROM unnest(%s::text[]) WITH ORDINALITY AS t(v, n) ORDER BY n",
                       [["0044-03-15 BC", "15.03.0044 bc", "2020-05-01 10:30", "2020-05-01T10:30:00Z", "01.05.2020"]])
        assert [str(row[0]) for row in cursor.fetchall()] == ["None", "None", "2020-05-01", "2020-05-01", "2020-05-01"]


def test_a_time_is_read_from_the_turkish_form_or_iso_8601_only(db):
    """PostgreSQL's own timestamp input also takes 'infinity', 'now', 'epoch', BC and year 10000:
    none is a time a file means, and a stored one would fail every read in Python
    (layers/migrations/0017)."""
    from django.db import connection

    refused = ["infinity", "-infinity", "now", "today", "epoch", "2020-01-01 BC", "10000-01-01", "0000-01-01",
               "yesterday", "Jan 5 2020", "2020-13-01"]
    read = {"2020-05-01 10:30": "2020-05-01 10:30", "2020-05-01T10:30:00Z": "2020-05-01 10:30",
            "2020-05-01T10:30:00.5+03:00": "2020-05-01 07:30", "01.05.2020 10:30": "2020-05-01 10:30",
            "2020-05-01": "2020-05-01 00:00"}
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL timezone = 'UTC'")
        cursor.execute("SELECT v, to_char(cbs_import.to_timestamptz(v), 'YYYY-MM-DD HH24:MI') "
                       "FROM unnest(%s::text[]) AS v", [refused + list(read)])
        got = dict(cursor.fetchall())
    assert {v: got[v] for v in refused} == dict.fromkeys(refused)
    assert {v: got[v] for v in read} == read


def test_a_number_beyond_what_postgresql_can_hold_is_a_reason_not_a_failed_check(db):
    """'1e999999' or a string of 200 000 digits looks like a number, but PostgreSQL's numeric
    overflows on it (an error for the whole check, not a value): each is a per-feature reason, and
    a big but storable exponent meets the field's own limit."""
    from layers.models import Mahalle

    mahalle = Mahalle.objects.order_by("pk").first().uavt_kodu
    ring = [[28.9, 41.0], [28.9002, 41.0], [28.9002, 41.0002], [28.9, 41.0002], [28.9, 41.0]]
    values = ["1e999999", "9" * 200_000, "1e400", "12,5", "9999999999.999", "9999999999.994"]
    job = checked(geojson([{"type": "Feature", "geometry": {"type": "MultiPolygon", "coordinates": [[ring]]},
                            "properties": {"mahalle": mahalle, "adaNo": 1, "parselNo": 1 + i, "nitelik": "arsa",
                                           "alan": value}} for i, value in enumerate(values)]),
                  "parseller.geojson", layer="tk-parsel")
    assert job.status == ImportStatus.CHECKED, job.message
    report = report_csv(job)
    assert "“1e999999” is not a number" in report
    assert f"“{'9' * 70}" in report and "is not a number" in report
    assert "has too many digits" in report
    assert "9999999999.999 has too many digits" in report  # 10000000000.00 once rounded to cents
    assert job.rejected == 4 and job.accepted == 2


def test_coordinates_beyond_double_precision_are_a_reason_not_a_failed_check(db):
    """A coordinate column is read as double precision, whose input refuses 1e400 and 1e-400
    with an error for the whole statement: such a row has no usable coordinates, the others
    are checked as usual."""
    data = ("ad;tur;enlem;boylam\n"
            "Yeni Okul;egitim;41,0001;28,9001\n"
            "Uzak;egitim;1e400;28,9002\n"
            "Küçük;egitim;41,0003;1e-400\n").encode()
    job = checked(data, "liste.csv", x_field="boylam", y_field="enlem", srid=4326,
                  mapping={"adi": "ad", "hizmetTipi": "tur"})
    assert job.status == ImportStatus.CHECKED, job.message
    assert (job.total, job.accepted, job.rejected) == (3, 1, 2), report_csv(job)


@pytest.mark.parametrize("layer_name", ["ay-cihaz", "kh-kamera"])
def test_an_ip_address_column_is_checked_for_uniqueness_against_the_layer(db, layer_name):
    """The address converted from the file is text, the layer's column inet: the "already exists"
    check compared them and failed every import that mapped the address ("operator does not
    exist: inet = text"). A new address is accepted, a taken one and a bad one get reasons."""
    from layers.imports.checks import target_properties

    layer = get_layer(layer_name)
    model = layer.meta().model
    taken = str(model.objects.exclude(ip=None).order_by("pk").values_list("ip", flat=True).first())
    names = list(target_properties(layer))
    existing = model.objects.order_by("pk").first()
    base = {n: getattr(existing, f.attname) for n, f in target_properties(layer).items()}
    base = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in base.items() if v is not None}
    base.pop("tucbsNo", None)
    features = []
    for i, ip in enumerate(["10.250.250.250", taken, "999.1.1.1"]):
        props = {**base, "ip": ip}
        features.append(point(28.9 + i / 10000, 41.0, **props))
    job = checked(geojson(features), "adresler.geojson", layer=layer_name, mapping={n: n for n in names if n in base or n == "ip"})
    assert job.status == ImportStatus.CHECKED, job.message
    from tests.spreadsheets import csv_rows

    reasons = {int(row[0]): row[1] for row in csv_rows(report_csv(job).encode())[1:]}
    ip_reasons = {n: [r for r in text.split("; ") if "IP" in r] for n, text in reasons.items()}
    assert not ip_reasons.get(1), reasons  # a new address (its other fields may repeat: not this test's)
    assert any(f"{taken} already exists in the layer" in r for r in ip_reasons[2]), reasons
    assert any("“999.1.1.1” is not an IP address" in r for r in ip_reasons[3]), reasons


def test_a_coordinate_of_infinity_is_refused_per_feature_not_at_upload(db):
    """GDAL reads `Infinity` (and 1e309) in a GeoJSON coordinate; the file's extent then held
    Infinity, which JSON cannot store, and saving the uploaded job failed (a 500 at upload).
    Now the file has no extent, the check runs and that feature gets a reason."""
    good = point(28.9, 41.0, adi="İyi", hizmetTipi="egitim")
    data = geojson([good]).replace(b"]}}]}", b"]}}, " + json.dumps(point(0, 0, adi="Sonsuz", hizmetTipi="egitim"))
                                   .replace('"coordinates": [0, 0]', '"coordinates": [Infinity, 41.0]').encode()
                                   + b"]}")
    assert b"Infinity" in data
    job = checked(data, "sonsuz.geojson")
    assert job.status == ImportStatus.CHECKED, job.message
    assert (job.total, job.accepted, job.rejected) == (2, 1, 1), report_csv(job)
    json.loads(preview_geojson(job))


def test_the_preview_of_a_coordinate_outside_wgs84_s_domain_is_not_an_error(db):
    """A file in the storage CRS with a coordinate of 1e308: the check gives it a reason, and the
    preview, which shows features in WGS 84, leaves its geometry out instead of failing."""
    from django.conf import settings

    far = {"type": "Feature", "properties": {"adi": "Uzak", "hizmetTipi": "egitim"},
           "geometry": {"type": "Point", "coordinates": [1e308, 1e308]}}
    job = checked(geojson([far], srid=settings.CBS_SRID), "uzak.geojson")
    assert job.status == ImportStatus.CHECKED, job.message
    preview = json.loads(preview_geojson(job))
    assert [f["properties"]["ok"] for f in preview["features"]] in ([], [False])


def test_a_ring_of_one_point_is_an_invalid_geometry_not_a_failed_check(db):
    """GEOS cannot build a polygon whose ring has one point: ST_Within (municipality, editing
    area) and the plausibility's ST_Intersects failed the whole check, while ST_IsValid answers
    false. The check retries with those tests on such a geometry's bounding box."""
    ring = [[28.9, 41.0], [28.9002, 41.0], [28.9002, 41.0002], [28.9, 41.0002], [28.9, 41.0]]
    features = [{"type": "Feature", "properties": {"binaKimlikNo": 99000041 + i, "zeminUstuKatSayisi": 2},
                 "geometry": {"type": "MultiPolygon", "coordinates": coordinates}}
                for i, coordinates in enumerate([[[ring]], [[[[28.9005, 41.0]]]]])]
    job = checked(geojson(features), "tek-nokta.geojson", layer="bi-bina")
    assert job.status == ImportStatus.CHECKED, job.message
    assert (job.accepted, job.rejected) == (1, 1), report_csv(job)
    assert "invalid geometry" in report_csv(job)
    json.loads(preview_geojson(job))


def test_a_typed_value_postgresql_refuses_is_staged_as_text_and_gets_its_reason(db):
    """GDAL types GeoJSON strings that look like dates as dates, and a GeoPackage holds what its
    writer put there: "2020-02-30" or 0000-01-01 failed the staging COPY, and with it the whole
    file ("COPY statement failed"). Such columns are staged again as text; the bad value is one
    feature's reason, the good features pass."""
    ring = [[28.9, 41.0], [28.9002, 41.0], [28.9002, 41.0002], [28.9, 41.0002], [28.9, 41.0]]

    def building(i: int, date: str) -> dict:
        return {"type": "Feature", "geometry": {"type": "MultiPolygon", "coordinates": [[[
            [x + i / 1000, y] for x, y in ring]]]},
            "properties": {"binaKimlikNo": 99000051 + i, "zeminUstuKatSayisi": 2, "yapiKullanimIzniTarihi": date}}

    job = checked(geojson([building(0, "2020-05-01"), building(1, "2020-02-30")]), "tarih.geojson",
                  layer="bi-bina")
    assert job.status == ImportStatus.CHECKED, job.message
    assert (job.accepted, job.rejected) == (1, 1), report_csv(job)
    assert "is not a date" in report_csv(job)


def test_a_unique_constraint_over_several_fields_is_checked_in_the_file_and_the_layer(db):
    """(mahalle, ada, parsel) is unique in the parcel layer by a constraint, not by one field:
    a repeat in the file or of an existing parcel failed the write as a whole (IntegrityError).
    Now each is a reason of its feature; the others are accepted."""
    from layers.models import Parsel

    existing = Parsel.objects.order_by("pk").first()
    mahalle = existing.mahalle_id
    ring = [[28.9, 41.0], [28.9002, 41.0], [28.9002, 41.0002], [28.9, 41.0002], [28.9, 41.0]]

    def parcel(i: int, ada: int, parsel: int) -> dict:
        return {"type": "Feature", "geometry": {"type": "MultiPolygon", "coordinates": [[[
            [x + i / 1000, y] for x, y in ring]]]},
            "properties": {"mahalle": mahalle, "adaNo": ada, "parselNo": parsel, "nitelik": "arsa", "alan": 100}}

    free = Parsel.objects.filter(mahalle_id=mahalle).order_by("-ada_no").first().ada_no + 1
    job = checked(geojson([parcel(0, free, 1), parcel(1, free, 2), parcel(2, free, 2),
                           parcel(3, existing.ada_no, existing.parsel_no)]), "parseller.geojson", layer="tk-parsel",
                  skip_rejected=True)
    assert job.status == ImportStatus.CHECKED, job.message
    report = report_csv(job)
    assert (job.accepted, job.rejected) == (1, 3), report
    assert f"“{mahalle} / {free} / 2” occurs more than once in the file" in report
    assert f"“{mahalle} / {existing.ada_no} / {existing.parsel_no}” already exists in the layer" in report
    count = Parsel.objects.count()
    job = jobs.run(job.pk, "write")  # the good one, without the write tripping over the others
    assert job.result["created"] == 1 and Parsel.objects.count() == count + 1, job.message


def test_a_rule_over_two_fields_refuses_the_write_with_its_own_message(db):
    """A fiber link using more cores than it has breaks a check constraint over two fields, which
    the import's checks do not express per feature: the write is refused with the rule's own
    message (not "an unexpected error"), and nothing is written."""
    from backoffice.assets.models import FiberLink

    link = FiberLink.objects.order_by("pk").first()
    props = {"adi": "Yeni hat", "baslangicLokasyon": link.baslangic_id,
             "bitisLokasyon": link.bitis_id, "damarSayisi": 4, "kullanilanDamar": 12}
    line = {"type": "LineString", "coordinates": [[28.9, 41.0], [28.9005, 41.0005]]}
    job = checked(geojson([{"type": "Feature", "properties": props, "geometry": line}]), "hat.geojson",
                  layer="ay-fiber", mapping={n: n for n in props})
    assert job.status == ImportStatus.CHECKED and job.rejected == 0, report_csv(job)
    count = FiberLink.objects.count()
    with translation.override("en"):
        job = jobs.run(job.pk, "write")
    assert job.status == ImportStatus.FAILED
    assert "More cores in use than the cable has." in job.message and "nothing was written" in job.message
    assert FiberLink.objects.count() == count


def test_a_fiber_link_import_computes_its_length_as_the_editor_does(db):
    """A fiber link's length is computed from its geometry (FiberLink.clean()); the import, which
    writes set-based, left it NULL and every fiber import failed at the write. The registry's
    computed_columns give the import the same value the editor stores."""
    from backoffice.assets.models import FiberLink

    link = FiberLink.objects.order_by("pk").first()
    props = {"adi": "Ölçülen hat", "baslangicLokasyon": link.baslangic_id, "bitisLokasyon": link.bitis_id,
             "damarSayisi": 12, "kullanilanDamar": 4}
    line = {"type": "LineString", "coordinates": [[28.9, 41.0], [28.9005, 41.0005]]}
    job = checked(geojson([{"type": "Feature", "properties": props, "geometry": line}]), "hat.geojson",
                  layer="ay-fiber", mapping={n: n for n in props})
    job = jobs.run(job.pk, "write")
    assert job.status == ImportStatus.DONE and job.result["created"] == 1, job.message
    written = FiberLink.objects.get(adi="Ölçülen hat")
    assert written.uzunluk == round(written.geom.length, 2) and written.uzunluk > 50


def test_a_csv_saved_on_a_turkish_windows_is_read_as_such(db):
    """Excel on a Turkish Windows saves CSV as Windows-1254; GDAL read it as UTF-8 and refused the
    file with an English error naming the staging table. It is converted at upload; a file that
    is neither encoding is refused with a clear message."""
    text = "ad;tur;enlem;boylam\nŞişli Çağrı İlkokulu;egitim;41,0001;28,9001\n"
    job = checked(text.encode("cp1254"), "liste.csv", x_field="boylam", y_field="enlem", srid=4326,
                  mapping={"adi": "ad", "hizmetTipi": "tur"})
    assert job.status == ImportStatus.CHECKED and job.accepted == 1, job.message
    job = jobs.run(job.pk, "write")
    assert KamuHizmeti.objects.filter(adi="Şişli Çağrı İlkokulu").exists()
    with pytest.raises(ValidationError, match="neither UTF-8 nor Windows Turkish"):
        checked(b"ad;tur;enlem;boylam\n\x81\x8d;egitim;41,0001;28,9001\n", "bozuk.csv", x_field="boylam",
                y_field="enlem", srid=4326)


def test_a_fiber_link_from_a_site_to_itself_is_refused_by_the_import_too(db):
    """The editor's rule (FiberLink.clean) is also a constraint now, so the import, which does not
    run clean(), is refused with the same message and writes nothing."""
    from backoffice.assets.models import FiberLink

    site = FiberLink.objects.order_by("pk").first().baslangic_id
    props = {"adi": "Kendine hat", "baslangicLokasyon": site, "bitisLokasyon": site, "damarSayisi": 12}
    line = {"type": "LineString", "coordinates": [[28.9, 41.0], [28.9005, 41.0005]]}
    job = checked(geojson([{"type": "Feature", "properties": props, "geometry": line}]), "hat.geojson",
                  layer="ay-fiber", mapping={n: n for n in props})
    count = FiberLink.objects.count()
    with translation.override("en"):
        job = jobs.run(job.pk, "write")
    assert job.status == ImportStatus.FAILED and "A fiber link joins two different sites." in job.message
    assert FiberLink.objects.count() == count
