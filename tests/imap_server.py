"""A real IMAP server for tests: Debian's Dovecot (`dovecot-imapd`), started privately as an
unprivileged process with its own configuration, a maildir under a temporary folder and a free
port on 127.0.0.1 – no system service, no root needed (run as root, it drops to `nobody` first).
Mail is delivered with IMAP APPEND, as another client would."""

from __future__ import annotations

import imaplib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

DOVECOT = "/usr/sbin/dovecot"
USER, PASSWORD = "yardim", "imap-test-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class DovecotServer:
    """`start()` / `stop()`; `append(raw)` delivers; `client()` is a logged-in imaplib client."""

    def __init__(self):
        if not os.path.exists(DOVECOT):
            raise RuntimeError("Dovecot is missing: scripts/install_system.sh installs dovecot-imapd")
        self.root = Path(tempfile.mkdtemp(prefix="cbs-imap-"))
        self.port = free_port()
        if os.geteuid() == 0:
            account = pwd.getpwnam("nobody")
            self.uid, self.gid = account.pw_uid, account.pw_gid
        else:
            self.uid, self.gid = os.geteuid(), os.getegid()
        self.process: subprocess.Popen | None = None

    def _config(self) -> Path:
        user = pwd.getpwuid(self.uid).pw_name
        import grp

        group = grp.getgrgid(self.gid).gr_name
        root = self.root
        for sub in ("run", "state", "mail"):
            (root / sub).mkdir(exist_ok=True)
        (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
        conf = root / "dovecot.conf"
        conf.write_text(f"""
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
instance_name = cbs-test-{self.port}
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {user}
first_valid_uid = {self.uid}
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={self.uid} gid={self.gid} home={root}/mail/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
""")
        for path in [root, *root.rglob("*")]:
            os.chown(path, self.uid, self.gid)
        os.chmod(root, 0o700)
        return conf

    def start(self) -> DovecotServer:
        conf = self._config()
        command = [DOVECOT, "-F", "-c", str(conf)]
        if os.geteuid() == 0:
            command = ["setpriv", f"--reuid={self.uid}", f"--regid={self.gid}", "--clear-groups", *command]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"dovecot ended: {self.log()}")
            try:
                self.client().logout()
                return self
            except (OSError, imaplib.IMAP4.error):
                time.sleep(0.1)
        raise RuntimeError(f"dovecot did not answer on port {self.port}: {self.log()}")

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        shutil.rmtree(self.root, ignore_errors=True)

    def client(self, folder: str | None = None) -> imaplib.IMAP4:
        imap = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        imap.login(USER, PASSWORD)
        if folder:
            imap.select(f'"{folder}"')
        return imap

    def append(self, *raws: bytes, folder: str = "INBOX") -> None:
        imap = self.client()
        try:
            imap.create(f'"{folder}"')  # "already exists" is fine
            for raw in raws:
                typ, data = imap.append(f'"{folder}"', None, None, raw)
                assert typ == "OK", data
        finally:
            imap.logout()

    def search(self, criterion: str, folder: str = "INBOX") -> list[int]:
        """UIDs in `folder` matching e.g. "UNSEEN", "SEEN", "ALL" ([] when the folder is missing)."""
        imap = self.client()
        try:
            typ, _data = imap.select(f'"{folder}"')
            if typ != "OK":
                return []
            typ, data = imap.uid("SEARCH", None, criterion)
            return [int(u) for u in data[0].split()]
        finally:
            imap.logout()

    def settings(self) -> dict:
        """The CBS_MAIL_INTAKE_* settings that read this server."""
        return {"CBS_MAIL_INTAKE_HOST": "127.0.0.1", "CBS_MAIL_INTAKE_PORT": self.port,
                "CBS_MAIL_INTAKE_SECURITY": "none", "CBS_MAIL_INTAKE_USER": USER,
                "CBS_MAIL_INTAKE_PASSWORD": PASSWORD}
