"""The sockets a sitemap audit opens: to public addresses only, and never past a request's deadline.

A sitemap is written by whoever runs the site, so it can list, or redirect to, any address: the
audit's own machine (`127.0.0.1`, also spelled `2130706433`, `0x7f000001`, `[::1]` or
`localhost`), the office network, a cloud's metadata service (`169.254.169.254`). Whatever
comes back would land in results.jsonl and report.html. So the address is checked where it
cannot be disguised: on the IP a connection is about to be made to, after DNS resolution, for
every request and so every redirect hop; the connection is then made to that very IP (resolve,
check, pin), so a name that resolves to a public address when checked and to 127.0.0.1 when
connected cannot get through. An intranet audit opts in (`allow_private_addresses`), or names
the networks it may reach (`allowed_networks`).

Every connect, read and write is also bounded by what is left of the request's deadline
(`request_deadline`), so a server that trickles its headers a line at a time cannot hold a
request past it: a read timeout alone resets with every byte that arrives.

httpx takes no network backend of its own; `guarded_transport` gives its transport an httpcore
connection pool that has one (`GuardedBackend`). Proxies from the environment are not used, as a
proxy would make the connection for us, to an address we could not check.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import time
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address
from typing import Any

import httpcore
import httpx

IPAddress = IPv4Address | IPv6Address
IPNetwork = IPv4Network | IPv6Network

#: IPv6 prefixes that carry an IPv4 address in their last 32 bits, which is what they reach.
_NAT64 = IPv6Network("64:ff9b::/96")

#: When the request being made in this thread must be over (time.monotonic()), if it has a deadline.
_deadline: ContextVar[float | None] = ContextVar("request_deadline", default=None)


class AddressRefusedError(Exception):
    """A connection to a non-public address that the audit was not allowed to make."""

    def __init__(self, host: str, address: IPAddress, kind: str) -> None:
        where = f"{address} is" if host.strip("[]") == str(address) else f"{host} resolves to {address},"
        self.reason = f"refused: {where} {kind}; pass --allow-private-addresses for an intranet audit."
        super().__init__(self.reason)


class DeadlineExceededError(Exception):
    """The request went on past its deadline (a server that answers, but too slowly to finish)."""


def non_public_kind(address: IPAddress) -> str | None:
    """What kind of non-public address this is ("a loopback address"), or None for a public one.

    An IPv6 address that embeds an IPv4 one (`::ffff:127.0.0.1`, 6to4, NAT64) is judged by the
    IPv4 address it reaches.
    """
    if isinstance(address, IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address in _NAT64:
            embedded = IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return non_public_kind(embedded)
    kinds = (
        (address.is_unspecified, "an unspecified address (it reaches this machine)"),
        (address.is_loopback, "a loopback address"),
        (address.is_link_local, "a link-local address"),
        (address.is_multicast, "a multicast address"),
        (address.is_private, "a private address"),
        (address.is_reserved, "a reserved address"),
        (not address.is_global, "not a public address"),
    )
    return next((kind for matches, kind in kinds if matches), None)


@dataclass(frozen=True, slots=True)
class AddressPolicy:
    """Which addresses may be connected to: public ones, and the others only when allowed."""

    allow_private: bool = False
    allowed_networks: tuple[IPNetwork, ...] = ()

    def refusal(self, address: IPAddress) -> str | None:
        """Why a connection to `address` is refused (its kind), or None when it is allowed."""
        if self.allow_private or any(address in network for network in self.allowed_networks):
            return None
        return non_public_kind(address)


@contextlib.contextmanager
def request_deadline(seconds: float) -> Iterator[None]:
    """Bound every socket operation of the request made inside, in this thread, to `seconds` in all."""
    token = _deadline.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


def _bounded(timeout: float | None) -> float | None:
    """`timeout`, shortened to what is left of the request's deadline; raises once none is left."""
    end = _deadline.get()
    if end is None:
        return timeout
    left = end - time.monotonic()
    if left <= 0:
        raise DeadlineExceededError
    return left if timeout is None else min(timeout, left)


@contextlib.contextmanager
def _deadline_timeouts() -> Iterator[None]:
    """A socket timeout that came because the request's deadline did is the deadline's error."""
    try:
        yield
    except (httpcore.ConnectTimeout, httpcore.ReadTimeout, httpcore.WriteTimeout):
        end = _deadline.get()
        if end is not None and time.monotonic() >= end:
            raise DeadlineExceededError from None
        raise


class GuardedBackend(httpcore.NetworkBackend):
    """httpcore's sockets, connected only to addresses the policy allows, each operation bounded
    by the request's deadline."""

    def __init__(self, policy: AddressPolicy) -> None:
        self.policy = policy
        self.sockets = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = _resolve(host, port)
        allowed = [address for address in addresses if self.policy.refusal(address) is None]
        if not allowed:  # every address refused: name the first, as a person would try it
            kind = self.policy.refusal(addresses[0])
            assert kind is not None
            raise AddressRefusedError(host, addresses[0], kind)
        failure: httpcore.ConnectError | httpcore.ConnectTimeout | None = None
        for address in allowed:  # a name with both kinds of address is connected to its allowed ones only
            try:
                with _deadline_timeouts():
                    stream = self.sockets.connect_tcp(
                        str(address), port, _bounded(timeout), local_address, socket_options
                    )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
                continue
            return _DeadlineStream(stream)
        assert failure is not None
        raise failure

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("an audit fetches over TCP only")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


def _resolve(host: str, port: int) -> list[IPAddress]:
    """The addresses `host` (a name or any spelling of an IP) resolves to, in the resolver's order."""
    try:
        answers = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise httpcore.ConnectError(str(exc)) from None
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in answers:
        address = ip_address(str(sockaddr[0]))
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise httpcore.ConnectError(f"{host} resolves to no address")
    return addresses


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read and write ends by the deadline of the request using it."""

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self.stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        with _deadline_timeouts():
            return self.stream.read(max_bytes, _bounded(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        with _deadline_timeouts():
            self.stream.write(buffer, _bounded(timeout))

    def close(self) -> None:
        self.stream.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        with _deadline_timeouts():
            return _DeadlineStream(self.stream.start_tls(ssl_context, server_hostname, _bounded(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self.stream.get_extra_info(info)


def guarded_transport(policy: AddressPolicy, limits: httpx.Limits) -> httpx.HTTPTransport:
    """An httpx transport whose connections go through `GuardedBackend`."""
    transport = httpx.HTTPTransport(limits=limits)
    # httpx builds its pool without a way to pass a network backend: replaced by the same pool with one.
    transport._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(),
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=GuardedBackend(policy),
    )
    return transport
