package io.forewarm.runtime;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Serves a {@link Function} over the Forewarm worker protocol (docs/worker-protocol.md): frames of one type byte,
 * a 4-byte big-endian length and the payload on stdin/stdout. {@code System.out} is pointed at stderr so that a
 * stray print cannot corrupt the frames.
 */
public final class Worker {

    static final int INIT = 1;
    static final int READY = 2;
    static final int INVOKE = 3;
    static final int RESULT = 4;
    static final int ERROR = 5;

    private Worker() {
    }

    /** Runs {@code args[0]}, a {@link Function} class with a public no-argument constructor, as a worker. */
    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: java -cp ... io.forewarm.runtime.Worker <Function class>");
            System.exit(2);
        }
        Function f = (Function) Class.forName(args[0]).getDeclaredConstructor().newInstance();
        serve(f);
    }

    /** Serves {@code function} on this process's stdin/stdout until stdin closes, then returns. */
    public static void serve(Function function) throws IOException {
        OutputStream frames = new FileOutputStream(FileDescriptor.out);
        System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8));
        serve(function, new FileInputStream(FileDescriptor.in), frames);
    }

    /** Serves {@code function} on the given streams until {@code in} ends (visible for tests). */
    static void serve(Function function, InputStream in, OutputStream out) throws IOException {
        DataInputStream input = new DataInputStream(new BufferedInputStream(in, 1 << 16));
        DataOutputStream output = new DataOutputStream(new BufferedOutputStream(out, 1 << 16));
        boolean initialized = false;
        while (true) {
            int type = input.read();
            if (type < 0) {
                return;
            }
            byte[] payload;
            try {
                payload = new byte[input.readInt()];
                input.readFully(payload);
            } catch (EOFException e) {
                throw new IOException("stdin ended inside a frame of type " + type, e);
            }
            if (type == INIT && !initialized) {
                try {
                    function.init(payload);
                    write(output, READY, new byte[0]);
                    initialized = true;
                } catch (Exception e) {
                    write(output, ERROR, describe(e));
                    return;
                }
            } else if (type == INVOKE && initialized) {
                byte[] result;
                int kind = RESULT;
                try {
                    result = function.handle(payload);
                    if (result == null) {
                        result = new byte[0];
                    }
                } catch (Exception e) {
                    kind = ERROR;
                    result = describe(e);
                }
                write(output, kind, result);
            } else {
                throw new IOException("unexpected frame type " + type + (initialized ? "" : " before INIT"));
            }
        }
    }

    private static byte[] describe(Exception e) {
        return (e.getClass().getName() + ": " + e.getMessage()).getBytes(StandardCharsets.UTF_8);
    }

    private static void write(DataOutputStream out, int type, byte[] payload) throws IOException {
        out.writeByte(type);
        out.writeInt(payload.length);
        out.write(payload);
        out.flush();
    }
}
