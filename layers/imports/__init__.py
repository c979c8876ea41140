"""Imports: an uploaded file (uploads) is inspected with GDAL (sources), copied as it is into a
staging table (staging), converted and checked in PostGIS (checks) and written to its layer in one
transaction with history and audit (writer); jobs run the long phases in the background."""
