package io.forewarm.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkerTest {

    record Frame(int type, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    private static byte[] frames(Object... typeAndPayload) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        for (int i = 0; i < typeAndPayload.length; i += 2) {
            byte[] p = (byte[]) typeAndPayload[i + 1];
            out.writeByte((Integer) typeAndPayload[i]);
            out.writeInt(p.length);
            out.write(p);
        }
        return bytes.toByteArray();
    }

    private static List<Frame> parse(byte[] bytes) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        List<Frame> out = new ArrayList<>();
        int type;
        while ((type = in.read()) >= 0) {
            byte[] p = new byte[in.readInt()];
            in.readFully(p);
            out.add(new Frame(type, p));
        }
        return out;
    }

    private static List<Frame> run(Function f, byte[] input) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Worker.serve(f, new ByteArrayInputStream(input), out);
        return parse(out.toByteArray());
    }

    @Test
    void initsThenAnswersInvocationsInOrderWithBinaryPayloads() throws IOException {
        byte[][] seen = new byte[1][];
        Function reverse = new Function() {
            @Override
            public void init(byte[] payload) {
                seen[0] = payload;
            }

            @Override
            public byte[] handle(byte[] input) {
                byte[] r = new byte[input.length];
                for (int i = 0; i < input.length; i++) {
                    r[i] = input[input.length - 1 - i];
                }
                return r;
            }
        };
        List<Frame> replies = run(reverse, frames(Worker.INIT, new byte[] {7}, Worker.INVOKE,
                new byte[] {0, 1, (byte) 255}, Worker.INVOKE, new byte[0]));
        assertThat(seen[0]).containsExactly(7);
        assertThat(replies).extracting(Frame::type).containsExactly(Worker.READY, Worker.RESULT, Worker.RESULT);
        assertThat(replies.get(1).payload()).containsExactly((byte) 255, 1, 0);
        assertThat(replies.get(2).payload()).isEmpty();
    }

    @Test
    void functionExceptionBecomesErrorAndWorkerKeepsServing() throws IOException {
        Function failing = input -> {
            if (input.length == 0) {
                throw new IllegalStateException("empty input");
            }
            return input;
        };
        List<Frame> replies = run(failing, frames(Worker.INIT, new byte[0], Worker.INVOKE, new byte[0],
                Worker.INVOKE, new byte[] {5}));
        assertThat(replies).extracting(Frame::type).containsExactly(Worker.READY, Worker.ERROR, Worker.RESULT);
        assertThat(replies.get(1).text()).contains("IllegalStateException").contains("empty input");
    }

    @Test
    void initFailureRepliesErrorAndStops() throws IOException {
        Function f = new Function() {
            @Override
            public void init(byte[] payload) throws Exception {
                throw new java.io.FileNotFoundException("model.bin");
            }

            @Override
            public byte[] handle(byte[] input) {
                return input;
            }
        };
        List<Frame> replies = run(f, frames(Worker.INIT, new byte[0], Worker.INVOKE, new byte[] {1}));
        assertThat(replies).singleElement().satisfies(r -> {
            assertThat(r.type()).isEqualTo(Worker.ERROR);
            assertThat(r.text()).contains("model.bin");
        });
    }

    @Test
    void invokeBeforeInitIsRejected() {
        assertThatThrownBy(() -> run(input -> input, frames(Worker.INVOKE, new byte[] {1})))
                .isInstanceOf(IOException.class).hasMessageContaining("before INIT");
    }
}
