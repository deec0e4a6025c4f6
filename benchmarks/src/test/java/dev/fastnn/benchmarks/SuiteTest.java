package dev.fastnn.benchmarks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The documented pruning rules of {@link Suite}, and where it writes its report. */
class SuiteTest {

    @Test
    void twoThreadsOnlyForMultiThreadedBackends() {
        assertTrue(Suite.meaningful("vector", "threads", "2"));
        assertTrue(Suite.meaningful("openblas", "threads", "2"));
        assertFalse(Suite.meaningful("naive", "threads", "2"));
        assertFalse(Suite.meaningful("netlib", "threads", "2"));
        assertFalse(Suite.meaningful("aparapi", "threads", "2"));
        assertTrue(Suite.meaningful("naive", "threads", "1"));
    }

    @Test
    void naiveGemmStopsAt512() {
        assertTrue(Suite.meaningful("naive", "n", "512"));
        assertFalse(Suite.meaningful("naive", "n", "1024"));
        assertTrue(Suite.meaningful("vector", "n", "2048"));
        assertTrue(Suite.meaningful("naive", "shape", "X.W1"));
    }

    @Test
    void resultsKeptElsewhereGetTheirReportAndChartThereToo() {
        assertArrayEquals(new String[] {"--results", "benchmarks/results"}, Suite.reportArguments(Report.RESULTS));
        assertArrayEquals(new String[] {"--results", "/tmp/r", "--out", "/tmp/r/BENCHMARKS.md", "--chart", "/tmp/r/gemm-gflops.png"},
                Suite.reportArguments(Path.of("/tmp/r")));
    }
}
