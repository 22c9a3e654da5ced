"""Forewarm worker runtime for Python (standard library only).

Serves a function over the Forewarm worker protocol (docs/worker-protocol.md): frames of one type
byte, a 4-byte big-endian length and the payload, on stdin/stdout.

Usage: ``python3 forewarm_runtime.py my_function.py`` where the file defines
``handle(data: bytes) -> bytes`` and optionally ``init(payload: bytes)``; or import this module and
call ``serve(handle, init)``.
"""

import importlib.util
import os
import struct
import sys
import traceback

INIT, READY, INVOKE, RESULT, ERROR = 1, 2, 3, 4, 5
_HEADER = struct.Struct(">BI")


def _read_exact(stream, n):
    chunks = []
    while n > 0:
        chunk = stream.read(n)
        if not chunk:
            return None
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def _read_frame(stream):
    header = _read_exact(stream, _HEADER.size)
    if header is None:
        return None
    kind, length = _HEADER.unpack(header)
    payload = _read_exact(stream, length)
    if payload is None:
        raise EOFError("stdin ended inside a frame of type %d" % kind)
    return kind, payload


def _write_frame(stream, kind, payload):
    stream.write(_HEADER.pack(kind, len(payload)))
    stream.write(payload)
    stream.flush()


def _describe(exc):
    return ("%s: %s" % (type(exc).__name__, exc)).encode("utf-8")


def serve(handle, init=None):
    """Serve ``handle`` until stdin closes; ``init`` (optional) runs on the INIT payload first."""
    # Keep the real stdout for frames and send print() to stderr, so a stray print cannot corrupt them.
    frames_out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    frames_in = os.fdopen(0, "rb")
    initialized = False
    while True:
        frame = _read_frame(frames_in)
        if frame is None:
            return
        kind, payload = frame
        if kind == INIT and not initialized:
            try:
                if init is not None:
                    init(payload)
            except Exception as exc:  # report any init failure to the host, then stop
                traceback.print_exc()
                _write_frame(frames_out, ERROR, _describe(exc))
                return
            initialized = True
            _write_frame(frames_out, READY, b"")
        elif kind == INVOKE and initialized:
            try:
                result = handle(payload)
                result = b"" if result is None else bytes(result)
                _write_frame(frames_out, RESULT, result)
            except Exception as exc:  # the function's own error; keep serving
                traceback.print_exc()
                _write_frame(frames_out, ERROR, _describe(exc))
        else:
            raise RuntimeError("unexpected frame type %d%s" % (kind, "" if initialized else " before INIT"))


def _load(path):
    # a sandbox must not write into the function's code directory, which may be shared or read-only
    sys.dont_write_bytecode = True
    spec = importlib.util.spec_from_file_location("forewarm_function", path)
    if spec is None:
        raise SystemExit("forewarm_runtime: cannot load %s" % path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if not hasattr(module, "handle"):
        raise SystemExit("forewarm_runtime: %s defines no handle(data)" % path)
    return module


def main(argv):
    if len(argv) != 2:
        sys.stderr.write("usage: python3 forewarm_runtime.py my_function.py\n")
        return 2
    module = _load(argv[1])
    serve(module.handle, getattr(module, "init", None))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
