package io.forewarm.history;

import io.forewarm.core.ExecutionRecord;
import io.forewarm.core.ExitKind;
import io.forewarm.core.ResourceVector;
import org.junit.jupiter.api.Test;

import java.io.StringWriter;

import static io.forewarm.history.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

class TraceCsvExportTest extends StoreContract {

    @Test
    void exportWritesTheSimulatorsGenericTraceColumnsFirstInArrivalOrder() {
        try (HistoryStore store = open(fresh())) {
            store.append(new ExecutionRecord("thumb", T0.plusMillis(1500), 4, true, 300, 120, 80, 96L << 20, 10, 20,
                    -1, ExitKind.OK, new ResourceVector(0.5, 256L << 20, 0, 0, 0), false));
            store.append(new ExecutionRecord("a,b", T0, 0, false, 0, 7, -1, -1, -1, -1, -1, ExitKind.OOM,
                    ResourceVector.of(1, 128L << 20), true));
            store.append(Fixtures.record("late", T0.plusSeconds(3600), 1));
            store.flush();
            StringWriter out = new StringWriter();
            long rows = TraceCsvExport.write(store, T0, T0.plusSeconds(60), out);
            assertThat(rows).isEqualTo(2);
            assertThat(out.toString()).isEqualTo("""
                    timestamp,function,app,duration_ms,memory_mb,memory_measured,cold,queue_ms,init_ms,cpu_ms,\
                    io_read_bytes,io_write_bytes,net_bytes,exit,limit_cpu,limit_memory_mb,limit_raised
                    2026-03-02T10:00:00Z,"a,b","a,b",7,128,false,false,0,0,,,,,oom,1,128,true
                    2026-03-02T10:00:01.500Z,thumb,thumb,120,96,true,true,4,300,80,10,20,,ok,0.5,256,false
                    """);
        }
    }

    @Test
    void quotingDoublesEmbeddedQuotes() {
        assertThat(TraceCsvExport.quote("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(TraceCsvExport.quote("plain")).isEqualTo("plain");
    }
}
