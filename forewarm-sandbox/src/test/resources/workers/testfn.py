"""Test function for sandbox tests: the input names what to do, e.g. b"echo:hi", b"alloc:200"."""
import fcntl
import os
import socket
import struct
import subprocess
import threading
import time

state = {}


def init(payload):
    if payload == b"fail":
        raise ValueError("init refused")
    if payload == b"hang":
        time.sleep(3600)
    state["init"] = payload


def _loopback(n):
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


def _write_scratch(name, mb):
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


def handle(data):
    cmd, _, arg = data.partition(b":")
    if cmd == b"echo":
        return arg
    if cmd == b"init":
        return state["init"]
    if cmd == b"fail":
        raise RuntimeError("asked to fail")
    if cmd == b"crash":
        os._exit(3)
    if cmd == b"die_later":
        threading.Timer(float(arg), lambda: os._exit(5)).start()
        return b"dying"
    if cmd == b"sleep":
        time.sleep(float(arg))
        return b"slept"
    if cmd == b"alloc":
        # touch every page so the memory is really charged
        blocks = [b"\x01" * (1 << 20) for _ in range(int(arg))]
        return str(len(blocks)).encode()
    if cmd == b"spin":
        wall0, cpu0 = time.monotonic(), time.process_time()
        while time.monotonic() - wall0 < float(arg):
            pass
        return ("%f %f" % (time.process_time() - cpu0, time.monotonic() - wall0)).encode()
    if cmd == b"fork":
        # a bounded fork bomb: children sleep, then exit on their own
        forked = 0
        for _ in range(int(arg)):
            try:
                pid = os.fork()
            except OSError:
                break
            if pid == 0:
                time.sleep(30)
                os._exit(0)
            forked += 1
        return str(forked).encode()
    if cmd == b"child":
        subprocess.Popen(["sleep", "300"])
        time.sleep(3600)
    if cmd == b"ns":
        with open("/proc/net/dev") as f:
            ifaces = [line.split(":")[0].strip() for line in f.readlines()[2:]]
        return ("%d %s" % (os.getpid(), ",".join(ifaces))).encode()
    if cmd == b"read":
        with open(os.path.join(os.environ["FOREWARM_SCRATCH"], arg.decode()), "rb") as f:
            return f.read()
    if cmd == b"fill":
        path = os.path.join(os.environ["FOREWARM_SCRATCH"], "fill.bin")
        written = 0
        try:
            with open(path, "wb") as f:
                for _ in range(int(arg)):
                    f.write(b"\x02" * (1 << 20))
                    f.flush()
                    written += 1
        except OSError as e:
            return ("%d %s" % (written, e.strerror)).encode()
        finally:
            os.remove(path)
        return ("%d ok" % written).encode()
    if cmd == b"keep":
        return _write_scratch("keep.bin", int(arg))
    if cmd == b"loop":
        return str(_loopback(int(arg))).encode()
    raise ValueError("unknown command %r" % cmd)
