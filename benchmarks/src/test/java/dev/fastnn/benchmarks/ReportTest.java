package dev.fastnn.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
        assertTrue(md.contains("| n | naive | vector | openblas | vector / openblas | vector / naive |\n|---:|---:|"), md);
        assertTrue(md.contains("| 4 | vector sigmoid, 64K elements, 1 thread: >= 4 G elements/s | 4.10 G/s | yes |"), md);
        assertTrue(md.contains("| 12 | vector sigmoid, 64K elements, 1 thread: >= 6 G elements/s | 4.10 G/s | no |"), md);
        assertTrue(md.contains("| 4 | vector gemm, 1 thread, n = 256...2048: >= 95% of openblas | not measured (n = 512) | - |"), md);
    }

    @Test
    void aGoalOverOneValueIsJudgedByItsRatioToTheReference() throws Exception {
        // 2 * 512^3 flop: vector 1000 us, naive 80 ms -> 80x, above the 50x of issue 4.
        String params = "\"n\": \"512\", \"threads\": \"1\"";
        Path json = dir.resolve("r.json");
        Files.writeString(json, "[" + result(GEMM, "\"backend\": \"vector\", " + params, 1000, "us/op") + ","
                + result(GEMM, "\"backend\": \"naive\", " + params, 80, "ms/op") + "]");
        String md = Report.load(List.of(json)).markdown("gemm.png");
        assertTrue(md.contains("| 4 | vector gemm, 1 thread, n = 512: >= 50x naive | 80.00x | yes |"), md);
    }

    @Test
    void theMachineSectionNamesTheOpenBlasCoreItsRunUsed() throws Exception {
        Path json = dir.resolve("20260103-000000-gemm.json");
        Files.writeString(json, "[" + result(GEMM, VECTOR_256, 1000, "us/op") + "]");
        Machine.current("gemm").store(Report.machineFile(json));
        String core = GemmContender.openBlasCoreName();
        assertFalse(core.isBlank());
        String md = Report.load(List.of(json)).markdown("gemm.png");
        assertTrue(md.contains("- OpenBLAS core: " + core + "; OPENBLAS_CORETYPE: "), md);
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
