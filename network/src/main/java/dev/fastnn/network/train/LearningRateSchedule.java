package dev.fastnn.network.train;

import java.util.List;
import java.util.Locale;

/**
 * The factor the optimizer's learning rate is multiplied by, batch by batch. With {@code B} batches per
 * epoch, {@code E} epochs in the run and batch {@code t = (epoch - 1) B + b} (from 0), a linear warm-up of
 * {@code W} epochs gives {@code (t + 1) / (W B)} while {@code t < W B}; after it, with
 * {@code s = t - W B} and {@code S = (E - W) B}:
 * <ul>
 *   <li>{@link Constant}: {@code 1};</li>
 *   <li>{@link Step}: {@code factor^floor(s / (every B))};</li>
 *   <li>{@link Exponential}: {@code decay^(s / B)}, so each epoch ends a factor {@code decay} below where it
 *       began (the command line's {@code --lr-decay});</li>
 *   <li>{@link Cosine}: {@code (1 + cos(pi s / S)) / 2}, from 1 down towards 0 at the end of the run.</li>
 * </ul>
 * Positions count batches within epochs rather than over the whole data, so training that sees a different
 * number of batches per epoch (a partition of a data-parallel job) still agrees at every epoch boundary.
 */
public sealed interface LearningRateSchedule {
    /** The names {@link #parse} knows. */
    List<String> NAMES = List.of("constant", "step", "exponential", "cosine");

    /** Epochs of linear warm-up before the schedule proper; 0 for none. */
    int warmupEpochs();

    /** The schedule proper after warm-up, at batch {@code s} of {@code total} (both counted after warm-up). */
    double decayed(long s, long total, int batchesPerEpoch);

    /** This schedule with {@code epochs} of warm-up. */
    LearningRateSchedule withWarmup(int epochs);

    /** The factor for batch {@code batch} (from 0) of {@code epoch} (from 1) of a {@code totalEpochs} run. */
    default float factor(int epoch, int batch, int batchesPerEpoch, int totalEpochs) {
        long t = (long) (epoch - 1) * batchesPerEpoch + batch;
        long warmup = (long) warmupEpochs() * batchesPerEpoch;
        if (t < warmup) {
            return (float) ((t + 1) / (double) warmup);
        }
        return (float) decayed(t - warmup, (long) totalEpochs * batchesPerEpoch - warmup, batchesPerEpoch);
    }

    private static void checkWarmup(int epochs) {
        if (epochs < 0) {
            throw new IllegalArgumentException("warm-up epochs must be >= 0, got " + epochs);
        }
    }

    /** The same rate throughout (after any warm-up). */
    record Constant(int warmupEpochs) implements LearningRateSchedule {
        public Constant {
            checkWarmup(warmupEpochs);
        }

        @Override
        public double decayed(long s, long total, int batchesPerEpoch) {
            return 1;
        }

        @Override
        public LearningRateSchedule withWarmup(int epochs) {
            return new Constant(epochs);
        }

        @Override
        public String toString() {
            return "constant(warmup=" + warmupEpochs + ")";
        }
    }

    /** Multiplied by {@code factor} every {@code every} epochs. */
    record Step(int every, float factor, int warmupEpochs) implements LearningRateSchedule {
        public Step {
            if (every < 1) {
                throw new IllegalArgumentException("step schedule: epochs per step must be >= 1, got " + every);
            }
            checkFactor("step schedule factor", factor);
            checkWarmup(warmupEpochs);
        }

        @Override
        public double decayed(long s, long total, int batchesPerEpoch) {
            return Math.pow(factor, Math.floorDiv(s, (long) every * batchesPerEpoch));
        }

        @Override
        public LearningRateSchedule withWarmup(int epochs) {
            return new Step(every, factor, epochs);
        }

        @Override
        public String toString() {
            return "step(every=" + every + ", factor=" + factor + ", warmup=" + warmupEpochs + ")";
        }
    }

    /** Multiplied by {@code decay} per epoch, continuously: every batch by {@code decay^(1/B)}. */
    record Exponential(float decay, int warmupEpochs) implements LearningRateSchedule {
        public Exponential {
            checkFactor("exponential decay", decay);
            checkWarmup(warmupEpochs);
        }

        @Override
        public double decayed(long s, long total, int batchesPerEpoch) {
            return Math.pow(decay, s / (double) batchesPerEpoch);
        }

        @Override
        public LearningRateSchedule withWarmup(int epochs) {
            return new Exponential(decay, epochs);
        }

        @Override
        public String toString() {
            return "exponential(decay=" + decay + ", warmup=" + warmupEpochs + ")";
        }
    }

    /** Half a cosine from 1 down towards 0 over the epochs after warm-up (Loshchilov and Hutter, SGDR, without restarts). */
    record Cosine(int warmupEpochs) implements LearningRateSchedule {
        public Cosine {
            checkWarmup(warmupEpochs);
        }

        @Override
        public double decayed(long s, long total, int batchesPerEpoch) {
            return (1 + Math.cos(Math.PI * s / total)) / 2;
        }

        @Override
        public LearningRateSchedule withWarmup(int epochs) {
            return new Cosine(epochs);
        }

        @Override
        public String toString() {
            return "cosine(warmup=" + warmupEpochs + ")";
        }
    }

    /**
     * The schedule a command line names: {@code constant}, {@code step} (with {@code factor} every
     * {@code every} epochs), {@code exponential} (with {@code factor} per epoch) or {@code cosine}.
     */
    static LearningRateSchedule parse(String name, float factor, int every, int warmupEpochs) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "constant" -> new Constant(warmupEpochs);
            case "step" -> new Step(every, factor, warmupEpochs);
            case "exponential" -> new Exponential(factor, warmupEpochs);
            case "cosine" -> new Cosine(warmupEpochs);
            default -> throw new IllegalArgumentException("unknown schedule '" + name
                    + "'; valid: " + String.join(", ", NAMES));
        };
    }

    private static void checkFactor(String what, float factor) {
        if (!(factor > 0 && factor <= 1)) {
            throw new IllegalArgumentException(what + " must be in (0, 1], got " + factor);
        }
    }
}
