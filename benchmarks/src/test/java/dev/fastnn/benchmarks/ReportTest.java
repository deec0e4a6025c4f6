package dev.fastnn.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
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
                result("ActivationBenchmark.activation",
                        "\"backend\": \"vector\", \"function\": \"sigmoid\", \"size\": \"65536\", \"threads\": \"1\"",
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
    void peakAndAllocationGoalsAreJudgedByTheFmaPeakAndTheWorstBytesPerOperation() throws Exception {
        // FMA peak, 1 thread, 512 bits: 2 * 100000 * 12 chains * 16 lanes = 38.4 MFLOP in 150 us -> 256 GFLOP/s.
        // n = 1024: 2 * 1024^3 = 2147483648 flop in 9 ms -> 238.6 GFLOP/s = 93% of the peak; n = 512 in 1.2 ms
        // -> 223.7 GFLOP/s = 87%: the lowest. Allocation: the worst of 3.0 and 40.0 B/op misses 16.
        String gc = "\"secondaryMetrics\": {\"gc.alloc.rate.norm\": {\"score\": %s, \"scoreUnit\": \"B/op\"}}";
        Path json = dir.resolve("r.json");
        Files.writeString(json, "[" + String.join(",",
                result("FmaPeakBenchmark.fma", "\"bits\": \"512\", \"threads\": \"1\"", 150, "us/op"),
                result(GEMM, "\"backend\": \"vector\", \"n\": \"512\", \"threads\": \"1\"", 1.2, "ms/op"),
                result(GEMM, "\"backend\": \"vector\", \"n\": \"1024\", \"threads\": \"1\"", 9, "ms/op"),
                result(GEMM, "\"backend\": \"vector\", \"n\": \"2048\", \"threads\": \"1\"", 72, "ms/op"),
                result("ActivationBenchmark.activation",
                        "\"backend\": \"vector\", \"function\": \"relu\", \"size\": \"1024\", \"threads\": \"1\"", 1, "us/op")
                        .replace("\"secondaryMetrics\": {}", String.format(gc, "3.0")),
                result("ActivationBenchmark.activation",
                        "\"backend\": \"vector\", \"function\": \"relu\", \"size\": \"65536\", \"threads\": \"1\"", 9, "us/op")
                        .replace("\"secondaryMetrics\": {}", String.format(gc, "40.0"))) + "]");
        String md = Report.load(List.of(json)).markdown("gemm.png");
        assertTrue(md.contains("- FMA peak (`FmaPeakBenchmark`, float32): 256 GFLOP/s on 1 thread (512-bit vectors)"), md);
        assertTrue(md.contains("| 12 | vector gemm, 1 thread, n >= 512: >= 90% of the FMA peak | lowest 87% (n = 512) | no |"), md);
        assertTrue(md.contains("| 12 | vector activations, 1K to 1M elements: <= 16 B/op | not measured with -prof gc"
                + " (function = sigmoid) | - |"), md);
    }

    @Test
    void epochGoalsTakeTheFirstIterationOfEveryForkAgainstTheLaterOnesAndNumpy() throws Exception {
        // Forks [0.9, 0.3, 0.3] and [0.7, 0.2, 0.2]: first 0.8 s, later 0.25 s -> 3.20x; numpy 0.5 s -> 0.50x.
        Path json = dir.resolve("r.json");
        Files.writeString(json, "[" + result("EpochBenchmark.epoch", "\"backend\": \"vector\", \"threads\": \"1\", \"warmup\": \"false\"", 0.433, "s/op")
                .replace("\"scoreUnit\": \"s/op\"}", "\"scoreUnit\": \"s/op\", \"rawData\": [[0.9, 0.3, 0.3], [0.7, 0.2, 0.2]]}")
                + "]");
        Path numpy = dir.resolve("numpy-epoch-1thread.json");
        Files.writeString(numpy, "{\"epoch_seconds\": 0.5, \"blas_threads\": 1, \"blas\": \"openblas\", \"numpy\": \"2.0\"}");
        String md = Report.load(List.of(json, numpy)).markdown("gemm.png");
        assertTrue(md.contains("| vector, 1 t | none | 0.800 s | 0.250 s | 3.20x | 0.500 s | 0.50x |"), md);
        assertTrue(md.contains("| 12 | vector Fashion-MNIST epoch, no warm-up: first epoch <= 1.5x a later one | not measured"
                + " (threads = 2) | - |"), md);
    }

    @Test
    void theGpuSectionTabulatesTheGpuChecksFigures() throws Exception {
        Path json = dir.resolve("r.json");
        Files.writeString(json, "[" + result(GEMM, VECTOR_256, 1000, "us/op") + "]");
        Path gpu = dir.resolve(GpuSection.FILE);
        Files.writeString(gpu, "{\"started\": \"2026-12-04T17:58:54Z\", \"device\": \"aparapi (OpenCL GPU device X)\","
                + " \"reference\": \"vector (16 threads)\", \"verdict\": \"GPU CHECK PASSED\","
                + " \"environment\": [\"NVIDIA kernel driver: NVRM  580.1  Release\", \"nvidia-smi: name, memory.total [MiB]\","
                + " \"nvidia-smi: X, 1000 MiB\"], \"sections\": ["
                + "{\"name\": \"gemm speed\", \"figures\": {\"sizes\": [{\"n\": 4096, \"deviceGflops\": 19074.4,"
                + " \"vectorGflops\": 451.17, \"deviceOverVector\": 42.277}]}},"
                + "{\"name\": \"training at batch 4096\", \"figures\": {\"batch\": 4096, \"samples\": 60000,"
                + " \"deviceEpoch\": {\"medianSeconds\": 0.15, \"repetitions\": 5}, \"vectorEpoch\": {\"medianSeconds\": 0.3},"
                + " \"deviceOverVector\": 2.0, \"timedAgreement\": {\"lossOfAllowance\": 0.0094, \"parametersRelative\": 1.9e-6},"
                + " \"stepAnatomy\": [{\"piece\": \"one launch\", \"deviceMicroseconds\": 52.94, \"vectorMicroseconds\": 0.2}]}},"
                + "{\"name\": \"goals\", \"figures\": {\"gemm\": \"19074 GFLOP/s: met\", \"epoch\": \"2.00x: NOT met\"}}]}");
        String md = Report.load(List.of(json, gpu)).markdown("gemm.png");
        assertTrue(md.contains("- Driver: NVRM 580.1 Release\n"), md);
        assertTrue(md.contains("- nvidia-smi (name, memory.total [MiB]): X, 1000 MiB\n"), md);
        assertTrue(md.contains("| 4096 | 19074 | 451.2 | 42.3x |"), md);
        assertTrue(md.contains("| 4096 | 60000 | 5 | 0.150 s | 0.300 s | 2.00x | 0.009 | 1.90e-06 |"), md);
        // 60000 samples in batches of 4096 are 15 steps: 0.15 s / 15 = 10 ms.
        assertTrue(md.contains("| the whole step, in training (an epoch / 15 steps) | 10000.0 µs | 20000.0 µs |"), md);
        assertTrue(md.contains("| one launch | 52.9 µs | 0.2 µs |"), md);
        assertTrue(md.contains("batch-4096 epoch >= 10x the vector backend: 2.00x: NOT met."), md);
    }

    @Test
    void aGpuCheckFileWithoutSectionsIsRefusedWithItsName() throws Exception {
        Path gpu = dir.resolve(GpuSection.FILE);
        Files.writeString(gpu, "[1, 2]");
        IOException e = assertThrows(IOException.class, () -> Report.load(List.of(gpu)));
        assertTrue(e.getMessage().startsWith(gpu + ": not the GPU check's figures"), e.getMessage());
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
