from django.db import migrations

# The view sector of a camera, built in the storage CRS (a TM zone, so metres and grid north):
# the camera point, an arc of `range_m` from azimuth - fov/2 to azimuth + fov/2 (17 vertices),
# back to the point; a full circle for fov >= 360.
SECTOR = """
CREATE OR REPLACE FUNCTION assets_camera_sector(p geometry, azimuth double precision,
                                                fov double precision, range_m double precision)
RETURNS geometry LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN fov >= 360 THEN ST_Buffer(p, range_m, 16)
  ELSE ST_MakePolygon(ST_MakeLine(ARRAY[p] || ARRAY(
      SELECT ST_Translate(p, range_m * sin(radians(azimuth - fov / 2 + fov * i / 16.0)),
                             range_m * cos(radians(azimuth - fov / 2 + fov * i / 16.0)))
      FROM generate_series(0, 16) AS i ORDER BY i) || ARRAY[p]))
  END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("assets", "0001_initial")]
    operations = [migrations.RunSQL(SECTOR, "DROP FUNCTION IF EXISTS assets_camera_sector(geometry, "
                                            "double precision, double precision, double precision);")]
