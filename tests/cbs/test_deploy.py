"""Deploy hygiene (issue 16.7): what goes into the image and into git, the proxy's headers, body
sizes and timeouts agreeing with the settings, the shared file volume, every imported package
declared."""

import ast
import importlib.metadata
import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.urls import reverse

BASE = Path(settings.BASE_DIR)
FIRST_PARTY = {"cbs", "layers", "ogc", "backoffice", "field"}
MULTIPART_OVERHEAD = 64 * 1024  # form fields and part headers around an uploaded file


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared_distributions() -> set[str]:
    """Distribution names the project installs: its dependencies and its optional extras for the
    site (s3), not the development tools."""
    project = tomllib.loads((BASE / "pyproject.toml").read_text())["project"]
    requirements = list(project["dependencies"])
    requirements += [r for extra, reqs in project.get("optional-dependencies", {}).items() if extra != "dev"
                     for r in reqs]
    return {normalise(re.match(r"[A-Za-z0-9._-]+", r).group(0)) for r in requirements}


def imported_modules() -> dict[str, set[str]]:
    """Top-level module -> files of ours that import it (every import statement, also inside
    functions), plus modules named in settings as dotted paths (apps, middleware, storages)."""
    found: dict[str, set[str]] = {}
    for package in sorted(FIRST_PARTY):
        for path in (BASE / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                         [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module
                         else [])
                for name in names:
                    found.setdefault(name.split(".")[0], set()).add(str(path.relative_to(BASE)))
    dotted = [*settings.INSTALLED_APPS, *settings.MIDDLEWARE, *settings.AUTHENTICATION_BACKENDS,
              *(s["BACKEND"] for s in settings.STORAGES.values()), *(t["BACKEND"] for t in settings.TEMPLATES),
              settings.EMAIL_BACKEND, *(c["BACKEND"] for c in settings.CACHES.values())]
    for name in dotted:
        found.setdefault(name.split(".")[0], set()).add("cbs/settings.py")
    return found


def test_every_third_party_import_is_declared_in_pyproject():
    """A package our code imports must be a declared dependency, not something another package
    happens to pull in (Pillow came with reportlab until it was declared)."""
    declared = declared_distributions()
    providers = importlib.metadata.packages_distributions()
    missing = []
    for module, files in sorted(imported_modules().items()):
        if module in FIRST_PARTY or module in sys.stdlib_module_names:
            continue
        distributions = {normalise(d) for d in providers.get(module, [])}
        if not distributions & declared:
            missing.append(f"{module} ({', '.join(sorted(distributions)) or 'not installed'}) "
                           f"imported by {', '.join(sorted(files)[:3])}")
    assert not missing, "declare in pyproject.toml: " + "; ".join(missing)


def dockerignore() -> list[str]:
    return [line.strip() for line in (BASE / ".dockerignore").read_text().splitlines()
            if line.strip() and not line.startswith("#")]


def test_the_image_leaves_out_history_environments_secrets_and_run_time_files():
    patterns = dockerignore()
    for needed in (".git", ".venv", "var", ".env", "node_modules"):
        assert needed in patterns, f"{needed} must be in .dockerignore"
    assert "!.env.example" in patterns  # the documented example is no secret


def test_env_file_is_ignored_by_git():
    assert shutil.which("git"), "git is needed to check what it ignores"
    ignored = subprocess.run(["git", "-C", str(BASE), "check-ignore", ".env", ".env.production", ".env.example"],
                             capture_output=True, text=True, check=False).stdout.split()
    assert ignored == [".env", ".env.production"]


# --- nginx ------------------------------------------------------------------------------------

def nginx_blocks() -> tuple[dict[str, list[str]], dict[str, dict[str, list[str]]]]:
    """The server block's own directives and each location's (name -> values), from deploy/nginx.conf."""
    text = re.sub(r"#[^\n]*", "", (BASE / "deploy" / "nginx.conf").read_text())
    server_body = re.search(r"server\s*\{(.*)\}", text, re.S).group(1)
    locations = {}
    for match in re.finditer(r"location\s+([^{]+?)\s*\{([^}]*)\}", server_body):
        locations[match.group(1).strip()] = _directives(match.group(2))
    own = re.sub(r"location\s+[^{]+\{[^}]*\}", "", server_body)
    return _directives(own), locations


def _directives(body: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for statement in body.split(";"):
        parts = statement.split(None, 1)
        if parts:
            out.setdefault(parts[0], []).append(parts[1].strip() if len(parts) > 1 else "")
    return out


def nginx_bytes(value: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([kmgKMG]?)", value).groups()
    return int(number) * {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[unit.lower()]


def nginx_seconds(value: str) -> int:
    number, unit = re.fullmatch(r"(\d+)(s|m)?", value).groups()
    return int(number) * (60 if unit == "m" else 1)


def test_nginx_passes_the_client_address_and_scheme_it_saw():
    """X-Forwarded-For is set to the address nginx saw (a client's own header is replaced, not
    appended to), X-Forwarded-Proto to the scheme; no location drops them by setting its own."""
    server, locations = nginx_blocks()
    headers = {h.split(None, 1)[0].lower(): h.split(None, 1)[1] for h in server["proxy_set_header"]}
    assert headers["x-forwarded-for"] == "$remote_addr"
    assert headers["x-forwarded-proto"] == "$scheme"
    assert "$proxy_add_x_forwarded_for" not in (BASE / "deploy" / "nginx.conf").read_text()
    for name, directives in locations.items():
        assert "proxy_set_header" not in directives, f"location {name} would not inherit the headers"


def test_nginx_body_sizes_fit_the_upload_limits():
    server, locations = nginx_blocks()
    general = nginx_bytes(server["client_max_body_size"][0])
    assert general >= max(settings.CBS_ATTACHMENT_MAX_BYTES, settings.CBS_MAX_BODY_BYTES) + MULTIPART_OVERHEAD
    assert general < settings.CBS_IMPORT_MAX_BYTES  # the large limit only where imports arrive
    upload = locations[f"= {reverse('layers:import_list')}"]
    assert nginx_bytes(upload["client_max_body_size"][0]) >= settings.CBS_IMPORT_MAX_BYTES + MULTIPART_OVERHEAD
    assert upload["proxy_pass"] == locations["/"]["proxy_pass"]


def gunicorn_commands() -> list[tuple[str, list[str]]]:
    """Every gunicorn command line of the production path (Dockerfile CMD, compose commands)."""
    found = []
    for line in (BASE / "Dockerfile").read_text().splitlines():
        if line.startswith("CMD") and "gunicorn" in line:
            found.append(("Dockerfile", json.loads(line[3:].strip())))
    compose = yaml.safe_load((BASE / "docker-compose.yml").read_text())
    for name, service in compose["services"].items():
        command = service.get("command")
        if command and "gunicorn" in str(command):
            found.append((f"compose {name}", command if isinstance(command, list) else command.split()))
    return found


def test_timeouts_agree_with_the_longest_synchronous_request():
    """CBS_REQUEST_TIMEOUT (the app's own bound, e.g. on ogr2ogr in exports) < gunicorn's
    --timeout < nginx's proxy_read_timeout: a slow request gets the app's answer, never a worker
    killed mid-answer or a 504 from nginx while the worker is still busy."""
    server, _locations = nginx_blocks()
    read = nginx_seconds(server["proxy_read_timeout"][0])
    assert nginx_seconds(server["proxy_send_timeout"][0]) >= read
    commands = gunicorn_commands()
    assert commands
    for where, args in commands:
        assert "--timeout" in args, f"{where}: gunicorn's default timeout is 30 s"
        timeout = int(args[args.index("--timeout") + 1])
        assert settings.CBS_REQUEST_TIMEOUT < timeout < read, where


def test_compose_mounts_the_shared_file_volume_in_every_app_and_worker_container():
    compose = yaml.safe_load((BASE / "docker-compose.yml").read_text())
    media = "/app/var/media"  # MEDIA_ROOT in the image (BASE_DIR /app)
    for name in ("app", "worker"):
        service = compose["services"].get(name)
        if service is None:
            continue  # the worker arrives with the job queue
        assert f"media:{media}" in service.get("volumes", []), name
        assert service.get("environment", {}).get("CBS_MEDIA_ROOT", media) == media, name
    assert "media" in compose["volumes"]
