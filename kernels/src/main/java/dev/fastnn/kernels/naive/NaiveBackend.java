package dev.fastnn.kernels.naive;

import dev.fastnn.kernels.Activation;
import dev.fastnn.kernels.Backends;
import dev.fastnn.kernels.HostBackend;
import dev.fastnn.kernels.Matrix;

/**
 * Plain scalar loops ({@link ScalarKernels}): the reference every other backend is tested against, and the
 * baseline the benchmarks measure them by. One thread, nothing to close.
 */
public final class NaiveBackend extends HostBackend {

    @Override
    public String name() {
        return Backends.NAIVE;
    }

    @Override
    public String description() {
        return "naive (scalar Java loops, one thread)";
    }

    @Override
    protected void gemmKernel(boolean transA, boolean transB, int m, int n, int k,
                              float alpha, Matrix a, Matrix b, float beta, Matrix c) {
        ScalarKernels.gemm(transA, transB, m, n, k, alpha, data(a), a.cols(), data(b), b.cols(), beta, data(c));
    }

    @Override
    protected void activationKernel(Activation f, Matrix x, Matrix out) {
        float[] xv = data(x);
        float[] ov = data(out);
        switch (f) {
            case IDENTITY -> copyKernel(x, out);
            case SIGMOID -> ScalarKernels.sigmoid(xv, ov, x.size());
            case TANH -> ScalarKernels.tanh(xv, ov, x.size());
            case RELU -> ScalarKernels.relu(xv, ov, x.size());
            case SOFTMAX -> ScalarKernels.softmaxRows(xv, ov, x.rows(), x.cols());
            default -> throw new AssertionError(f);
        }
    }

    @Override
    protected void sigmoidDerivativeKernel(Matrix s, Matrix out) {
        ScalarKernels.sigmoidDerivative(data(s), data(out), s.size());
    }

    @Override
    protected void activationGradientKernel(Activation f, Matrix y, Matrix grad, Matrix out) {
        float[] yv = data(y);
        float[] gv = data(grad);
        float[] ov = data(out);
        switch (f) {
            case IDENTITY -> copyKernel(grad, out);
            case SIGMOID -> ScalarKernels.sigmoidGradient(yv, gv, ov, y.size());
            case TANH -> ScalarKernels.tanhGradient(yv, gv, ov, y.size());
            case RELU -> ScalarKernels.reluGradient(yv, gv, ov, y.size());
            case SOFTMAX -> ScalarKernels.softmaxGradientRows(yv, gv, ov, y.rows(), y.cols());
            default -> throw new AssertionError(f);
        }
    }

    @Override
    protected void addRowVectorKernel(Matrix m, Matrix row) {
        ScalarKernels.addRowVector(data(m), m.rows(), m.cols(), data(row));
    }

    @Override
    protected void columnSumsKernel(Matrix m, Matrix out) {
        ScalarKernels.columnSums(data(m), m.rows(), m.cols(), data(out));
    }

    @Override
    protected void axpyKernel(float alpha, Matrix x, Matrix y) {
        ScalarKernels.axpy(alpha, data(x), data(y), x.size());
    }

    @Override
    protected void scaleKernel(float alpha, Matrix x) {
        ScalarKernels.scale(alpha, data(x), x.size());
    }

    @Override
    protected void hadamardKernel(Matrix a, Matrix b, Matrix out) {
        ScalarKernels.hadamard(data(a), data(b), data(out), a.size());
    }

    @Override
    protected void subtractKernel(Matrix a, Matrix b, Matrix out) {
        ScalarKernels.subtract(data(a), data(b), data(out), a.size());
    }

    @Override
    protected double sumSquaredErrorKernel(Matrix yhat, Matrix y) {
        return ScalarKernels.sumSquaredError(data(yhat), data(y), y.size());
    }

    @Override
    protected double crossEntropyKernel(Matrix p, Matrix y) {
        return ScalarKernels.crossEntropy(data(p), data(y), y.size());
    }

    @Override
    protected void adamKernel(Matrix w, Matrix g, Matrix m, Matrix v, float lr, float beta1, float beta2,
                              float epsilon, float correction1, float correction2) {
        ScalarKernels.adam(data(w), data(g), data(m), data(v), w.size(), lr, beta1, beta2, epsilon, correction1, correction2);
    }

    @Override
    protected void dropoutKernel(Matrix x, Matrix out, int key, int threshold, float scale) {
        ScalarKernels.dropout(data(x), data(out), x.size(), key, threshold, scale);
    }

    @Override
    protected void scaleRowsKernel(Matrix m, Matrix factors, Matrix out) {
        ScalarKernels.scaleRows(data(m), m.rows(), m.cols(), data(factors), data(out));
    }

    @Override
    protected double dotKernel(Matrix a, Matrix b) {
        return ScalarKernels.dot(data(a), data(b), a.size());
    }

    @Override
    protected void addArgmaxMatchesKernel(Matrix scores, Matrix targets, Matrix count) {
        ScalarKernels.addArgmaxMatches(data(scores), data(targets), scores.rows(), scores.cols(), data(count));
    }
}
