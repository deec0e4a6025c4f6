package dev.fastnn.network.train;

import dev.fastnn.kernels.Backend;
import dev.fastnn.kernels.Matrix;
import dev.fastnn.network.model.DenseLayer;
import dev.fastnn.network.model.Loss;
import dev.fastnn.network.model.Network;
import java.util.List;

/**
 * Forward, loss, backward and update for batches of one size, entirely through {@link Backend} calls on
 * buffers allocated once here: a step moves the batch in ({@link #x()} and {@link #y()} are written by the
 * caller) and one scalar, the loss, out.
 *
 * <p>Backprop per layer {@code l} from the top, with {@code D_l} the layer's delta (unscaled, see
 * {@link Loss#gradientScale}): {@code D_{l-1} = (D_l W_l^T) * f'_{l-1}} is computed with the weights
 * before they move, then the optimizer applies {@code scale A_{l-1}^T D_l} to {@code W_l}.
 */
final class TrainingStep implements AutoCloseable {
    private final Network network;
    private final Backend backend;
    private final Matrix x;
    private final Matrix y;
    private final Matrix[] outputs;
    private final Matrix[] deltas;

    TrainingStep(Network network, int rows) {
        this.network = network;
        this.backend = network.backend();
        this.x = backend.allocate(rows, network.inputs());
        this.y = backend.allocate(rows, network.outputs());
        this.outputs = network.allocateOutputs(rows);
        this.deltas = network.allocateOutputs(rows);
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

    /** The network's output for the batch of the last {@link #run} (computed before its update). */
    Matrix output() {
        return outputs[outputs.length - 1];
    }

    /**
     * Optimizer step {@code step} (from 1) on the batch in {@link #x()}, {@link #y()} with the learning rates
     * multiplied by {@code rate}; returns the loss before the update.
     */
    double run(Optimizer.LayerUpdater[] updaters, float rate, long step) {
        List<DenseLayer> layers = network.layers();
        Loss loss = network.loss();
        int top = layers.size() - 1;
        Matrix out = network.forward(x, outputs);
        double value = loss.value(backend, out, y);
        loss.outputDelta(backend, layers.get(top).activation(), out, y, deltas[top]);
        float scale = loss.gradientScale(out.rows(), out.cols());
        for (int l = top; l >= 0; l--) {
            DenseLayer layer = layers.get(l);
            if (l > 0) {
                backend.gemm(false, true, 1f, deltas[l], layer.weights(), 0f, deltas[l - 1]);
                backend.activationGradient(layers.get(l - 1).activation(), outputs[l - 1], deltas[l - 1], deltas[l - 1]);
            }
            updaters[l].update(layer, l == 0 ? x : outputs[l - 1], deltas[l], scale, rate, step);
        }
        return value;
    }

    @Override
    public void close() {
        x.close();
        y.close();
        for (int l = 0; l < outputs.length; l++) {
            outputs[l].close();
            deltas[l].close();
        }
    }
}
