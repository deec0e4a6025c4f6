package dev.fastnn.network.model;

import dev.fastnn.kernels.Activation;
import dev.fastnn.kernels.Backend;
import dev.fastnn.kernels.Matrix;
import java.util.Locale;

/**
 * What training minimizes, and how its gradient enters backprop.
 *
 * <p>Each loss writes an unscaled output delta {@code D} (the gradient with respect to the output layer's
 * pre-activations, up to the constant {@link #gradientScale}) so that the constant can ride along in the
 * {@code alpha} of the weight-gradient gemm instead of costing a pass over the batch. Multiplying by 2 is
 * exact in floating point, so the article's {@code 2 (y - out) out (1 - out)} comes out bit for bit.
 */
public enum Loss {
    /** The article's {@code sum (y - yhat)^2} over the batch and outputs; not divided by the batch size. */
    SUM_SQUARED_ERROR("sse"),
    /** {@code sum (y - yhat)^2 / (rows * outputs)}: the mean over every element of the batch. */
    MEAN_SQUARED_ERROR("mse"),
    /**
     * {@code -sum y ln p / rows} with {@code p} the softmax output: the mean over the batch. Its gradient
     * with respect to the softmax input is {@code (p - y) / rows}, so the softmax Jacobian is never formed.
     */
    SOFTMAX_CROSS_ENTROPY("cross-entropy");

    private final String id;

    Loss(String id) {
        this.id = id;
    }

    /** The name used on the command line and in model files: {@code sse}, {@code mse}, {@code cross-entropy}. */
    public String id() {
        return id;
    }

    /** Parses an {@link #id()}; an unknown name lists the valid ones. */
    public static Loss parse(String name) {
        String key = name.trim().toLowerCase(Locale.ROOT);
        for (Loss loss : values()) {
            if (loss.id.equals(key)) {
                return loss;
            }
        }
        throw new IllegalArgumentException("unknown loss '" + name + "'; valid: sse, mse, cross-entropy");
    }

    /** Throws when this loss cannot follow an output layer with activation {@code output}. */
    public void checkOutputActivation(Activation output) {
        if (this == SOFTMAX_CROSS_ENTROPY && output != Activation.SOFTMAX) {
            throw new IllegalArgumentException("loss cross-entropy needs a softmax output layer, got "
                    + output.name().toLowerCase(Locale.ROOT));
        }
    }

    /** Whether the loss is a mean over samples (so that losses of batches of different sizes average). */
    public boolean isMean() {
        return this != SUM_SQUARED_ERROR;
    }

    /** The loss of {@code out} against targets {@code y}, in double. */
    public double value(Backend backend, Matrix out, Matrix y) {
        return switch (this) {
            case SUM_SQUARED_ERROR -> backend.sumSquaredError(out, y);
            case MEAN_SQUARED_ERROR -> backend.sumSquaredError(out, y) / out.size();
            case SOFTMAX_CROSS_ENTROPY -> backend.crossEntropy(out, y) / out.rows();
        };
    }

    /**
     * {@link #value}, and {@code delta = dLoss/dZ / gradientScale} for the output layer, where {@code out = f(Z)}.
     * {@code delta} may not be {@code out} or {@code y}.
     */
    public double valueAndDelta(Backend backend, Activation f, Matrix out, Matrix y, Matrix delta) {
        if (this == SOFTMAX_CROSS_ENTROPY) {
            return backend.crossEntropyAndDelta(out, y, delta) / out.rows();
        }
        double value = value(backend, out, y);
        backend.subtract(out, y, delta);
        backend.activationGradient(f, out, delta, delta);
        return value;
    }

    /**
     * Per-row weighted: the loss {@code sum_i w_i loss_i} (normalized as {@link #value}: divided by the rows,
     * or by every element for mean squared error) of {@code out} against {@code y}, with {@code weights} a
     * {@code rows x 1} matrix; writes the delta of that weighted loss, in {@link #valueAndDelta}'s scale, into
     * {@code delta}. {@code work} is scratch of {@code out}'s shape; neither it nor {@code delta} may be
     * {@code out} or {@code y}.
     */
    public double weightedValueAndDelta(Backend backend, Activation f, Matrix out, Matrix y, Matrix weights,
                                        Matrix delta, Matrix work) {
        backend.subtract(out, y, delta);
        if (this == SOFTMAX_CROSS_ENTROPY) {
            backend.scaleRows(delta, weights, delta);
            backend.scaleRows(y, weights, work);
            return backend.crossEntropy(out, work) / out.rows();
        }
        backend.scaleRows(delta, weights, work);
        double sum = backend.dot(delta, work);
        backend.activationGradient(f, out, work, delta);
        return this == MEAN_SQUARED_ERROR ? sum / out.size() : sum;
    }

    /** The constant that turns {@link #valueAndDelta}'s delta into the true gradient for a {@code rows x cols} output. */
    public float gradientScale(int rows, int cols) {
        return switch (this) {
            case SUM_SQUARED_ERROR -> 2f;
            case MEAN_SQUARED_ERROR -> (float) (2.0 / ((double) rows * cols));
            case SOFTMAX_CROSS_ENTROPY -> (float) (1.0 / rows);
        };
    }
}
