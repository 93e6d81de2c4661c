"""A minimal RFC 6455 WebSocket client, standard library only: the node's /ws (openrpc_examples.py)
and Chromium's DevTools protocol (explorer_session.py)."""
import base64
import hashlib
import json
import os
import socket
import urllib.parse


class WebSocket:
    """A minimal RFC 6455 client (text frames, masking, ping/pong, fragments), standard library only."""

    def __init__(self, url, token=None, path="/ws"):
        u = urllib.parse.urlparse(url)
        self.sock = socket.create_connection((u.hostname, u.port), timeout=15)
        key = base64.b64encode(os.urandom(16)).decode()
        head = ("GET %s HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n" % (path, u.hostname, u.port, key))
        if token:
            head += "Authorization: Bearer %s\r\n" % token
        self.sock.sendall((head + "\r\n").encode())
        buf = b""
        while b"\r\n\r\n" not in buf:
            chunk = self.sock.recv(1)
            if not chunk:
                raise ConnectionError("WebSocket handshake: connection closed")
            buf += chunk
        status = buf.split(b"\r\n", 1)[0]
        if not status.startswith(b"HTTP/1.1 101"):
            raise ConnectionError("WebSocket handshake refused: %r" % status)
        accept = base64.b64encode(hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest())
        if accept not in buf:
            raise ConnectionError("WebSocket handshake: wrong Sec-WebSocket-Accept")
        self.notifications = []
        self.next_id = 100

    def _send_frame(self, opcode, payload):
        mask = os.urandom(4)
        n = len(payload)
        if n < 126:
            head = bytes([0x80 | opcode, 0x80 | n])
        elif n < 1 << 16:
            head = bytes([0x80 | opcode, 0x80 | 126]) + n.to_bytes(2, "big")
        else:
            head = bytes([0x80 | opcode, 0x80 | 127]) + n.to_bytes(8, "big")
        self.sock.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def _read(self, n):
        out = b""
        while len(out) < n:
            chunk = self.sock.recv(n - len(out))
            if not chunk:
                raise ConnectionError("WebSocket closed by the node")
            out += chunk
        return out

    def recv(self):
        message = b""
        while True:
            b0, b1 = self._read(2)
            n = b1 & 0x7F
            if n == 126:
                n = int.from_bytes(self._read(2), "big")
            elif n == 127:
                n = int.from_bytes(self._read(8), "big")
            mask = self._read(4) if b1 & 0x80 else None
            payload = self._read(n)
            if mask:
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            opcode = b0 & 0x0F
            if opcode == 0x9:  # ping
                self._send_frame(0xA, payload)
                continue
            if opcode == 0xA:
                continue
            if opcode == 0x8:
                raise ConnectionError("WebSocket closed by the node: %r" % payload)
            message += payload
            if b0 & 0x80:
                return json.loads(message)

    def call(self, method, params):
        self.next_id += 1
        rid = self.next_id
        self._send_frame(0x1, json.dumps({"jsonrpc": "2.0", "id": rid, "method": method, "params": params}).encode())
        while True:
            msg = self.recv()
            if isinstance(msg, dict) and msg.get("id") == rid:
                return msg
            self.notifications.append(msg)

    def notification(self, method):
        # The first notification of `method` (already received, or the next ones).
        while True:
            for i, n in enumerate(self.notifications):
                if isinstance(n, dict) and n.get("method") == method:
                    return self.notifications.pop(i)
            self.notifications.append(self.recv())

    def close(self):
        try:
            self._send_frame(0x8, b"\x03\xe8")
        finally:
            self.sock.close()
