package dev.fastnn.network.train;

import dev.fastnn.kernels.Argmax;
import dev.fastnn.kernels.Backend;
import dev.fastnn.network.data.Dataset;
import dev.fastnn.network.model.ClassLabels;
import dev.fastnn.network.model.ModelParameters;
import dev.fastnn.network.model.Network;
import dev.fastnn.network.model.Preprocessing;
import dev.fastnn.network.model.Task;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A trained network, ready to predict and evaluate: what {@link Trainer#fit} returns and what a model file
 * loads into. Holds the weights in its backend's storage until {@link #close()}. Predicting and evaluating
 * from several threads at once is safe.
 *
 * <p>It takes raw features: any preprocessing of training ({@link #preprocessing()}) is folded into its first
 * layer. A classifier's outputs are class probabilities (or scores) in the order of {@link #classLabels()}.
 */
public final class Model implements AutoCloseable {
    private final Network network;
    private final List<EpochMetrics> history;
    /** What the model was built from; its weights are read back from {@link #network} when asked for. */
    private final ModelParameters description;
    private final TrainingState trainingState;

    Model(Network network, List<EpochMetrics> history, ModelParameters description, TrainingState trainingState) {
        this.network = network;
        this.history = List.copyOf(history);
        Map<String, String> metadata = new HashMap<>(description.metadata());
        metadata.put(Network.LOSS_KEY, network.loss().id());
        this.description = description.withMetadata(metadata);
        this.trainingState = trainingState;
    }

    /** A model from host parameters (a loaded model file), on {@code backend}. */
    public static Model of(Backend backend, ModelParameters parameters) {
        return new Model(Network.fromParameters(backend, parameters), List.of(), parameters, null);
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

    /** Classification (outputs are classes) or regression. */
    public Task task() {
        return description.task();
    }

    /** The original label of each class, in output order; {@code null} for a regression model. */
    public ClassLabels classLabels() {
        return description.classLabels();
    }

    /** The name of each input feature, or an empty list when the training data had none. */
    public List<String> featureNames() {
        return description.featureNames();
    }

    /** What training did to the raw features; already folded into the first layer. */
    public Preprocessing preprocessing() {
        return description.preprocessing();
    }

    /** The training metadata (trainer settings, backend, loss). */
    public Map<String, String> metadata() {
        return description.metadata();
    }

    /** The network's outputs for {@code rows} samples (row-major in and out). */
    public float[] predict(float[] inputs, int rows) {
        return network.predict(inputs, rows);
    }

    /** The network's outputs for every row of {@code data} (row-major, {@code rows x outputs}). */
    public float[] predict(Dataset data) {
        checkFeatures(data);
        return predict(data.features(), data.rows());
    }

    /** The most likely class of each of {@code rows} samples. */
    public int[] classify(float[] inputs, int rows) {
        float[] out = predict(inputs, rows);
        int k = network.outputs();
        int[] classes = new int[rows];
        for (int i = 0; i < rows; i++) {
            classes[i] = Argmax.of(out, i * k, k);
        }
        return classes;
    }

    /** The most likely class of each row of {@code data}; {@code classLabels().get(c)} names class {@code c}. */
    public int[] classify(Dataset data) {
        checkFeatures(data);
        return classify(data.features(), data.rows());
    }

    private void checkFeatures(Dataset data) {
        if (data.cols() != network.inputs()) {
            throw new IllegalArgumentException("the data has " + data.cols() + " features but the model takes "
                    + network.inputs());
        }
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

    /** Host copies of the weights with everything else the model knows: what a model file stores. */
    public ModelParameters parameters() {
        return description.withLayers(network.parameters(Map.of()).layers());
    }

    @Override
    public void close() {
        network.close();
    }
}
