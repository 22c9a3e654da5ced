package io.forewarm.sim.trace;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A byte-level CSV scanner over a file, read in large chunks so that a 2 GB Azure 2019 file of mostly
 * {@code 0,} streams at disk speed: counts are parsed digit by digit, with no string per cell.
 *
 * <p>It tracks the 1-based line and the 1-based column (field number) of the field it last read, so every
 * error names file, line and column. Fields are unquoted ASCII except in {@link #field()}, which also
 * accepts a double-quoted field (for hand-written generic CSV files). A trailing {@code \r} before a line
 * end is ignored.
 */
final class CsvScanner implements Closeable {

    /** The delimiter that ended the last field. */
    enum End { COMMA, LINE, FILE }

    private static final int CHUNK = 1 << 20;

    private final Path file;
    private final InputStream in;
    private final byte[] buf;
    private int pos;
    private int limit;
    private long line = 1;
    private int column = 1;
    private long fieldLine = 1;
    private int fieldColumn = 1;
    private End end = End.LINE;
    private final StringBuilder text = new StringBuilder(80);

    private CsvScanner(Path file, InputStream in, int chunk) {
        this.file = file;
        this.in = in;
        this.buf = new byte[chunk];
    }

    /** Opens {@code file}; a missing file is a {@link TraceFormatException} at line 0. */
    static CsvScanner open(Path file) throws IOException {
        return open(file, CHUNK);
    }

    /** Opens {@code file} reading {@code chunk} bytes at a time (tests use tiny chunks to cross boundaries). */
    static CsvScanner open(Path file, int chunk) throws IOException {
        try {
            return new CsvScanner(file, Files.newInputStream(file), chunk);
        } catch (NoSuchFileException e) {
            throw new TraceFormatException(file, 0, 0, "file not found");
        }
    }

    /** Skips blank lines before the next row; false when the file has no more rows. */
    boolean nextRow() throws IOException {
        while (pos < limit || fill()) {
            byte b = buf[pos];
            if (b == '\n') {
                line++;
                column = 1;
            } else if (b != '\r') {
                return true;
            }
            pos++;
        }
        return false;
    }

    /** The file being read. */
    Path file() {
        return file;
    }

    /** How the last field ended. */
    End end() {
        return end;
    }

    /** The 1-based line of the last field read. */
    long line() {
        return fieldLine;
    }

    /** An error at the last field read. */
    TraceFormatException fail(String problem) {
        return new TraceFormatException(file, fieldLine, fieldColumn, problem);
    }

    /** An error at the current line, column 0 (the whole line). */
    TraceFormatException failLine(String problem) {
        return new TraceFormatException(file, fieldLine, 0, problem);
    }

    /** Reads one field as text and the delimiter after it. */
    String field() throws IOException {
        startField();
        text.setLength(0);
        boolean quoted = false;
        boolean first = true;
        while (true) {
            if (pos == limit && !fill()) {
                if (quoted) {
                    throw fail("unterminated quoted field");
                }
                return finish(End.FILE);
            }
            byte b = buf[pos++];
            if (quoted) {
                if (b == '"') {
                    if (pos == limit && !fill() || buf[pos] != '"') {
                        quoted = false;
                        continue;
                    }
                    pos++;
                }
                if (b == '\n') {
                    throw fail("line break inside a quoted field");
                }
                text.append((char) (b & 0xff));
            } else if (b == ',') {
                return finish(End.COMMA);
            } else if (b == '\n') {
                return finish(End.LINE);
            } else if (b == '"' && first) {
                quoted = true;
            } else if (b != '\r') {
                text.append((char) (b & 0xff));
            }
            first = false;
        }
    }

    private String finish(End how) {
        endField(how);
        String s = text.toString();
        // Bytes were appended one per char; re-decode so UTF-8 ids and names survive.
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0x7f) {
                return new String(s.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
            }
        }
        return s;
    }

    /** The non-zero cells of one row of counts, reused from row to row. */
    static final class SparseRow {
        int[] index = new int[256];
        int[] count = new int[256];
        int size;

        private void add(int i, int c) {
            if (size == index.length) {
                index = Arrays.copyOf(index, size * 2);
                count = Arrays.copyOf(count, size * 2);
            }
            index[size] = i;
            count[size++] = c;
        }
    }

    /**
     * Reads the rest of the line as exactly {@code cells} counts into {@code row} (cell index and count of
     * each non-zero cell). This is the hot loop of a 2 GB file: one pass over the buffer with local state,
     * no call per cell. Non-numeric, negative, empty and over-large cells, and rows with more or fewer
     * cells, fail naming the cell.
     */
    void counts(int cells, SparseRow row) throws IOException {
        row.size = 0;
        int first = column;
        int i = 0;
        long v = 0;
        int digits = 0;
        byte[] b = buf;
        int p = pos;
        int lim = limit;
        boolean lineEnd = false;
        while (true) {
            if (p == lim) {
                pos = p;
                if (!fill()) {
                    break;
                }
                p = 0;
                lim = limit;
            }
            byte x = b[p++];
            int d = x - '0';
            if (d >= 0 && d <= 9) {
                v = v * 10 + d;
                digits++;
                if (v > Integer.MAX_VALUE) {
                    pos = p;
                    throw cellFail(first + i, "count too large");
                }
            } else if (x == ',') {
                if (digits == 0 || i == cells - 1) {
                    pos = p;
                    throw cellFail(first + i + (digits == 0 ? 0 : 1), digits == 0 ? "empty cell, expected a count"
                            : "row has more cells than the header's " + (first + cells - 1));
                }
                if (v > 0) {
                    row.add(i, (int) v);
                }
                i++;
                v = 0;
                digits = 0;
            } else if (x == '\n') {
                lineEnd = true;
                break;
            } else if (x != '\r') {
                pos = p - 1;
                throw cellFail(first + i, x == '-' ? "negative count: " + rest() : "not a count: " + rest());
            }
        }
        pos = p;
        if (digits == 0) {
            throw cellFail(first + i, "empty cell, expected a count");
        }
        if (i != cells - 1) {
            throw cellFail(first + i, "row has " + (first + i) + " cells but the header has " + (first + cells - 1));
        }
        if (v > 0) {
            row.add(i, (int) v);
        }
        fieldLine = line;
        fieldColumn = first + i;
        endField(lineEnd ? End.LINE : End.FILE);
    }

    private TraceFormatException cellFail(int col, String problem) {
        fieldLine = line;
        fieldColumn = col;
        return fail(problem);
    }

    /** Reads one field as an integer (for header minute numbers). */
    int integer() throws IOException {
        String s = field();
        try {
            return Integer.parseInt(s.strip());
        } catch (NumberFormatException e) {
            throw fail("not an integer: '" + s + "'");
        }
    }

    /** Skips the rest of the current line without parsing it (a byte scan for the line break). */
    void skipLine() throws IOException {
        if (end != End.COMMA) {
            return;
        }
        while (pos < limit || fill()) {
            if (buf[pos++] == '\n') {
                endField(End.LINE);
                return;
            }
        }
        endField(End.FILE);
    }

    /**
     * Reads a whole row of exactly {@code width} fields as text (small files only); a row with more or
     * fewer cells fails naming the line and the column where it went wrong.
     */
    String[] row(int width) throws IOException {
        String[] cells = new String[width];
        for (int i = 0; i < width; i++) {
            if (i > 0 && end != End.COMMA) {
                throw fail("row has " + i + " cells but the header has " + width);
            }
            cells[i] = field();
        }
        if (end == End.COMMA) {
            field();
            throw fail("row has more cells than the header's " + width);
        }
        return cells;
    }

    /** An error at {@code column} (1-based) of the line of the last field read. */
    TraceFormatException failAt(int column, String problem) {
        return new TraceFormatException(file, fieldLine, column, problem);
    }

    /** The offending text from the current position up to the next delimiter, for error messages. */
    private String rest() throws IOException {
        StringBuilder sb = new StringBuilder();
        while (sb.length() < 20 && (pos < limit || fill())) {
            byte b = buf[pos];
            if (b == ',' || b == '\n' || b == '\r') {
                break;
            }
            sb.append((char) (b & 0xff));
            pos++;
        }
        return "'" + sb + "'";
    }

    private void startField() {
        fieldLine = line;
        fieldColumn = column;
    }

    private void endField(End how) {
        end = how;
        if (how == End.COMMA) {
            column++;
        } else if (how == End.LINE) {
            line++;
            column = 1;
        }
    }

    private boolean fill() throws IOException {
        int n = in.readNBytes(buf, 0, buf.length);
        pos = 0;
        limit = Math.max(n, 0);
        return limit > 0;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
