package dev.fastnn.kernels;

import static dev.fastnn.kernels.ActivationTest.checkAgainst;
import static dev.fastnn.kernels.ActivationTest.mixed;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The small operations around gemm on every backend against float64, on shapes that are no multiple of any
 * vector width, in place where the API allows it.
 *
 * <p>Bounds ({@link ErrorBounds}): one float rounding is {@code u = 2^-24} relative; an operation combining
 * terms is allowed {@code 2u} times the sum of the magnitudes of its terms (so an FMA and a separate
 * multiply-add both pass), a float sum of {@code r} terms {@code (r + 2) u} times the sum of their
 * magnitudes. Reductions returned as double must be within {@code 1e-6} relative: float lanes summed to
 * double per chunk is fine, a float accumulator over a million terms is not.
 */
class ElementwiseOpsTest {
    private static final int[][] SHAPES = ActivationTest.SHAPES;

    @ParameterizedTest
    @MethodSource("dev.fastnn.kernels.TestBackends#names")
    void axpyScaleFillCopyMatchFloat64(String name) {
        Backend backend = TestBackends.get(name);
        for (int[] s : SHAPES) {
            int size = s[0] * s[1];
            float[] x = mixed(size, size);
            float[] y = mixed(size, size + 1);
            float alpha = -0.37f;
            double[] ref = new double[size];
            double[] bound = new double[size];
            for (int i = 0; i < size; i++) {
                ref[i] = y[i] + (double) alpha * x[i];
                bound[i] = ErrorBounds.combined(Math.abs(y[i]) + Math.abs((double) alpha * x[i]));
            }
            try (Matrix xm = backend.upload(x, s[0], s[1]); Matrix ym = backend.upload(y, s[0], s[1])) {
                backend.axpy(alpha, xm, ym);
                checkAgainst(backend, "axpy " + s[0] + "x" + s[1], backend.download(ym), ref, bound);

                backend.write(ym, y, 0);
                backend.axpy(alpha, ym, ym);
                for (int i = 0; i < size; i++) {
                    ref[i] = y[i] * (1.0 + alpha);
                    bound[i] = ErrorBounds.combined(Math.abs(y[i]) * (1 + Math.abs(alpha)));
                }
                checkAgainst(backend, "axpy in place (x = y) " + s[0] + "x" + s[1], backend.download(ym), ref, bound);

                backend.scale(3.5f, xm);
                for (int i = 0; i < size; i++) {
                    ref[i] = 3.5 * x[i];
                    bound[i] = ErrorBounds.rounded(ref[i]);
                }
                checkAgainst(backend, "scale " + s[0] + "x" + s[1], backend.download(xm), ref, bound);

                backend.fill(xm, -2.25f);
                float[] filled = new float[size];
                Arrays.fill(filled, -2.25f);
                assertArrayEquals(filled, backend.download(xm), "fill " + s[0] + "x" + s[1]);

                backend.copy(ym, xm);
                assertArrayEquals(backend.download(ym), backend.download(xm), "copy " + s[0] + "x" + s[1]);
                backend.copy(xm, xm);
                assertArrayEquals(backend.download(ym), backend.download(xm), "copy onto itself");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.fastnn.kernels.TestBackends#names")
    void hadamardAndSubtractMatchFloat64IncludingInPlace(String name) {
        Backend backend = TestBackends.get(name);
        for (int[] s : SHAPES) {
            int size = s[0] * s[1];
            float[] a = mixed(size, size + 7);
            float[] b = mixed(size, size + 8);
            double[] product = new double[size];
            double[] productBound = new double[size];
            double[] difference = new double[size];
            double[] differenceBound = new double[size];
            for (int i = 0; i < size; i++) {
                product[i] = (double) a[i] * b[i];
                productBound[i] = ErrorBounds.rounded(product[i]);
                difference[i] = (double) a[i] - b[i];
                differenceBound[i] = ErrorBounds.rounded(difference[i]);
            }
            String shape = " " + s[0] + "x" + s[1];
            try (Matrix am = backend.upload(a, s[0], s[1]); Matrix bm = backend.upload(b, s[0], s[1]);
                 Matrix out = backend.allocate(s[0], s[1])) {
                backend.hadamard(am, bm, out);
                checkAgainst(backend, "hadamard" + shape, backend.download(out), product, productBound);
                backend.subtract(am, bm, out);
                checkAgainst(backend, "subtract" + shape, backend.download(out), difference, differenceBound);
                backend.subtract(am, bm, bm);
                checkAgainst(backend, "subtract in place (out = b)" + shape, backend.download(bm), difference, differenceBound);
                backend.write(bm, b, 0);
                backend.hadamard(am, bm, am);
                checkAgainst(backend, "hadamard in place (out = a)" + shape, backend.download(am), product, productBound);
                backend.write(am, a, 0);
                backend.subtract(am, bm, am);
                checkAgainst(backend, "subtract in place (out = a)" + shape, backend.download(am), difference, differenceBound);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.fastnn.kernels.TestBackends#names")
    void addRowVectorAndColumnSumsMatchFloat64(String name) {
        Backend backend = TestBackends.get(name);
        for (int[] s : SHAPES) {
            int rows = s[0];
            int cols = s[1];
            float[] m = mixed(rows * cols, rows + 100L * cols);
            float[] row = mixed(cols, cols + 3);
            double[] added = new double[rows * cols];
            double[] addedBound = new double[rows * cols];
            double[] sums = new double[cols];
            double[] sumsBound = new double[cols];
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    int at = i * cols + j;
                    added[at] = (double) m[at] + row[j];
                    addedBound[at] = ErrorBounds.rounded(added[at]);
                    sums[j] += m[at];
                    sumsBound[j] += Math.abs(m[at]);
                }
            }
            for (int j = 0; j < cols; j++) {
                sumsBound[j] = ErrorBounds.sum(rows, sumsBound[j]);
            }
            String shape = " " + rows + "x" + cols;
            try (Matrix mm = backend.upload(m, rows, cols); Matrix rm = backend.upload(row, 1, cols);
                 Matrix out = backend.allocate(1, cols)) {
                backend.columnSums(mm, out);
                checkAgainst(backend, "columnSums" + shape, backend.download(out), sums, sumsBound);
                backend.addRowVector(mm, rm);
                checkAgainst(backend, "addRowVector" + shape, backend.download(mm), added, addedBound);
            }
        }
    }

    /**
     * A bias step: the column sums, and y plus alpha times them, bit for bit what the two operations give (on
     * the CPU backends they are those two; this holds a backend's own kernel, aparapi's, to them), and plain
     * column sums right after it leave y alone (no left-over argument of the fused kernel leaks into them).
     */
    @ParameterizedTest
    @MethodSource("dev.fastnn.kernels.TestBackends#names")
    void addColumnSumsGivesTheBitsOfColumnSumsThenAxpy(String name) {
        Backend backend = TestBackends.get(name);
        for (int[] s : SHAPES) {
            int rows = s[0];
            int cols = s[1];
            float[] m = mixed(rows * cols, rows + 7L * cols);
            float[] y = mixed(cols, cols + 5);
            String shape = " " + rows + "x" + cols;
            try (Matrix mm = backend.upload(m, rows, cols); Matrix sums = backend.allocate(1, cols);
                 Matrix ym = backend.upload(y, 1, cols); Matrix separate = backend.upload(y, 1, cols);
                 Matrix separateSums = backend.allocate(1, cols)) {
                backend.addColumnSums(-0.37f, mm, sums, ym);
                backend.columnSums(mm, separateSums);
                backend.axpy(-0.37f, separateSums, separate);
                assertArrayEquals(backend.download(separateSums), backend.download(sums), name + " sums" + shape);
                // The plain column sums ran right after the fused call: had they stepped y again, y would differ.
                assertArrayEquals(backend.download(separate), backend.download(ym), name + " y" + shape);
            }
        }
        try (Matrix mm = backend.allocate(3, 5); Matrix row = backend.allocate(1, 5); Matrix other = backend.allocate(1, 5);
             Matrix wrong = backend.allocate(1, 4)) {
            String msg = assertThrows(IllegalArgumentException.class, () -> backend.addColumnSums(1f, mm, wrong, row)).getMessage();
            assertTrue(msg.contains("1x5") && msg.contains("3x5") && msg.contains("1x4"), msg);
            msg = assertThrows(IllegalArgumentException.class, () -> backend.addColumnSums(1f, mm, row, row)).getMessage();
            assertTrue(msg.contains("the same matrix"), msg);
            assertThrows(IllegalArgumentException.class, () -> backend.addColumnSums(1f, row, row, other));
        }
    }

    @ParameterizedTest
    @MethodSource("dev.fastnn.kernels.TestBackends#names")
    void lossSumsMatchFloat64(String name) {
        Backend backend = TestBackends.get(name);
        int[][] shapes = {{1, 1}, {3, 17}, {1000, 1}, {7, 143}, {1031, 1021}};
        for (int[] s : shapes) {
            int size = s[0] * s[1];
            float[] yhat = ActivationTest.unitInterval(size, size + 11);
            float[] y = ActivationTest.unitInterval(size, size + 12);
            double sse = 0;
            double ce = 0;
            for (int i = 0; i < size; i++) {
                double d = (double) y[i] - yhat[i];
                sse += d * d;
                if (y[i] != 0f) {
                    ce -= y[i] * Math.log(Math.max(yhat[i], 1e-30));
                }
            }
            try (Matrix pm = backend.upload(yhat, s[0], s[1]); Matrix ym = backend.upload(y, s[0], s[1])) {
                double gotSse = backend.sumSquaredError(pm, ym);
                assertTrue(Math.abs(gotSse - sse) <= ErrorBounds.REDUCTION_RELATIVE * sse,
                        backend.name() + " sumSquaredError " + s[0] + "x" + s[1] + ": " + gotSse + " vs float64 " + sse);
                double gotCe = backend.crossEntropy(pm, ym);
                assertTrue(Math.abs(gotCe - ce) <= ErrorBounds.REDUCTION_RELATIVE * ce,
                        backend.name() + " crossEntropy " + s[0] + "x" + s[1] + ": " + gotCe + " vs float64 " + ce);
            }
        }
    }

    /**
     * Softmax cross-entropy's loss and delta in one call: the loss and the bits of crossEntropy, then subtract
     * (on the CPU backends they are those two; this holds aparapi's own kernel to them), and a plain
     * crossEntropy right after it leaves the delta alone.
     */
    @ParameterizedTest
    @MethodSource("dev.fastnn.kernels.TestBackends#names")
    void crossEntropyAndDeltaGiveTheLossAndBitsOfCrossEntropyThenSubtract(String name) {
        Backend backend = TestBackends.get(name);
        int[][] shapes = {{1, 1}, {3, 17}, {1000, 1}, {7, 143}, {128, 10}, {1031, 1021}};
        for (int[] s : shapes) {
            int size = s[0] * s[1];
            float[] p = ActivationTest.unitInterval(size, size + 21);
            float[] y = ActivationTest.unitInterval(size, size + 22);
            // Clamped probabilities (zero and below the floor) and zero targets among them.
            p[0] = 0f;
            y[size - 1] = 0f;
            if (size > 2) {
                p[size / 2] = 1e-35f;
            }
            String shape = " " + s[0] + "x" + s[1];
            try (Matrix pm = backend.upload(p, s[0], s[1]); Matrix ym = backend.upload(y, s[0], s[1]);
                 Matrix delta = backend.allocate(s[0], s[1]); Matrix separate = backend.allocate(s[0], s[1])) {
                double fused = backend.crossEntropyAndDelta(pm, ym, delta);
                // Right after the fused call, with other targets: a plain loss that wrote a delta would show.
                backend.crossEntropy(pm, pm);
                float[] written = backend.download(delta);
                double loss = backend.crossEntropy(pm, ym);
                backend.subtract(pm, ym, separate);
                assertEquals(loss, fused, 0.0, name + " loss" + shape);
                assertArrayEquals(backend.download(separate), written, name + " delta" + shape);
            }
        }
        try (Matrix pm = backend.allocate(3, 5); Matrix ym = backend.allocate(3, 5); Matrix wrong = backend.allocate(5, 3)) {
            String msg = assertThrows(IllegalArgumentException.class, () -> backend.crossEntropyAndDelta(pm, ym, wrong)).getMessage();
            assertTrue(msg.contains("3x5") && msg.contains("5x3"), msg);
            msg = assertThrows(IllegalArgumentException.class, () -> backend.crossEntropyAndDelta(pm, ym, ym)).getMessage();
            assertTrue(msg.contains("other than p and y"), msg);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.fastnn.kernels.TestBackends#names")
    void crossEntropyClampsZeroProbabilityToAFiniteLoss(String name) {
        Backend backend = TestBackends.get(name);
        try (Matrix p = backend.upload(new float[] {0f, 1f, 0f}, 1, 3); Matrix y = backend.upload(new float[] {1f, 0f, 0f}, 1, 3)) {
            double loss = backend.crossEntropy(p, y);
            assertTrue(Math.abs(loss - -Math.log(1e-30)) <= 1e-9, backend.name() + " crossEntropy(p=0, y=1) = " + loss);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.fastnn.kernels.TestBackends#names")
    void adamUpdateMatchesFloat64(String name) {
        Backend backend = TestBackends.get(name);
        for (int[] s : SHAPES) {
            int size = s[0] * s[1];
            float[] w = mixed(size, size + 21);
            float[] g = mixed(size, size + 22);
            float[] m = mixed(size, size + 23);
            float[] v = ActivationTest.unitInterval(size, size + 24);
            float lr = 1e-2f;
            float beta1 = 0.9f;
            float beta2 = 0.999f;
            float eps = 1e-8f;
            int t = 3;
            Float64Reference.AdamStep exact = Float64Reference.adamUpdate(w, g, m, v, lr, beta1, beta2, eps, t);
            String shape = " " + s[0] + "x" + s[1];
            try (Matrix wm = backend.upload(w, s[0], s[1]); Matrix gm = backend.upload(g, s[0], s[1]);
                 Matrix mm = backend.upload(m, s[0], s[1]); Matrix vm = backend.upload(v, s[0], s[1])) {
                backend.adamUpdate(wm, gm, mm, vm, lr, beta1, beta2, eps, t);
                checkAgainst(backend, "adam m" + shape, backend.download(mm), exact.firstMoments());
                checkAgainst(backend, "adam v" + shape, backend.download(vm), exact.secondMoments());
                checkAgainst(backend, "adam w" + shape, backend.download(wm), exact.weights());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.fastnn.kernels.TestBackends#names")
    void elementwiseOpsRejectMismatchedShapesNamingBoth(String name) {
        Backend backend = TestBackends.get(name);
        try (Matrix a = backend.allocate(3, 5); Matrix b = backend.allocate(5, 3); Matrix row = backend.allocate(1, 4)) {
            String msg = assertThrows(IllegalArgumentException.class, () -> backend.hadamard(a, b, a)).getMessage();
            assertTrue(msg.contains("3x5") && msg.contains("5x3"), msg);
            msg = assertThrows(IllegalArgumentException.class, () -> backend.axpy(1f, a, b)).getMessage();
            assertTrue(msg.contains("3x5") && msg.contains("5x3"), msg);
            msg = assertThrows(IllegalArgumentException.class, () -> backend.addRowVector(a, row)).getMessage();
            assertTrue(msg.contains("3x5") && msg.contains("1x4"), msg);
            msg = assertThrows(IllegalArgumentException.class, () -> backend.sigmoid(a, b)).getMessage();
            assertTrue(msg.contains("3x5") && msg.contains("5x3"), msg);
        }
    }
}
