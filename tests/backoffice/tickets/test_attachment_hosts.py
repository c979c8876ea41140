"""Ticket attachments on several hosts (issue 16.3): stored in the shared storage, downloaded from
any host through the checked view (never a public /media/ URL), under a safe file name."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from backoffice.tickets import services
from backoffice.tickets.models import Attachment
from cbs.testing import make_user


@pytest.fixture
def ticket(db, camera_fault):
    return services.ticket_open(data=camera_fault, user=None)


def download(client, attachment):
    return client.get(reverse("tickets:attachment", args=[attachment.pk]))


def test_an_attachment_uploaded_on_one_host_is_downloaded_from_another(client, ticket, helpdesk, hosts):
    client.force_login(helpdesk)
    hosts.switch("host-1")
    client.post(reverse("tickets:detail", args=[ticket.number]),
                {"action": "attach", "file": SimpleUploadedFile("kamera kaydı.txt", b"kayit yok 03:00\n")})
    attachment = ticket.attachments.get()
    assert (hosts.shared / attachment.file.name).is_file() and hosts.local_files("host-1") == []
    hosts.switch("host-2")
    response = download(client, attachment)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"kayit yok 03:00\n"
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''kamera%20kayd%C4%B1.txt"
    assert client.get(f"/media/{attachment.file.name}").status_code == 404  # never a public URL
    viewer = make_user(("module:tickets", "view"))
    client.force_login(make_user())
    assert download(client, attachment).status_code in (302, 403)
    client.force_login(viewer)
    assert download(client, attachment).status_code == 200


def test_file_names_cannot_break_the_download_header(client, ticket, helpdesk, hosts):
    hosts.switch("host-1")
    attachment = services.ticket_attach(ticket=ticket, user=helpdesk, upload=SimpleUploadedFile(
        'rapor"\r\nSet-Cookie: a=b\t.txt', b"log\n", content_type="text/plain"))
    assert attachment.original_name == 'rapor" Set-Cookie: a=b .txt'
    client.force_login(helpdesk)
    hosts.switch("host-2")
    response = download(client, attachment)
    assert response.status_code == 200
    assert response["Content-Disposition"] == r'attachment; filename="rapor\" Set-Cookie: a=b .txt"'
    assert "Set-Cookie" not in response.headers and not response.cookies
    # A row stored before names were cleaned is served under a cleaned name too.
    Attachment.objects.filter(pk=attachment.pk).update(original_name="eski\nad.txt")
    assert download(client, attachment)["Content-Disposition"] == 'attachment; filename="eski ad.txt"'
    default_storage.delete(attachment.file.name)  # lost from the storage: a 404, not a 500
    assert download(client, attachment).status_code == 404


def test_a_failed_attach_leaves_no_file(ticket, helpdesk, hosts, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr(services, "audit_model_write", broken)
    with pytest.raises(RuntimeError):
        services.ticket_attach(ticket=ticket, user=helpdesk, upload=SimpleUploadedFile("a.txt", b"x\n"))
    assert [p for p in hosts.shared.rglob("*") if p.is_file()] == []
