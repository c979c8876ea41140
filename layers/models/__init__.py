"""Layer models, one module per TUCBS theme."""

from .adres import Numarataj, Yol
from .base import TucbsFeature
from .basemap import BaseMap, BaseMapKind
from .bina import Bina
from .counter import LayerCounter
from .idari import Mahalle
from .metadata import LayerMetadata, UpdateFrequency
from .imar import ImarPlani
from .imports import ImportJob, ImportMapping, ImportMode, ImportStatus
from .kamu import KamuHizmeti
from .publication import LayerPublication, PublicationState
from .tapu import Parsel
from .ulasim import KarayoluHatti

__all__ = [
    "BaseMap", "BaseMapKind", "Bina", "ImarPlani", "ImportJob", "ImportMapping", "ImportMode", "ImportStatus", "KamuHizmeti", "KarayoluHatti", "LayerCounter", "LayerMetadata", "LayerPublication", "Mahalle", "Numarataj",
    "Parsel", "PublicationState",
    "TucbsFeature", "UpdateFrequency", "Yol",
]
