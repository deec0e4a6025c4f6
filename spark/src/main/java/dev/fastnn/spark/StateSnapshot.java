package dev.fastnn.spark;

import dev.fastnn.network.train.OptimizerState;
import dev.fastnn.network.train.TrainingState;
import java.io.Serializable;
import java.util.List;

/**
 * A {@link TrainingState} of the tasks' trainer ({@link TrainingSettings#localTrainer}, which sees features
 * preprocessed already and so carries no standardization) in a form Java serialization takes, for the
 * broadcast that starts each round: parameters, optimizer buffers and counters, run seed. Early-stopping
 * progress stays on the driver, which alone judges the averaged model.
 */
final class StateSnapshot implements Serializable {
    private static final long serialVersionUID = 1L;

    private final NetworkSnapshot parameters;
    private final String optimizer;
    private final long optimizerSteps;
    private final float[][] buffers;
    private final int epochsCompleted;
    private final long globalStep;
    private final long runSeed;

    /** Shares the arrays of {@code state}; neither side changes them. */
    StateSnapshot(TrainingState state) {
        if (state.standardization() != null) {
            throw new IllegalArgumentException("the tasks train on preprocessed features; this state standardizes");
        }
        parameters = NetworkSnapshot.of(state.parameters());
        optimizer = state.optimizer().optimizer();
        optimizerSteps = state.optimizer().steps();
        buffers = state.optimizer().buffers().toArray(new float[0][]);
        epochsCompleted = state.epochsCompleted();
        globalStep = state.globalStep();
        runSeed = state.runSeed();
    }

    TrainingState state() {
        return new TrainingState(parameters.parameters(), null,
                new OptimizerState(optimizer, optimizerSteps, List.of(buffers)), epochsCompleted, globalStep, runSeed,
                null);
    }
}
