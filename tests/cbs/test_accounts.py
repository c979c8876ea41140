"""Roles, login, lockout and logout."""

import io
from datetime import timedelta

from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cbs.accounts.lockout import active_lockouts
from cbs.accounts.models import Grant
from cbs.accounts.roles import ROLES
from cbs.accounts.selectors import edit_area, effective_permissions, user_can
from cbs.audit.models import AuditRecord
from cbs.testing import make_user
from layers.models import Mahalle
from layers.registry import get_layer

HOME = "192.0.2.10"
ELSEWHERE = "203.0.113.20"


def fail(client, username: str, times: int, *, address: str) -> None:
    for _ in range(times):
        client.post(reverse("login"), {"username": username, "password": "yanlış"}, REMOTE_ADDR=address)


class RoleTests:
    def test_roles_exist_with_turkish_names(self, db):
        """The roles are groups with their Turkish names ("Personel" is every account's default)."""
        names = set(Group.objects.values_list("name", flat=True))
        assert {"CBS editörü", "CBS görüntüleyici", "Yardım masası", "Teknisyen", "Birim yöneticisi",
                "Sistem yöneticisi", "Personel"} <= names
        assert len(ROLES) == 7

    def test_editor_role_grants_layer_edit(self, db):
        """A member of CBS editörü may edit any layer but not the help desk."""
        user = get_user_model().objects.create_user("ed", None, None)
        user.groups.add(Group.objects.get(name="CBS editörü"))
        assert user_can(user, "layer:bi-bina", "edit")
        assert not user_can(user, "module:tickets", "view")


class LoginTests:
    def test_login_and_logout(self, client, db):
        """A user logs in with the form and logs out with POST."""
        get_user_model().objects.create_user("ayse", None, "doğru-parola-123")
        response = client.post(reverse("login"), {"username": "ayse", "password": "doğru-parola-123"})
        assert response.status_code == 302
        assert client.get("/").context["user"].is_authenticated
        client.post(reverse("logout"))
        assert not client.get("/").context["user"].is_authenticated

    def test_lockout_after_repeated_failures(self, client, db, settings):
        """After N wrong passwords from one address even the right one is refused there, with a
        clear Turkish message naming the address and when the lock ends."""
        get_user_model().objects.create_user("mehmet", None, "doğru-parola-123")
        fail(client, "mehmet", settings.CBS_LOCKOUT_FAILURES, address=HOME)
        response = client.post(reverse("login"), {"username": "mehmet", "password": "doğru-parola-123"},
                               HTTP_ACCEPT_LANGUAGE="tr", REMOTE_ADDR=HOME)
        assert response.status_code == 200
        page = response.content.decode()
        assert "çok fazla hatalı giriş" in page.lower()
        assert HOME in page and "Kilit bitişi: saat" in page and f"({settings.CBS_LOCKOUT_MINUTES} dk. sonra)" in page
        assert not response.context["user"].is_authenticated

    def test_lockout_message_in_english(self, client, db, settings):
        """The same message in English, shown already on the failure that locks."""
        get_user_model().objects.create_user("john", None, "right-password-123")
        fail(client, "john", settings.CBS_LOCKOUT_FAILURES - 1, address=HOME)
        response = client.post(reverse("login"), {"username": "john", "password": "wrong"},
                               HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR=HOME)
        assert response.status_code == 200
        assert (f"Too many failed logins for this account from your address ({HOME})"
                in response.content.decode())

    def test_other_address_still_logs_in(self, client, db, settings):
        """Five wrong passwords for `admin` from one address do not lock `admin` out for everyone:
        the same account logs in from another address."""
        get_user_model().objects.create_user("admin2", None, "doğru-parola-123")
        fail(client, "admin2", settings.CBS_LOCKOUT_FAILURES + 2, address=ELSEWHERE)
        refused = client.post(reverse("login"), {"username": "admin2", "password": "doğru-parola-123"},
                              REMOTE_ADDR=ELSEWHERE)
        assert not refused.wsgi_request.user.is_authenticated
        response = client.post(reverse("login"), {"username": "admin2", "password": "doğru-parola-123"},
                               REMOTE_ADDR=HOME)
        assert response.status_code == 302 and response.wsgi_request.user.is_authenticated

    def test_other_user_names_from_the_locked_address_still_log_in(self, client, db, settings):
        """The lock is on the pair (user name, address): a colleague at the same desk logs in."""
        get_user_model().objects.create_user("ayse2", None, "doğru-parola-123")
        fail(client, "ghost", settings.CBS_LOCKOUT_FAILURES, address=HOME)
        response = client.post(reverse("login"), {"username": "ayse2", "password": "doğru-parola-123"},
                               REMOTE_ADDR=HOME)
        assert response.status_code == 302

    def test_lock_ends_after_the_cool_off(self, client, db, settings):
        """CBS_LOCKOUT_MINUTES after the last failure the account logs in again from there."""
        get_user_model().objects.create_user("zeynep", None, "doğru-parola-123")
        fail(client, "zeynep", settings.CBS_LOCKOUT_FAILURES, address=HOME)
        AccessAttempt.objects.filter(username="zeynep").update(
            attempt_time=timezone.now() - timedelta(minutes=settings.CBS_LOCKOUT_MINUTES, seconds=1))
        response = client.post(reverse("login"), {"username": "zeynep", "password": "doğru-parola-123"},
                               REMOTE_ADDR=HOME)
        assert response.status_code == 302

    def test_failure_limit_comes_from_settings(self, client, db, settings):
        """The limit is CBS_LOCKOUT_FAILURES: one failure fewer still lets the right password in."""
        assert settings.AXES_FAILURE_LIMIT == settings.CBS_LOCKOUT_FAILURES
        assert settings.AXES_COOLOFF_TIME == timedelta(minutes=settings.CBS_LOCKOUT_MINUTES)
        get_user_model().objects.create_user("fatma", None, "doğru-parola-123")
        fail(client, "fatma", settings.CBS_LOCKOUT_FAILURES - 1, address=HOME)
        response = client.post(reverse("login"), {"username": "fatma", "password": "doğru-parola-123"},
                               REMOTE_ADDR=HOME)
        assert response.status_code == 302

    def test_admin_login_uses_lockout_too(self, client, db, settings):
        """The admin login form is protected the same way, and says so."""
        get_user_model().objects.create_superuser("root2", None, "doğru-parola-123")
        for _ in range(settings.CBS_LOCKOUT_FAILURES):
            client.post("/admin/login/", {"username": "root2", "password": "x"}, REMOTE_ADDR=HOME)
        response = client.post("/admin/login/", {"username": "root2", "password": "doğru-parola-123"},
                               REMOTE_ADDR=HOME, HTTP_ACCEPT_LANGUAGE="tr")
        assert response.status_code == 200
        assert "çok fazla hatalı giriş" in response.content.decode().lower()
        assert client.post("/admin/login/", {"username": "root2", "password": "doğru-parola-123"},
                           REMOTE_ADDR=ELSEWHERE).status_code == 302


class LockoutResetTests:
    def lock(self, client, settings, username="kilitli"):
        get_user_model().objects.create_user(username, None, "doğru-parola-123")
        fail(client, username, settings.CBS_LOCKOUT_FAILURES, address=HOME)
        assert [lock.address for lock in active_lockouts(username=username)] == [HOME]

    def test_admin_finds_the_lockout_on_the_user_page_and_lifts_it(self, client, admin_client_tr, db,
                                                                   settings):
        """The user's admin page lists the lockout and links the lockouts page, where the
        action lifts it (audited); then the user logs in from that address."""
        self.lock(client, settings)
        user = get_user_model().objects.get(username="kilitli")
        page = admin_client_tr.get(f"/admin/auth/user/{user.pk}/change/").content.decode()
        assert "Giriş kilitleri" in page and f"{HOME} adresinden" in page
        listing = admin_client_tr.get("/admin/accounts/loginlockout/?username=kilitli")
        assert listing.status_code == 200 and "Kilidi kaldır" in listing.content.decode()
        assert "kilitli" in listing.content.decode()
        attempts = AccessAttempt.objects.filter(username="kilitli")
        response = admin_client_tr.post("/admin/accounts/loginlockout/", {
            "action": "lift_lockout", "_selected_action": [a.pk for a in attempts]})
        assert response.status_code == 302
        assert active_lockouts(username="kilitli") == []
        record = AuditRecord.objects.filter(action="lockout_reset").latest("time")
        assert record.after == {"username": "kilitli", "address": HOME, "attempts": 1}
        assert record.actor == "test-admin"
        assert client.post(reverse("login"), {"username": "kilitli", "password": "doğru-parola-123"},
                           REMOTE_ADDR=HOME).status_code == 302

    def test_staff_without_permission_cannot_see_or_lift_lockouts(self, client, db, settings):
        """Staff who are not administrators get 403 on the lockouts page and its action, and the
        lockout stays."""
        self.lock(client, settings, "korunan")
        staff = make_user(("layers:*", "edit"))
        client.force_login(staff)
        assert client.get("/admin/accounts/loginlockout/").status_code == 403
        attempts = list(AccessAttempt.objects.filter(username="korunan").values_list("pk", flat=True))
        response = client.post("/admin/accounts/loginlockout/", {
            "action": "lift_lockout", "_selected_action": attempts})
        assert response.status_code == 403
        assert [lock.address for lock in active_lockouts(username="korunan")] == [HOME]

    def test_lockouts_page_is_in_the_admin_index(self, admin_client_tr, db):
        """Administrators find it by name on the admin's start page."""
        assert "Giriş kilitleri" in admin_client_tr.get("/admin/").content.decode()

    def test_command_lifts_the_lockout(self, client, db, settings):
        """`manage.py lockout_reset USER` lifts it and is audited as the command."""
        self.lock(client, settings, "komut")
        out = io.StringIO()
        call_command("lockout_reset", "komut", stdout=out)
        assert f"lockout from {HOME} lifted" in out.getvalue()
        assert active_lockouts(username="komut") == []
        assert AuditRecord.objects.filter(action="lockout_reset", actor="command:lockout_reset").exists()

    def test_axes_command_works_too(self, client, db, settings):
        """django-axes' own `axes_reset_username` lifts it as well."""
        self.lock(client, settings, "axeskomut")
        call_command("axes_reset_username", "axeskomut", stdout=io.StringIO())
        assert active_lockouts(username="axeskomut") == []


class EffectivePermissionsTests:
    """Own and group grants joined per layer/module, and where a group widens an own limit."""

    @staticmethod
    def setup_user(own_areas, group_grant=("layers:*", "edit"), group_areas=()):
        mahalle = list(Mahalle.objects.order_by("adi")[:3])
        user = make_user(("layer:bi-bina", "edit"), areas=[mahalle[i] for i in own_areas])
        group = Group.objects.create(name="Saha ekibi")
        grant = Grant.objects.create(group=group, resource=group_grant[0], level=group_grant[1])
        grant.areas.set([mahalle[i] for i in group_areas])
        user.groups.add(group)
        return user, mahalle

    @staticmethod
    def row(user, resource):
        return next(p for p in effective_permissions(user=user) if p.resource == resource)

    def test_group_grant_without_limit_widens_a_limited_user_grant(self, db):
        """Own edit grant on bi-bina limited to one mahalle + a group's unlimited edit on every
        layer: the user edits bi-bina everywhere (as edit_area says), and this is flagged."""
        user, mahalle = self.setup_user([0])
        row = self.row(user, "layer:bi-bina")
        assert row.can_edit and row.edit_areas is None
        assert edit_area(user, get_layer("bi-bina")) is None
        [widening] = row.widenings
        assert widening.own.user_id == user.pk and widening.wider.group.name == "Saha ekibi"
        assert widening.outside is None and widening.source == "Saha ekibi grubu"  # Turkish by default
        # Other layers come from the group alone: no own grant there, nothing to warn about.
        other = self.row(user, "layer:kh-hizmet")
        assert other.can_edit and other.edit_areas is None and other.widenings == ()

    def test_group_grant_in_other_mahalle_widens_too(self, db):
        """A group edit grant limited elsewhere adds that mahalle; the union is shown."""
        user, mahalle = self.setup_user([0], group_grant=("layer:bi-bina", "edit"), group_areas=[1])
        row = self.row(user, "layer:bi-bina")
        assert row.edit_areas == tuple(sorted([mahalle[0].adi, mahalle[1].adi]))
        assert [w.outside for w in row.widenings] == [(mahalle[1].adi,)]

    def test_group_grant_inside_the_limit_is_no_widening(self, db):
        """The same mahalle from a group, or a group's view grant, widens nothing."""
        user, mahalle = self.setup_user([0, 1], group_grant=("layer:bi-bina", "edit"), group_areas=[1])
        assert self.row(user, "layer:bi-bina").widenings == ()
        viewer = make_user(("layer:bi-bina", "edit"), areas=[mahalle[0]])
        viewer.groups.add(Group.objects.get(name="CBS görüntüleyici"))
        row = self.row(viewer, "layer:bi-bina")
        assert row.edit_areas == (mahalle[0].adi,) and row.widenings == ()

    def test_view_only_own_grant_widened_by_group_edit(self, db):
        """An own view grant next to a group's edit grant: the user edits, and it is flagged."""
        user = make_user(("module:tickets", "view"))
        user.groups.add(Group.objects.get(name="Teknisyen"))
        row = self.row(user, "module:tickets")
        assert row.can_edit and len(row.widenings) == 1 and row.widenings[0].wider.group.name == "Teknisyen"

    def test_superuser_inactive_and_nobody(self, db):
        """No rows for superusers (everything), inactive users and users without grants."""
        assert effective_permissions(user=make_user(superuser=True)) == []
        assert effective_permissions(user=make_user()) == []
        inactive = make_user(("layers:*", "edit"))
        inactive.is_active = False
        assert effective_permissions(user=inactive) == []

    def test_user_admin_page_shows_effective_permissions_and_warns(self, admin_client_tr, db):
        """The user's admin page lists the joined permissions ("Tüm belediye alanı" when
        unlimited), highlights the widened row and warns in Turkish with the group's name."""
        user, mahalle = self.setup_user([0])
        response = admin_client_tr.get(f"/admin/auth/user/{user.pk}/change/")
        page = response.content.decode()
        assert "Geçerli yetkiler" in page and "Tüm belediye alanı" in page
        assert 'class="cbs-widened"' in page
        warnings = [str(m) for m in response.context["messages"]]
        assert len(warnings) == 1
        assert warnings[0] == (f"“Binalar”: {user.username}, kendi yetkisi düzenlemeyi {mahalle[0].adi} "
                               "ile sınırladığı hâlde Saha ekibi grubu üzerinden tüm belediye "
                               "alanında düzenleme yapabiliyor.")

    def test_user_admin_page_without_widening_has_no_warning(self, admin_client_tr, db):
        """A plain role member: the table, no warning."""
        user = make_user()
        user.groups.add(Group.objects.get(name="CBS editörü"))
        response = admin_client_tr.get(f"/admin/auth/user/{user.pk}/change/")
        assert list(response.context["messages"]) == []
        assert "Binalar" in response.content.decode() and 'class="cbs-widened"' not in response.content.decode()

    def test_saving_a_limited_grant_warns_when_a_group_widens_it(self, admin_client_tr, db):
        """Adding the limited grant on the permissions page warns at once, too."""
        user = make_user()
        user.groups.add(Group.objects.get(name="CBS editörü"))
        mahalle = Mahalle.objects.order_by("adi").first()
        response = admin_client_tr.post("/admin/accounts/grant/add/", {
            "resource": "layer:bi-bina", "level": "edit", "group": "", "user": user.pk,
            "areas": [mahalle.pk]}, follow=True)
        assert Grant.objects.filter(user=user, resource="layer:bi-bina").exists()
        warnings = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
        assert len(warnings) == 1 and "CBS editörü grubu üzerinden tüm belediye alanında" in warnings[0]
