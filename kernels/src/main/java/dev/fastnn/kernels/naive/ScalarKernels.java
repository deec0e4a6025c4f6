package dev.fastnn.kernels.naive;

import dev.fastnn.kernels.Argmax;
import dev.fastnn.kernels.CrossEntropy;
import dev.fastnn.kernels.DropoutMask;

/**
 * Plain scalar loops over row-major float arrays, arguments already checked by {@link dev.fastnn.kernels.Backend}:
 * the naive backend's every kernel and the reference every other backend is tested against, and the kernels
 * the vector backend runs where SIMD does not pay (softmax rows, cross-entropy, Adam: once per batch on small
 * arrays). Clarity wins over speed here; sums of many terms use double where a reduction is returned.
 */
public final class ScalarKernels {
    private ScalarKernels() {
    }

    /** {@code C = alpha op(A) op(B) + beta C}, one dot product per element in order of p; {@code beta = 0} never reads C. */
    public static void gemm(boolean transA, boolean transB, int m, int n, int k,
                            float alpha, float[] av, int lda, float[] bv, int ldb, float beta, float[] cv) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float sum = 0f;
                for (int p = 0; p < k; p++) {
                    float aip = transA ? av[p * lda + i] : av[i * lda + p];
                    float bpj = transB ? bv[j * ldb + p] : bv[p * ldb + j];
                    sum += aip * bpj;
                }
                int at = i * n + j;
                cv[at] = beta == 0f ? alpha * sum : alpha * sum + beta * cv[at];
            }
        }
    }

    public static void sigmoid(float[] x, float[] out, int size) {
        for (int i = 0; i < size; i++) {
            out[i] = (float) (1.0 / (1.0 + Math.exp(-x[i])));
        }
    }

    public static void tanh(float[] x, float[] out, int size) {
        for (int i = 0; i < size; i++) {
            out[i] = (float) Math.tanh(x[i]);
        }
    }

    public static void relu(float[] x, float[] out, int size) {
        for (int i = 0; i < size; i++) {
            out[i] = Math.max(0f, x[i]);
        }
    }

    /** Subtracting the row maximum keeps every exponent at or below zero, so nothing overflows. */
    public static void softmaxRows(float[] x, float[] out, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) {
                max = Math.max(max, x[base + j]);
            }
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                float e = (float) Math.exp(x[base + j] - max);
                out[base + j] = e;
                sum += e;
            }
            float inv = (float) (1.0 / sum);
            for (int j = 0; j < cols; j++) {
                out[base + j] *= inv;
            }
        }
    }

    /** {@code out = s (1 - s)}. */
    public static void sigmoidDerivative(float[] s, float[] out, int size) {
        for (int i = 0; i < size; i++) {
            out[i] = s[i] * (1f - s[i]);
        }
    }

    /** {@code out = g y (1 - y)}. */
    public static void sigmoidGradient(float[] y, float[] g, float[] out, int size) {
        for (int i = 0; i < size; i++) {
            out[i] = g[i] * y[i] * (1f - y[i]);
        }
    }

    /** {@code out = g (1 - y^2)}. */
    public static void tanhGradient(float[] y, float[] g, float[] out, int size) {
        for (int i = 0; i < size; i++) {
            out[i] = g[i] * (1f - y[i] * y[i]);
        }
    }

    /** {@code out = y > 0 ? g : 0}. */
    public static void reluGradient(float[] y, float[] g, float[] out, int size) {
        for (int i = 0; i < size; i++) {
            out[i] = y[i] > 0f ? g[i] : 0f;
        }
    }

    /** Row by row, {@code out_j = y_j (g_j - sum_k g_k y_k)}; the dot product comes first, so out may alias g. */
    public static void softmaxGradientRows(float[] y, float[] g, float[] out, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            double dot = 0;
            for (int j = 0; j < cols; j++) {
                dot += (double) g[base + j] * y[base + j];
            }
            for (int j = 0; j < cols; j++) {
                out[base + j] = y[base + j] * (float) (g[base + j] - dot);
            }
        }
    }

    public static void addRowVector(float[] m, int rows, int cols, float[] row) {
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                m[i * cols + j] += row[j];
            }
        }
    }

    public static void columnSums(float[] m, int rows, int cols, float[] out) {
        for (int j = 0; j < cols; j++) {
            float sum = 0f;
            for (int i = 0; i < rows; i++) {
                sum += m[i * cols + j];
            }
            out[j] = sum;
        }
    }

    public static void axpy(float alpha, float[] x, float[] y, int size) {
        for (int i = 0; i < size; i++) {
            y[i] += alpha * x[i];
        }
    }

    public static void scale(float alpha, float[] x, int size) {
        for (int i = 0; i < size; i++) {
            x[i] *= alpha;
        }
    }

    public static void hadamard(float[] a, float[] b, float[] out, int size) {
        for (int i = 0; i < size; i++) {
            out[i] = a[i] * b[i];
        }
    }

    public static void subtract(float[] a, float[] b, float[] out, int size) {
        for (int i = 0; i < size; i++) {
            out[i] = a[i] - b[i];
        }
    }

    public static double sumSquaredError(float[] yhat, float[] y, int size) {
        double sum = 0;
        for (int i = 0; i < size; i++) {
            double d = (double) y[i] - yhat[i];
            sum += d * d;
        }
        return sum;
    }

    /** {@link CrossEntropy#term} summed in double. */
    public static double crossEntropy(float[] p, float[] y, int size) {
        double sum = 0;
        for (int i = 0; i < size; i++) {
            sum += CrossEntropy.term(y[i], p[i]);
        }
        return sum;
    }

    /** One Adam step; the bias corrections are {@code 1 / (1 - beta^t)}, worked out by the caller. */
    public static void adam(float[] w, float[] g, float[] m, float[] v, int size, float lr, float beta1, float beta2,
                            float epsilon, float correction1, float correction2) {
        for (int i = 0; i < size; i++) {
            float gi = g[i];
            m[i] = beta1 * m[i] + (1f - beta1) * gi;
            v[i] = beta2 * v[i] + (1f - beta2) * gi * gi;
            w[i] -= lr * (m[i] * correction1) / ((float) Math.sqrt(v[i] * correction2) + epsilon);
        }
    }

    /** Inverted dropout under {@link DropoutMask}: the reference the Vector API and OpenCL twins must match bit for bit. */
    public static void dropout(float[] x, float[] out, int size, int key, int threshold, float scale) {
        for (int i = 0; i < size; i++) {
            out[i] = DropoutMask.keeps(key, i, threshold) ? x[i] * scale : 0f;
        }
    }

    public static void scaleRows(float[] m, int rows, int cols, float[] factors, float[] out) {
        for (int i = 0; i < rows; i++) {
            float f = factors[i];
            for (int j = 0; j < cols; j++) {
                out[i * cols + j] = m[i * cols + j] * f;
            }
        }
    }

    public static double dot(float[] a, float[] b, int size) {
        double sum = 0;
        for (int i = 0; i < size; i++) {
            sum += (double) a[i] * b[i];
        }
        return sum;
    }

    /** {@code count[0] +=} the rows whose {@link Argmax} is the same column in {@code scores} and {@code targets}. */
    public static void addArgmaxMatches(float[] scores, float[] targets, int rows, int cols, float[] count) {
        int matches = 0;
        for (int i = 0; i < rows; i++) {
            if (Argmax.of(scores, i * cols, cols) == Argmax.of(targets, i * cols, cols)) {
                matches++;
            }
        }
        count[0] += matches;
    }
}
