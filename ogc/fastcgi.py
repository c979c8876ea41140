"""A minimal FastCGI client (responder role) over a Unix socket: how Django talks to the
MapServer processes of ogc/engine.py. One request per connection; only GET-style requests
(parameters, no body) are needed."""

from __future__ import annotations

import socket
import struct

VERSION, BEGIN_REQUEST, END_REQUEST, PARAMS, STDIN, STDOUT, STDERR = 1, 1, 3, 4, 5, 6, 7
RESPONDER = 1
REQUEST_ID = 1
HEADER = struct.Struct("!BBHHBx")


class EngineError(Exception):
    """The engine could not be reached or broke the protocol."""


def _record(kind: int, content: bytes) -> bytes:
    return HEADER.pack(VERSION, kind, REQUEST_ID, len(content), 0) + content


def _length(n: int) -> bytes:
    return bytes([n]) if n < 128 else struct.pack("!I", n | 0x80000000)


def _params(params: dict[str, str]) -> bytes:
    body = b"".join(
        _length(len(k)) + _length(len(v)) + k + v
        for k, v in ((k.encode(), v.encode()) for k, v in params.items())
    )
    chunks = [body[i:i + 65535] for i in range(0, len(body), 65535)]
    return b"".join(_record(PARAMS, c) for c in chunks) + _record(PARAMS, b"")


def _read_exactly(conn: socket.socket, n: int) -> bytes:
    data = bytearray()
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            raise EngineError("connection closed by the engine")
        data += chunk
    return bytes(data)


def fastcgi_request(path: str, params: dict[str, str], timeout: float = 60.0) -> tuple[bytes, bytes]:
    """Send one request; return (stdout, stderr) of the responder."""
    out, err = bytearray(), bytearray()
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.settimeout(timeout)
        try:
            conn.connect(path)
            conn.sendall(_record(BEGIN_REQUEST, struct.pack("!HB5x", RESPONDER, 0))
                         + _params(params) + _record(STDIN, b""))
            while True:
                _v, kind, _id, length, padding = HEADER.unpack(_read_exactly(conn, HEADER.size))
                content = _read_exactly(conn, length + padding)[:length]
                if kind == STDOUT:
                    out += content
                elif kind == STDERR:
                    err += content
                elif kind == END_REQUEST:
                    return bytes(out), bytes(err)
        except OSError as exc:
            raise EngineError(str(exc)) from exc


def split_cgi(output: bytes) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of a CGI response."""
    for separator in (b"\r\n\r\n", b"\n\n"):
        head, sep, body = output.partition(separator)
        if sep:
            break
    else:
        raise EngineError("no CGI header")
    headers: dict[str, str] = {}
    for line in head.decode("latin-1").splitlines():
        name, _sep, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    status = int(headers.pop("status", "200").split()[0])
    return status, headers, body
