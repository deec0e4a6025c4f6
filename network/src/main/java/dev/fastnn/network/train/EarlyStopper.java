package dev.fastnn.network.train;

import dev.fastnn.kernels.Backend;
import dev.fastnn.kernels.Matrix;
import dev.fastnn.network.model.DenseLayer;
import dev.fastnn.network.model.LayerParameters;
import dev.fastnn.network.model.ModelParameters;
import dev.fastnn.network.model.Network;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@link EarlyStopping} during one run: it judges each epoch's validation result and, when the best epoch's
 * weights are to be restored, keeps a copy of them in the backend's storage (copied on the device at each
 * improvement, so a GPU run moves no weights for it until {@link #progress()} is asked for).
 */
final class EarlyStopper implements AutoCloseable {
    private final EarlyStopping settings;
    private final Backend backend;
    private final Network network;
    /** Per layer the best weights and biases (null for a layer without), or empty without restoreBest. */
    private final List<Matrix[]> best = new ArrayList<>();
    private double bestValue;
    private int bestEpoch;
    private int epochsWithoutImprovement;

    /** Continues {@code from} (the start, or a resumed run's progress) for {@code network}. */
    EarlyStopper(EarlyStopping settings, Network network, EarlyStopping.Progress from) {
        this.settings = settings;
        this.network = network;
        this.backend = network.backend();
        this.bestValue = from.bestValue();
        this.bestEpoch = from.bestEpoch();
        this.epochsWithoutImprovement = from.epochsWithoutImprovement();
        if (settings.restoreBest()) {
            try {
                List<LayerParameters> saved = from.bestParameters() == null ? null : from.bestParameters().layers();
                for (int l = 0; l < network.layers().size(); l++) {
                    DenseLayer layer = network.layers().get(l);
                    Matrix w = backend.allocateLike(layer.weights());
                    Matrix b = layer.biases() == null ? null : backend.allocate(1, layer.outputs());
                    best.add(new Matrix[] {w, b});
                    if (saved != null) {
                        backend.write(w, saved.get(l).weights(), 0);
                        if (b != null) {
                            backend.write(b, saved.get(l).biases(), 0);
                        }
                    }
                }
            } catch (RuntimeException | Error e) {
                close();
                throw e;
            }
        }
    }

    /** Whether patience ran out already (a resumed run that had stopped trains no further). */
    boolean exhausted() {
        return epochsWithoutImprovement >= settings.patience();
    }

    /** Takes epoch {@code epoch}'s validation result into account; returns whether to stop now. */
    boolean afterEpoch(int epoch, Evaluation validation) {
        double value = settings.monitor() == EarlyStopping.Monitor.VALIDATION_LOSS ? validation.loss() : validation.accuracy();
        if (settings.improves(value, bestValue)) {
            bestValue = value;
            bestEpoch = epoch;
            epochsWithoutImprovement = 0;
            for (int l = 0; l < best.size(); l++) {
                DenseLayer layer = network.layers().get(l);
                backend.copy(layer.weights(), best.get(l)[0]);
                if (layer.biases() != null) {
                    backend.copy(layer.biases(), best.get(l)[1]);
                }
            }
        } else {
            epochsWithoutImprovement++;
        }
        return exhausted();
    }

    /** Where early stopping stands, with the best epoch's parameters on the host (when they are kept). */
    EarlyStopping.Progress progress() {
        ModelParameters parameters = null;
        if (!best.isEmpty() && bestEpoch > 0) {
            List<LayerParameters> layers = new ArrayList<>();
            for (int l = 0; l < best.size(); l++) {
                DenseLayer layer = network.layers().get(l);
                Matrix b = best.get(l)[1];
                layers.add(new LayerParameters(layer.inputs(), layer.outputs(), layer.activation(),
                        backend.download(best.get(l)[0]), b == null ? null : backend.download(b)));
            }
            parameters = new ModelParameters(layers, Map.of(Network.LOSS_KEY, network.loss().id()));
        }
        return new EarlyStopping.Progress(bestValue, bestEpoch, parameters, epochsWithoutImprovement);
    }

    @Override
    public void close() {
        for (Matrix[] m : best) {
            m[0].close();
            if (m[1] != null) {
                m[1].close();
            }
        }
    }
}
