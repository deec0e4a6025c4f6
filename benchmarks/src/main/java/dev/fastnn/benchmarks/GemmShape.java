package dev.fastnn.benchmarks;

import java.util.List;

/**
 * One product {@code C (m x n) = op(A) op(B)} with inner dimension {@code k}, as the gemm benchmarks run
 * it; {@code 2 m n k} floating-point operations, the count GFLOP/s are reported by.
 *
 * @param name   the value of the benchmark's {@code shape} parameter
 * @param transA whether A is stored as {@code k x m} and used transposed
 * @param transB whether B is stored as {@code n x k} and used transposed
 */
public record GemmShape(String name, boolean transA, boolean transB, int m, int n, int k) {

    /**
     * The five products of one training step of a 784-256-10 MLP on a batch of 128, row-major with
     * X (batch x 784), W1 (784 x 256), H (batch x 256), W2 (256 x 10), dY (batch x 10): the two forward
     * products, the two weight gradients and the hidden-layer gradient. The input gradient is never needed.
     */
    public static final List<GemmShape> MLP_STEP = List.of(
            new GemmShape("X.W1", false, false, 128, 256, 784),
            new GemmShape("H.W2", false, false, 128, 10, 256),
            new GemmShape("Ht.dY", true, false, 256, 10, 128),
            new GemmShape("dY.W2t", false, true, 128, 256, 10),
            new GemmShape("Xt.dH", true, false, 784, 256, 128));

    /** The square product {@code n x n} times {@code n x n}, named by its size. */
    public static GemmShape square(int n) {
        return new GemmShape(Integer.toString(n), false, false, n, n, n);
    }

    /** One of {@link #MLP_STEP} by name; an unknown name lists the valid ones. */
    public static GemmShape mlpStep(String name) {
        for (GemmShape s : MLP_STEP) {
            if (s.name.equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown shape '" + name + "'; valid: "
                + String.join(", ", MLP_STEP.stream().map(GemmShape::name).toList()));
    }

    public double flops() {
        return 2.0 * m * n * k;
    }

    /** Rows and columns of A as stored. */
    public int aRows() {
        return transA ? k : m;
    }

    public int aCols() {
        return transA ? m : k;
    }

    /** Rows and columns of B as stored. */
    public int bRows() {
        return transB ? n : k;
    }

    public int bCols() {
        return transB ? k : n;
    }

    /** E.g. {@code 128x784 . 784x256} or {@code (128x256)^T . 128x10}: what is multiplied, as stored. */
    public String describe() {
        String a = aRows() + "x" + aCols();
        String b = bRows() + "x" + bCols();
        return (transA ? "(" + a + ")^T" : a) + " . " + (transB ? "(" + b + ")^T" : b);
    }
}
