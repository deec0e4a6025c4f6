package dev.fastnn.gpukit;

import dev.fastnn.kernels.Activation;
import dev.fastnn.kernels.Backend;
import dev.fastnn.kernels.Backends;
import dev.fastnn.kernels.DropoutMask;
import dev.fastnn.kernels.Matrix;

/**
 * A stand-in for the device in tests of the checks: every kernel runs on the naive backend through its public
 * operations, on a twin of each matrix, so a test plants a fault by overriding one kernel. Only the
 * operations a backend must have are used, so this keeps compiling however the backends change inside.
 */
class DelegatingBackend extends Backend {
    private final Backend inner = Backends.get("naive");

    /** This backend's matrix: a handle on its twin in the naive backend. */
    private static final class Twin extends Matrix {
        private final Matrix inner;

        Twin(Backend owner, Matrix inner) {
            super(owner, inner.rows(), inner.cols());
            this.inner = inner;
        }
    }

    /** The naive backend's twin of {@code m}, for a fault to read or change. */
    protected static Matrix twin(Matrix m) {
        return ((Twin) m).inner;
    }

    protected final Backend inner() {
        return inner;
    }

    @Override
    public String name() {
        return "test-device";
    }

    @Override
    protected Matrix newMatrix(int rows, int cols) {
        return new Twin(this, inner.allocate(rows, cols));
    }

    @Override
    protected void releaseStorage(Matrix m) {
        twin(m).close();
    }

    @Override
    protected void writeStorage(Matrix dst, float[] src, int offset) {
        inner.write(twin(dst), src, offset);
    }

    @Override
    protected void writeRowsKernel(Matrix dst, float[] src, int[] rows, int from) {
        inner.writeRows(twin(dst), src, rows, from);
    }

    @Override
    protected void readStorage(Matrix src, float[] dst) {
        inner.read(twin(src), dst);
    }

    @Override
    protected void gemmKernel(boolean transA, boolean transB, int m, int n, int k,
                              float alpha, Matrix a, Matrix b, float beta, Matrix c) {
        inner.gemm(transA, transB, alpha, twin(a), twin(b), beta, twin(c));
    }

    @Override
    protected void activationKernel(Activation f, Matrix x, Matrix out) {
        inner.activation(f, twin(x), twin(out));
    }

    @Override
    protected void sigmoidDerivativeKernel(Matrix s, Matrix out) {
        inner.sigmoidDerivative(twin(s), twin(out));
    }

    @Override
    protected void activationGradientKernel(Activation f, Matrix y, Matrix grad, Matrix out) {
        inner.activationGradient(f, twin(y), twin(grad), twin(out));
    }

    @Override
    protected void addRowVectorKernel(Matrix m, Matrix row) {
        inner.addRowVector(twin(m), twin(row));
    }

    @Override
    protected void columnSumsKernel(Matrix m, Matrix out) {
        inner.columnSums(twin(m), twin(out));
    }

    @Override
    protected void axpyKernel(float alpha, Matrix x, Matrix y) {
        inner.axpy(alpha, twin(x), twin(y));
    }

    @Override
    protected void scaleKernel(float alpha, Matrix x) {
        inner.scale(alpha, twin(x));
    }

    @Override
    protected void fillKernel(Matrix x, float value) {
        inner.fill(twin(x), value);
    }

    @Override
    protected void copyKernel(Matrix src, Matrix dst) {
        inner.copy(twin(src), twin(dst));
    }

    @Override
    protected void hadamardKernel(Matrix a, Matrix b, Matrix out) {
        inner.hadamard(twin(a), twin(b), twin(out));
    }

    @Override
    protected void subtractKernel(Matrix a, Matrix b, Matrix out) {
        inner.subtract(twin(a), twin(b), twin(out));
    }

    @Override
    protected double sumSquaredErrorKernel(Matrix yhat, Matrix y) {
        return inner.sumSquaredError(twin(yhat), twin(y));
    }

    @Override
    protected double crossEntropyKernel(Matrix p, Matrix y) {
        return inner.crossEntropy(twin(p), twin(y));
    }

    /** The public adamUpdate takes the step number, the kernel its corrections: so this one runs on the host. */
    @Override
    protected void adamKernel(Matrix w, Matrix g, Matrix m, Matrix v, float lr, float beta1, float beta2,
                              float epsilon, float correction1, float correction2) {
        float[] wv = inner.download(twin(w));
        float[] gv = inner.download(twin(g));
        float[] mv = inner.download(twin(m));
        float[] vv = inner.download(twin(v));
        for (int i = 0; i < wv.length; i++) {
            mv[i] = beta1 * mv[i] + (1f - beta1) * gv[i];
            vv[i] = beta2 * vv[i] + (1f - beta2) * gv[i] * gv[i];
            wv[i] -= lr * (mv[i] * correction1) / ((float) Math.sqrt(vv[i] * correction2) + epsilon);
        }
        inner.write(twin(w), wv, 0);
        inner.write(twin(m), mv, 0);
        inner.write(twin(v), vv, 0);
    }

    @Override
    protected void dropoutKernel(Matrix x, Matrix out, int key, int threshold, float scale) {
        float[] v = inner.download(twin(x));
        for (int i = 0; i < v.length; i++) {
            v[i] = DropoutMask.keeps(key, i, threshold) ? v[i] * scale : 0f;
        }
        inner.write(twin(out), v, 0);
    }

    @Override
    protected void scaleRowsKernel(Matrix m, Matrix factors, Matrix out) {
        inner.scaleRows(twin(m), twin(factors), twin(out));
    }

    @Override
    protected double dotKernel(Matrix a, Matrix b) {
        return inner.dot(twin(a), twin(b));
    }

    @Override
    protected void addArgmaxMatchesKernel(Matrix scores, Matrix targets, Matrix count) {
        inner.addArgmaxMatches(twin(scores), twin(targets), twin(count));
    }

    @Override
    protected void gatherRowsKernel(Matrix source, Matrix rows, int from, Matrix dst) {
        inner.gatherRows(twin(source), twin(rows), from, twin(dst));
    }
}
