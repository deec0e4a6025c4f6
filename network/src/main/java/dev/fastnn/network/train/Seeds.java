package dev.fastnn.network.train;

import java.util.SplittableRandom;

/**
 * How every random choice of a training run derives from its run seed. The derivations are counter-based:
 * the shuffle of epoch {@code e} is a function of {@code (runSeed, e)} alone, the initial weights of the run
 * seed alone, a dropout mask of {@code (dropout seed of the layer, global step, element)}. So no random
 * stream has to be carried from one epoch to the next: a run resumed from a {@link TrainingState}, or an
 * epoch retried on another machine, draws exactly what the uninterrupted run drew.
 *
 * <p>Each purpose gets its own stream through a distinct constant, and every seed passes through the
 * SplitMix64 finalizer, so streams for neighbouring epochs or partitions are unrelated (a
 * {@link SplittableRandom} seeded with {@code s} and one seeded with {@code s + gamma} would otherwise be
 * the same sequence shifted by one).
 */
public final class Seeds {
    private static final long INITIALIZATION = 0x1A17_5EEDL;
    private static final long SHUFFLE = 0x5A0F_F1E5L;
    private static final long DROPOUT = 0xD809_0A75L;
    private static final long PARTITION = 0x9A27_1710L;
    /** Odd, so that multiplying by it is a bijection on longs: distinct counters stay distinct. */
    private static final long COUNTER_STRIDE = 0x9E37_79B9_7F4A_7C15L;

    private Seeds() {
    }

    /** The run seed of a fresh fit: one long from a generator split off the trainer's (the caller synchronizes). */
    static long freshRunSeed(SplittableRandom trainerRandom) {
        return trainerRandom.split().nextLong();
    }

    /** The generator the initial weights are drawn from, layer by layer. */
    public static SplittableRandom initialization(long runSeed) {
        return new SplittableRandom(derive(runSeed, INITIALIZATION, 0));
    }

    /** The generator that shuffles the sample order of {@code epoch} (1-based). */
    public static SplittableRandom shuffle(long runSeed, int epoch) {
        return new SplittableRandom(derive(runSeed, SHUFFLE, epoch));
    }

    /** The 32-bit key of the dropout masks of hidden layer {@code layer} (0-based) in this run. */
    public static int dropout(long runSeed, int layer) {
        long d = derive(runSeed, DROPOUT, layer);
        return (int) (d ^ (d >>> 32));
    }

    /**
     * The seed with which partition {@code partition} (0-based) of a data-parallel job trains its local
     * epochs: partition 0 uses the run seed itself, so a job with one partition draws exactly what a
     * single-machine fit with that run seed draws.
     */
    public static long partition(long runSeed, int partition) {
        if (partition < 0) {
            throw new IllegalArgumentException("partition must be >= 0, got " + partition);
        }
        return partition == 0 ? runSeed : derive(runSeed, PARTITION, partition);
    }

    private static long derive(long seed, long purpose, long counter) {
        return mix(mix(seed ^ purpose) + counter * COUNTER_STRIDE);
    }

    /** SplitMix64's finalizer (Steele, Lea and Flood): a bijection on longs that mixes every bit into every bit. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }
}
