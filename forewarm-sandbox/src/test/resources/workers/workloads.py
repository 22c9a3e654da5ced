"""Workloads the sandbox and engine test functions share (one copy; the engine's build copies this file)."""
import fcntl
import os
import socket
import struct
import threading
import time


def loopback(n):
    """Sends n bytes to itself over TCP on 127.0.0.1, first bringing lo up (a new network namespace has it down)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    ifreq = struct.pack("16sH22x", b"lo", 0)
    flags = struct.unpack("16sH22x", fcntl.ioctl(s, 0x8913, ifreq))[1]  # SIOCGIFFLAGS
    if not flags & 1:  # IFF_UP
        fcntl.ioctl(s, 0x8914, struct.pack("16sH22x", b"lo", flags | 1))  # SIOCSIFFLAGS
    s.close()
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    client = socket.create_connection(server.getsockname())
    peer, _ = server.accept()
    sender = threading.Thread(target=client.sendall, args=(b"\x03" * n,))
    sender.start()
    got = 0
    while got < n:
        got += len(peer.recv(1 << 16))
    sender.join()
    for sock in (client, peer, server):
        sock.close()
    return got


def write_scratch(name, mb):
    """Writes up to mb MiB to a file in the scratch and keeps it; returns b"<MiB written> <ok or the error>"."""
    written = 0
    try:
        with open(os.path.join(os.environ["FOREWARM_SCRATCH"], name), "wb") as f:
            for _ in range(mb):
                f.write(b"\x02" * (1 << 20))
                f.flush()
                written += 1
    except OSError as e:
        return ("%d %s" % (written, e.strerror)).encode()
    return ("%d ok" % written).encode()


def wait_for(path, limit=60.0):
    """Creates path + ".waiting", then blocks until the file at path exists (a test creates it to let the call end),
    for at most limit seconds."""
    open(path + ".waiting", "w").close()
    deadline = time.monotonic() + limit
    while not os.path.exists(path) and time.monotonic() < deadline:
        time.sleep(0.005)
    return b"released" if os.path.exists(path) else b"gave up"
