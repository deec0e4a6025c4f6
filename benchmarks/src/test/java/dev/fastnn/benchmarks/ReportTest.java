package dev.fastnn.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report's arithmetic against numbers worked out by hand from hand-written JMH JSON. */
class ReportTest {
    private static final String GEMM = "GemmBenchmark.gemm";
    private static final String VECTOR_256 = "\"backend\": \"vector\", \"n\": \"256\", \"threads\": \"1\"";

    @TempDir
    Path dir;

    private static String result(String benchmark, String params, double score, String unit) {
        return "{\"benchmark\": \"dev.fastnn.benchmarks." + benchmark + "\", \"mode\": \"avgt\", \"forks\": 1,"
                + " \"jdkVersion\": \"17.0.15\", \"vmName\": \"OpenJDK 64-Bit Server VM\","
                + " \"warmupIterations\": 1, \"warmupTime\": \"1 s\", \"measurementIterations\": 1,"
                + " \"measurementTime\": \"1 s\", \"params\": {" + params + "},"
                + " \"primaryMetric\": {\"score\": " + score + ", \"scoreError\": \"NaN\","
                + " \"scoreUnit\": \"" + unit + "\"},"
                + " \"secondaryMetrics\": {}}";
    }

    @Test
    void gflopsAndRatiosMatchHandComputedValues() throws Exception {
        // n = 256: 2 * 256^3 = 33554432 flop; 1000 us -> 33.55 GFLOP/s, 500 us -> 67.11, 20 ms -> 1.68
        Path older = dir.resolve("20260101-000000-gemm.json");
        Files.writeString(older, "[" + String.join(",",
                result(GEMM, VECTOR_256, 9999, "us/op"),
                result("GemmBenchmark.gemm", "\"backend\": \"naive\", \"n\": \"256\", \"threads\": \"1\"", 20, "ms/op"))
                + "]");
        Path newer = dir.resolve("20260102-000000-gemm.json");
        Files.writeString(newer, "[" + String.join(",",
                result(GEMM, VECTOR_256, 1000, "us/op"),
                result(GEMM, "\"backend\": \"openblas\", \"n\": \"256\", \"threads\": \"1\"", 2000, "ops/s"),
                result("SigmoidBenchmark.sigmoid", "\"backend\": \"vector\", \"size\": \"65536\", \"threads\": \"1\"",
                        16, "us/op"))
                + "]");

        Report report = Report.load(List.of(older, newer));
        String md = report.markdown("gemm.png");

        assertTrue(md.contains("| 256 | 1.68 | 33.55 | 67.11 | 0.50x | 20.00x |"), md);
        assertTrue(md.contains("| vector sigmoid, 64K elements, 1 thread: >= 4 G elements/s | 4.10 G/s | yes |"), md);
        assertTrue(md.contains("not measured (n = 512)"), md);
    }

    @Test
    void laterPlainRunReplacesTheTimeButKeepsTheAllocationFigure() throws Exception {
        Path gc = dir.resolve("1-gc.json");
        Files.writeString(gc, "[" + result(GEMM, VECTOR_256, 9999, "us/op").replace("\"secondaryMetrics\": {}",
                "\"secondaryMetrics\": {\"gc.alloc.rate.norm\": {\"score\": 24.0, \"scoreUnit\": \"B/op\"}}") + "]");
        Path plain = dir.resolve("2-plain.json");
        Files.writeString(plain, "[" + result(GEMM, VECTOR_256, 1000, "us/op") + "]");

        String md = Report.load(List.of(gc, plain)).markdown("gemm.png");

        assertTrue(md.contains("| 256 | 33.55 |"), md);
        assertTrue(md.contains("| GemmBenchmark.gemm | {backend=vector, n=256, threads=1} | 24.0 |"), md);
    }

    @Test
    void chartIsWrittenForSquareGemmResults() throws Exception {
        Path json = dir.resolve("r.json");
        Files.writeString(json, "[" + result("GemmBenchmark.gemm",
                "\"backend\": \"vector\", \"n\": \"64\", \"threads\": \"2\"", 10, "us/op") + "]");
        Path png = dir.resolve("chart.png");
        assertTrue(GemmChart.write(Measurement.read(json), png));
        byte[] head = Files.readAllBytes(png);
        assertEquals((byte) 0x89, head[0]);
        assertEquals('P', head[1]);
    }
}
