"""Per-request hand-over between our pygeoapi adapter (ogc/views.py) and provider.

pygeoapi parses bbox and serialises features in Python, which is both slow and, for data
stored in a TM zone, wrong about axis order. The adapter therefore validates bbox/bbox-crs
itself and asks the provider to leave the features array as SQL-built JSON text, which it
splices into pygeoapi's response envelope.
"""

from contextvars import ContextVar
from dataclasses import dataclass, field


@dataclass
class QueryContext:
    """What the adapter tells the provider about the current request, and what it gets back."""

    bbox: tuple[float, float, float, float] | None = None  # x/y order, in bbox_srid
    bbox_srid: int = 4326
    raw_features: bool = False          # provider may return features as JSON text
    features_json: str | None = field(default=None)  # filled by the provider


current: ContextVar[QueryContext | None] = ContextVar("ogc_query_context", default=None)
