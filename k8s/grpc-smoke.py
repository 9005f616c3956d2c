#!/usr/bin/env python3
"""Seed 002's "test client" scenario over gRPC: two users register (users.UserService), one sends the
other a message and the other reads the history (messages.MessageService).

Only python3 and curl (built with HTTP/2): the protobuf messages are a handful of string fields,
encoded here by hand, so no generated code or gRPC tool is needed on the machine that checks.

  k8s/grpc-smoke.py https://courier.127.0.0.1.nip.io courier-ca.crt   # through the ingress, TLS
  k8s/grpc-smoke.py http://127.0.0.1:9080                            # ./courier dev's h2c port

Exits 0 when the message came back in the history, 1 otherwise (the failing call is printed).
"""
import os
import subprocess
import sys
import tempfile


def field(number, value):
    """A length-delimited protobuf field (strings and embedded messages)."""
    data = value.encode() if isinstance(value, str) else value
    return varint(number << 3 | 2) + varint(len(data)) + data


def varint(n):
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def fields(data):
    """Every (number, bytes) of the length-delimited fields; other wire types are skipped."""
    out, i = [], 0
    while i < len(data):
        key, i = read_varint(data, i)
        number, wire = key >> 3, key & 7
        if wire == 2:
            size, i = read_varint(data, i)
            out.append((number, data[i:i + size]))
            i += size
        elif wire == 0:
            _, i = read_varint(data, i)
        elif wire == 1:
            i += 8
        elif wire == 5:
            i += 4
        else:
            raise ValueError("unexpected wire type %d" % wire)
    return out


def read_varint(data, i):
    n, shift = 0, 0
    while True:
        byte = data[i]
        i += 1
        n |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return n, i


def first(data, number):
    return next((v for n, v in fields(data) if n == number), b"")


def call(base, ca, method, message):
    """One unary call; returns the response message, or exits with the gRPC status."""
    with tempfile.TemporaryDirectory() as tmp:
        body, out, headers = (os.path.join(tmp, f) for f in ("body", "out", "headers"))
        with open(body, "wb") as f:
            f.write(b"\x00" + len(message).to_bytes(4, "big") + message)
        command = ["curl", "-sS", "--max-time", "30", "-X", "POST",
                   "--http2" if base.startswith("https:") else "--http2-prior-knowledge",
                   "-H", "content-type: application/grpc", "-H", "te: trailers",
                   "--data-binary", "@" + body, "-o", out, "-D", headers, base.rstrip("/") + "/" + method]
        if ca:
            command[1:1] = ["--cacert", ca]
        done = subprocess.run(command)
        if done.returncode != 0:
            # E.g. 92 (HTTP/2 stream error): no route to this service, or a refusal Helidon sends without :status.
            sys.exit("%s: curl failed with exit code %d" % (method, done.returncode))
        status = {}
        with open(headers, encoding="latin-1") as f:
            for line in f:
                name, _, value = line.partition(":")
                status[name.strip().lower()] = value.strip()
        with open(out, "rb") as f:
            data = f.read()
    if status.get("grpc-status") != "0":
        sys.exit("%s: grpc-status %s %s" % (method, status.get("grpc-status"), status.get("grpc-message", "")))
    # One length-prefixed message in the body.
    return data[5:5 + int.from_bytes(data[1:5], "big")]


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    base, ca = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else None)
    suffix = os.urandom(4).hex()
    users = {}
    for name in ("alice", "bob"):
        reply = call(base, ca, "users.UserService/RegisterUser", field(1, "%s-%s" % (name, suffix)))
        user = first(reply, 1)
        users[name] = (first(user, 1).decode(), first(reply, 2).decode())
        print("registered %s-%s as user %s" % (name, suffix, users[name][0]))
    (alice, alice_token), (bob, bob_token) = users["alice"], users["bob"]
    text = "Hi Bob! " + suffix
    sent = first(call(base, ca, "messages.MessageService/SendMessage",
                      field(1, alice) + field(2, bob) + field(3, text) + field(15, alice_token)), 1)
    print("sent message %s" % first(sent, 1).decode())
    history = call(base, ca, "messages.MessageService/GetMessageHistory",
                   field(1, alice) + field(2, bob) + field(15, bob_token))
    texts = [first(m, 4).decode() for n, m in fields(history) if n == 1]
    if text not in texts:
        sys.exit("the history has no %r: %r" % (text, texts))
    print("history of %d message(s) has it: gRPC works end to end" % len(texts))


if __name__ == "__main__":
    main()
