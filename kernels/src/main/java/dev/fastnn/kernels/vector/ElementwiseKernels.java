package dev.fastnn.kernels.vector;

import dev.fastnn.kernels.Activation;

/**
 * The SIMD elementwise loops and reductions of one vector width, over raw arrays, arguments already checked;
 * each ends in a scalar loop for the tail that does not fill a vector.
 *
 * <p>The activations and their gradients work on a region: {@code rows} rows of {@code cols} floats, row
 * {@code r} at {@code offset + r ld} in every array they are given, so that the whole matrix (one row of
 * {@code size}) and a tile of a gemm's output, which the gemm's epilogue hands over while it is in L1, run
 * the same loop. An element's value depends only on its inputs, never on where it lies (see {@link LaneMath}),
 * so the two give the same bits.
 */
interface ElementwiseKernels {
    void sigmoid(float[] x, float[] out, int offset, int ld, int rows, int cols);

    void tanh(float[] x, float[] out, int offset, int ld, int rows, int cols);

    void relu(float[] x, float[] out, int offset, int ld, int rows, int cols);

    /** {@code out = g y (1 - y)}. */
    void sigmoidGradient(float[] y, float[] g, float[] out, int offset, int ld, int rows, int cols);

    /** {@code out = g (1 - y^2)}. */
    void tanhGradient(float[] y, float[] g, float[] out, int offset, int ld, int rows, int cols);

    /** {@code out = y > 0 ? g : 0}. */
    void reluGradient(float[] y, float[] g, float[] out, int offset, int ld, int rows, int cols);

    /** {@code m[r][j] += row[rowOffset + j]} over the region. */
    void addRow(float[] m, int offset, int ld, int rows, int cols, float[] row, int rowOffset);

    /** {@code out = f(x)} over the region, for an elementwise {@code f} (softmax works on whole rows: not here). */
    default void activation(Activation f, float[] x, float[] out, int offset, int ld, int rows, int cols) {
        switch (f) {
            case IDENTITY -> {
                for (int r = 0, at = offset; r < rows; r++, at += ld) {
                    System.arraycopy(x, at, out, at, cols);
                }
            }
            case SIGMOID -> sigmoid(x, out, offset, ld, rows, cols);
            case TANH -> tanh(x, out, offset, ld, rows, cols);
            case RELU -> relu(x, out, offset, ld, rows, cols);
            default -> throw new IllegalArgumentException(f + " is not elementwise");
        }
    }

    /** {@code out = g f'(y)} over the region, for an elementwise {@code f}. */
    default void activationGradient(Activation f, float[] y, float[] g, float[] out, int offset, int ld, int rows, int cols) {
        switch (f) {
            case IDENTITY -> {
                for (int r = 0, at = offset; r < rows; r++, at += ld) {
                    System.arraycopy(g, at, out, at, cols);
                }
            }
            case SIGMOID -> sigmoidGradient(y, g, out, offset, ld, rows, cols);
            case TANH -> tanhGradient(y, g, out, offset, ld, rows, cols);
            case RELU -> reluGradient(y, g, out, offset, ld, rows, cols);
            default -> throw new IllegalArgumentException(f + " is not elementwise");
        }
    }

    /**
     * Row by row {@code out_j = e^(x_j - max) / sum_k e^(x_k - max)}: the exps by {@link LaneMath}'s polynomial,
     * the sum in double. {@code out} may be {@code x}.
     */
    void softmaxRows(float[] x, float[] out, int rows, int cols);

    /** Row by row {@code out_j = y_j (g_j - sum_k g_k y_k)}, the dot product in double first, so out may be g. */
    void softmaxGradientRows(float[] y, float[] g, float[] out, int rows, int cols);

    void sigmoidDerivative(float[] s, float[] out, int size);

    void columnSums(float[] m, int rows, int cols, float[] out);

    void axpy(float alpha, float[] x, float[] y, int size);

    void scale(float alpha, float[] x, int size);

    void hadamard(float[] a, float[] b, float[] out, int size);

    void subtract(float[] a, float[] b, float[] out, int size);

    double sumSquaredError(float[] yhat, float[] y, int size);

    /** {@code ScalarKernels.dropout}, bit for bit. */
    void dropout(float[] x, float[] out, int size, int key, int threshold, float scale);
}
