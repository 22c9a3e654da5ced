"""Test function for the engine tests: the command before ':' says what to do with the argument after it."""
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # workloads.py lies beside this file
from workloads import loopback, wait_for, write_scratch  # noqa: E402

_kept = []


def init(payload):
    if payload == b"fail":
        raise RuntimeError("init fails on purpose")
    if payload.startswith(b"sleep:"):
        time.sleep(float(payload[6:]))


def _touch(mb):
    block = bytearray(mb * 1024 * 1024)
    for i in range(0, len(block), 4096):  # write every page so the memory is really used
        block[i] = 1
    return block


def _frames_fd():
    # The shim keeps the real stdout as a dup of fd 1: the lowest pipe fd above 2.
    for fd in sorted(int(f) for f in os.listdir("/proc/self/fd")):
        if fd > 2 and os.readlink("/proc/self/fd/%d" % fd).startswith("pipe:"):
            return fd
    return 1


def handle(data):
    cmd, _, arg = data.partition(b":")
    if cmd == b"echo":
        return arg
    if cmd == b"wait":  # until the test creates the file arg names
        return wait_for(arg.decode())
    if cmd == b"sleep":
        time.sleep(float(arg))
        return b"slept " + arg
    if cmd == b"crash":
        os._exit(3)
    if cmd == b"exit-later":  # answer, then die while idle
        threading.Timer(float(arg), lambda: os._exit(0)).start()
        return b"bye"

    if cmd == b"touch":  # use the memory for a while, then give it back
        block = _touch(int(arg))
        time.sleep(0.3)
        del block
        return b"touched " + arg
    if cmd == b"hog":  # keep the memory: an OOM kill when over the limit
        _kept.append(_touch(int(arg)))
        return b"hogging"
    if cmd == b"garbage":
        os.write(_frames_fd(), b"\x09\x00\x00\x00\x03abc")
        time.sleep(1)
        return b"unreachable"
    if cmd == b"error":
        raise ValueError(arg.decode())
    if cmd == b"scratch":  # fill the scratch with arg MiB and keep it: ENOSPC when over the disk limit
        return write_scratch("data.bin", int(arg))
    if cmd == b"loop":  # arg bytes over loopback, then a pause so the run is long enough to give a rate
        sent = loopback(int(arg))
        time.sleep(0.05)
        return str(sent).encode()
    raise ValueError("unknown command %r" % cmd)
