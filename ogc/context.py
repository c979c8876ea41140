"""Per-request hand-over between our pygeoapi adapter (ogc/views.py) and provider.

pygeoapi parses bbox and serialises features in Python, which is both slow and, for data
stored in a TM zone, wrong about axis order. The adapter therefore validates bbox/bbox-crs
itself and asks the provider to leave features as SQL-built JSON text, which it splices into
pygeoapi's response envelope. That also keeps values intact: pygeoapi's JSON writer turns
every "<" into "&lt;", even inside attribute values.
"""

from contextvars import ContextVar
from dataclasses import dataclass, field


@dataclass
class QueryContext:
    """What the adapter tells the provider about the current request, and what it gets back."""

    bbox: tuple[float, float, float, float] | None = None  # x/y order, in bbox_srid
    bbox_srid: int = 4326
    filter: object | None = None        # a checked pygeofilter tree (ogc.cql), storage CRS
    raw_features: bool = False          # provider may leave features as SQL-built JSON text
    # Filled by the provider: (placeholder in pygeoapi's JSON, the SQL-built text to put there).
    splice: tuple[str, str] | None = field(default=None)


current: ContextVar[QueryContext | None] = ContextVar("ogc_query_context", default=None)
