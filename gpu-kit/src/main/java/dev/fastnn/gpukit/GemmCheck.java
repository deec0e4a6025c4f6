package dev.fastnn.gpukit;

import dev.fastnn.kernels.Backend;
import dev.fastnn.kernels.ErrorBounds;
import dev.fastnn.kernels.Matrix;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * gemm on the device against the vector backend: every transpose case on every shape of the run's sizes,
 * then the timed square products, whose results are checked the same way.
 *
 * <p>Tolerance per element: {@link ErrorBounds#gemm} for each backend, from
 * {@code |alpha| sum_p |a_ip b_pj|}. That sum is itself a product, of |op(A)| and |op(B)|, which the vector
 * backend computes; a float sum of non-negative terms is at most {@code gamma(k)} below the true one, so it
 * is divided by {@code 1 - gamma(k)} to stay an upper bound.
 */
final class GemmCheck {
    private final Backend device;
    private final Backend reference;
    /** Null while every kernel ran on the device, else why not: {@link DeviceUsage#offDevice} in the check. */
    private final Supplier<String> offDevice;

    GemmCheck(Backend device, Backend reference, Supplier<String> offDevice) {
        this.device = device;
        this.reference = reference;
        this.offDevice = offDevice;
    }

    /** Logical op(A) (m x k), op(B) (k x n), C before the call, alpha and beta of one shape. */
    private record Problem(int m, int n, int k, float[] a, float[] b, float[] c, float alpha, float beta) {
        String shape() {
            return m + "x" + n + "x" + k;
        }
    }

    void correctness(Report.Section section, Sizes sizes) {
        List<Agreement> cases = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            cases.add(new Agreement("gemm transA=" + ((t & 2) != 0) + " transB=" + ((t & 1) != 0)));
        }
        for (int[] s : sizes.gemmShapes()) {
            Problem p = problem(s[0], s[1], s[2]);
            float[] products = absoluteProducts(p);
            for (int t = 0; t < 4; t++) {
                boolean transA = (t & 2) != 0;
                boolean transB = (t & 1) != 0;
                float[] got = run(device, p, transA, transB);
                cases.get(t).ranOn(offDevice.get());
                float[] expected = run(reference, p, transA, transB);
                cases.get(t).compare("m x n x k = " + p.shape() + ", alpha " + p.alpha() + ", beta " + p.beta(),
                        got, expected, i -> tolerance(p, products, i));
            }
        }
        section.line(sizes.gemmShapes().length + " shapes (m x n x k), each in all four transpose cases; beta = 0 "
                + "comes with NaN and infinity in C, which must not leak through");
        section.line("tolerance per element: " + Agreement.BOTH_BACKENDS + " x ErrorBounds.gemm = gamma(k+2) "
                + "(|alpha| sum |a b| + |beta c|), gamma(j) = j u / (1 - j u), u = 2^-24");
        Map<String, Object> figures = new LinkedHashMap<>();
        for (Agreement a : cases) {
            section.line(a.describe());
            figures.put(a.operation(), a.figures());
            if (!a.passed()) {
                section.fail(a.describe());
            }
        }
        section.figure("cases", figures);
    }

    /** GFLOP/s of square products on both backends, and whether their results agree. */
    void speed(Report.Section section, Sizes sizes, Deadline deadline) {
        Agreement agreement = new Agreement("gemm at the timed sizes");
        List<Map<String, Object>> rows = new ArrayList<>();
        section.line("C = A B, n x n, alpha 1, beta 0; 2 n^3 flops per product; seconds per product in the median "
                + "repetition, each repetition ended by reading one value back from the device");
        for (int n : sizes.gemmSpeedSizes()) {
            if (deadline.remainingSeconds() < 20) {
                section.line("n = " + n + ": not timed, " + Math.round(deadline.remainingSeconds()) + " s left before the deadline");
                section.figure("skippedFrom", n);
                break;
            }
            Problem p = new Problem(n, n, n, Inputs.uniform(n * n, 31L * n), Inputs.uniform(n * n, 37L * n),
                    new float[n * n], 1f, 0f);
            double budget = deadline.remainingSeconds() / 8;
            Timing onDevice = time(device, p, sizes.timedRepetitions(), budget);
            Timing onCpu = time(reference, p, sizes.timedRepetitions(), budget);
            float[] products = absoluteProducts(p);
            agreement.ranOn(offDevice.get());
            agreement.compare("n = " + n, run(device, p, false, false), run(reference, p, false, false),
                    i -> tolerance(p, products, i));
            double flops = 2.0 * n * n * n;
            double deviceGflops = flops / onDevice.median() / 1e9;
            double cpuGflops = flops / onCpu.median() / 1e9;
            section.line(String.format("n = %d: device %.1f GFLOP/s (%.3f ms), vector %.1f GFLOP/s (%.3f ms): device %.2fx vector",
                    n, deviceGflops, onDevice.median() * 1e3, cpuGflops, onCpu.median() * 1e3, deviceGflops / cpuGflops));
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("n", n);
            row.put("deviceGflops", deviceGflops);
            row.put("vectorGflops", cpuGflops);
            row.put("deviceOverVector", deviceGflops / cpuGflops);
            row.put("device", onDevice.figures());
            row.put("vector", onCpu.figures());
            rows.add(row);
            section.figure("sizes", rows);
        }
        section.line(agreement.describe());
        section.figure("agreement", agreement.figures());
        if (!agreement.passed() && !rows.isEmpty()) {
            section.fail(agreement.describe());
        }
    }

    private static Timing time(Backend backend, Problem p, int repetitions, double budget) {
        try (Matrix a = backend.upload(p.a(), p.m(), p.k()); Matrix b = backend.upload(p.b(), p.k(), p.n());
             Matrix c = backend.allocate(p.m(), p.n()); Matrix probe = backend.allocate(1, 1)) {
            float[] one = new float[1];
            // The queue runs in order: reading the probe returns only after every product before it is done.
            return Timing.of(() -> backend.gemm(false, false, 1f, a, b, 0f, c), () -> backend.read(probe, one),
                    repetitions, budget);
        }
    }

    /** The product with A and B stored as the flags say (a transposed operand is stored transposed). */
    private static float[] run(Backend backend, Problem p, boolean transA, boolean transB) {
        try (Matrix a = transA ? backend.upload(Inputs.transpose(p.a(), p.m(), p.k()), p.k(), p.m())
                               : backend.upload(p.a(), p.m(), p.k());
             Matrix b = transB ? backend.upload(Inputs.transpose(p.b(), p.k(), p.n()), p.n(), p.k())
                               : backend.upload(p.b(), p.k(), p.n());
             Matrix c = backend.upload(p.c(), p.m(), p.n())) {
            backend.gemm(transA, transB, p.alpha(), a, b, p.beta(), c);
            return backend.download(c);
        }
    }

    /** |op(A)| |op(B)| on the vector backend: the magnitudes the error bound scales with. */
    private float[] absoluteProducts(Problem p) {
        try (Matrix a = reference.upload(Inputs.abs(p.a()), p.m(), p.k());
             Matrix b = reference.upload(Inputs.abs(p.b()), p.k(), p.n());
             Matrix c = reference.allocate(p.m(), p.n())) {
            reference.gemm(false, false, 1f, a, b, 0f, c);
            return reference.download(c);
        }
    }

    private static double tolerance(Problem p, float[] products, int i) {
        double alphaProducts = Math.abs(p.alpha()) * products[i] / (1 - ErrorBounds.gamma(p.k()));
        double betaC = p.beta() == 0f ? 0 : Math.abs((double) p.beta() * p.c()[i]);
        return Agreement.BOTH_BACKENDS * ErrorBounds.gemm(p.k(), alphaProducts, betaC);
    }

    /** alpha and beta vary with the shape; beta = 0 comes with NaN and infinity in C, as in BLAS tests. */
    private static Problem problem(int m, int n, int k) {
        long seed = ((long) m << 40) ^ ((long) n << 20) ^ k;
        int variant = (m + 3 * n + 7 * k) % 4;
        float alpha = new float[] {1f, -0.75f, 2f, 1f}[variant];
        float beta = new float[] {0f, 1f, -0.5f, 0f}[variant];
        float[] c = Inputs.uniform(m * n, seed + 2);
        if (beta == 0f) {
            for (int i = 0; i < c.length; i += 3) {
                c[i] = i % 2 == 0 ? Float.NaN : Float.POSITIVE_INFINITY;
            }
        }
        return new Problem(m, n, k, Inputs.uniform(m * k, seed), Inputs.uniform(k * n, seed + 1), c, alpha, beta);
    }
}
