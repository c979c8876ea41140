"""The queue's badges as tags (one call per row instead of two template includes): the same
classes and words as the partials they replace, the CİMER deadline in local time."""

from django.template import Context, Template
from django.utils import translation

from backoffice.tickets import cimer, selectors, services
from backoffice.tickets.models import Ticket


def _badges(ticket):
    row = cimer.with_legal_state(selectors.with_sla_state(Ticket.objects.filter(pk=ticket.pk))).get()
    with translation.override("tr"):
        return Template("{% load tickets %}{% sla_badge t %}|{% legal_badge t %}").render(Context({"t": row}))


def test_sla_and_cimer_badges(helpdesk, camera_fault):
    camera_fault.channel = "cimer"
    ticket = services.ticket_open(data=camera_fault)
    sla, legal = _badges(ticket).split("|")
    assert sla == '<span class="badge bg-success">Zamanında</span>'
    # the deadline ends at local midnight: the title shows 23:59 Istanbul time, not UTC's 20:59
    assert 'class="badge bg-info text-dark cbs-legal"' in legal and "23:59" in legal and "CİMER" in legal
    camera_fault.channel = "telefon"
    plain = services.ticket_open(data=camera_fault)
    assert _badges(plain).split("|")[1] == ""
