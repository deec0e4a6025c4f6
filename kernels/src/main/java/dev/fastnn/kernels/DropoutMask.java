package dev.fastnn.kernels;

/**
 * The counter-based dropout mask every backend draws: element {@code i} of a matrix is kept under key
 * {@code k} when the top 24 bits of {@code hash(k + i)} are at least {@code threshold(rate)}. Nothing is
 * stored, so no mask crosses the bus: the backward pass recomputes the forward pass's mask from the same
 * key, and a backend on a GPU computes it where the data is.
 *
 * <p>The hash is Chris Wellons' {@code lowbias32} (a bijective xor-shift-multiply mix found by his hash
 * prospector), written with 32-bit wrapping multiplication and with logical shifts spelled as an arithmetic
 * shift and a mask, so that OpenCL C, which has no {@code >>>}, computes the same bits. Two twins repeat it
 * because they cannot call it: the Vector API loop in {@code SpeciesElementwiseKernels.dropout} and the
 * OpenCL kernel in {@code DeviceKernel.dropout}; a test compares all three masks bit for bit.
 */
public final class DropoutMask {
    /** The mask keeps an element when its 24-bit draw is at least this many 2^-24ths of the way up. */
    public static final int DRAW_BITS = 24;
    /** The two multipliers of {@code lowbias32}. */
    public static final int MULTIPLIER_1 = 0x7FEB352D;
    public static final int MULTIPLIER_2 = 0x846CA68B;

    private DropoutMask() {
    }

    /** The key of the masks of the layer whose dropout seed is {@code seed}, at training step {@code step}. */
    public static int key(int seed, long step) {
        return hash(hash(seed) + (int) step) ^ hash((int) (step >>> 32));
    }

    /** The lowest draw that is kept: {@code round(rate 2^24)}, so an element is dropped with probability {@code rate}. */
    public static int threshold(float rate) {
        return (int) Math.round(rate * (double) (1 << DRAW_BITS));
    }

    /** Whether element {@code index} is kept under {@code key} at {@code threshold}. */
    public static boolean keeps(int key, int index, int threshold) {
        return ((hash(key + index) >> (32 - DRAW_BITS)) & 0xFFFFFF) >= threshold;
    }

    /** {@code lowbias32}; every shift is logical. */
    public static int hash(int x) {
        x ^= (x >> 16) & 0xFFFF;
        x *= MULTIPLIER_1;
        x ^= (x >> 15) & 0x1FFFF;
        x *= MULTIPLIER_2;
        x ^= (x >> 16) & 0xFFFF;
        return x;
    }
}
