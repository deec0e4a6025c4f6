package dev.fastnn.gpukit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastnn.kernels.Activation;
import dev.fastnn.kernels.Backend;
import dev.fastnn.kernels.Backends;
import dev.fastnn.kernels.Matrix;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checks themselves, with the naive backend standing in for the device ({@link DelegatingBackend}) and
 * the vector backend as the reference: a correct backend passes every check, and a backend with one planted
 * fault (one wrong element, a wrong sigmoid, a weight upload per step, a wrong bias gradient, a launch off
 * the device) fails the check that must catch it, with the operation named.
 */
class ChecksTest {
    private static final Sizes SMALL = new Sizes("test",
            new int[][] {{1, 1, 1}, {3, 7, 5}, {17, 33, 31}, {65, 63, 129}, {1000, 3, 20}},
            new int[][] {{1, 1}, {3, 17}, {1, 1000}, {33, 31}}, new int[] {64}, 300, 2, 3);
    private static final Supplier<String> ON_DEVICE = () -> null;

    @TempDir
    Path dir;

    private final Backend reference = Backends.get("vector");

    private Report.Section section(String name) {
        return new Report(dir.resolve("report.txt"), dir.resolve("report.json"), List.of()).section(name);
    }

    @Test
    void gemmCheckPassesNaiveAgainstVectorInEveryTransposeCase() {
        Report.Section s = section("gemm");
        new GemmCheck(new DelegatingBackend(), reference, ON_DEVICE).correctness(s, SMALL);
        assertFalse(s.failed(), String.join("\n", s.figures().toString()));
        new GemmCheck(new DelegatingBackend(), reference, ON_DEVICE).speed(s, SMALL, new Deadline(600));
        assertFalse(s.failed(), s.figures().toString());
    }

    @Test
    void gemmCheckFailsABackendWithOneWrongElementInC() {
        Backend broken = new DelegatingBackend() {
            @Override
            protected void gemmKernel(boolean transA, boolean transB, int m, int n, int k,
                                      float alpha, Matrix a, Matrix b, float beta, Matrix c) {
                super.gemmKernel(transA, transB, m, n, k, alpha, a, b, beta, c);
                if (transA && m * n > 100) {
                    float[] values = inner().download(twin(c));
                    values[m * n - 1] += 1e-3f;
                    inner().write(twin(c), values, 0);
                }
            }
        };
        Report.Section s = section("gemm");
        new GemmCheck(broken, reference, ON_DEVICE).correctness(s, SMALL);
        assertTrue(s.failed());
        String figures = s.figures().toString();
        assertTrue(figures.contains("gemm transA=true transB=false={passed=false"), figures);
        assertTrue(figures.contains("gemm transA=false transB=false={passed=true"), figures);
    }

    @Test
    void elementwiseCheckPassesNaiveAgainstVectorOnEveryOperation() {
        Report.Section s = section("elementwise");
        new ElementwiseCheck(new DelegatingBackend(), reference, ON_DEVICE).run(s, SMALL);
        assertFalse(s.failed(), s.figures().toString());
        assertTrue((Integer) s.figures().get("count") >= 30, "every Backend operation has its entry: " + s.figures().get("count"));
    }

    @Test
    void elementwiseCheckFailsASigmoid2ToTheMinus18TooSmallAndNothingElse() {
        Backend broken = new DelegatingBackend() {
            @Override
            protected void activationKernel(Activation f, Matrix x, Matrix out) {
                super.activationKernel(f, x, out);
                if (f == Activation.SIGMOID) {
                    inner().scale(1 - 0x1p-18f, twin(out));
                }
            }
        };
        Report.Section s = section("elementwise");
        new ElementwiseCheck(broken, reference, ON_DEVICE).run(s, SMALL);
        assertTrue(s.failed());
        String figures = s.figures().toString();
        assertTrue(figures.contains("sigmoid={passed=false"), figures);
        assertTrue(figures.contains("tanh={passed=true"), figures);
    }

    @Test
    void aLaunchOffTheDeviceFailsTheOperationEvenWhenItsValuesAgree() {
        Report.Section s = section("elementwise");
        new ElementwiseCheck(new DelegatingBackend(), reference, () -> "Aparapi ran kernel K on Java Thread Pool").run(s, SMALL);
        assertTrue(s.failed());
        assertTrue(s.figures().toString().contains("onDevice=false"), s.figures().toString());
    }

    @Test
    void trainingCheckPassesNaiveAgainstVectorWithOnlyBatchesMovingIn() {
        TrainingCheck.Data data = TrainingCheck.generate(SMALL.trainingRows(), 3);
        Report.Section s = section("training");
        new TrainingCheck(new DelegatingBackend(), reference, ON_DEVICE).run(s, data, 128, SMALL, new Deadline(600));
        assertFalse(s.failed(), s.figures().toString());
        assertTrue(s.figures().containsKey("deviceEpoch") && s.figures().containsKey("transfersPerStep"), s.figures().toString());
        List<?> pieces = (List<?>) s.figures().get("stepAnatomy");
        assertEquals(10, pieces.size(), pieces.toString());
        for (Object piece : pieces) {
            Map<?, ?> row = (Map<?, ?>) piece;
            assertTrue((Double) row.get("deviceMicroseconds") > 0 && (Double) row.get("vectorMicroseconds") > 0, row.toString());
        }
    }

    /** The test device, claiming memory of its own: the trainer keeps the training set on it. */
    private static class DeviceMemoryBackend extends DelegatingBackend {
        @Override
        public boolean isDeviceMemory() {
            return true;
        }
    }

    @Test
    void onADeviceMemoryBackendTheTrainingSetStaysThereAndAStepMovesNothingIn() {
        Backend device = new DeviceMemoryBackend();
        TrainingCheck.Data data = TrainingCheck.generate(SMALL.trainingRows(), 3);
        Report.Section s = section("training");
        new TrainingCheck(device, reference, ON_DEVICE).run(s, data, 128, SMALL, new Deadline(600));
        assertFalse(s.failed(), s.figures().toString());
        String transfers = s.figures().get("transfersPerStep").toString();
        assertTrue(transfers.contains("trainingSetOnDevice=true") && transfers.contains("paddingBytesMax=0"), transfers);
    }

    @Test
    void aDeviceMemoryBackendThatGathersThroughTheHostFailsTheTransferRule() {
        Backend device = new DeviceMemoryBackend() {
            @Override
            protected void gatherRowsKernel(Matrix source, Matrix rows, int from, Matrix dst) {
                write(dst, inner().download(twin(dst)), 0);
                super.gatherRowsKernel(source, rows, from, dst);
            }
        };
        TrainingCheck.Data data = TrainingCheck.generate(SMALL.trainingRows(), 3);
        Report.Section s = section("training");
        new TrainingCheck(device, reference, ON_DEVICE).run(s, data, 128, SMALL, new Deadline(600));
        assertTrue(s.failed(), s.figures().toString());
        // Each step's two gathers wrote their 128 x 784 and 128 x 10 floats from the host.
        String transfers = s.figures().get("transfersPerStep").toString();
        assertTrue(transfers.contains("paddingBytesMax=" + 4 * 128 * (784 + 10)), transfers);
    }

    @Test
    void trainingLossesMayDifferByTheirFloatResolutionNearConvergenceButNoMore() {
        // An H200 against the vector backend, fifth epoch at batch 128: 1.2e-8 (0.19 u) apart, 2.4e-5 relative.
        assertTrue(TrainingCheck.lossesAgree(4.8724687757700547E-4, 4.872352739013815E-4));
        assertFalse(TrainingCheck.lossesAgree(4.9e-4 + 3e-7, 4.9e-4));
        // The same relative difference where the loss is large is a real difference.
        assertFalse(TrainingCheck.lossesAgree(0.08 * (1 + 2.4e-5), 0.08));
        assertTrue(TrainingCheck.lossesAgree(0.08 * (1 + 0.9e-5), 0.08));
        assertFalse(TrainingCheck.lossesAgree(Double.NaN, 0.08));
        assertFalse(TrainingCheck.lossesAgree(0.08, Double.NaN));
    }

    @Test
    void trainingCheckFailsABackendThatUploadsTheWeightsEveryStep() {
        Backend leaky = new DelegatingBackend() {
            @Override
            protected void gemmKernel(boolean transA, boolean transB, int m, int n, int k,
                                      float alpha, Matrix a, Matrix b, float beta, Matrix c) {
                super.gemmKernel(transA, transB, m, n, k, alpha, a, b, beta, c);
                if (!transA && !transB) {
                    transfers().addToBackend((long) Float.BYTES * b.size());
                }
            }
        };
        TrainingCheck.Data data = TrainingCheck.generate(SMALL.trainingRows(), 3);
        Report.Section s = section("training");
        new TrainingCheck(leaky, reference, ON_DEVICE).run(s, data, 128, SMALL, new Deadline(600));
        assertTrue(s.failed());
        assertTrue(s.figures().toString().contains("paddingBytesMax=" + 4 * (784 * 256 + 256 * 10)), s.figures().toString());
    }

    @Test
    void trainingCheckFailsABackendWhoseGradientIsWrong() {
        Backend wrong = new DelegatingBackend() {
            @Override
            protected void columnSumsKernel(Matrix m, Matrix out) {
                super.columnSumsKernel(m, out);
                scaleKernel(0.5f, out);
            }
        };
        TrainingCheck.Data data = TrainingCheck.generate(SMALL.trainingRows(), 3);
        Report.Section s = section("training");
        new TrainingCheck(wrong, reference, ON_DEVICE).run(s, data, 128, SMALL, new Deadline(600));
        assertTrue(s.failed(), s.figures().toString());
    }
}
