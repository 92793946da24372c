"""A small round-robin HTTP/1.1 reverse proxy on loopback, for the several-instance load test.

    python bench/proxy.py 127.0.0.1:8000 127.0.0.1:8001 127.0.0.1:8002

listens on the first address and sends each *request* (not each connection) to the next
backend in turn, so one browser's requests land on every instance: nothing may depend on
sticky sessions. It keeps connections to the backends open (keep-alive), adds
X-Forwarded-For / X-Forwarded-Proto, and understands Content-Length and chunked bodies.
Standard library only (asyncio); a stand-in for nginx or haproxy, not a replacement.
"""

from __future__ import annotations

import asyncio
import itertools
import signal
import sys

MAX_HEADER = 64 * 1024


class BadMessage(Exception):
    pass


async def read_head(reader: asyncio.StreamReader) -> tuple[bytes, list[tuple[bytes, bytes]]] | None:
    """The start line and header fields of one message; None at a clean end of stream."""
    try:
        raw = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as error:
        if not error.partial.strip():
            return None
        raise BadMessage("truncated header") from error
    except asyncio.LimitOverrunError as error:
        raise BadMessage("header too large") from error
    lines = raw[:-4].split(b"\r\n")
    headers = []
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        headers.append((name.strip(), value.strip()))
    return lines[0], headers


def header(headers: list[tuple[bytes, bytes]], name: bytes) -> bytes | None:
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


async def copy_body(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                    headers: list[tuple[bytes, bytes]], until_eof: bool) -> None:
    """Forward the message body: chunked, by Content-Length, or (responses only) to EOF."""
    if (header(headers, b"transfer-encoding") or b"").lower().endswith(b"chunked"):
        while True:
            size_line = await reader.readuntil(b"\r\n")
            writer.write(size_line)
            size = int(size_line.split(b";")[0].strip(), 16)
            if size == 0:
                while True:  # trailers, then the empty line
                    line = await reader.readuntil(b"\r\n")
                    writer.write(line)
                    if line == b"\r\n":
                        return
            writer.write(await reader.readexactly(size + 2))
            await writer.drain()
    length = header(headers, b"content-length")
    if length is not None:
        remaining = int(length)
        while remaining:
            chunk = await reader.read(min(remaining, 65536))
            if not chunk:
                raise BadMessage("body cut short")
            writer.write(chunk)
            remaining -= len(chunk)
            await writer.drain()
    elif until_eof:
        while chunk := await reader.read(65536):
            writer.write(chunk)
            await writer.drain()


class Backend:
    def __init__(self, address: str) -> None:
        host, _, port = address.rpartition(":")
        self.host, self.port = host, int(port)
        self.idle: list[tuple[float, asyncio.StreamReader, asyncio.StreamWriter]] = []
        self.requests = 0

    async def connection(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        loop = asyncio.get_running_loop()
        while self.idle:
            since, reader, writer = self.idle.pop()
            # Only a connection idle for less than a second: the backend's keep-alive timeout
            # may close an older one just as a request is written to it.
            if loop.time() - since < 1 and not writer.is_closing() and not reader.at_eof():
                return reader, writer
            writer.close()
        return await asyncio.open_connection(self.host, self.port, limit=MAX_HEADER)


class Proxy:
    def __init__(self, backends: list[str]) -> None:
        self.backends = [Backend(b) for b in backends]
        self.turn = itertools.cycle(self.backends)

    async def handle(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        peer = client_writer.get_extra_info("peername")
        try:
            while True:
                head = await read_head(client_reader)
                if head is None:
                    return
                start, headers = head
                if not await self.forward(start, headers, client_reader, client_writer, peer[0] if peer else "127.0.0.1"):
                    return
        except (BadMessage, ConnectionError, asyncio.IncompleteReadError, ValueError):
            return
        finally:
            client_writer.close()

    async def forward(self, start: bytes, headers: list[tuple[bytes, bytes]], client_reader, client_writer, peer: str) -> bool:
        backend = next(self.turn)
        backend.requests += 1
        try:
            reader, writer = await backend.connection()
        except OSError:
            client_writer.write(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            await client_writer.drain()
            return False
        client_close = (header(headers, b"connection") or b"").lower() == b"close"
        forwarded = [(k, v) for k, v in headers if k.lower() not in (b"connection", b"keep-alive", b"x-forwarded-for",
                                                                     b"x-forwarded-proto")]
        forwarded += [(b"X-Forwarded-For", peer.encode()), (b"X-Forwarded-Proto", b"http"), (b"Connection", b"keep-alive")]
        writer.write(start + b"\r\n" + b"".join(k + b": " + v + b"\r\n" for k, v in forwarded) + b"\r\n")
        await copy_body(client_reader, writer, headers, until_eof=False)
        await writer.drain()
        head = await read_head(reader)
        if head is None:
            writer.close()
            raise BadMessage("backend closed the connection")
        status_line, response_headers = head
        backend_close = (header(response_headers, b"connection") or b"").lower() == b"close"
        framed = header(response_headers, b"content-length") is not None or \
            (header(response_headers, b"transfer-encoding") or b"").lower().endswith(b"chunked")
        keep = not client_close and (framed or status_line.split(b" ")[1][:1] == b"1"
                                     or status_line.split(b" ")[1] in (b"204", b"304"))
        out = [(k, v) for k, v in response_headers if k.lower() not in (b"connection", b"keep-alive")]
        out.append((b"Connection", b"keep-alive" if keep else b"close"))
        client_writer.write(status_line + b"\r\n" + b"".join(k + b": " + v + b"\r\n" for k, v in out) + b"\r\n")
        no_body = start.startswith(b"HEAD ") or status_line.split(b" ")[1] in (b"204", b"304")
        if not no_body:
            await copy_body(reader, client_writer, response_headers, until_eof=not framed)
        await client_writer.drain()
        if backend_close or not framed and not no_body:
            writer.close()
        else:
            backend.idle.append((asyncio.get_running_loop().time(), reader, writer))
        return keep


async def serve(listen: str, backends: list[str]) -> None:
    proxy = Proxy(backends)
    host, _, port = listen.rpartition(":")
    server = await asyncio.start_server(proxy.handle, host, int(port), limit=MAX_HEADER, backlog=512)
    print(f"proxy listening on {listen} -> {', '.join(backends)}", flush=True)
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    async with server:
        await stop.wait()
    # What each backend got: the load test prints it (requests spread evenly, no stickiness).
    print("proxy requests per backend: " + ", ".join(f"{b.host}:{b.port}={b.requests}" for b in proxy.backends), flush=True)


def main() -> None:
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    asyncio.run(serve(sys.argv[1], sys.argv[2:]))


if __name__ == "__main__":
    main()
