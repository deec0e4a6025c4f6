package dev.fastnn.benchmarks;

import dev.fastnn.kernels.MatrixUse;
import java.util.List;

/**
 * One product {@code C (m x n) = op(A) op(B)} with inner dimension {@code k}, as the gemm benchmarks run
 * it; {@code 2 m n k} floating-point operations, the count GFLOP/s are reported by.
 *
 * @param name   the value of the benchmark's {@code shape} parameter
 * @param transA whether A is stored as {@code k x m} and used transposed
 * @param transB whether B is stored as {@code n x k} and used transposed
 * @param uses   how a fastnn backend allocates A, B and C ({@link MatrixUse}): as the trainer does for a
 *               training step's products, general for the square ones
 */
public record GemmShape(String name, boolean transA, boolean transB, int m, int n, int k, List<MatrixUse> uses) {

    /**
     * The five products of one training step of a 784-256-10 MLP on a batch of 128, row-major with
     * X (batch x 784), W1 (784 x 256), H (batch x 256), W2 (256 x 10), dY (batch x 10): the two forward
     * products, the two weight gradients and the hidden-layer gradient. The input gradient is never needed.
     * The batch X is allocated for the left of a product and the weights (and their gradients, which the
     * updates write) for the right, as the trainer allocates them.
     */
    public static final List<GemmShape> MLP_STEP = List.of(
            new GemmShape("X.W1", false, false, 128, 256, 784, uses(MatrixUse.GEMM_LEFT, MatrixUse.GEMM_RIGHT, MatrixUse.GENERAL)),
            new GemmShape("H.W2", false, false, 128, 10, 256, uses(MatrixUse.GENERAL, MatrixUse.GEMM_RIGHT, MatrixUse.GENERAL)),
            new GemmShape("Ht.dY", true, false, 256, 10, 128, uses(MatrixUse.GENERAL, MatrixUse.GENERAL, MatrixUse.GEMM_RIGHT)),
            new GemmShape("dY.W2t", false, true, 128, 256, 10, uses(MatrixUse.GENERAL, MatrixUse.GEMM_RIGHT, MatrixUse.GENERAL)),
            new GemmShape("Xt.dH", true, false, 784, 256, 128, uses(MatrixUse.GEMM_LEFT, MatrixUse.GENERAL, MatrixUse.GEMM_RIGHT)));

    /** A product whose operands a fastnn backend allocates for no particular use. */
    public GemmShape(String name, boolean transA, boolean transB, int m, int n, int k) {
        this(name, transA, transB, m, n, k, uses(MatrixUse.GENERAL, MatrixUse.GENERAL, MatrixUse.GENERAL));
    }

    private static List<MatrixUse> uses(MatrixUse a, MatrixUse b, MatrixUse c) {
        return List.of(a, b, c);
    }

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
