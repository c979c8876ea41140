"""TUCBS metadata minimum of a layer ("veri bilgisi"), encoded as ISO 19139 XML in Turkish.

Title, abstract, keywords and theme come from the registry; extent, reference system and dates
are filled from the data (PostGIS extent, storage EPSG code, the first and last version in the
layer's history table); organisation and contact from settings. The file identifier is a UUID derived from the
layer name, so it stays stable across exports.
"""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone, translation

from cbs.text import reject_control_characters, xml_text

from .registry import THEMES, Access, Layer
from .selectors import layer_extent_lonlat
from .state import bump_config_generation

NS = {"gmd": "http://www.isotc211.org/2005/gmd", "gco": "http://www.isotc211.org/2005/gco",
      "gml": "http://www.opengis.net/gml"}
for _prefix, _uri in NS.items():
    ET.register_namespace(_prefix, _uri)

TOPIC = {"ID": "boundaries", "AD": "location", "BI": "structure", "UL": "transportation",
         "KH": "society", "AK": "planningCadastre", "TK": "planningCadastre", "AY": "utilitiesCommunication"}


def _q(tag: str) -> str:
    prefix, name = tag.split(":")
    return f"{{{NS[prefix]}}}{name}"


def _el(parent, path: str, text: str | None = None, **attrs) -> ET.Element:
    """Create the nested elements of a slash path under `parent`; text goes into the last."""
    node = parent
    for tag in path.split("/"):
        node = ET.SubElement(node, _q(tag))
    for key, value in attrs.items():
        node.set(key, xml_text(value))
    if text is not None:
        # Stored text may hold characters XML 1.0 cannot carry (saved before the form refused
        # them, or from the data): dropped, so the document stays well-formed.
        node.text = xml_text(str(text))
    return node


def _string(parent, path: str, text: str) -> None:
    _el(parent, f"{path}/gco:CharacterString", text)


def _code(parent, path: str, code_list: str, value: str) -> None:
    _el(parent, path, value, codeList=f"http://standards.iso.org/iso/19139/resources/gmxCodelists.xml#{code_list}",
        codeListValue=value)


def _contact(parent, path: str, meta=None) -> None:
    party = _el(parent, f"{path}/gmd:CI_ResponsibleParty")
    if meta is not None and meta.contact_name != settings.CBS_ORGANISATION:
        _string(party, "gmd:individualName", meta.contact_name)
    _string(party, "gmd:organisationName", settings.CBS_ORGANISATION)
    _string(party, "gmd:contactInfo/gmd:CI_Contact/gmd:address/gmd:CI_Address/gmd:electronicMailAddress",
            meta.contact_email if meta is not None else settings.CBS_CONTACT_EMAIL)
    _code(party, "gmd:role/gmd:CI_RoleCode", "CI_RoleCode", "pointOfContact")


def _date(parent, when, kind: str) -> None:
    ci = _el(parent, "gmd:date/gmd:CI_Date")
    _el(ci, "gmd:date/gco:Date", when.isoformat())
    _code(ci, "gmd:dateType/gmd:CI_DateTypeCode", "CI_DateTypeCode", kind)


@dataclass(frozen=True)
class Effective:
    """A layer's metadata as published: what the GIS unit wrote, else registry and settings."""

    title: str
    abstract: str
    purpose: str
    keywords: list[str]
    lineage: str
    update_frequency: str
    scale_denominator: int
    use_limitation: str
    contact_name: str
    contact_email: str


def effective_metadata(layer: type[Layer], row=None) -> Effective:
    """`row`: the layer's LayerMetadata when the caller has read it already (None: read it here)."""
    from .models import LayerMetadata

    row = row or LayerMetadata.objects.filter(layer=layer.name).first() or LayerMetadata(layer=layer.name)
    restricted = layer.access != Access.PUBLIC or layer.sensitive
    with translation.override("tr"):
        return Effective(
            title=row.title or str(layer.title),
            abstract=row.abstract or str(layer.description or layer.title),
            purpose=row.purpose,
            keywords=[f"{layer.theme} – {THEMES[layer.theme]}", *layer.keywords, *row.keyword_list()],
            lineage=row.lineage or (f"{settings.CBS_ORGANISATION} tarafından Kent CBS'de üretilir ve güncellenir; "
                                    "her değişiklik sürümlenir ve denetim kaydına yazılır."),
            update_frequency=row.update_frequency,
            scale_denominator=row.scale_denominator,
            use_limitation=row.use_limitation or ("Yalnızca protokolle kullanılabilir." if restricted
                                                  else "Kaynak gösterilerek kullanılabilir."),
            contact_name=row.contact_name or settings.CBS_ORGANISATION,
            contact_email=row.contact_email or settings.CBS_CONTACT_EMAIL,
        )


def metadata_form():
    """The form of what the GIS unit maintains (the page shows it, metadata_update validates with
    it); texts with control characters are refused (the ISO XML and the catalogue carry them)."""
    from django import forms
    from django.forms.models import modelform_factory

    from .models import LayerMetadata

    class MetadataForm(forms.ModelForm):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            for field in self.fields.values():
                if isinstance(field, forms.CharField):
                    field.validators.append(reject_control_characters)

    return modelform_factory(LayerMetadata, form=MetadataForm, exclude=["layer", "updated_by"])


def metadata_update(*, layer: type[Layer], user, data: dict):
    """Save what the GIS unit maintains (edit right on the layer), audited; the catalogue follows."""
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.db import transaction

    from cbs.accounts.selectors import layer_resource, user_can
    from cbs.audit.services import audit_model_write, model_snapshot

    from .models import LayerMetadata

    if user is not None and not user_can(user, layer_resource(layer), "edit"):
        raise PermissionDenied
    row = LayerMetadata.objects.filter(layer=layer.name).first() or LayerMetadata(layer=layer.name)
    before = model_snapshot(row) if row.pk else None
    form = metadata_form()(data, instance=row)
    if not form.is_valid():
        raise ValidationError(form.errors)
    with transaction.atomic():
        row = form.save(commit=False)
        row.updated_by = user if user is not None and user.is_authenticated else None
        row.save()
        audit_model_write(action="update" if before else "create", obj=row, before=before,
                          after=model_snapshot(row), user=user)
        bump_config_generation(layer.name)  # every host rebuilds its OGC configuration
    return row


def layer_dates(layer: type[Layer]):
    """(creation, last revision) of the layer's data: the first and the latest version in its history
    table (rows are written in time order, so the primary key finds both without a scan)."""
    rows = layer.history.objects.order_by("id").values_list("surum_baslangic_zamani", flat=True)
    first = rows.first()
    return first, (rows.order_by("-id").first() if first else None)


def metadata_xml(layer: type[Layer], base_url: str) -> bytes:
    with translation.override("tr"):
        return _build(layer, base_url)


def _build(layer: type[Layer], base_url: str) -> bytes:
    meta = effective_metadata(layer)
    today = timezone.localdate()
    first, last = layer_dates(layer)
    created = timezone.localtime(first).date() if first else today
    revised = timezone.localtime(last).date() if last else today
    root = ET.Element(_q("gmd:MD_Metadata"))
    _string(root, "gmd:fileIdentifier", str(uuid.uuid5(uuid.NAMESPACE_URL, f"kent-cbs:{layer.name}")))
    _code(root, "gmd:language/gmd:LanguageCode", "LanguageCode", "tur")
    _code(root, "gmd:characterSet/gmd:MD_CharacterSetCode", "MD_CharacterSetCode", "utf8")
    _code(root, "gmd:hierarchyLevel/gmd:MD_ScopeCode", "MD_ScopeCode", "dataset")
    _contact(root, "gmd:contact")
    _el(root, "gmd:dateStamp/gco:Date", today.isoformat())
    _string(root, "gmd:metadataStandardName", "ISO 19115:2003/19139")
    _string(root, "gmd:metadataStandardVersion", "1.0")
    _string(root, "gmd:referenceSystemInfo/gmd:MD_ReferenceSystem/gmd:referenceSystemIdentifier/"
                  "gmd:RS_Identifier/gmd:code", f"EPSG:{layer.geometry().srid}")
    ident = _el(root, "gmd:identificationInfo/gmd:MD_DataIdentification")
    citation = _el(ident, "gmd:citation/gmd:CI_Citation")
    _string(citation, "gmd:title", meta.title)
    _date(citation, created, "creation")
    _date(citation, revised, "revision")
    _string(ident, "gmd:abstract", meta.abstract)
    if meta.purpose:
        _string(ident, "gmd:purpose", meta.purpose)
    _contact(ident, "gmd:pointOfContact", meta)
    _code(ident, "gmd:resourceMaintenance/gmd:MD_MaintenanceInformation/gmd:maintenanceAndUpdateFrequency/"
                 "gmd:MD_MaintenanceFrequencyCode", "MD_MaintenanceFrequencyCode", meta.update_frequency)
    keywords = _el(ident, "gmd:descriptiveKeywords/gmd:MD_Keywords")
    for word in meta.keywords:
        _string(keywords, "gmd:keyword", word)
    _string(keywords, "gmd:thesaurusName/gmd:CI_Citation/gmd:title", "TUCBS temaları")
    constraints = _el(ident, "gmd:resourceConstraints/gmd:MD_LegalConstraints")
    _string(constraints, "gmd:useLimitation", meta.use_limitation)
    _code(constraints, "gmd:accessConstraints/gmd:MD_RestrictionCode", "MD_RestrictionCode",
          "otherRestrictions" if layer.access != Access.PUBLIC or layer.sensitive else "license")
    _el(ident, "gmd:spatialResolution/gmd:MD_Resolution/gmd:equivalentScale/gmd:MD_RepresentativeFraction/"
               "gmd:denominator/gco:Integer", str(meta.scale_denominator))
    _code(ident, "gmd:language/gmd:LanguageCode", "LanguageCode", "tur")
    _el(ident, "gmd:topicCategory/gmd:MD_TopicCategoryCode", TOPIC.get(layer.theme, "location"))
    extent = layer_extent_lonlat(layer) or list(settings.CBS_MAP_BBOX)
    box = _el(ident, "gmd:extent/gmd:EX_Extent/gmd:geographicElement/gmd:EX_GeographicBoundingBox")
    for tag, value in zip(("westBoundLongitude", "southBoundLatitude", "eastBoundLongitude", "northBoundLatitude"),
                          extent, strict=True):
        _el(box, f"gmd:{tag}/gco:Decimal", f"{value:.6f}")
    distribution = _el(root, "gmd:distributionInfo/gmd:MD_Distribution")
    fmt = _el(distribution, "gmd:distributionFormat/gmd:MD_Format")
    _string(fmt, "gmd:name", "OGC API – Features (GeoJSON)")
    _string(fmt, "gmd:version", "1.0")
    online = _el(distribution, "gmd:transferOptions/gmd:MD_DigitalTransferOptions/gmd:onLine/gmd:CI_OnlineResource")
    _el(online, "gmd:linkage/gmd:URL", f"{base_url}/ogc/collections/{layer.name}")
    quality = _el(root, "gmd:dataQualityInfo/gmd:DQ_DataQuality")
    _code(quality, "gmd:scope/gmd:DQ_Scope/gmd:level/gmd:MD_ScopeCode", "MD_ScopeCode", "dataset")
    result = _el(quality, "gmd:report/gmd:DQ_DomainConsistency/gmd:result/gmd:DQ_ConformanceResult")
    spec = _el(result, "gmd:specification/gmd:CI_Citation")
    _string(spec, "gmd:title", "TUCBS veri tema uygulama şeması")
    _date(spec, created, "publication")
    _string(result, "gmd:explanation", "Öznitelik adları TUCBS'ye göre; geometriler geçerli (PostGIS denetimi).")
    _el(result, "gmd:pass/gco:Boolean", "true")
    _string(quality, "gmd:lineage/gmd:LI_Lineage/gmd:statement", meta.lineage)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
