package dev.fastnn.kernels;

/**
 * The counter-based dropout mask every backend draws: element {@code i} of a matrix is kept under key
 * {@code k} when the top 24 bits of {@code hash(k + i)} are at least {@code threshold(rate)}. Nothing is
 * stored, so no mask crosses the bus: the backward pass recomputes the forward pass's mask from the same
 * key, and a backend on a GPU computes it where the data is.
 *
 * <p>The hash is Chris Wellons' {@code lowbias32} (a bijective xor-shift-multiply mix found by his hash
 * prospector), written with 32-bit wrapping multiplication and with logical shifts spelled as an arithmetic
 * shift and a mask, so that OpenCL C, which has no {@code >>>}, computes the same bits. The OpenCL kernel
 * repeats it (kernels cannot call other classes): {@code DeviceKernel}'s dropout is its twin.
 */
public final class DropoutMask {
    /** The mask keeps an element when its 24-bit draw is at least this many 2^-24ths of the way up. */
    private static final int DRAW_BITS = 24;

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
        return ((hash(key + index) >> 8) & 0xFFFFFF) >= threshold;
    }

    /** {@code lowbias32}; every shift is logical. */
    public static int hash(int x) {
        x ^= (x >> 16) & 0xFFFF;
        x *= 0x7FEB352D;
        x ^= (x >> 15) & 0x1FFFF;
        x *= 0x846CA68B;
        x ^= (x >> 16) & 0xFFFF;
        return x;
    }
}
