"""The sample municipality holds the relationships a real one has."""

from django.db import connection

from layers.models import Mahalle


def scalar(sql: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


class SampleDataTests:
    def test_thirteen_real_mahalle(self, db):
        """The 13 mahalle of Zeytinburnu with their official ids."""
        assert Mahalle.objects.count() == 13
        assert Mahalle.objects.get(uavt_kodu=40838).adi == "Beştelsiz"

    def test_mahalle_tile_the_district_without_overlap(self, db):
        """Mahalle polygons do not overlap each other."""
        assert scalar("""SELECT count(*) FROM layers_mahalle a JOIN layers_mahalle b
            ON a.id < b.id AND ST_Overlaps(a.geom, b.geom)""") == 0

    def test_door_numbers_touch_their_building_and_lie_in_their_mahalle(self, db):
        """Every numarataj touches its bina and lies inside its mahalle."""
        assert scalar("""SELECT count(*) FROM layers_numarataj n
            JOIN layers_bina b ON b."binaKimlikNo" = n."binaKodu"
            WHERE NOT ST_Intersects(n.geom, b.geom)""") == 0
        assert scalar("""SELECT count(*) FROM layers_numarataj n
            JOIN layers_mahalle m ON m."uavtKodu" = n.mahalle
            WHERE NOT ST_Contains(m.geom, n.geom)""") == 0

    def test_roads_inside_district(self, db):
        """Every road lies inside the union of the mahalle."""
        assert scalar("""SELECT count(*) FROM layers_yol y, (SELECT ST_Union(geom) g FROM layers_mahalle) d
            WHERE NOT ST_Within(y.geom, d.g)""") == 0

    def test_buildings_do_not_overlap(self, db):
        """No two buildings overlap."""
        assert scalar("""SELECT count(*) FROM layers_bina a JOIN layers_bina b
            ON a.id < b.id AND a.geom && b.geom AND ST_Overlaps(a.geom, b.geom)""") == 0
