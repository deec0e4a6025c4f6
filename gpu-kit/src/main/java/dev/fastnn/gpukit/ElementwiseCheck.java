package dev.fastnn.gpukit;

import dev.fastnn.kernels.Activation;
import dev.fastnn.kernels.Backend;
import dev.fastnn.kernels.CrossEntropy;
import dev.fastnn.kernels.ErrorBounds;
import dev.fastnn.kernels.Float64Reference;
import dev.fastnn.kernels.Matrix;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntToDoubleFunction;
import java.util.function.Supplier;

/**
 * Every operation of {@link Backend} other than gemm, on the device against the vector backend, on every
 * elementwise shape of the run's sizes. The tolerance of each element is twice its {@link ErrorBounds}
 * bound, taken from the exact (float64) value of the operation on the same inputs.
 */
final class ElementwiseCheck {
    private static final float ALPHA = -0.37f;
    /**
     * The largest loss sum the kernel tests hold to {@link ErrorBounds#REDUCTION_RELATIVE} (1031 x 1021).
     * Beyond it the aparapi reduction, 256 float partial sums, drifts past the bound (2.6e-6 relative at
     * 4099 x 2053 on PoCL); larger sums are measured and reported, not failed, as that is no GPU matter.
     */
    static final int LOSS_CHECKED_ELEMENTS = 1031 * 1021;

    private final Backend device;
    private final Backend reference;
    /** Null while every kernel ran on the device, else why not: {@link DeviceUsage#offDevice} in the check. */
    private final Supplier<String> offDevice;
    private final Map<String, Agreement> agreements = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();

    ElementwiseCheck(Backend device, Backend reference, Supplier<String> offDevice) {
        this.device = device;
        this.reference = reference;
        this.offDevice = offDevice;
    }

    /** One operation's result, downloaded, given the backend to run it on. */
    private interface Result {
        float[] on(Backend backend);
    }

    private interface Unary {
        void apply(Backend backend, Matrix in, Matrix out);
    }

    void run(Report.Section section, Sizes sizes) {
        for (int[] s : sizes.elementwiseShapes()) {
            checkShape(s[0], s[1]);
        }
        section.line(sizes.elementwiseShapes().length + " shapes from 1x1 to " + largest(sizes)
                + "; tolerance per element: " + Agreement.BOTH_BACKENDS + " x the ErrorBounds bound of the exact value "
                + "(activations " + ErrorBounds.ACTIVATION_RELATIVE_TEXT + " relative, arithmetic u = 2^-24 per rounding, "
                + "loss sums " + ErrorBounds.REDUCTION_RELATIVE + " relative); fill and copy must be exact");
        notes.forEach(section::line);
        Map<String, Object> figures = new LinkedHashMap<>();
        for (Agreement a : agreements.values()) {
            section.line(a.describe());
            figures.put(a.operation(), a.figures());
            if (!a.passed()) {
                section.fail(a.describe());
            }
        }
        section.figure("operations", figures);
        section.figure("count", agreements.size());
    }

    private static String largest(Sizes sizes) {
        int[] big = sizes.elementwiseShapes()[0];
        for (int[] s : sizes.elementwiseShapes()) {
            if ((long) s[0] * s[1] > (long) big[0] * big[1]) {
                big = s;
            }
        }
        return big[0] + "x" + big[1];
    }

    private void checkShape(int rows, int cols) {
        int size = rows * cols;
        long seed = 1000L * rows + cols;
        String where = rows + "x" + cols;

        float[] x = Inputs.withSpecials(size, seed);
        for (Activation f : new Activation[] {Activation.IDENTITY, Activation.SIGMOID, Activation.TANH, Activation.RELU}) {
            check(name(f), where, b -> unary(b, x, rows, cols, (k, in, out) -> k.activation(f, in, out)),
                    i -> ErrorBounds.activation(Float64Reference.activation(f, x[i])));
            check(name(f) + " in place", where, b -> inPlace(b, x, rows, cols, (k, in, out) -> k.activation(f, in, out)),
                    i -> ErrorBounds.activation(Float64Reference.activation(f, x[i])));
        }
        check("sigmoid", where, b -> unary(b, x, rows, cols, Backend::sigmoid),
                i -> ErrorBounds.activation(Float64Reference.activation(Activation.SIGMOID, x[i])));
        float[] logits = Inputs.mixed(size, seed + 1);
        logits[0] = 1e4f;
        logits[size - 1] = -1e4f;
        double[] softmax = Float64Reference.softmax(logits, rows, cols);
        check("softmax", where, b -> unary(b, logits, rows, cols, (k, in, out) -> k.activation(Activation.SOFTMAX, in, out)),
                i -> ErrorBounds.softmax(softmax[i], cols));

        float[] s = Inputs.unitInterval(size, seed + 2);
        check("sigmoidDerivative", where, b -> unary(b, s, rows, cols, Backend::sigmoidDerivative),
                i -> ErrorBounds.activation((double) s[i] * (1 - (double) s[i])));

        float[] g = Inputs.mixed(size, seed + 3);
        for (Activation f : Activation.values()) {
            float[] y = switch (f) {
                case IDENTITY, RELU -> Inputs.nonNegative(size, seed + 4);
                case SIGMOID -> Inputs.unitInterval(size, seed + 5);
                case TANH -> Inputs.signedUnitInterval(size, seed + 6);
                case SOFTMAX -> Inputs.probabilityRows(rows, cols, seed + 7);
            };
            double[] bounds = Float64Reference.activationGradient(f, y, g, rows, cols).bounds();
            IntToDoubleFunction bound = i -> bounds[i];
            check(name(f) + " gradient", where, b -> gradient(b, f, y, g, rows, cols, false), bound);
            check(name(f) + " gradient in place", where, b -> gradient(b, f, y, g, rows, cols, true), bound);
        }

        float[] m = Inputs.mixed(size, seed + 8);
        float[] row = Inputs.mixed(cols, seed + 9);
        check("addRowVector", where, b -> {
            try (Matrix mm = b.upload(m, rows, cols); Matrix rm = b.upload(row, 1, cols)) {
                b.addRowVector(mm, rm);
                return b.download(mm);
            }
        }, i -> ErrorBounds.rounded((double) m[i] + row[i % cols]));
        double[] magnitudes = new double[cols];
        for (int i = 0; i < size; i++) {
            magnitudes[i % cols] += Math.abs(m[i]);
        }
        check("columnSums", where, b -> {
            try (Matrix mm = b.upload(m, rows, cols); Matrix out = b.allocate(1, cols)) {
                b.columnSums(mm, out);
                return b.download(out);
            }
        }, j -> ErrorBounds.sum(rows, magnitudes[j]));

        float[] bias = Inputs.mixed(cols, seed + 20);
        check("addColumnSums", where, b -> {
            try (Matrix mm = b.upload(m, rows, cols); Matrix sums = b.allocate(1, cols); Matrix ym = b.upload(bias, 1, cols)) {
                b.addColumnSums(ALPHA, mm, sums, ym);
                return b.download(ym);
            }
        }, j -> Math.abs(ALPHA) * ErrorBounds.sum(rows, magnitudes[j])
                + ErrorBounds.combined(Math.abs(bias[j]) + Math.abs(ALPHA) * magnitudes[j]));

        float[] a = Inputs.mixed(size, seed + 10);
        float[] c = Inputs.mixed(size, seed + 11);
        check("axpy", where, b -> {
            try (Matrix am = b.upload(a, rows, cols); Matrix cm = b.upload(c, rows, cols)) {
                b.axpy(ALPHA, am, cm);
                return b.download(cm);
            }
        }, i -> ErrorBounds.combined(Math.abs(c[i]) + Math.abs((double) ALPHA * a[i])));
        check("scale", where, b -> {
            try (Matrix am = b.upload(a, rows, cols)) {
                b.scale(3.5f, am);
                return b.download(am);
            }
        }, i -> ErrorBounds.rounded(3.5 * a[i]));
        check("fill", where, b -> {
            try (Matrix am = b.upload(a, rows, cols)) {
                b.fill(am, -2.25f);
                return b.download(am);
            }
        }, i -> 0);
        check("copy", where, b -> {
            try (Matrix am = b.upload(x, rows, cols); Matrix out = b.allocate(rows, cols)) {
                b.copy(am, out);
                return b.download(out);
            }
        }, i -> 0);
        check("hadamard", where, b -> binary(b, a, c, rows, cols, Backend::hadamard),
                i -> ErrorBounds.rounded((double) a[i] * c[i]));
        check("subtract", where, b -> binary(b, a, c, rows, cols, Backend::subtract),
                i -> ErrorBounds.rounded((double) a[i] - c[i]));
        // The mask is a hash in 32-bit integers that every backend must compute to the bit, and the kept values
        // one multiply: the device must equal the vector backend (which equals DropoutMask) exactly.
        check("dropout", where, b -> {
            try (Matrix am = b.upload(a, rows, cols); Matrix out = b.allocate(rows, cols)) {
                b.dropout(am, out, 0.3f, (int) seed);
                return b.download(out);
            }
        }, i -> 0);
        float[] factors = Inputs.mixed(rows, seed + 18);
        check("scaleRows", where, b -> {
            try (Matrix am = b.upload(a, rows, cols); Matrix fm = b.upload(factors, rows, 1);
                 Matrix out = b.allocate(rows, cols)) {
                b.scaleRows(am, fm, out);
                return b.download(out);
            }
        }, i -> ErrorBounds.rounded((double) a[i] * factors[i / cols]));
        // A count is an integer that every backend must take the same way (first maximum; NaN never wins): exact.
        float[] scores = argmaxScores(rows, cols, seed + 19);
        float[] oneHot = new float[size];
        for (int r = 0; r < rows; r++) {
            oneHot[r * cols + (7 * r) % cols] = 1f;
        }
        check("addArgmaxMatches", where, b -> {
            try (Matrix sm = b.upload(scores, rows, cols); Matrix tm = b.upload(oneHot, rows, cols);
                 Matrix count = b.allocate(1, 1)) {
                b.addArgmaxMatches(sm, tm, count);
                b.addArgmaxMatches(tm, sm, count);
                return b.download(count);
            }
        }, i -> 0);

        checkLosses(where, rows, cols, seed);
        checkAdam(where, rows, cols, seed);
    }

    private void checkLosses(String where, int rows, int cols, long seed) {
        int size = rows * cols;
        float[] p = Inputs.unitInterval(size, seed + 12);
        float[] y = Inputs.unitInterval(size, seed + 13);
        double sse = 0;
        double ce = 0;
        double dot = 0;
        for (int i = 0; i < size; i++) {
            double d = (double) y[i] - p[i];
            sse += d * d;
            dot += (double) p[i] * y[i];
            if (y[i] != 0f) {
                ce -= y[i] * Math.log(Math.max(p[i], CrossEntropy.FLOOR));
            }
        }
        check("crossEntropyAndDelta's delta", where, b -> {
            try (Matrix pm = b.upload(p, rows, cols); Matrix ym = b.upload(y, rows, cols); Matrix delta = b.allocate(rows, cols)) {
                b.crossEntropyAndDelta(pm, ym, delta);
                return b.download(delta);
            }
        }, i -> ErrorBounds.rounded((double) p[i] - y[i]));
        double[] got = losses(device, p, y, rows, cols);
        String stray = offDevice.get();
        agreement("sumSquaredError").ranOn(stray);
        agreement("crossEntropy").ranOn(stray);
        agreement("crossEntropyAndDelta").ranOn(stray);
        agreement("dot").ranOn(stray);
        double[] expected = losses(reference, p, y, rows, cols);
        if (size > LOSS_CHECKED_ELEMENTS) {
            notes.add(String.format("information, not checked: loss sums over %s (%d values, beyond the kernel tests' "
                    + "largest): sumSquaredError device %.17g, vector %.17g, exact %.17g; crossEntropy device %.17g, "
                    + "vector %.17g, exact %.17g; dot device %.17g, vector %.17g, exact %.17g", where, size, got[0],
                    expected[0], sse, got[1], expected[1], ce, got[2], expected[2], dot));
            return;
        }
        double both = Agreement.BOTH_BACKENDS * ErrorBounds.REDUCTION_RELATIVE;
        agreement("sumSquaredError").compare(where, got[0], expected[0], both * sse);
        agreement("crossEntropy").compare(where, got[1], expected[1], both * ce);
        agreement("dot").compare(where, got[2], expected[2], both * dot);
        agreement("crossEntropyAndDelta").compare(where, got[3], expected[3], both * ce);
    }

    private static double[] losses(Backend b, float[] p, float[] y, int rows, int cols) {
        try (Matrix pm = b.upload(p, rows, cols); Matrix ym = b.upload(y, rows, cols); Matrix delta = b.allocate(rows, cols)) {
            return new double[] {b.sumSquaredError(pm, ym), b.crossEntropy(pm, ym), b.dot(pm, ym),
                b.crossEntropyAndDelta(pm, ym, delta)};
        }
    }

    private void checkAdam(String where, int rows, int cols, long seed) {
        int size = rows * cols;
        float[] w = Inputs.mixed(size, seed + 14);
        float[] g = Inputs.mixed(size, seed + 15);
        float[] m = Inputs.mixed(size, seed + 16);
        float[] v = Inputs.unitInterval(size, seed + 17);
        float lr = 1e-2f;
        float beta1 = 0.9f;
        float beta2 = 0.999f;
        float epsilon = 1e-8f;
        int t = 3;
        Float64Reference.AdamStep exact = Float64Reference.adamUpdate(w, g, m, v, lr, beta1, beta2, epsilon, t);
        double[] wBound = exact.weights().bounds();
        double[] mBound = exact.firstMoments().bounds();
        double[] vBound = exact.secondMoments().bounds();
        float[][] got = adam(device, w, g, m, v, rows, cols, lr, beta1, beta2, epsilon, t);
        String stray = offDevice.get();
        for (String part : new String[] {"w", "m", "v"}) {
            agreement("adamUpdate " + part).ranOn(stray);
        }
        float[][] expected = adam(reference, w, g, m, v, rows, cols, lr, beta1, beta2, epsilon, t);
        agreement("adamUpdate w").compare(where, got[0], expected[0], i -> Agreement.BOTH_BACKENDS * wBound[i]);
        agreement("adamUpdate m").compare(where, got[1], expected[1], i -> Agreement.BOTH_BACKENDS * mBound[i]);
        agreement("adamUpdate v").compare(where, got[2], expected[2], i -> Agreement.BOTH_BACKENDS * vBound[i]);
    }

    private static float[][] adam(Backend b, float[] w, float[] g, float[] m, float[] v, int rows, int cols,
                                  float lr, float beta1, float beta2, float epsilon, int t) {
        try (Matrix wm = b.upload(w, rows, cols); Matrix gm = b.upload(g, rows, cols);
             Matrix mm = b.upload(m, rows, cols); Matrix vm = b.upload(v, rows, cols)) {
            b.adamUpdate(wm, gm, mm, vm, lr, beta1, beta2, epsilon, t);
            return new float[][] {b.download(wm), b.download(mm), b.download(vm)};
        }
    }

    private void check(String operation, String where, Result result, IntToDoubleFunction bound) {
        float[] got = result.on(device);
        Agreement agreement = agreement(operation);
        agreement.ranOn(offDevice.get());
        float[] expected = result.on(reference);
        agreement.compare(where, got, expected, i -> Agreement.BOTH_BACKENDS * bound.applyAsDouble(i));
    }

    private Agreement agreement(String operation) {
        return agreements.computeIfAbsent(operation, Agreement::new);
    }

    private static String name(Activation f) {
        return f.name().toLowerCase(Locale.ROOT);
    }

    private static float[] unary(Backend b, float[] x, int rows, int cols, Unary op) {
        try (Matrix in = b.upload(x, rows, cols); Matrix out = b.allocate(rows, cols)) {
            op.apply(b, in, out);
            return b.download(out);
        }
    }

    private static float[] inPlace(Backend b, float[] x, int rows, int cols, Unary op) {
        try (Matrix m = b.upload(x, rows, cols)) {
            op.apply(b, m, m);
            return b.download(m);
        }
    }

    private interface Binary {
        void apply(Backend backend, Matrix a, Matrix b, Matrix out);
    }

    private static float[] binary(Backend b, float[] x, float[] y, int rows, int cols, Binary op) {
        try (Matrix xm = b.upload(x, rows, cols); Matrix ym = b.upload(y, rows, cols); Matrix out = b.allocate(rows, cols)) {
            op.apply(b, xm, ym, out);
            return b.download(out);
        }
    }

    /** The gradient through {@code f} into a new matrix, or into {@code grad} itself ({@code inPlace}). */
    private static float[] gradient(Backend b, Activation f, float[] y, float[] g, int rows, int cols, boolean inPlace) {
        try (Matrix ym = b.upload(y, rows, cols); Matrix gm = b.upload(g, rows, cols); Matrix out = b.allocate(rows, cols)) {
            Matrix target = inPlace ? gm : out;
            b.activationGradient(f, ym, gm, target);
            return b.download(target);
        }
    }

    /** Scores with ties (a coarse grid, and the specials), and NaN first in some rows and later in others. */
    private static float[] argmaxScores(int rows, int cols, long seed) {
        float[] v = Inputs.withSpecials(rows * cols, seed);
        for (int i = Inputs.SPECIAL.length; i < v.length; i++) {
            v[i] = Math.round(v[i] * 4) / 4f;
        }
        for (int r = 2; r < rows; r += 5) {
            v[r * cols + (r % 3 == 0 ? 0 : cols / 2)] = Float.NaN;
        }
        return v;
    }
}
