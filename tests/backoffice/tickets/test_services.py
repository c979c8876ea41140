"""Ticket workflow, SLA clock (weekend, holiday, pausing), notifications, attachments, merging."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from backoffice.tickets import services
from backoffice.tickets.models import Category, EventKind, Status, Ticket
from backoffice.tickets.selectors import Sla, with_sla_state
from cbs.testing import make_user

IST = ZoneInfo("Europe/Istanbul")


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=IST)


def send_queued_mail(kind: str) -> None:
    """Send the mail jobs this test's transaction queued, as the worker would (tests/backoffice/
    tickets/test_mail_queue.py runs them in a real worker against a real SMTP server)."""
    from procrastinate.contrib.django.models import ProcrastinateJob

    from backoffice.tickets import notifications

    for job in ProcrastinateJob.objects.filter(task_name="tickets.send_mail", status="todo",
                                                  args__kind=kind).order_by("id"):
        notifications.deliver(**job.args)


def errors_of(call) -> dict:
    with translation.override("en"), pytest.raises(ValidationError) as info:
        call()
    return info.value.message_dict


def sla_of(ticket, now) -> str:
    return with_sla_state(Ticket.objects.filter(pk=ticket.pk), now).get().sla_state


class OpenTests:
    def test_routed_and_due_across_holiday_and_weekend(self, helpdesk, camera_fault):
        """Opened Thursday 30 April 15:30: the camera SLA (30 min / 4 h) skips Friday 1 May (Labour
        Day) and the weekend: resolution due Monday 4 May 10:30."""
        ticket = services.ticket_open(data=camera_fault, user=helpdesk, now=at(4, 30, 15, 30))
        assert ticket.team.name == "Sistem ve Ağ"  # routed by the parent category
        assert ticket.response_due == at(4, 30, 16, 0)
        assert ticket.resolution_due == at(5, 4, 10, 30)
        assert ticket.location == camera_fault.camera.geom  # the camera's place
        assert ticket.number.startswith("2026-")

    @pytest.mark.parametrize(("field", "value"), [("requester_name", ""), ("consent_note", ""),
                                                   ("requester_phone", "")])
    def test_citizen_needs_name_contact_and_consent(self, helpdesk, camera_fault, field, value):
        setattr(camera_fault, field, value)
        if field == "requester_phone":
            camera_fault.requester_email = ""
        assert field in errors_of(lambda: services.ticket_open(data=camera_fault, user=helpdesk))

    def test_a_place_is_required(self, helpdesk, camera_fault):
        camera_fault.camera = None
        assert "location" in errors_of(lambda: services.ticket_open(data=camera_fault, user=helpdesk))

    def test_viewer_cannot_open(self, camera_fault):
        with pytest.raises(PermissionDenied):
            services.ticket_open(data=camera_fault, user=make_user(("module:tickets", "view")))
        assert not Ticket.objects.filter(title=camera_fault.title).exists()


class WorkflowTests:
    def test_assign_work_wait_resolve_close_reopen(self, helpdesk, technician, camera_fault, mailoutbox):
        ticket = services.ticket_open(data=camera_fault, user=helpdesk, now=at(6, 1, 9))
        ticket = services.ticket_assign(ticket=ticket, assignee=technician, user=helpdesk, now=at(6, 1, 9, 10))
        assert ticket.status == Status.ASSIGNED and ticket.first_response_at == at(6, 1, 9, 10)
        assert mailoutbox == []  # queued in the transaction, sent by the worker
        send_queued_mail("assigned")
        assert mailoutbox[-1].to == [technician.email] and ticket.number in mailoutbox[-1].subject
        for status in (Status.IN_PROGRESS, Status.WAITING, Status.IN_PROGRESS):
            ticket = services.ticket_transition(ticket=ticket, status=status, user=technician, now=at(6, 1, 10))
        assert "note" in errors_of(lambda: services.ticket_transition(
            ticket=ticket, status=Status.RESOLVED, user=technician))
        ticket = services.ticket_transition(ticket=ticket, status=Status.RESOLVED, note="Kablo yenilendi.",
                                            user=technician, now=at(6, 1, 11))
        send_queued_mail("resolved")
        assert mailoutbox[-1].to == ["ayse@example.org"] and "Kablo yenilendi." in mailoutbox[-1].body
        ticket = services.ticket_transition(ticket=ticket, status=Status.CLOSED, user=helpdesk, now=at(6, 2, 9))
        ticket = services.ticket_transition(ticket=ticket, status=Status.IN_PROGRESS, user=helpdesk,
                                            note="Yine görüntü yok", now=at(6, 3, 9))
        assert ticket.resolved_at is None and ticket.closed_at is None
        moves = list(ticket.events.filter(kind=EventKind.TRANSITION).values_list("from_status", "to_status"))
        assert moves[-1] == (Status.CLOSED, Status.IN_PROGRESS) and len(moves) == 8

    def test_moves_outside_the_workflow_are_refused(self, helpdesk, camera_fault):
        ticket = services.ticket_open(data=camera_fault, user=helpdesk)
        errors = errors_of(lambda: services.ticket_transition(ticket=ticket, status=Status.WAITING,
                                                              user=helpdesk))
        assert "New" in errors["status"][0] and "Waiting" in errors["status"][0]

    def test_only_ticket_workers_can_be_assigned(self, helpdesk, camera_fault):
        ticket = services.ticket_open(data=camera_fault, user=helpdesk)
        outsider = make_user(("module:assets", "edit"))
        assert "assignee" in errors_of(lambda: services.ticket_assign(ticket=ticket, assignee=outsider,
                                                                      user=helpdesk))

    def test_waiting_pauses_the_clock(self, helpdesk, technician, camera_fault):
        """Opened Monday 1 June 09:00 (normal priority: 27 working hours → Thursday 09:00); waiting
        from Monday 10:00 to Tuesday 10:00 (9 working hours) moves the due time to Friday 09:00."""
        camera_fault.category = Category.objects.get(name="Bilgisayar")
        camera_fault.priority = 3
        ticket = services.ticket_open(data=camera_fault, user=helpdesk, now=at(6, 1, 9))
        assert ticket.resolution_due == at(6, 4, 9)
        ticket = services.ticket_assign(ticket=ticket, assignee=technician, user=helpdesk, now=at(6, 1, 9, 30))
        ticket = services.ticket_transition(ticket=ticket, status=Status.WAITING, user=technician,
                                            now=at(6, 1, 10))
        assert sla_of(ticket, at(6, 5, 12)) == Sla.OK  # the clock stands still while waiting
        ticket = services.ticket_transition(ticket=ticket, status=Status.IN_PROGRESS, user=technician,
                                            now=at(6, 2, 10))
        assert ticket.paused_seconds == 9 * 3600 and ticket.resolution_due == at(6, 5, 9)
        assert sla_of(ticket, at(6, 5, 8)) == Sla.AT_RISK
        assert sla_of(ticket, at(6, 5, 9, 1)) == Sla.BREACHED

    def test_resolved_late_is_breached(self, helpdesk, technician, camera_fault):
        ticket = services.ticket_open(data=camera_fault, user=helpdesk, now=at(6, 1, 9))
        services.ticket_assign(ticket=ticket, assignee=technician, user=helpdesk, now=at(6, 1, 9))
        ticket = services.ticket_transition(ticket=ticket, status=Status.RESOLVED, note="ok", user=technician,
                                            now=at(6, 2, 9))
        assert sla_of(ticket, at(6, 9, 9)) == Sla.BREACHED


class CommentAttachmentMergeTests:
    def test_reply_counts_as_first_response_and_work_is_logged(self, helpdesk, camera_fault):
        ticket = services.ticket_open(data=camera_fault, user=helpdesk, now=at(6, 1, 9))
        services.ticket_comment(ticket=ticket, kind=EventKind.REPLY, text="Ekip yönlendirildi.", user=helpdesk,
                                now=at(6, 1, 9, 5))
        services.ticket_comment(ticket=ticket, kind=EventKind.WORK, text="Sahada kontrol", minutes=45,
                                user=helpdesk)
        ticket.refresh_from_db()
        assert ticket.first_response_at == at(6, 1, 9, 5)
        assert sum(ticket.events.values_list("minutes", flat=True)) == 45
        assert "minutes" in errors_of(lambda: services.ticket_comment(
            ticket=ticket, kind=EventKind.WORK, text="x", minutes=5000, user=helpdesk))

    def test_attachments_checked_and_stored_under_server_names(self, helpdesk, camera_fault, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        ticket = services.ticket_open(data=camera_fault, user=helpdesk)
        good = services.ticket_attach(ticket=ticket, user=helpdesk, upload=SimpleUploadedFile(
            "../../etc/rapor.pdf", b"%PDF-1.4 test", content_type="application/pdf"))
        assert good.original_name == "rapor.pdf" and "rapor" not in good.file.name and ".." not in good.file.name
        for upload in (SimpleUploadedFile("x.exe", b"MZ..."), SimpleUploadedFile("fake.pdf", b"MZ not a pdf"),
                       SimpleUploadedFile("bin.txt", b"\xff\xfe\x00\x00binary")):
            assert "file" in errors_of(lambda u=upload: services.ticket_attach(ticket=ticket, upload=u, user=helpdesk))
        settings.CBS_ATTACHMENT_MAX_BYTES = 10
        assert "file" in errors_of(lambda: services.ticket_attach(
            ticket=ticket, user=helpdesk, upload=SimpleUploadedFile("big.txt", b"x" * 11)))
        assert ticket.attachments.count() == 1

    def test_merge_closes_the_duplicate(self, helpdesk, camera_fault):
        first = services.ticket_open(data=camera_fault, user=helpdesk)
        second = services.ticket_open(data=camera_fault, user=helpdesk)
        merged = services.ticket_merge(duplicate=second, into=first, user=helpdesk)
        assert merged.status == Status.CLOSED and merged.merged_into == first
        assert "into" in errors_of(lambda: services.ticket_merge(duplicate=first, into=first, user=helpdesk))


class SlaFilterTests:
    def test_filter_agrees_with_the_annotation(self, helpdesk, technician, camera_fault):
        """Each SLA filter selects exactly the tickets the annotation labels so."""
        from backoffice.tickets.selectors import sla_filter

        late = services.ticket_open(data=camera_fault, user=helpdesk, now=at(6, 1, 9))
        fresh = services.ticket_open(data=camera_fault, user=helpdesk, now=at(6, 3, 9))
        waiting = services.ticket_open(data=camera_fault, user=helpdesk, now=at(6, 1, 9))
        services.ticket_assign(ticket=waiting, assignee=technician, user=helpdesk, now=at(6, 1, 9))
        services.ticket_transition(ticket=waiting, status=Status.WAITING, user=technician, now=at(6, 1, 10))
        now = at(6, 3, 9, 30)
        mine = Ticket.objects.filter(pk__in=[late.pk, fresh.pk, waiting.pk])
        labels = dict(with_sla_state(mine, now).values_list("pk", "sla_state"))
        assert labels == {late.pk: Sla.BREACHED, fresh.pk: Sla.OK, waiting.pk: Sla.OK}
        for state in (Sla.BREACHED, Sla.AT_RISK, Sla.OK, Sla.NONE):
            assert set(sla_filter(mine, state, now).values_list("pk", flat=True)) == {
                pk for pk, label in labels.items() if label == state}
