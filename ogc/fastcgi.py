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


RECV_SIZE = 1 << 18  # one recv_into per 256 KiB: a 1 MB WFS page is a handful of system calls


def _read_response(conn: socket.socket) -> tuple[bytes, bytes]:
    """Records up to END_REQUEST, read in large blocks and cut in place (memoryview): the body
    is copied once from the socket buffer and once when its pieces are joined, instead of once
    per record and again per step."""
    data = bytearray()
    block = bytearray(RECV_SIZE)
    out: list[tuple[int, int]] = []
    err: list[tuple[int, int]] = []
    pos = 0
    while True:
        n = conn.recv_into(block)
        if not n:
            raise EngineError("connection closed by the engine")
        data += memoryview(block)[:n]
        while len(data) - pos >= HEADER.size:
            _v, kind, _id, length, padding = HEADER.unpack_from(data, pos)
            start = pos + HEADER.size
            end = start + length + padding
            if end > len(data):
                break
            if kind == STDOUT:
                out.append((start, start + length))
            elif kind == STDERR:
                err.append((start, start + length))
            elif kind == END_REQUEST:
                view = memoryview(data)
                try:
                    return (b"".join(view[a:b] for a, b in out), b"".join(view[a:b] for a, b in err))
                finally:
                    view.release()
            pos = end


def fastcgi_request(path: str, params: dict[str, str], timeout: float = 60.0) -> tuple[bytes, bytes]:
    """Send one request; return (stdout, stderr) of the responder."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.settimeout(timeout)
        try:
            conn.connect(path)
            conn.sendall(_record(BEGIN_REQUEST, struct.pack("!HB5x", RESPONDER, 0))
                         + _params(params) + _record(STDIN, b""))
            return _read_response(conn)
        except OSError as exc:
            raise EngineError(str(exc)) from exc


def split_cgi(output: bytes) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of a CGI response."""
    # Only the head is searched and split; the body is sliced once.
    at = output.find(b"\r\n\r\n", 0, 65536)
    cut = at + 4
    if at < 0:
        at = output.find(b"\n\n", 0, 65536)
        cut = at + 2
    if at < 0:
        raise EngineError("no CGI header")
    head, body = output[:at], output[cut:]
    headers: dict[str, str] = {}
    for line in head.decode("latin-1").splitlines():
        name, _sep, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    status = int(headers.pop("status", "200").split()[0])
    return status, headers, body
