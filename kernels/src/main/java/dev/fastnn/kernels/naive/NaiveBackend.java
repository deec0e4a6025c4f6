package dev.fastnn.kernels.naive;

import dev.fastnn.kernels.Activation;
import dev.fastnn.kernels.HostBackend;
import dev.fastnn.kernels.Matrix;
import java.util.Arrays;

/**
 * Plain scalar loops: the reference every other backend is tested against, and the baseline the
 * benchmarks measure them by. Clarity wins over speed here; sums of many terms use double where a
 * reduction is returned to the caller.
 *
 * <p>Not final: the vector backend inherits the rarely used kernels (Adam, cross-entropy) from here
 * and overrides the hot ones.
 */
public class NaiveBackend extends HostBackend {

    @Override
    public String name() {
        return "naive";
    }

    @Override
    public String description() {
        return "naive (scalar Java loops, one thread)";
    }

    @Override
    protected void gemmKernel(boolean transA, boolean transB, int m, int n, int k,
                              float alpha, Matrix a, Matrix b, float beta, Matrix c) {
        float[] av = data(a);
        float[] bv = data(b);
        float[] cv = data(c);
        int lda = a.cols();
        int ldb = b.cols();
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

    @Override
    protected void activationKernel(Activation f, Matrix x, Matrix out) {
        float[] xv = data(x);
        float[] ov = data(out);
        switch (f) {
            case IDENTITY:
                System.arraycopy(xv, 0, ov, 0, x.size());
                break;
            case SIGMOID:
                for (int i = 0; i < x.size(); i++) {
                    ov[i] = (float) (1.0 / (1.0 + Math.exp(-xv[i])));
                }
                break;
            case TANH:
                for (int i = 0; i < x.size(); i++) {
                    ov[i] = (float) Math.tanh(xv[i]);
                }
                break;
            case RELU:
                for (int i = 0; i < x.size(); i++) {
                    ov[i] = Math.max(0f, xv[i]);
                }
                break;
            case SOFTMAX:
                softmaxRows(xv, ov, x.rows(), x.cols());
                break;
            default:
                throw new AssertionError(f);
        }
    }

    /** Subtracting the row maximum keeps every exponent at or below zero, so nothing overflows. */
    static void softmaxRows(float[] x, float[] out, int rows, int cols) {
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

    @Override
    protected void sigmoidDerivativeKernel(Matrix s, Matrix out) {
        float[] sv = data(s);
        float[] ov = data(out);
        for (int i = 0; i < s.size(); i++) {
            ov[i] = sv[i] * (1f - sv[i]);
        }
    }

    @Override
    protected void activationGradientKernel(Activation f, Matrix y, Matrix grad, Matrix out) {
        float[] yv = data(y);
        float[] gv = data(grad);
        float[] ov = data(out);
        int size = y.size();
        switch (f) {
            case IDENTITY:
                System.arraycopy(gv, 0, ov, 0, size);
                break;
            case SIGMOID:
                for (int i = 0; i < size; i++) {
                    ov[i] = gv[i] * yv[i] * (1f - yv[i]);
                }
                break;
            case TANH:
                for (int i = 0; i < size; i++) {
                    ov[i] = gv[i] * (1f - yv[i] * yv[i]);
                }
                break;
            case RELU:
                for (int i = 0; i < size; i++) {
                    ov[i] = yv[i] > 0f ? gv[i] : 0f;
                }
                break;
            case SOFTMAX:
                int cols = y.cols();
                for (int r = 0; r < y.rows(); r++) {
                    int base = r * cols;
                    double dot = 0;
                    for (int j = 0; j < cols; j++) {
                        dot += (double) gv[base + j] * yv[base + j];
                    }
                    for (int j = 0; j < cols; j++) {
                        ov[base + j] = yv[base + j] * (float) (gv[base + j] - dot);
                    }
                }
                break;
            default:
                throw new AssertionError(f);
        }
    }

    @Override
    protected void addRowVectorKernel(Matrix m, Matrix row) {
        float[] mv = data(m);
        float[] rv = data(row);
        int cols = m.cols();
        for (int i = 0; i < m.rows(); i++) {
            for (int j = 0; j < cols; j++) {
                mv[i * cols + j] += rv[j];
            }
        }
    }

    @Override
    protected void columnSumsKernel(Matrix m, Matrix out) {
        float[] mv = data(m);
        float[] ov = data(out);
        int cols = m.cols();
        for (int j = 0; j < cols; j++) {
            float sum = 0f;
            for (int i = 0; i < m.rows(); i++) {
                sum += mv[i * cols + j];
            }
            ov[j] = sum;
        }
    }

    @Override
    protected void axpyKernel(float alpha, Matrix x, Matrix y) {
        float[] xv = data(x);
        float[] yv = data(y);
        for (int i = 0; i < x.size(); i++) {
            yv[i] += alpha * xv[i];
        }
    }

    @Override
    protected void scaleKernel(float alpha, Matrix x) {
        float[] xv = data(x);
        for (int i = 0; i < x.size(); i++) {
            xv[i] *= alpha;
        }
    }

    @Override
    protected void fillKernel(Matrix x, float value) {
        Arrays.fill(data(x), 0, x.size(), value);
    }

    @Override
    protected void copyKernel(Matrix src, Matrix dst) {
        System.arraycopy(data(src), 0, data(dst), 0, src.size());
    }

    @Override
    protected void hadamardKernel(Matrix a, Matrix b, Matrix out) {
        float[] av = data(a);
        float[] bv = data(b);
        float[] ov = data(out);
        for (int i = 0; i < a.size(); i++) {
            ov[i] = av[i] * bv[i];
        }
    }

    @Override
    protected void subtractKernel(Matrix a, Matrix b, Matrix out) {
        float[] av = data(a);
        float[] bv = data(b);
        float[] ov = data(out);
        for (int i = 0; i < a.size(); i++) {
            ov[i] = av[i] - bv[i];
        }
    }

    @Override
    protected double sumSquaredErrorKernel(Matrix yhat, Matrix y) {
        float[] pv = data(yhat);
        float[] yv = data(y);
        double sum = 0;
        for (int i = 0; i < y.size(); i++) {
            double d = (double) yv[i] - pv[i];
            sum += d * d;
        }
        return sum;
    }

    @Override
    protected double crossEntropyKernel(Matrix p, Matrix y) {
        float[] pv = data(p);
        float[] yv = data(y);
        double sum = 0;
        for (int i = 0; i < y.size(); i++) {
            if (yv[i] != 0f) {
                sum -= yv[i] * Math.log(Math.max(pv[i], 1e-30));
            }
        }
        return sum;
    }

    @Override
    protected void adamKernel(Matrix w, Matrix g, Matrix m, Matrix v, float lr, float beta1, float beta2,
                              float epsilon, float correction1, float correction2) {
        float[] wv = data(w);
        float[] gv = data(g);
        float[] mv = data(m);
        float[] vv = data(v);
        for (int i = 0; i < w.size(); i++) {
            float gi = gv[i];
            mv[i] = beta1 * mv[i] + (1f - beta1) * gi;
            vv[i] = beta2 * vv[i] + (1f - beta2) * gi * gi;
            wv[i] -= lr * (mv[i] * correction1) / ((float) Math.sqrt(vv[i] * correction2) + epsilon);
        }
    }
}
