"""Messages between a command and its worker: one JSON object per frame, size-bounded both ways.

A frame is a magic tag, a 4-byte length and that many bytes of JSON; bytes values (a PDF's
contents) travel as `{"$bytes": base64}`. A frame over the reader's bound is refused before
its body is read, so neither side can be made to hold more than the bound in memory.
"""

from __future__ import annotations

import base64
import json
import socket
import struct
from typing import Any, Final

MAGIC: Final = b"AZR1"
_HEADER: Final = struct.Struct(">4sI")
#: A request holds at most one document (20 MB, base64-encoded) or one chunk of classify texts.
MAX_REQUEST: Final = 32 * 1024 * 1024
#: What a worker prints for a request: reports and JSON lines, far below this.
MAX_REPLY: Final = 256 * 1024 * 1024
_PEERCRED: Final = struct.Struct("3i")


class WireError(Exception):
    """A frame that is cut short, too large or not ours."""


def encode(message: dict[str, Any]) -> bytes:
    """A message as a frame."""
    body = json.dumps(message, default=_bytes_value, separators=(",", ":")).encode("ascii")
    return _HEADER.pack(MAGIC, len(body)) + body


def send(sock: socket.socket, frame: bytes) -> None:
    sock.sendall(frame)


def receive(sock: socket.socket, limit: int) -> dict[str, Any]:
    """The next message on the socket; WireError if it is cut short, over `limit` or not a frame."""
    magic, length = _HEADER.unpack(_read(sock, _HEADER.size))
    if magic != MAGIC:
        raise WireError("not a resident worker's frame")
    if length > limit:
        raise WireError(f"a frame of {length:,} bytes is over the limit of {limit:,}")
    try:
        message = json.loads(_read(sock, length), object_hook=_bytes_hook)
    except (UnicodeDecodeError, ValueError) as exc:
        raise WireError(f"a frame is not JSON: {exc}") from exc
    if not isinstance(message, dict):
        raise WireError("a frame is not a JSON object")
    return message


def peer_uid(sock: socket.socket) -> int:
    """The uid of the process at the other end of a Unix socket, from the kernel (SO_PEERCRED)."""
    _pid, uid, _gid = _PEERCRED.unpack(sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, _PEERCRED.size))
    return int(uid)


def _read(sock: socket.socket, size: int) -> bytes:
    chunks = bytearray()
    while len(chunks) < size:
        chunk = sock.recv(min(size - len(chunks), 1 << 20))
        if not chunk:
            raise WireError("the other end closed the connection mid-frame")
        chunks += chunk
    return bytes(chunks)


def _bytes_value(value: object) -> dict[str, str]:
    if isinstance(value, bytes):
        return {"$bytes": base64.b64encode(value).decode("ascii")}
    raise TypeError(f"{type(value).__name__} cannot be sent to a worker")


def _bytes_hook(obj: dict[str, Any]) -> Any:
    if len(obj) == 1 and "$bytes" in obj and isinstance(obj["$bytes"], str):
        return base64.b64decode(obj["$bytes"], validate=True)
    return obj
