package dev.fastnn.network.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastnn.kernels.Activation;
import dev.fastnn.kernels.Backend;
import dev.fastnn.kernels.Backends;
import dev.fastnn.network.model.Loss;
import dev.fastnn.network.testing.NetworkBackends;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A training step in its steady state allocates nothing: buffers are reused and no kernel boxes a vector, in
 * whatever form the JIT has compiled it. Bytes are counted on the training thread
 * ({@code ThreadMXBean.getCurrentThreadAllocatedBytes}) between consecutive {@code batchFinished} calls of one
 * epoch, so each difference is exactly one batch (loaded, stepped, reported); an epoch's own bookkeeping
 * (metrics, evaluation) falls between epochs and is not counted. One-thread backends, so that all the work is
 * on this thread.
 *
 * <p>The verdict does not depend on how loaded the machine is. Before the JIT has compiled the kernels, a
 * step runs interpreted Vector API code, which allocates; on a busy machine compilation comes later, but it
 * comes. So the run goes on epoch after epoch and passes at the first epoch that allocates less than a byte
 * per batch; it fails only on allocation that persists for {@value #PERSISTENT_EPOCHS} epochs and
 * {@value #PERSISTENT_SECONDS} s. Compiling a step costs C2 a second or two of CPU, so even a machine shared
 * with several builds has compiled it long before that: a kernel that boxes in its compiled form fails, one
 * that merely compiles late does not. The failure names how many compilations finished in the run's last
 * seconds, to tell the two apart should a machine ever be that slow.
 */
class SteadyStateAllocationTest {
    private static final int PERSISTENT_EPOCHS = 2000;
    private static final int PERSISTENT_SECONDS = 30;
    /** More than any machine runs in {@value #PERSISTENT_SECONDS} s: the verdict, not this, ends the run. */
    private static final int MAX_EPOCHS = 100_000_000;

    /**
     * Backend, layers, then hidden activation, optimizer, dropout and regularization: every path a step can
     * take through the kernels. 9 hidden units leave tails at every vector width; 64 are stored in panels at
     * every width (MatrixUse.GEMM_RIGHT), with two such layers backprop multiplies by a paneled W^T. Batches
     * are 8 (stored in slivers, GEMM_LEFT) with a last batch of 5 of the 301 samples (row-major).
     */
    static Stream<Arguments> configurations() {
        int[] narrow = {6, 9, 3};
        return Stream.of(
                Arguments.of(Backends.NAIVE, narrow, Activation.SIGMOID, new Optimizer.Adam(0.01f), 0f, Regularization.NONE),
                Arguments.of(Backends.VECTOR, narrow, Activation.SIGMOID, new Optimizer.Adam(0.01f), 0f, Regularization.NONE),
                Arguments.of(Backends.VECTOR, narrow, Activation.TANH, new Optimizer.Sgd(0.1f), 0.25f,
                        new Regularization(1e-3f, 0f)),
                Arguments.of(Backends.VECTOR, narrow, Activation.RELU, new Optimizer.Momentum(0.05f, 0.9f), 0f,
                        new Regularization(0f, 1e-3f)),
                Arguments.of(Backends.VECTOR, new int[] {6, 64, 64, 3}, Activation.SIGMOID, new Optimizer.Sgd(0.1f), 0f,
                        Regularization.NONE),
                Arguments.of(Backends.VECTOR, new int[] {6, 64, 3}, Activation.TANH, new Optimizer.Adam(0.01f), 0f,
                        new Regularization(1e-3f, 1e-3f)));
    }

    @ParameterizedTest
    @MethodSource("configurations")
    void aSteadyStateTrainingStepAllocatesNothing(String name, int[] layers, Activation hidden, Optimizer optimizer,
                                                  float dropout, Regularization regularization) {
        NetworkBackends.get(name);
        try (Backend backend = Backends.create(name, 1)) {
            Trainer trainer = Trainer.builder().layers(layers).hiddenActivation(hidden)
                    .outputActivation(Activation.SOFTMAX).loss(Loss.SOFTMAX_CROSS_ENTROPY)
                    .optimizer(optimizer).dropout(dropout).regularization(regularization)
                    .batchSize(8).epochs(MAX_EPOCHS).seed(3).backend(backend).build();
            assertClean(trainer, TrainerTest.blobs(5), name + " " + Arrays.toString(layers) + ", " + hidden + ", "
                    + optimizer + ", dropout " + dropout + ", " + regularization);
        }
    }

    /**
     * With two threads the big products (64 x 784 x 64 multiply-adds, above the split threshold) are split; the
     * calling thread hands its shares over and waits for them without allocating either.
     */
    @Test
    void aStepSplitOverTwoThreadsAllocatesNothingOnTheTrainingThread() {
        NetworkBackends.get(Backends.VECTOR);
        Samples data = TrainerTest.images(200, 4);
        try (Backend backend = Backends.create(Backends.VECTOR, 2)) {
            Trainer trainer = Trainer.builder().layers(784, 64, 10).batchSize(64).epochs(MAX_EPOCHS).seed(3)
                    .backend(backend).build();
            assertClean(trainer, data, "vector, 2 threads, 784-64-10");
        }
    }

    private static void assertClean(Trainer trainer, Samples data, String what) {
        AllocationWatch watch = new AllocationWatch();
        trainer.fit(data, null, watch).close();
        assertTrue(watch.verdict == Verdict.CLEAN, what + ": " + watch.report());
    }

    private enum Verdict {
        WATCHING, CLEAN, ALLOCATES
    }

    /** Counts each batch's bytes and stops the run once it has a verdict; allocates nothing per batch. */
    private static final class AllocationWatch implements TrainingListener {
        private final com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        private final CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
        private final long start = System.nanoTime();
        private long last;
        private long epochBytes;
        private int epochBatches;
        private int epochs;
        private double lastPerBatch;
        private long compiledAt;
        private Verdict verdict = Verdict.WATCHING;

        @Override
        public void batchFinished(int epoch, int batch, int batches, long samples, double batchLoss) {
            long now = threads.getCurrentThreadAllocatedBytes();
            if (batch > 1) {
                epochBytes += now - last;
                epochBatches++;
            }
            last = threads.getCurrentThreadAllocatedBytes();
        }

        @Override
        public boolean shouldStop(EpochMetrics metrics) {
            epochs++;
            lastPerBatch = (double) epochBytes / epochBatches;
            epochBytes = 0;
            epochBatches = 0;
            if (lastPerBatch < 1) {
                verdict = Verdict.CLEAN;
            } else if (epochs >= PERSISTENT_EPOCHS && System.nanoTime() - start >= PERSISTENT_SECONDS * 1_000_000_000L) {
                verdict = Verdict.ALLOCATES;
            } else if (epochs % 100 == 0) {
                compiledAt = compiler.getTotalCompilationTime();
            }
            return verdict != Verdict.WATCHING;
        }

        String report() {
            return switch (verdict) {
                case CLEAN -> "no allocation from epoch " + epochs;
                case ALLOCATES -> lastPerBatch + " bytes per batch in every one of " + epochs + " epochs over "
                        + (System.nanoTime() - start) / 1_000_000_000 + " s; the JIT compiled for "
                        + (compiler.getTotalCompilationTime() - compiledAt) + " ms in the last 100 epochs";
                case WATCHING -> "still " + lastPerBatch + " bytes per batch after " + epochs + " epochs";
            };
        }
    }
}
