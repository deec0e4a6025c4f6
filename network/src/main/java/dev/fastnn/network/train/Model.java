package dev.fastnn.network.train;

import dev.fastnn.kernels.Backend;
import dev.fastnn.network.model.ModelParameters;
import dev.fastnn.network.model.Network;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A trained network, ready to predict and evaluate: what {@link Trainer#fit} returns and what a model file
 * loads into. Holds the weights in its backend's storage until {@link #close()}. Predicting and evaluating
 * from several threads at once is safe.
 */
public final class Model implements AutoCloseable {
    private final Network network;
    private final List<EpochMetrics> history;
    private final Map<String, String> metadata;
    private final TrainingState trainingState;

    Model(Network network, List<EpochMetrics> history, Map<String, String> metadata, TrainingState trainingState) {
        this.network = network;
        this.history = List.copyOf(history);
        this.metadata = Map.copyOf(metadata);
        this.trainingState = trainingState;
    }

    /** A model from host parameters (a loaded model file), on {@code backend}. */
    public static Model of(Backend backend, ModelParameters parameters) {
        return new Model(Network.fromParameters(backend, parameters), List.of(), parameters.metadata(), null);
    }

    /**
     * Where training ended, on the host: what {@link Trainer#fit(Samples, Samples, TrainingListener, TrainingState)}
     * continues from (its parameters are the last epoch's, in training space, even where the model holds the
     * best epoch's); empty for a loaded model.
     */
    public Optional<TrainingState> trainingState() {
        return Optional.ofNullable(trainingState);
    }

    public Network network() {
        return network;
    }

    /** One entry per trained epoch; empty for a loaded model. */
    public List<EpochMetrics> history() {
        return history;
    }

    /** The network's outputs for {@code rows} samples (row-major in and out). */
    public float[] predict(float[] inputs, int rows) {
        return network.predict(inputs, rows);
    }

    /** The most likely class of each of {@code rows} samples. */
    public int[] classify(float[] inputs, int rows) {
        float[] out = predict(inputs, rows);
        int k = network.outputs();
        int[] classes = new int[rows];
        for (int i = 0; i < rows; i++) {
            classes[i] = Evaluator.argmax(out, i * k, k);
        }
        return classes;
    }

    /**
     * Loss, accuracy, confusion matrix and per-class scores on labelled {@code samples}; loss, MAE, RMSE and
     * R^2 on samples with real targets.
     */
    public Evaluation evaluate(Samples samples) {
        try (Evaluator evaluator = new Evaluator(network, samples.rows())) {
            return evaluator.evaluate(samples);
        }
    }

    /** Host copies of the parameters with the training metadata (trainer settings, seed, backend, loss). */
    public ModelParameters parameters() {
        return network.parameters(metadata);
    }

    @Override
    public void close() {
        network.close();
    }
}
