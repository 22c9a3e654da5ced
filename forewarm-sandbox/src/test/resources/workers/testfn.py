"""Test function for sandbox tests: the input names what to do, e.g. b"echo:hi", b"alloc:200"."""
import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # workloads.py lies beside this file
from workloads import loopback, wait_for, write_scratch  # noqa: E402

state = {}


def init(payload):
    if payload == b"fail":
        raise ValueError("init refused")
    if payload == b"hang":
        time.sleep(3600)
    state["init"] = payload


def handle(data):
    cmd, _, arg = data.partition(b":")
    if cmd == b"echo":
        return arg
    if cmd == b"wait":  # until the test creates the file arg names
        return wait_for(arg.decode())
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
        return write_scratch("keep.bin", int(arg))
    if cmd == b"loop":
        return str(loopback(int(arg))).encode()
    raise ValueError("unknown command %r" % cmd)
