package dev.fastnn.spark;

import dev.fastnn.network.train.TrainingState;
import java.io.Serializable;

/**
 * The sum, over the partitions of one round, of what their local training produced, each weighted by its
 * sample count: the parameters and optimizer buffers ({@link TrainingState#values()}), the step counters and
 * the training loss, all in double. Tree aggregation adds these up on the executors; the driver divides once
 * ({@link #mean}), which is {@link TrainingState#average} over the partitions' states: the mean of one
 * partition is its state bit for bit. A partition whose training diverged reports that instead.
 */
final class RoundResult implements Serializable {
    private static final long serialVersionUID = 1L;

    private double weight;
    private double[] values;
    private double globalSteps;
    private double optimizerSteps;
    /** Sum of each partition's last local epoch loss times its rows, and of the losses alone. */
    private double weightedLoss;
    private double lossSum;
    private int problemPartition = Integer.MAX_VALUE;
    private String problem;
    /** The lowest-numbered partition's executor backend and its Trainer as the settings describe it. */
    private int firstPartition = Integer.MAX_VALUE;
    private String backend;
    private String trainer;

    /** Nothing yet: the zero of the aggregation. */
    RoundResult() {
    }

    /**
     * Partition {@code partition}'s {@code rows} trained to {@code end}, with a loss of {@code loss} in its last
     * local epoch, on {@code backend}; {@code trainer} describes the settings' Trainer on that backend.
     */
    static RoundResult of(int partition, TrainingState end, int rows, double loss, String backend, String trainer) {
        RoundResult r = new RoundResult();
        r.firstPartition = partition;
        r.backend = backend;
        r.trainer = trainer;
        r.weight = rows;
        float[] v = end.values();
        r.values = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            r.values[i] = (double) rows * v[i];
        }
        r.globalSteps = (double) rows * end.globalStep();
        r.optimizerSteps = (double) rows * end.optimizer().steps();
        r.weightedLoss = rows * loss;
        r.lossSum = loss;
        return r;
    }

    /** A partition whose training failed with {@code problem}. */
    static RoundResult failed(int partition, String problem) {
        RoundResult r = new RoundResult();
        r.problemPartition = partition;
        r.problem = problem;
        return r;
    }

    /** Adds {@code other} into this one (the aggregation's seqOp and combOp). */
    RoundResult merge(RoundResult other) {
        if (other.problem != null && other.problemPartition < problemPartition) {
            problemPartition = other.problemPartition;
            problem = other.problem;
        }
        if (other.values == null) {
            return this;
        }
        if (other.firstPartition < firstPartition) {
            firstPartition = other.firstPartition;
            backend = other.backend;
            trainer = other.trainer;
        }
        if (values == null) {
            values = other.values.clone();
        } else {
            for (int i = 0; i < values.length; i++) {
                values[i] += other.values[i];
            }
        }
        weight += other.weight;
        globalSteps += other.globalSteps;
        optimizerSteps += other.optimizerSteps;
        weightedLoss += other.weightedLoss;
        lossSum += other.lossSum;
        return this;
    }

    /** Null, or what went wrong in the lowest-numbered partition that failed. */
    String problem() {
        return problem;
    }

    /** The description of the executors' backend, as {@code Backend.description()} gives it. */
    String backend() {
        return backend;
    }

    /** The Trainer the settings describe, on the executors' backend, as its {@code toString()} gives it. */
    String trainer() {
        return trainer;
    }

    /** The averaged state: {@code start}'s structure with the weighted means, after {@code epochsCompleted} epochs. */
    TrainingState mean(TrainingState start, int epochsCompleted) {
        return TrainingState.fromWeightedSums(start, values, weight, globalSteps, optimizerSteps, epochsCompleted);
    }

    /** The round's training loss: the sample-weighted mean of the partitions' (a sum for a summed loss). */
    double loss(boolean meanLoss) {
        return meanLoss ? weightedLoss / weight : lossSum;
    }
}
