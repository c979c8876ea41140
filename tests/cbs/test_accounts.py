"""Roles, login, lockout and logout."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from cbs.accounts.roles import ROLES
from cbs.accounts.selectors import user_can


class RoleTests:
    def test_roles_exist_with_turkish_names(self, db):
        """The six roles are groups with their Turkish names."""
        names = set(Group.objects.values_list("name", flat=True))
        assert {"CBS editörü", "CBS görüntüleyici", "Yardım masası", "Teknisyen", "Birim yöneticisi",
                "Sistem yöneticisi"} <= names
        assert len(ROLES) == 6

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
        """After N wrong passwords even the right one is refused, with a clear Turkish message."""
        get_user_model().objects.create_user("mehmet", None, "doğru-parola-123")
        for _ in range(settings.CBS_LOCKOUT_FAILURES):
            client.post(reverse("login"), {"username": "mehmet", "password": "yanlış"})
        response = client.post(reverse("login"), {"username": "mehmet", "password": "doğru-parola-123"},
                               HTTP_ACCEPT_LANGUAGE="tr")
        assert response.status_code == 200
        assert "çok fazla hatalı giriş" in response.content.decode().lower()
        assert not response.context["user"].is_authenticated

    def test_admin_login_uses_lockout_too(self, client, db, settings):
        """The admin login form is protected the same way."""
        get_user_model().objects.create_superuser("root2", None, "doğru-parola-123")
        for _ in range(settings.CBS_LOCKOUT_FAILURES):
            client.post("/admin/login/", {"username": "root2", "password": "x"})
        response = client.post("/admin/login/", {"username": "root2", "password": "doğru-parola-123"})
        assert response.status_code == 200
