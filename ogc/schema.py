"""JSON Schema types of published model fields (queryables, provider fields, CQL type checks)."""

from django.contrib.gis.db.models import BooleanField, DateField, DateTimeField
from django.db import models


def json_type(field: models.Field) -> dict[str, str]:
    """JSON Schema type of a published model field."""
    if isinstance(field, models.ForeignKey):
        field = field.target_field
    if isinstance(field, BooleanField):
        return {"type": "boolean"}
    if isinstance(field, (models.IntegerField, models.BigIntegerField, models.AutoField)):
        return {"type": "integer"}
    if isinstance(field, (models.DecimalField, models.FloatField)):
        return {"type": "number"}
    if isinstance(field, DateTimeField):
        return {"type": "string", "format": "date-time"}
    if isinstance(field, DateField):
        return {"type": "string", "format": "date"}
    return {"type": "string"}
