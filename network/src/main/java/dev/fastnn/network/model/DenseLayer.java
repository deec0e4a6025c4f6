package dev.fastnn.network.model;

import dev.fastnn.kernels.Activation;
import dev.fastnn.kernels.Backend;
import dev.fastnn.kernels.Matrix;
import dev.fastnn.kernels.MatrixUse;

/**
 * One fully connected layer, {@code Y = f(X W + b)}, whose weights ({@code inputs x outputs}) and biases
 * ({@code 1 x outputs}, absent in the article's network) live in a backend's storage.
 */
public final class DenseLayer implements AutoCloseable {
    private final Backend backend;
    private final Activation activation;
    private final Matrix weights;
    private final Matrix biases;

    DenseLayer(Backend backend, LayerParameters parameters) {
        this.backend = backend;
        this.activation = parameters.activation();
        // The right operand of every forward product and the output of every update: see MatrixUse.
        this.weights = backend.upload(parameters.weights(), parameters.inputs(), parameters.outputs(), MatrixUse.GEMM_RIGHT);
        this.biases = parameters.hasBiases() ? backend.upload(parameters.biases(), 1, parameters.outputs()) : null;
    }

    public int inputs() {
        return weights.rows();
    }

    public int outputs() {
        return weights.cols();
    }

    public Activation activation() {
        return activation;
    }

    /**
     * The live weights, for optimizers; {@code inputs x outputs}, allocated for {@link MatrixUse#GEMM_RIGHT}
     * (buffers shaped like them are best made with {@link Backend#allocateLike}).
     */
    public Matrix weights() {
        return weights;
    }

    /** The live biases ({@code 1 x outputs}), or {@code null} for a layer without them. */
    public Matrix biases() {
        return biases;
    }

    /** {@code out = f(in W + b)}; {@code out} is {@code in.rows() x outputs}. One fused call (see Backend). */
    public void forward(Matrix in, Matrix out) {
        backend.gemmBiasActivation(false, false, in, weights, biases, activation, out);
    }

    /** A host copy of the parameters. */
    public LayerParameters parameters() {
        return new LayerParameters(inputs(), outputs(), activation, backend.download(weights),
                biases == null ? null : backend.download(biases));
    }

    @Override
    public void close() {
        weights.close();
        if (biases != null) {
            biases.close();
        }
    }
}
