"""Converting and checking staged features in PostGIS, set-based (one statement per step).

From the job's settings (CRS, coordinate columns, field and code mapping) the layer's field
definitions are turned into SQL: every target attribute gets a converted value and every
feature the list of reasons it cannot be stored (wrong number, unknown code, missing value,
duplicate, broken or misplaced geometry…), in the user's language. The result is a second
staging table `<job>_checked` that the preview, the report and the writer read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core import validators as dj
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Field, UniqueConstraint
from django.utils.translation import gettext as _

from ..models.base import municipality_area
from ..registry import Layer
from .sources import CRS_CHOICES, TABULAR

INTEGER_BOUNDS = {
    "SmallIntegerField": (-32768, 32767), "PositiveSmallIntegerField": (0, 32767),
    "IntegerField": (-2147483648, 2147483647), "PositiveIntegerField": (0, 2147483647),
    "BigIntegerField": (-9223372036854775808, 9223372036854775807),
    "PositiveBigIntegerField": (0, 9223372036854775807), "AutoField": (1, 2147483647),
    "BigAutoField": (1, 9223372036854775807),
}
# Bounded: PostgreSQL's numeric overflows (an error, not NULL) beyond ~131 000 digits or an
# exponent of 1e131072, and no attribute of ours needs more than these (255: PostgreSQL's
# largest repetition count).
NUMBER = r"^[+-]?([0-9]{1,250}([.,][0-9]{0,250})?|[.,][0-9]{1,250})([eE][+-]?[0-9]{1,3})?$"
# A coordinate (read as double precision, which refuses values beyond 1e308 and below 1e-307
# with an error as well).
COORDINATE = r"^[+-]?([0-9]{1,20}([.,][0-9]{0,30})?|[.,][0-9]{1,30})([eE][+-]?[0-9]{1,2})?$"
WHOLE = r"^[+-]?[0-9]{1,19}([.,]0*)?$"
SKIPPED = {"surumBaslangicZamani", "surumBitisZamani"}  # set by the writer


def ident(name: str) -> str:
    """A SQL identifier for any name (source field names come from the user's file)."""
    return '"' + name.replace('"', '""') + '"'


def checked_table(job) -> str:
    return f"{job.staging_table}_checked"


def target_properties(layer: type[Layer]) -> dict[str, Field]:
    """The attributes an import can fill (tucbsNo included: it identifies features to replace)."""
    return {name: f for name, f in layer.properties().items()
            if name not in SKIPPED and (f.editable or name == "tucbsNo")}


@dataclass
class Plan:
    """SQL pieces for one job: converted columns, reasons, and the parameters they bind."""

    columns: list[str] = field(default_factory=list)     # "<expr> AS _c<i>"
    reasons: list[str] = field(default_factory=list)     # CASE … THEN <message> END over c.*
    params: list[Any] = field(default_factory=list)      # for columns, in order
    reason_params: list[Any] = field(default_factory=list)
    targets: dict[str, str] = field(default_factory=dict)  # property -> "_c<i>"
    python_checked: list[tuple[str, Field]] = field(default_factory=list)  # validators SQL cannot express


def _value_sql(source_field: str) -> str:
    return f"NULLIF(btrim(s.{ident(source_field)}::text), '')"


# Staging column types (as ogr2ogr created them from the file's own field types) whose values
# need no parsing for a target of the same kind: a GeoPackage's integer or date column arrives
# typed, and reading it as text and back cost ~3 µs per value (a date 6.5 µs), the larger part of
# the conversion statement for a million buildings.
TYPED_SOURCES = {
    "integer": {"smallint", "integer", "bigint"},
    "date": {"date"},
}


def _typed_kind(f: Field) -> str | None:
    kind = (f.target_field if f.is_relation else f).get_internal_type()
    return "integer" if kind in INTEGER_BOUNDS else "date" if kind == "DateField" else None


def staging_types(job) -> dict[str, str]:
    """The staging table's column types by source field name (empty before staging)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT attname, format_type(atttypid, NULL) FROM pg_attribute "
                       "WHERE attrelid = to_regclass(%s) AND attnum > 0 AND NOT attisdropped",
                       [job.staging_table])
        return dict(cursor.fetchall())


def _converter(f: Field, raw: str) -> tuple[str, str | None]:
    """(SQL converting the raw text, the reason template when it does not convert)."""
    kind = f.get_internal_type()
    if f.is_relation:
        return _converter(f.target_field, raw)
    if kind in INTEGER_BOUNDS:
        return (f"CASE WHEN {raw} ~ '{WHOLE}' THEN split_part(replace({raw}, ',', '.'), '.', 1)::numeric END",
                _("%(field)s: “{v}” is not a whole number"))
    if kind in ("FloatField", "DecimalField"):
        return (f"CASE WHEN {raw} ~ '{NUMBER}' THEN replace({raw}, ',', '.')::numeric END",
                _("%(field)s: “{v}” is not a number"))
    if kind == "DateField":
        return f"cbs_import.to_date({raw})", _("%(field)s: “{v}” is not a date (2026-11-23 or 23.11.2026)")
    if kind == "DateTimeField":
        return f"cbs_import.to_timestamptz({raw})", _("%(field)s: “{v}” is not a date and time")
    if kind == "BooleanField":
        return (f"CASE WHEN lower({raw}) IN ('1','true','t','evet','e','yes','y','var') THEN true "
                f"WHEN lower({raw}) IN ('0','false','f','hayır','hayir','h','no','n','yok') THEN false END",
                _("%(field)s: “{v}” is not yes/no"))
    if kind == "GenericIPAddressField":
        return f"host(cbs_import.to_inet({raw}))", _("%(field)s: “{v}” is not an IP address")
    return raw, None


def _limits(f: Field) -> tuple[Any, Any]:
    low, high = INTEGER_BOUNDS.get(f.get_internal_type(), (None, None))
    for v in f.validators:
        if isinstance(v, dj.MinValueValidator) and not callable(v.limit_value):
            low = v.limit_value if low is None else max(low, v.limit_value)
        if isinstance(v, dj.MaxValueValidator) and not callable(v.limit_value):
            high = v.limit_value if high is None else min(high, v.limit_value)
    return low, high


def _sql_validators(f: Field) -> bool:
    """True when every validator of the field is one the SQL checks express."""
    known = (dj.MinValueValidator, dj.MaxValueValidator, dj.MaxLengthValidator, dj.ProhibitNullCharactersValidator,
             dj.DecimalValidator, dj.MinLengthValidator)
    own = [v for v in f.validators if not isinstance(v, known)]
    return not own or f.get_internal_type() == "GenericIPAddressField"


def build_plan(job, layer: type[Layer], types: dict[str, str] | None = None) -> Plan:
    """Converted values and per-feature reasons for every target attribute. With the staging
    table's column `types` (staging_types), a typed source column of the target's kind is taken
    as it is instead of being parsed from text: same values, same reasons."""
    plan = Plan()
    types = types or {}
    source_fields = {f["name"] for f in job.source.get("fields", [])}
    for index, (name, f) in enumerate(target_properties(layer).items()):
        col = f"_c{index}"
        plan.targets[name] = col
        label = str(f.verbose_name)
        source = job.mapping.get(name)
        if source and source not in source_fields:
            raise ValidationError(_("The file has no field “%(name)s”.") % {"name": source[:100]})
        if not source:
            if name == "tucbsNo":
                plan.columns.append(f"NULL::bigint AS {col}")
                continue
            default = f.get_default() if f.has_default() else ("" if f.blank and not f.null and
                                                                 f.get_internal_type() in ("CharField", "TextField") else None)
            if default is None and not f.null:
                raise ValidationError(_("“%(field)s” (%(name)s) is required: choose the source field that holds it.")
                                      % {"field": label, "name": name})
            plan.columns.append(f"%s AS {col}")
            plan.params.append(default)
            continue
        raw = _value_sql(source)
        codes = {str(k): str(v) for k, v in (job.code_map.get(name) or {}).items() if v not in (None, "")}
        if codes:
            cases = " ".join("WHEN %s THEN %s" for _ in codes)
            raw = f"(CASE {raw} {cases} ELSE {raw} END)"
            mapped_params = [p for pair in codes.items() for p in pair]
        else:
            mapped_params = []
        typed = _typed_kind(f)
        if not codes and typed and types.get(source) in TYPED_SOURCES[typed]:
            value = f"s.{ident(source)}"
            if typed == "integer":
                converted, bad_template = f"{value}::numeric", None  # every integer is a whole number
            else:
                # The text path's years (0001-9999): a date column also holds BC, year 10000 and
                # ±infinity, which Python cannot read back.
                converted = f"CASE WHEN {value} BETWEEN '0001-01-01' AND '9999-12-31' THEN {value} END"
                bad_template = _converter(f, raw)[1]
            plan.columns.append(f"{value}::text AS _r{index}, {converted} AS {col}")
            _reasons_for(plan, f, index, label, bad_template)
            if not _sql_validators(f):
                plan.python_checked.append((name, f))
            continue
        converted, bad_template = _converter(f, raw)
        if not f.null and f.blank and f.get_internal_type() in ("CharField", "TextField"):
            converted = f"coalesce({converted}, '')"  # optional text is stored as ''
        # The raw text and the converted value (each may use the code-map parameters).
        plan.columns.append(f"{raw} AS _r{index}, {converted} AS {col}")
        plan.params += mapped_params * (1 + converted.count(raw))
        _reasons_for(plan, f, index, label, bad_template)
        if not _sql_validators(f):
            plan.python_checked.append((name, f))
    return plan


def _reasons_for(plan: Plan, f: Field, index: int, label: str, bad_template: str | None) -> None:
    r, c = f"c._r{index}", f"c._c{index}"

    def add(condition: str, template: str, value: str = r, params: tuple = ()) -> None:
        plan.reasons.append(
            f"CASE WHEN {condition} THEN replace(%s, '{{v}}', left(coalesce(({value})::text, ''), 80)) END")
        plan.reason_params += [*params, template % {"field": label}]

    if bad_template:
        add(f"{r} IS NOT NULL AND {c} IS NULL", bad_template)
    if not f.null and not (f.blank and f.get_internal_type() in ("CharField", "TextField")):
        add(f"{c} IS NULL AND {r} IS NULL", _("%(field)s is missing"))
    low, high = _limits(f.target_field if f.is_relation else f)
    if low is not None:
        add(f"{c} < %s", _("%(field)s: {v} is below the minimum") + f" ({low})", c, (low,))
    if high is not None:
        add(f"{c} > %s", _("%(field)s: {v} is above the maximum") + f" ({high})", c, (high,))
    max_length = getattr(f, "max_length", None)
    if max_length and f.get_internal_type() in ("CharField", "SlugField", "EmailField", "URLField"):
        add(f"length({c}) > %s", _("%(field)s: “{v}” is longer than %(max)d characters").replace(
            "%(max)d", str(max_length)), r, (max_length,))
    if f.choices and not f.is_relation:
        codes = [str(k) for k, _label in f.flatchoices]
        add(f"{c} IS NOT NULL AND NOT ({c}::text = ANY(%s))", _("%(field)s: “{v}” is not in the code list"),
            r, (codes,))
    if f.get_internal_type() == "DecimalField":
        limit = 10 ** (f.max_digits - f.decimal_places)
        # As stored: rounded to the field's places (9999999999.999 becomes 10000000000.00).
        add(f"abs(round({c}, {int(f.decimal_places)})) >= %s", _("%(field)s: {v} has too many digits"), c, (limit,))
    if f.get_internal_type() == "FloatField":  # beyond a double precision's range the write would fail
        add(f"abs({c}) > 1e308 OR (abs({c}) < 1e-307 AND {c} <> 0)", _("%(field)s: {v} has too many digits"), r)


def geometry_sql(job, layer: type[Layer], *, safe: bool) -> tuple[str, str, list]:
    """The feature's geometry in the storage CRS and the layer's geometry type (NULL if none):
    (a lateral join giving the transformed geometry once per row as t.g, the expression of the
    layer's geometry over it, its parameters). A lateral unnest() rather than a scalar subquery:
    the transformation runs once per feature and the statement may still run in parallel."""
    storage = settings.CBS_SRID
    if job.kind in TABULAR:
        x, y = _value_sql(job.x_field), _value_sql(job.y_field)
        def num(v: str) -> str:
            return f"CASE WHEN {v} ~ '{COORDINATE}' THEN replace({v}, ',', '.')::float8 END"
        g0 = f"ST_SetSRID(ST_MakePoint({num(x)}, {num(y)}), {int(job.srid)})"
    else:
        g0 = f"ST_SetSRID(s.src_geom, {int(job.srid)})"
    if job.swap_axes:
        g0 = f"ST_FlipCoordinates({g0})"
    g0 = f"CASE WHEN ST_HasArc({g0}) THEN ST_CurveToLine({g0}) ELSE {g0} END"
    transformed = (f"cbs_import.try_transform({g0}, {storage})" if safe
                   else f"ST_Transform({g0}, {storage})") if job.srid != storage else g0
    lateral = f"CROSS JOIN LATERAL unnest(ARRAY[{transformed}]) AS t(g)"
    target = layer.geometry_type()
    if target.startswith("Multi"):
        single = target.removeprefix("Multi")
        return lateral, "CASE WHEN GeometryType(t.g) = %s THEN ST_Multi(t.g) ELSE t.g END", [single.upper()]
    return (lateral, "CASE WHEN GeometryType(t.g) = %s AND ST_NumGeometries(t.g) = 1 THEN ST_GeometryN(t.g, 1) "
            "ELSE t.g END", [f"MULTI{target.upper()}"])


def _buildable(geom: str) -> str:
    """`geom`, or its bounding box when it is invalid: a geometry GEOS cannot even build (a ring
    of one point) makes ST_Within or ST_Intersects an error for the whole statement, while
    ST_IsValid only answers false (such a geometry is rejected as invalid anyway)."""
    return f"CASE WHEN ST_IsValid({geom}) THEN {geom} ELSE ST_Envelope({geom}) END"


def _inside(geom: str, safe: bool) -> str:
    """ST_Within of `geom` in a %s area; `safe`: of _buildable(geom)."""
    return f"ST_Within({_buildable(geom) if safe else geom}, %s::geometry)"


def _geometry_reasons(layer: type[Layer], user_area, safe: bool = False) -> tuple[list[str], list]:
    target = layer.geometry_type().upper()
    checks = [  # (condition, its parameters, message, the value shown as {v})
        ("c._g IS NULL", (), _("no geometry (or coordinates that cannot be transformed)"), "NULL"),
        ("GeometryType(c._g) <> %s", (target,), _("wrong geometry type: {v}, the layer takes %(type)s")
         .replace("%(type)s", layer.geometry_type()), "GeometryType(c._g)"),
        ("ST_NPoints(c._g) > %s", (settings.CBS_MAX_VERTICES,), _("too many vertices ({v})"), "ST_NPoints(c._g)"),
        ("GeometryType(c._g) = %s AND NOT ST_IsValid(c._g)", (target,), _("invalid geometry: {v}"),
         "ST_IsValidReason(c._g)"),
        (f"NOT {_inside('c._g', safe)}", (municipality_area().ewkt,), _("outside the municipality"), "NULL"),
    ]
    sql, params = [], []
    for condition, extra, template, shown in checks:
        sql.append(f"CASE WHEN {condition} THEN replace(%s, '{{v}}', coalesce(({shown})::text, '')) END")
        params += [*extra, template]
    if user_area is not None:
        sql.append(f"CASE WHEN NOT {_inside('c._g', safe)} THEN %s END")
        params += [user_area.ewkt, _("outside the area you may edit")]
    return sql, params


def _has_coordinates(job) -> str:
    if job.kind in TABULAR:
        x, y = _value_sql(job.x_field), _value_sql(job.y_field)
        return f"({x} ~ '{COORDINATE}' AND {y} ~ '{COORDINATE}')"
    return "(s.src_geom IS NOT NULL AND NOT ST_IsEmpty(s.src_geom))"


def plausibility(job, layer: type[Layer]) -> list[dict]:
    """Findings about the whole file before anything is written: coordinates outside the
    municipality, axes that look swapped, CRSs the coordinates would fit. Uses a sample."""
    from types import SimpleNamespace

    area = municipality_area().ewkt
    sample = f"(SELECT * FROM {job.staging_table} ORDER BY src_fid LIMIT 2000)"

    def share(srid: int, swap: bool) -> tuple[int, int]:
        probe = SimpleNamespace(kind=job.kind, x_field=job.x_field, y_field=job.y_field, srid=srid, swap_axes=swap)
        lateral, geom, params = geometry_sql(probe, layer, safe=True)
        with connection.cursor() as cursor:
            # (A sample: the guard against geometries GEOS cannot build costs nothing here.)
            cursor.execute(f"SELECT count(*) FILTER (WHERE has), count(*) FILTER (WHERE ST_Intersects("  # noqa: S608
                           f"{_buildable('g')}, %s::geometry)) "
                           f"FROM (SELECT {geom} AS g, {_has_coordinates(job)} AS has FROM {sample} s {lateral}) q",
                           [area, *params])
            return cursor.fetchone()

    def fits(srid: int, swap: bool) -> bool:
        usable, inside = share(srid, swap)
        return bool(usable) and inside / usable >= 0.9

    with_geometry, inside = share(job.srid, job.swap_axes)
    if not with_geometry:
        return [{"level": "error", "text": _("No feature has usable coordinates: check the coordinate columns and CRS.")}]
    if inside / with_geometry >= 0.9:
        return []
    findings = [{"level": "error", "text": _("%(pct)d %% of the coordinates land outside the municipality in %(crs)s.")
                 % {"pct": round(100 * (1 - inside / with_geometry)), "crs": f"EPSG:{job.srid}"}}]
    if fits(job.srid, not job.swap_axes):
        findings.append({"level": "error", "code": "swapped", "text": _(
            "The axes look swapped (X and Y, or latitude and longitude, exchanged): with them exchanged "
            "the features fall inside the municipality. Tick “swap axes” and check again.")})
        return findings
    candidates = [srid for srid in CRS_CHOICES if srid != job.srid and fits(srid, job.swap_axes)]
    if candidates:
        findings.append({"level": "error", "code": "crs", "text": _(
            "The coordinates would fit %(list)s: the CRS is probably wrong.")
            % {"list": ", ".join(f"EPSG:{s} ({CRS_CHOICES[s]})" for s in candidates)}})
    else:
        findings.append({"level": "error", "text": _(
            "No CRS in the list puts the coordinates in the municipality: check the file.")})
    return findings


def run_checks(job, layer: type[Layer], user=None, progress: Callable[[int], None] = lambda p: None) -> dict:
    """Create the checked table; returns totals, accepted/rejected counts and unknown codes."""
    from cbs.accounts.selectors import edit_area

    plan = build_plan(job, layer, staging_types(job))
    table = checked_table(job)
    user_area = edit_area(user, layer) if user is not None else None
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
    progress(10)
    converted = f"{table}_converted"
    for safe in (False, True):
        lateral, geom, geom_params = geometry_sql(job, layer, safe=safe)
        geo_sql, geo_reasons_params = _geometry_reasons(layer, user_area, safe=safe)
        reasons = plan.reasons + geo_sql
        # Two statements, each free to run on parallel workers: the converted values first (each
        # computed once), then the reasons, which read them several times each.
        steps = [
            (f"CREATE UNLOGGED TABLE {converted} AS SELECT s.src_fid, {', '.join(plan.columns)}, {geom} AS _g "  # noqa: S608
             f"FROM {job.staging_table} s {lateral}", [*plan.params, *geom_params]),
            (f"CREATE UNLOGGED TABLE {table} AS SELECT c.*, array_remove(ARRAY[{', '.join(reasons)}]::text[], NULL) "  # noqa: S608
             f"AS _reasons FROM {converted} c", [*plan.reason_params, *geo_reasons_params]),
            (f"DROP TABLE {converted}", []),
        ]
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                # JIT compiling these wide expressions costs ~1 s and saves less, even at 1M rows.
                cursor.execute("SET LOCAL jit = off")
                for sql, params in steps:
                    cursor.execute(sql, params)
            break
        except Exception:  # a coordinate outside the CRS's domain, a geometry GEOS cannot build: retry safely
            if safe:
                raise
    progress(60)
    if job.mode == "replace" and job.area is None:  # "the file's extent": known only now
        from .areas import file_extent

        job.area = file_extent(table)
        if job.area is None:
            raise ValidationError(_("The file has no usable geometry, so it covers no area to replace."))
    _set_based_checks(job, layer, plan, table)
    progress(85)
    if plan.python_checked:
        _python_checks(plan, table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*), count(*) FILTER (WHERE cardinality(_reasons) = 0) FROM {table}")
        total, accepted = cursor.fetchone()
    return {"total": total, "accepted": accepted, "rejected": total - accepted, "area": job.area,
            "unknown_codes": _unknown_codes(job, layer, plan, table)}


def _append_reason(table: str, where: str, message_sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} c SET _reasons = _reasons || ({message_sql}) WHERE {where}", params)  # noqa: S608


def _set_based_checks(job, layer: type[Layer], plan: Plan, table: str) -> None:
    """Uniqueness (inside the file and against the layer) and references to other layers."""
    qn = connection.ops.quote_name
    layer_table = qn(layer.meta().db_table)
    replace_area = job.area.ewkt if job.mode == "replace" and job.area is not None else None
    unique = [(name, f) for name, f in target_properties(layer).items() if f.unique and name in job.mapping]
    together = unique_together(layer)
    # One transaction: the helper table below never outlives a check that is cut off.
    with transaction.atomic():
        existing, same_feature_ok = layer_table, False
        if replace_area and (unique or together):
            # Rows inside the replace area will be replaced (or updated by tucbsNo): no conflict.
            # The layer's features outside the area (by a point on the surface, as the writer
            # decides) are found once for all unique attributes, not once per attribute (a
            # point on the surface of every feature of the layer each time).
            existing = f"{table}_outside"
            geom = qn(layer.geometry().column)
            columns = ", ".join(dict.fromkeys(['"tucbsNo"', *(qn(f.column) for _n, f in unique),
                                               *(qn(f.column) for group in together for _n, f in group)]))
            with connection.cursor() as cursor:
                cursor.execute(f"CREATE UNLOGGED TABLE {existing} AS SELECT {columns} FROM {layer_table} t "  # noqa: S608
                               f"WHERE NOT (t.{geom} && %(area)s::geometry "
                               f"AND ST_Intersects(ST_PointOnSurface(t.{geom}), %(area)s::geometry))",
                               {"area": replace_area})
                cursor.execute(f"ANALYZE {existing}")
            same_feature_ok = True
        for name, f in target_properties(layer).items():
            col = plan.targets[name]
            if name not in job.mapping:
                continue
            label = str(f.verbose_name)
            if f.unique:
                _uniqueness_reasons(table, existing, plan, [(name, f)], same_feature_ok and name != "tucbsNo",
                                    _("%(field)s: {v} occurs more than once in the file"),
                                    _("%(field)s: {v} already exists in the layer"))
            if f.is_relation:
                target = f.related_model._meta
                _append_reason(table, f"c.{col} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {qn(target.db_table)} r "
                                      f"WHERE r.{qn(f.target_field.column)} = c.{col})",
                               "replace(%s, '{v}', c." + col + "::text)",
                               [_("%(field)s: {v} does not exist") % {"field": label}])
        for group in together:
            _uniqueness_reasons(table, existing, plan, group, same_feature_ok,
                                _("%(field)s: “{v}” occurs more than once in the file"),
                                _("%(field)s: “{v}” already exists in the layer"))
        if existing != layer_table:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE {existing}")


def unique_together(layer: type[Layer]) -> list[list[tuple[str, Field]]]:
    """The model's unique constraints over several fields (or one field without unique=True),
    as lists of (property name, field), when the import fills every one of their fields: the
    write would otherwise fail on them as a whole (an IntegrityError, not a reason)."""
    by_field = {f.name: (name, f) for name, f in target_properties(layer).items()}
    return [[by_field[n] for n in c.fields] for c in layer.meta().constraints
            if isinstance(c, UniqueConstraint) and c.fields and c.condition is None
            and not c.expressions and all(n in by_field for n in c.fields)]


def _uniqueness_reasons(table: str, existing: str, plan: Plan, group: list[tuple[str, Field]], same_feature: bool,
                        twice: str, taken: str) -> None:
    """Reasons for features whose values of `group` (one unique field, or a unique constraint's
    fields) repeat in the file, or exist in `existing` – but for the same feature (tucbsNo) when
    `same_feature` (a replace updates it)."""
    qn = connection.ops.quote_name
    bare = [plan.targets[name] for name, _f in group]
    label = " + ".join(str(f.verbose_name) for _n, f in group)
    shown = "replace(%s, '{v}', concat_ws(' / ', " + ", ".join(f"c.{b}::text" for b in bare) + "))"
    _append_reason(table, f"({', '.join(f'c.{b}' for b in bare)}) IN (SELECT {', '.join(bare)} FROM {table} "  # noqa: S608
                          f"WHERE {' AND '.join(f'{b} IS NOT NULL' for b in bare)} "
                          f"GROUP BY {', '.join(bare)} HAVING count(*) > 1)",
                   shown, [twice % {"field": label}])
    # The converted address is text (host()); the layer's column is inet.
    def cast(f: Field) -> str:
        return "::inet" if f.get_internal_type() == "GenericIPAddressField" else ""

    equal = " AND ".join(f"t.{qn(f.column)} = c.{b}{cast(f)}" for (_n, f), b in zip(group, bare, strict=True))
    same = f'AND t."tucbsNo" IS DISTINCT FROM c.{plan.targets["tucbsNo"]}' if same_feature else ""
    _append_reason(table, f"EXISTS (SELECT 1 FROM {existing} t WHERE {equal} {same})",  # noqa: S608
                   shown, [taken % {"field": label}])


def _python_checks(plan: Plan, table: str) -> None:
    """Validators SQL cannot express run in Python on the distinct values (few, usually)."""
    for name, f in plan.python_checked:
        col = plan.targets[name]
        bad: dict[str, str] = {}
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT DISTINCT {col}::text FROM {table} WHERE {col} IS NOT NULL")  # noqa: S608
            for (value,) in cursor.fetchall():
                try:
                    f.run_validators(f.to_python(value))
                except ValidationError as exc:
                    bad[value] = f"{f.verbose_name}: " + "; ".join(exc.messages)
        for value, message in bad.items():
            _append_reason(table, f"c.{col}::text = %s", "%s::text", [message, value])


def _unknown_codes(job, layer: type[Layer], plan: Plan, table: str) -> dict[str, list[str]]:
    """Source values of code-list attributes that are not codes (for the code mapping form)."""
    out = {}
    for name, f in target_properties(layer).items():
        if not f.choices or f.is_relation or name not in job.mapping:
            continue
        col = plan.targets[name]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT DISTINCT _r{col[2:]} FROM {table} WHERE _r{col[2:]} IS NOT NULL "  # noqa: S608
                           f"AND NOT ({col}::text = ANY(%s)) ORDER BY 1 LIMIT 50",
                           [[str(k) for k, _l in f.flatchoices]])
            values = [row[0] for row in cursor.fetchall()]
        if values:
            out[name] = values
    return out
