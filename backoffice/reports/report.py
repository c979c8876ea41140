"""The activity report: the same figures as sections (title, columns, rows), and its XLSX and
PDF renderings, stating the period and the moment it was made."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.tickets.models import Channel
from cbs.spreadsheet import xlsx_append
from cbs.text import xml_text

from . import cimer, labels, selectors
from .period import Period

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"  # Turkish letters (Debian fonts-dejavu-core)


@dataclass
class Section:
    title: str
    columns: list[str]
    rows: list[list]


@dataclass
class Report:
    period: Period
    made_at: datetime
    totals: dict
    sections: list[Section]


def activity_report(period: Period) -> Report:
    channels = dict(Channel.choices)
    totals = selectors.ticket_totals(period)
    per_channel = selectors.by_channel(period)
    sections = [
        Section(_("Incoming requests by channel"), [_("Channel"), _("Opened"), _("Resolved or closed"), _("Still open")],
                [[channels.get(r["channel"], r["channel"]), r["opened"], r["done"], r["still_open"]] for r in per_channel]),
        Section(_("CİMER and muhtarlık requests and their outcome"),
                [_("Channel"), _("Opened"), _("Resolved or closed"), _("Still open")],
                [[channels[r["channel"]], r["opened"], r["done"], r["still_open"]] for r in per_channel
                 if r["channel"] in ("cimer", "muhtarlik")]),
        Section(_("CİMER/BİMER applications and the 30-day legal deadline"), cimer.report_columns(),
                cimer.report_rows(period)),
        Section(_("Work done per unit"), [_("Unit"), _("Requests"), _("Resolved or closed")],
                [[r["unit"], r["opened"], r["done"]] for r in selectors.work_per_unit(period)]),
        Section(_("Resolution time per category (hours)"),
                [_("Category"), _("Resolved"), _("Median"), _("90th percentile"), _("SLA compliance %")],
                [[r["category"], r["resolved"], r["median_hours"], r["p90_hours"], r["sla_compliance"]]
                 for r in selectors.resolution_hours_by_category(period)]),
        Section(_("Tickets per week"), [_("Week"), _("Opened"), _("Resolved")],
                [[r["week"], r["opened"], r["resolved"]] for r in selectors.tickets_per_week(period)]),
        Section(_("Technicians' workload"), [_("Technician"), _("Open now"), _("Resolved"), _("Minutes logged")],
                [[r["technician"], r["open_now"], r["resolved"], r["minutes"]]
                 for r in selectors.technician_workload(period)]),
        Section(_("Open tickets by status"), [_("Status"), _("Count")],
                [[labels.status(r["label"]), r["count"]] for r in selectors.open_by("status")]),
        Section(_("Tickets per neighbourhood"), [_("Neighbourhood"), _("Population"), _("Opened")],
                [[r["mahalle"], r["population"], r["opened"]] for r in selectors.tickets_per_mahalle(period)]),
        Section(_("Layer edits"), [_("Layer"), _("Week"), _("Who"), _("Created"), _("Changed"), _("Deleted")],
                [[labels.layer(r["layer"]), r["week"], r["who"], r["created"], r["changed"], r["deleted"]]
                 for r in selectors.layer_edits(period)]),
    ]
    return Report(period=period, made_at=timezone.localtime(), totals=totals, sections=sections)


def _header(report: Report) -> list[str]:
    t = report.totals
    return [
        _("Activity report %(first)s – %(last)s") % {"first": report.period.first, "last": report.period.last},
        _("Made at %(time)s") % {"time": report.made_at.strftime("%Y-%m-%d %H:%M")},
        _("Opened %(opened)s, resolved %(resolved)s, open now %(open)s, SLA compliance %(sla)s")
        % {"opened": t["opened"], "resolved": t["resolved"], "open": t["open_now"],
           "sla": "–" if t["sla_compliance"] is None else f"%{t['sla_compliance']}"},
    ]


def _cell(value):
    """Numbers stay numbers (Decimal → float), everything else (lazy labels) becomes text –
    without what XML cannot carry (a mahalle name from the data with \x01 made openpyxl refuse
    the whole workbook)."""
    if value is None or isinstance(value, int | float):
        return value
    if isinstance(value, Decimal):
        return float(value)
    return xml_text(str(value))


def to_xlsx(report: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    summary = book.active
    summary.title = _("Summary")[:31]
    # Names stored by users (categories, units, people, mahalleler) are text, never formulas.
    for line in _header(report):
        xlsx_append(summary, [line])
    summary["A1"].font = Font(bold=True, size=14)
    for section in report.sections:
        sheet = book.create_sheet(section.title[:31].replace("/", "-"))
        xlsx_append(sheet, [section.title])
        xlsx_append(sheet, section.columns)
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in section.rows:
            xlsx_append(sheet, [_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_pdf(report: Report) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVuSans", FONT))
    styles = getSampleStyleSheet()
    for style in styles.byName.values():
        style.fontName = "DejaVuSans"
    story = [Paragraph(_header(report)[0], styles["Title"])]
    story += [Paragraph(line, styles["Normal"]) for line in _header(report)[1:]]
    for section in report.sections:
        story += [Spacer(1, 12), Paragraph(section.title, styles["Heading2"])]
        data = [section.columns] + [["–" if v is None else str(v) for v in row] for row in section.rows]
        table = Table(data, repeatRows=1)
        table.setStyle(TableStyle([
            ("FONTNAME", (0, 0), (-1, -1), "DejaVuSans"), ("FONTSIZE", (0, 0), (-1, -1), 8),
            ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
            ("GRID", (0, 0), (-1, -1), 0.25, colors.grey)]))
        story.append(table)
    from reportlab.platypus import Image

    from . import thematic

    story += [Spacer(1, 12), Paragraph(_("Thematic maps"), styles["Heading2"])]
    for key in ("tickets", "coverage"):
        data = thematic.theme_data(key, report.period)
        story.append(Image(io.BytesIO(thematic.to_png(data)), width=420, height=327))
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, title=_header(report)[0], author="Kent CBS").build(story)
    return out.getvalue()
