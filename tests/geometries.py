"""Named, deterministic test geometries (EPSG:5254 unless stated)."""

# A 20 m square near the middle of the sample district (TUREF/TM30 easting, northing).
SQUARE_5254 = "SRID=5254;MULTIPOLYGON(((407900 4541100,407920 4541100,407920 4541120,407900 4541120,407900 4541100)))"
# Self-intersecting "bow tie".
BOWTIE_5254 = "SRID=5254;MULTIPOLYGON(((407900 4541100,407920 4541120,407920 4541100,407900 4541120,407900 4541100)))"
# A point at Zeytinburnu's coast, in CRS84 lon/lat.
POINT_LONLAT = {"type": "Point", "coordinates": [28.905, 41.0]}
# Ankara: well outside the municipality.
POINT_ANKARA = {"type": "Point", "coordinates": [32.85, 39.93]}
