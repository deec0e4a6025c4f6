package dev.fastnn.kernels.vector;

/**
 * The SIMD elementwise loops and reductions of one vector width, over raw arrays of {@code size} floats,
 * arguments already checked; each ends in a scalar loop for the tail that does not fill a vector.
 */
interface ElementwiseKernels {
    void sigmoid(float[] x, float[] out, int size);

    void tanh(float[] x, float[] out, int size);

    void relu(float[] x, float[] out, int size);

    void sigmoidDerivative(float[] s, float[] out, int size);

    /** {@code out = g y (1 - y)}. */
    void sigmoidGradient(float[] y, float[] g, float[] out, int size);

    /** {@code out = g (1 - y^2)}. */
    void tanhGradient(float[] y, float[] g, float[] out, int size);

    /** {@code out = y > 0 ? g : 0}. */
    void reluGradient(float[] y, float[] g, float[] out, int size);

    void addRowVector(float[] m, int rows, int cols, float[] row);

    void columnSums(float[] m, int rows, int cols, float[] out);

    void axpy(float alpha, float[] x, float[] y, int size);

    void scale(float alpha, float[] x, int size);

    void hadamard(float[] a, float[] b, float[] out, int size);

    void subtract(float[] a, float[] b, float[] out, int size);

    double sumSquaredError(float[] yhat, float[] y, int size);

    /** {@code ScalarKernels.dropout}, bit for bit. */
    void dropout(float[] x, float[] out, int size, int key, int threshold, float scale);
}
