package io.forewarm.sim.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The scanner gives the same cells whatever the chunk size, so buffer refills never split a value. */
class CsvScannerTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 64, 1 << 20})
    void randomRowsParseIdenticallyAcrossChunkBoundaries(int chunk) throws IOException {
        Random rnd = new Random(chunk);
        int cells = 1 + rnd.nextInt(40);
        List<String> names = new ArrayList<>();
        List<int[]> rows = new ArrayList<>();
        StringBuilder csv = new StringBuilder();
        for (int r = 0; r < 200; r++) {
            boolean quoted = rnd.nextBoolean();
            String name = quoted ? "\"f,n\"\"" + r + "\"" : "fn" + r;
            names.add(quoted ? "f,n\"" + r : name);
            int[] row = new int[cells];
            csv.append(name);
            for (int i = 0; i < cells; i++) {
                row[i] = rnd.nextInt(4) == 0 ? rnd.nextInt(Integer.MAX_VALUE) : 0;
                csv.append(',').append(row[i]);
            }
            csv.append(rnd.nextBoolean() ? "\r\n" : "\n");
            if (rnd.nextInt(10) == 0) {
                csv.append('\n'); // blank lines are skipped
            }
            rows.add(row);
        }
        Path file = dir.resolve("t.csv");
        Files.writeString(file, csv);

        CsvScanner.SparseRow sparse = new CsvScanner.SparseRow();
        try (CsvScanner s = CsvScanner.open(file, chunk)) {
            for (int r = 0; r < rows.size(); r++) {
                assertThat(s.nextRow()).isTrue();
                assertThat(s.field()).isEqualTo(names.get(r));
                s.counts(cells, sparse);
                int[] dense = new int[cells];
                for (int i = 0; i < sparse.size; i++) {
                    dense[sparse.index[i]] = sparse.count[i];
                }
                assertThat(dense).as("row %d", r).containsExactly(rows.get(r));
            }
            assertThat(s.nextRow()).isFalse();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 5, 1 << 20})
    void errorsNameTheSameCellWhateverTheChunk(int chunk) throws IOException {
        Path file = dir.resolve("bad.csv");
        Files.writeString(file, "a,1,2,3\nb,4,5x,6\n");
        try (CsvScanner s = CsvScanner.open(file, chunk)) {
            CsvScanner.SparseRow row = new CsvScanner.SparseRow();
            s.nextRow();
            s.field();
            s.counts(3, row);
            assertThat(Arrays.copyOf(row.count, row.size)).containsExactly(1, 2, 3);
            s.nextRow();
            s.field();
            assertThatThrownBy(() -> s.counts(3, row)).isInstanceOfSatisfying(TraceFormatException.class, e -> {
                assertThat(e.line()).isEqualTo(2);
                assertThat(e.column()).isEqualTo(3);
                assertThat(e.getMessage()).contains("not a count: 'x'");
            });
        }
    }
}
