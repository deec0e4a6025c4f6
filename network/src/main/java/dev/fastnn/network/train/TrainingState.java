package dev.fastnn.network.train;

import dev.fastnn.network.model.LayerParameters;
import dev.fastnn.network.model.ModelParameters;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything a training run needs to continue exactly where it left off, after a whole number of epochs, on
 * the host: what {@link Trainer#fit(Samples, Samples, TrainingListener, TrainingState)} starts from, what
 * {@link Model#trainingState()} and {@link Trainer#trainEpochs} hand back, and what a checkpoint file
 * stores. Nothing random has to be saved: every random draw derives from {@code runSeed} and counters
 * ({@link Seeds}).
 *
 * @param parameters      the network in training space: before standardization is folded into the first
 *                        layer, so it takes standardized inputs when {@code standardization} is set
 * @param standardization the statistics the inputs are standardized with, or null for raw inputs
 * @param optimizer       the optimizer's buffers and step count
 * @param epochsCompleted epochs trained so far
 * @param globalStep      batches trained so far; the learning-rate schedule and the dropout masks are keyed by it
 * @param runSeed         the seed every random choice of the run derives from
 * @param earlyStopping   where early stopping stands, or null for a run without it
 */
public record TrainingState(ModelParameters parameters, Standardization standardization, OptimizerState optimizer,
                            int epochsCompleted, long globalStep, long runSeed, EarlyStopping.Progress earlyStopping) {

    public TrainingState {
        Objects.requireNonNull(parameters, "parameters");
        Objects.requireNonNull(optimizer, "optimizer");
        if (epochsCompleted < 0 || globalStep < 0) {
            throw new IllegalArgumentException("a training state needs epochs and steps >= 0, got " + epochsCompleted
                    + " epochs and " + globalStep + " steps");
        }
        if (standardization != null && standardization.mean().length != parameters.layers().get(0).inputs()) {
            throw new IllegalArgumentException("standardization has " + standardization.mean().length
                    + " features but the network takes " + parameters.layers().get(0).inputs());
        }
    }

    /** Number of floats in {@link #values()}. */
    public int valueCount() {
        long n = 0;
        for (LayerParameters l : parameters.layers()) {
            n += l.weights().length + (l.hasBiases() ? l.biases().length : 0);
        }
        for (float[] b : optimizer.buffers()) {
            n += b.length;
        }
        return Math.toIntExact(n);
    }

    /**
     * Every parameter and optimizer buffer as one array: each layer's weights then biases, in layer order,
     * then {@link OptimizerState#buffers()} in order. Averaging states means averaging these elementwise;
     * {@link #withValues} puts an array of this layout back.
     */
    public float[] values() {
        float[] all = new float[valueCount()];
        int at = 0;
        for (LayerParameters l : parameters.layers()) {
            at = append(l.weights(), all, at);
            if (l.hasBiases()) {
                at = append(l.biases(), all, at);
            }
        }
        for (float[] b : optimizer.buffers()) {
            at = append(b, all, at);
        }
        return all;
    }

    /** This state with parameters and optimizer buffers taken from {@code values} (the layout of {@link #values()}). */
    private TrainingState withValues(float[] values) {
        if (values.length != valueCount()) {
            throw new IllegalArgumentException(values.length + " values do not fit a training state of "
                    + valueCount());
        }
        int[] at = {0};
        List<LayerParameters> layers = new ArrayList<>();
        for (LayerParameters l : parameters.layers()) {
            float[] w = take(values, at, l.weights().length);
            float[] b = l.hasBiases() ? take(values, at, l.biases().length) : null;
            layers.add(new LayerParameters(l.inputs(), l.outputs(), l.activation(), w, b));
        }
        List<float[]> buffers = new ArrayList<>();
        for (float[] b : optimizer.buffers()) {
            buffers.add(take(values, at, b.length));
        }
        return new TrainingState(new ModelParameters(layers, parameters.metadata()), standardization,
                new OptimizerState(optimizer.optimizer(), optimizer.steps(), buffers), epochsCompleted, globalStep,
                runSeed, earlyStopping);
    }

    /** This state with other progress counters (for example after an averaging round of a data-parallel job). */
    private TrainingState withProgress(int epochsCompleted, long globalStep, long optimizerSteps) {
        return new TrainingState(parameters, standardization,
                new OptimizerState(optimizer.optimizer(), optimizerSteps, optimizer.buffers()),
                epochsCompleted, globalStep, runSeed, earlyStopping);
    }

    /**
     * The weighted mean of states that continue one run (model averaging): parameters and optimizer buffers
     * are averaged elementwise in double with weights {@code weights} (for example each partition's sample
     * count), the global and optimizer step counts are the rounded weighted means, and the rest (architecture,
     * standardization, epochs, run seed, early-stopping progress) must agree and is kept from the first state.
     * The mean of one state is that state, bit for bit.
     */
    public static TrainingState average(List<TrainingState> states, double[] weights) {
        if (states.isEmpty() || states.size() != weights.length) {
            throw new IllegalArgumentException("average needs one weight per state and at least one state, got "
                    + states.size() + " states and " + weights.length + " weights");
        }
        TrainingState first = states.get(0);
        int n = first.valueCount();
        double[] sum = new double[n];
        double total = 0;
        double globalSteps = 0;
        double optimizerSteps = 0;
        for (int s = 0; s < states.size(); s++) {
            TrainingState state = states.get(s);
            double w = weights[s];
            if (!(w > 0 && Double.isFinite(w))) {
                throw new IllegalArgumentException("average: weight " + s + " must be positive and finite, got " + w);
            }
            if (state.valueCount() != n || state.epochsCompleted != first.epochsCompleted
                    || state.runSeed != first.runSeed || !state.optimizer.optimizer().equals(first.optimizer.optimizer())) {
                throw new IllegalArgumentException("average: state " + s + " does not continue the run of state 0"
                        + " (values, epochs, run seed and optimizer must agree)");
            }
            float[] v = state.values();
            for (int i = 0; i < n; i++) {
                sum[i] += w * v[i];
            }
            total += w;
            globalSteps += w * state.globalStep;
            optimizerSteps += w * state.optimizer.steps();
        }
        return fromWeightedSums(first, sum, total, globalSteps, optimizerSteps, first.epochsCompleted);
    }

    /**
     * What {@link #average} gives, from the weighted sums of the states instead of the states (a data-parallel
     * job adds them up where they are): values {@code sums / total} in {@code start}'s structure, step counts the
     * rounded {@code globalSteps / total} and {@code optimizerSteps / total}, after {@code epochsCompleted}
     * epochs.
     */
    public static TrainingState fromWeightedSums(TrainingState start, double[] sums, double total, double globalSteps,
                                                 double optimizerSteps, int epochsCompleted) {
        float[] mean = new float[sums.length];
        for (int i = 0; i < mean.length; i++) {
            mean[i] = (float) (sums[i] / total);
        }
        return start.withValues(mean).withProgress(epochsCompleted, Math.round(globalSteps / total),
                Math.round(optimizerSteps / total));
    }

    private static int append(float[] src, float[] dst, int at) {
        System.arraycopy(src, 0, dst, at, src.length);
        return at + src.length;
    }

    private static float[] take(float[] src, int[] at, int n) {
        float[] out = new float[n];
        System.arraycopy(src, at[0], out, 0, n);
        at[0] += n;
        return out;
    }
}
