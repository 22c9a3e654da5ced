package io.forewarm.sandbox;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;

/** The worker protocol's framing (docs/worker-protocol.md): 1 type byte, 4-byte big-endian length, payload. */
final class Frames {

    static final int INIT = 1;
    static final int READY = 2;
    static final int INVOKE = 3;
    static final int RESULT = 4;
    static final int ERROR = 5;

    /** One frame. */
    record Frame(int type, byte[] payload) {
    }

    /** The worker wrote something that is not a valid frame. */
    static final class ProtocolException extends IOException {
        private static final long serialVersionUID = 1L;

        ProtocolException(String message) {
            super(message);
        }
    }

    private Frames() {
    }

    /** Writes one frame and flushes. */
    static void write(DataOutputStream out, int type, byte[] payload) throws IOException {
        out.writeByte(type);
        out.writeInt(payload.length);
        out.write(payload);
        out.flush();
    }

    /**
     * Reads one frame sent by a worker, or null at a clean end of stream.
     *
     * @throws ProtocolException for a type a worker may not send or a length over {@code maxBytes}
     * @throws EOFException when the stream ends inside a frame (the worker died while writing)
     */
    static Frame read(DataInputStream in, int maxBytes) throws IOException {
        int type = in.read();
        if (type < 0) {
            return null;
        }
        if (type != READY && type != RESULT && type != ERROR) {
            throw new ProtocolException("unknown frame type " + type + " from worker");
        }
        int length = in.readInt();
        if (length < 0 || length > maxBytes) {
            throw new ProtocolException("frame length " + Integer.toUnsignedString(length) + " exceeds the limit of "
                    + maxBytes + " bytes");
        }
        byte[] payload = new byte[length];
        in.readFully(payload);
        return new Frame(type, payload);
    }

    /** The protocol name of a frame type, for messages. */
    static String name(int type) {
        return switch (type) {
            case INIT -> "INIT";
            case READY -> "READY";
            case INVOKE -> "INVOKE";
            case RESULT -> "RESULT";
            case ERROR -> "ERROR";
            default -> "type " + type;
        };
    }
}
