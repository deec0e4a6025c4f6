package dev.fastnn.network.train;

import dev.fastnn.kernels.Activation;
import dev.fastnn.kernels.Backend;
import dev.fastnn.kernels.Matrix;
import dev.fastnn.kernels.MatrixUse;
import dev.fastnn.network.model.DenseLayer;
import dev.fastnn.network.model.Loss;
import dev.fastnn.network.model.Network;
import java.util.List;

/**
 * Forward, loss, backward and update for batches of one size, entirely through {@link Backend} calls on
 * buffers allocated once here: the caller fills {@link #x()} and {@link #y()} (writing them, or gathering them
 * from a training set kept on the backend), and a step moves one scalar, the loss, out.
 *
 * <p>Backprop per layer {@code l} from the top, with {@code D_l} the layer's delta (unscaled, see
 * {@link Loss#gradientScale}): {@code D_{l-1} = (D_l W_l^T) * m_{l-1} * f'_{l-1}} is computed with the
 * weights before they move, then the optimizer applies {@code scale A_{l-1}^T D_l} to {@code W_l}, where
 * {@code A_{l-1}} is what layer {@code l} was fed: hidden outputs after inverted dropout, whose mask
 * {@code m} (0 or {@code 1 / (1 - rate)}) is recomputed on the backend from the same key rather than stored.
 * A layer's forward pass is one fused backend call (product, bias, activation), and so is the step back
 * through a layer without dropout (product, activation's derivative): the same bits as the separate calls.
 */
final class TrainingStep implements AutoCloseable {
    private final Network network;
    private final Backend backend;
    private final Matrix x;
    private final Matrix y;
    private final Matrix[] outputs;
    private final Matrix[] deltas;
    /** Probability of dropping a hidden unit, 0 for none. */
    private final float dropout;
    /** Each hidden layer's output after dropout, the next layer's input; null without dropout. */
    private final Matrix[] dropped;
    /** Per-row loss weights ({@code rows x 1}) and the scratch the weighted loss needs; null without them. */
    private final Matrix rowWeights;
    private final Matrix work;

    /**
     * Buffers for batches of {@code rows}; with {@code dropout > 0} hidden units are dropped at that rate, and
     * with {@code weighted} each row's loss is weighted by {@link #rowWeights()}.
     */
    TrainingStep(Network network, int rows, float dropout, boolean weighted) {
        this.network = network;
        this.backend = network.backend();
        this.dropout = dropout;
        this.x = backend.allocate(rows, network.inputs(), MatrixUse.GEMM_LEFT);
        this.y = backend.allocate(rows, network.outputs());
        this.outputs = network.allocateOutputs(rows);
        this.deltas = network.allocateOutputs(rows);
        this.dropped = dropout > 0 ? network.allocateOutputs(rows) : null;
        this.rowWeights = weighted ? backend.allocate(rows, 1) : null;
        this.work = weighted ? backend.allocate(rows, network.outputs()) : null;
    }

    /** Without dropout or weights. */
    TrainingStep(Network network, int rows) {
        this(network, rows, 0f, false);
    }

    int rows() {
        return x.rows();
    }

    Matrix x() {
        return x;
    }

    Matrix y() {
        return y;
    }

    /** The per-row loss weights of the batch, written by the caller; only for a weighted step. */
    Matrix rowWeights() {
        return rowWeights;
    }

    /** The network's output for the batch of the last {@link #run} (computed before its update). */
    Matrix output() {
        return outputs[outputs.length - 1];
    }

    /**
     * Optimizer step {@code step} (from 1) on the batch in {@link #x()}, {@link #y()} with the learning rates
     * multiplied by {@code rate}; returns the loss before the update. With dropout, {@code dropoutKeys[l]} is
     * the mask key of hidden layer {@code l} for this batch (see {@link dev.fastnn.kernels.DropoutMask}): the
     * forward pass drops with it and the backward pass applies the same mask to the gradient.
     */
    double run(Optimizer.LayerUpdater[] updaters, float rate, long step, int[] dropoutKeys) {
        List<DenseLayer> layers = network.layers();
        Loss loss = network.loss();
        int top = layers.size() - 1;
        Matrix in = x;
        for (int l = 0; l <= top; l++) {
            layers.get(l).forward(in, outputs[l]);
            in = outputs[l];
            if (dropped != null && l < top) {
                backend.dropout(outputs[l], dropped[l], dropout, dropoutKeys[l]);
                in = dropped[l];
            }
        }
        Matrix out = outputs[top];
        Activation f = layers.get(top).activation();
        double value;
        if (rowWeights != null) {
            value = loss.weightedValueAndDelta(backend, f, out, y, rowWeights, deltas[top], work);
        } else {
            value = loss.valueAndDelta(backend, f, out, y, deltas[top]);
        }
        float scale = loss.gradientScale(out.rows(), out.cols());
        for (int l = top; l >= 0; l--) {
            DenseLayer layer = layers.get(l);
            if (l > 0) {
                Activation below = layers.get(l - 1).activation();
                if (dropped != null) {
                    // The mask multiplies the gradient before the activation's derivative does: not fused.
                    backend.gemm(false, true, 1f, deltas[l], layer.weights(), 0f, deltas[l - 1]);
                    backend.dropout(deltas[l - 1], deltas[l - 1], dropout, dropoutKeys[l - 1]);
                    backend.activationGradient(below, outputs[l - 1], deltas[l - 1], deltas[l - 1]);
                } else {
                    backend.gemmActivationGradient(false, true, 1f, deltas[l], layer.weights(), below, outputs[l - 1],
                            deltas[l - 1]);
                }
            }
            updaters[l].update(layer, l == 0 ? x : input(l - 1), deltas[l], scale, rate, step);
        }
        return value;
    }

    /** What hidden layer {@code l} passed on: its output, after dropout when there is dropout. */
    private Matrix input(int l) {
        return dropped != null ? dropped[l] : outputs[l];
    }

    @Override
    public void close() {
        x.close();
        y.close();
        for (int l = 0; l < outputs.length; l++) {
            outputs[l].close();
            deltas[l].close();
            if (dropped != null) {
                dropped[l].close();
            }
        }
        if (rowWeights != null) {
            rowWeights.close();
            work.close();
        }
    }
}
