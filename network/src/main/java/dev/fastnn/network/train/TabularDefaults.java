package dev.fastnn.network.train;

import dev.fastnn.kernels.Activation;
import dev.fastnn.network.model.Initializer;
import dev.fastnn.network.model.Loss;
import dev.fastnn.network.model.Task;

/**
 * The settings fastnn picks for a tabular data set when it is given none: sizes from the data, features
 * standardized, one ReLU hidden layer, Adam (learning rate {@value #ADAM_CLASSIFICATION_RATE} for classes,
 * {@value #ADAM_REGRESSION_RATE} for regression), and enough epochs for about {@value #STEPS} optimizer steps.
 * {@link #builder()} returns a {@link Trainer.Builder} with them, on which a caller changes what it was told
 * otherwise; {@link #withOptimizer} and {@link #withBatchSize} change the two settings others follow from (the
 * learning rate, the epoch count); {@link #toString()} says what was picked, for a log line.
 *
 * <p>Measured with {@code fastnn train --csv FILE --label-column last --validation-split 0.2 --seed S} (seeds
 * 1 to 3, final epoch): validation accuracy 97.2 % on sklearn's wine (13 features, 3 classes), 96.5-100 % on
 * breast cancer (30, 2), 90-100 % on iris (4, 3; 30 held-out rows), 96.1-98.6 % on digits (64, 10); with
 * {@code --task regression}, validation RMSE 3.1-3.4 on Boston house prices (targets' deviation 9.2) and
 * 52-57 on diabetes (77). The defaults before (a sigmoid layer of 16, plain steps of 0.5, batch 128, 10
 * epochs, raw features) reached 33-39 % on wine and 62 % (the majority class) on breast cancer.
 *
 * @param features  inputs of the network
 * @param outputs   classes, or targets for regression
 * @param task      classification (softmax, cross-entropy) or regression (identity output, mean squared error)
 * @param rows      training rows, which the epoch count is counted for
 * @param hidden    units of the one hidden layer
 * @param optimizer the {@link Optimizer#id} trained with, at {@link #learningRate()}
 * @param batchSize samples per step
 * @param epochs    passes over the training data
 */
public record TabularDefaults(int features, int outputs, Task task, int rows, int hidden, String optimizer,
                              int batchSize, int epochs) {
    /** Optimizer steps the epoch count aims at: the measured sets converge well before, and do not overfit much. */
    public static final int STEPS = 1000;
    static final int MIN_EPOCHS = 10;
    static final int MAX_EPOCHS = 500;
    /** Below this many training rows a small batch gives more steps per epoch; above, a larger one runs faster. */
    static final int LARGE = 10_000;
    /**
     * Adam's rate for classes: three times the paper's, so that the few steps of a small file converge. Plain
     * steps and momentum train classes at their own defaults ({@code DEFAULT_LEARNING_RATE} of {@link Optimizer}).
     */
    public static final float ADAM_CLASSIFICATION_RATE = 0.003f;
    /**
     * Regression targets sit wherever their units put them (house prices around 22, not 0): Adam takes a larger
     * step to reach their offset within the steps aimed at, while the squared error's gradient grows with that
     * offset, so plain steps and momentum take smaller ones (at their classification rates they diverge).
     */
    public static final float ADAM_REGRESSION_RATE = 0.01f;
    /** See {@link #ADAM_REGRESSION_RATE}. */
    public static final float SGD_REGRESSION_RATE = 0.01f;
    /** See {@link #ADAM_REGRESSION_RATE}: a tenth of plain steps' rate, as momentum 0.9 makes ten times the step. */
    public static final float MOMENTUM_REGRESSION_RATE = 0.001f;

    public TabularDefaults {
        optimizer = Optimizer.id(optimizer);
        if (rows < 1 || batchSize < 1 || epochs < 1) {
            throw new IllegalArgumentException("rows, batch size and epochs must be positive, got " + rows + ", "
                    + batchSize + ", " + epochs);
        }
    }

    /** What fastnn picks for training on {@code train}. */
    public static TabularDefaults of(Samples train) {
        Task task = train.isClassification() ? Task.CLASSIFICATION : Task.REGRESSION;
        int hidden = Math.max(64, Math.min(256, train.features()));
        int batch = train.rows() < LARGE ? 32 : 128;
        return new TabularDefaults(train.features(), train.outputs(), task, train.rows(), hidden, Optimizer.Adam.ID,
                batch, epochs(train.rows(), batch));
    }

    /** These defaults with another optimizer, at the learning rate they give it. */
    public TabularDefaults withOptimizer(String optimizer) {
        return new TabularDefaults(features, outputs, task, rows, hidden, optimizer, batchSize, epochs);
    }

    /** These defaults with another batch size, and as many epochs as aim at {@value #STEPS} steps with it. */
    public TabularDefaults withBatchSize(int batchSize) {
        return new TabularDefaults(features, outputs, task, rows, hidden, optimizer, batchSize,
                epochs(rows, batchSize));
    }

    private static int epochs(int rows, int batch) {
        int batches = (rows + batch - 1) / batch;
        return Math.max(MIN_EPOCHS, Math.min(MAX_EPOCHS, (STEPS + batches - 1) / batches));
    }

    /** The learning rate of {@link #optimizer} for this task. */
    public float learningRate() {
        boolean classify = task == Task.CLASSIFICATION;
        return switch (optimizer) {
            case Optimizer.Sgd.ID -> classify ? Optimizer.Sgd.DEFAULT_LEARNING_RATE : SGD_REGRESSION_RATE;
            case Optimizer.Momentum.ID -> classify ? Optimizer.Momentum.DEFAULT_LEARNING_RATE : MOMENTUM_REGRESSION_RATE;
            default -> classify ? ADAM_CLASSIFICATION_RATE : ADAM_REGRESSION_RATE;
        };
    }

    /** A builder with these settings (seed and backend left at their defaults). */
    public Trainer.Builder builder() {
        boolean classify = task == Task.CLASSIFICATION;
        return Trainer.builder()
                .layers(features, hidden, outputs)
                .hiddenActivation(Activation.RELU)
                .initializer(Initializer.HE)
                .outputActivation(classify ? Activation.SOFTMAX : Activation.IDENTITY)
                .loss(classify ? Loss.SOFTMAX_CROSS_ENTROPY : Loss.MEAN_SQUARED_ERROR)
                .optimizer(Optimizer.parse(optimizer, learningRate()))
                .batchSize(batchSize)
                .epochs(epochs)
                .standardize(true);
    }

    @Override
    public String toString() {
        boolean classify = task == Task.CLASSIFICATION;
        return "layers " + features + "," + hidden + "," + outputs + " (relu, " + Initializer.HE.id() + "; "
                + (classify ? "softmax, " + Loss.SOFTMAX_CROSS_ENTROPY.id() : "identity output, "
                + Loss.MEAN_SQUARED_ERROR.id()) + "), " + optimizer + " lr " + learningRate()
                + ", batch " + batchSize + ", " + epochs + " epochs, standardized features";
    }
}
