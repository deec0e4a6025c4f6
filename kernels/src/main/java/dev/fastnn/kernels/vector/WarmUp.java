package dev.fastnn.kernels.vector;

import dev.fastnn.kernels.Activation;
import dev.fastnn.kernels.Backend;
import dev.fastnn.kernels.Matrix;
import dev.fastnn.kernels.MatrixUse;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;

/**
 * {@link VectorBackend#warmUp}: training steps of a small two-layer network, through the public operations,
 * that take every path a real step takes (a batch drawn from a host set into slivers; the packed, in-place and
 * narrow gemm paths; batches in slivers and weights in panels, read in place and transposed; both fused
 * epilogues; every elementwise activation and gradient, softmax, both losses, the optimizers' updates) on
 * matrices small enough that a step costs little even before the JIT has compiled it. The branches a real step
 * takes must be taken here too: C2 compiles out a branch its profile never saw, and the first real step that takes
 * it drops the method back to the interpreter until it is compiled again. A 784-256-10 first epoch did so in gemm's
 * second block of k, in the scalar tails of its 10-wide bias step and in the cross-entropy of zero targets; with
 * one-hot targets, both bias steps and a product over two blocks of k every {@value #LONG_K_EVERY} rounds here, its
 * first batch came 27 ms after fit began instead of 45, and its first epoch took 1.24 times a later one instead of
 * 1.35 (one thread, Zen 5). The growth of gemm's packing buffer to the first real size still traps once.
 *
 * <p>The JIT compiles a method once it has run often enough, in a background thread. So the steps repeat
 * until a method has had time to reach C2's thresholds ({@value #MIN_ROUNDS} rounds), then until no
 * compilation has finished for {@value #QUIET_ROUNDS} rounds, which on a machine with a core to spare for the
 * compiler means the kernels' compiled forms are installed; {@value #MAX_MILLIS} ms bound it in any case.
 * Warming changes no result: it only runs operations on matrices of its own.
 */
final class WarmUp {
    static final int MIN_ROUNDS = 3000;
    static final int QUIET_ROUNDS = 200;
    static final long MAX_MILLIS = 3000;
    private static final int BATCH = 16;
    private static final int INPUTS = 40;
    private static final int CLASSES = 10;
    /** Steps of k of the product that runs over two blocks of k, every {@value #LONG_K_EVERY} rounds. */
    private static final int LONG_K = GemmDriver.KC + GemmDriver.MR;
    private static final int LONG_K_EVERY = 32;

    private WarmUp() {
    }

    /** Runs the rounds on {@code backend}, whose gemm tile is {@code nr} columns wide. */
    static void run(Backend backend, int nr) {
        int hidden = 3 * nr;
        CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
        boolean timed = compiler != null && compiler.isCompilationTimeMonitoringSupported();
        try (Matrix x = backend.allocate(BATCH, INPUTS, MatrixUse.GEMM_LEFT);
             Matrix xRowMajor = backend.allocate(BATCH, INPUTS);
             Matrix w1 = backend.allocate(INPUTS, hidden, MatrixUse.GEMM_RIGHT);
             Matrix b1 = backend.allocate(1, hidden);
             Matrix w2 = backend.allocate(hidden, CLASSES);
             Matrix b2 = backend.allocate(1, CLASSES);
             Matrix h = backend.allocate(BATCH, hidden);
             Matrix dh = backend.allocate(BATCH, hidden);
             Matrix out = backend.allocate(BATCH, CLASSES);
             Matrix y = backend.allocate(BATCH, CLASSES);
             Matrix dy = backend.allocate(BATCH, CLASSES);
             Matrix g1 = backend.allocateLike(w1);
             Matrix m1 = backend.allocateLike(w1);
             Matrix v1 = backend.allocateLike(w1);
             Matrix g2 = backend.allocate(hidden, CLASSES);
             Matrix wide = backend.allocate(INPUTS, 2 * nr);
             Matrix wideOut = backend.allocate(BATCH, 2 * nr);
             Matrix longLeft = backend.allocate(BATCH, LONG_K, MatrixUse.GEMM_LEFT);
             Matrix longRight = backend.allocate(LONG_K, 2 * nr, MatrixUse.GEMM_RIGHT);
             Matrix bias1Step = backend.allocate(1, hidden);
             Matrix bias2Step = backend.allocate(1, CLASSES)) {
            backend.fill(xRowMajor, 0.25f);
            float[] oneHot = new float[BATCH * CLASSES];
            for (int i = 0; i < BATCH; i++) {
                oneHot[i * CLASSES + i % CLASSES] = 1f;
            }
            backend.write(y, oneHot, 0);
            backend.fill(longLeft, 0.01f);
            backend.fill(longRight, 0.01f);
            backend.fill(wide, 0.01f);
            float[] set = new float[2 * BATCH * INPUTS];
            Arrays.fill(set, 0.5f);
            int[] order = new int[BATCH];
            Activation[] hiddenActivations = {Activation.SIGMOID, Activation.TANH, Activation.RELU};
            long start = System.nanoTime();
            long compiled = timed ? compiler.getTotalCompilationTime() : 0;
            int quiet = 0;
            for (int round = 0; ; round++) {
                Activation f = hiddenActivations[round % hiddenActivations.length];
                backend.fill(w1, 0.01f);
                backend.fill(w2, 0.01f);
                for (int i = 0; i < BATCH; i++) {
                    order[i] = (round + 7 * i) % (2 * BATCH);
                }
                backend.writeRows(x, set, order, 0);
                backend.gemmBiasActivation(false, false, round % 2 == 0 ? x : xRowMajor, w1, b1, f, h);
                backend.gemmBiasActivation(false, false, h, w2, b2, Activation.SOFTMAX, out);
                backend.crossEntropy(out, y);
                backend.sumSquaredError(out, y);
                backend.subtract(out, y, dy);
                backend.activationGradient(Activation.SOFTMAX, out, dy, dy);
                backend.gemmActivationGradient(false, true, 1f, dy, w2, f, h, dh);
                backend.gemm(true, false, -0.01f, h, dy, 1f, w2);
                backend.gemm(true, false, 0.1f, x, dh, 0f, g1);
                backend.adamUpdate(w1, g1, m1, v1, 1e-3f, 0.9f, 0.999f, 1e-8f, 1 + round % 1000);
                backend.gemm(true, false, -0.01f, x, dh, 0.9f, w1);
                backend.axpy(-0.01f, g1, w1);
                backend.scale(0.999f, w1);
                backend.columnSums(dh, b1);
                backend.addColumnSums(-0.01f, dh, bias1Step, b1);
                backend.addColumnSums(-0.01f, dy, bias2Step, b2);
                if (round % LONG_K_EVERY == 0) {
                    backend.gemm(false, false, 1f, longLeft, longRight, 0f, wideOut);
                }
                backend.gemm(false, false, 1f, round % 2 == 0 ? x : xRowMajor, wide, 0f, wideOut);
                backend.activation(f, h, h);
                backend.activationGradient(f, h, dh, dh);
                backend.dropout(h, h, 0.2f, round);
                backend.gemm(false, false, 1f, h, g2, 0f, out);
                long now = timed ? compiler.getTotalCompilationTime() : compiled;
                quiet = now == compiled ? quiet + 1 : 0;
                compiled = now;
                long millis = (System.nanoTime() - start) / 1_000_000;
                if ((round >= MIN_ROUNDS && quiet >= QUIET_ROUNDS) || millis >= MAX_MILLIS) {
                    return;
                }
            }
        }
    }
}
