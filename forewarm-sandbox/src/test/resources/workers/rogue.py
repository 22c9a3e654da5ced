"""A worker that breaks the protocol: proper READY, then in answer to INVOKE an unknown frame type, or with
argument "double" two RESULT frames."""
import os
import struct
import sys

def read_frame():
    header = sys.stdin.buffer.read(5)
    kind, length = struct.unpack(">BI", header)
    return kind, sys.stdin.buffer.read(length)

read_frame()
os.write(1, struct.pack(">BI", 2, 0))
read_frame()
if sys.argv[1:] == ["double"]:
    os.write(1, struct.pack(">BI", 4, 1) + b"1" + struct.pack(">BI", 4, 1) + b"2")
else:
    os.write(1, struct.pack(">BI", 9, 3) + b"bad")
sys.stdin.buffer.read()
