package dev.fastnn.kernels.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fastnn.kernels.GemmTest;
import dev.fastnn.kernels.TestBackends;
import org.junit.jupiter.api.Test;

/**
 * Which products the OpenCL backend splits along K. That a split product is right, plain and with either
 * epilogue, is the shared tests' business: {@code GemmTest} (against float64) and {@code FusedGemmTest}
 * (bit for bit against the unfused operations) run {@link GemmTest#LONG_K_FEW_TILES} on every backend in
 * every transpose case, and this test makes sure the device here splits them where A is transposed, so that
 * on PoCL they cover the split path.
 */
class SplitGemmTest {
    /** An H200: 132 compute units, and the scratch its backend allocates. */
    private static final int H200 = 132;
    private static final int H200_SCRATCH = OpenClBackend.scratchFloats(H200);

    @Test
    void onlyThinProductsOfATransposedAWithALongKAreSplit() {
        // The weight gradients of a 784-256-10 step at batch 4096: 4 and 52 tiles of C, about two work-groups
        // per compute unit or slices of MIN_SLICE_K.
        assertEquals(32, slices(true, 256, 10, 4096));
        assertEquals(6, slices(true, 784, 256, 4096));
        // The forward products (A as it lies) never, however few their tiles: X.W1 at batch 128 is 8 tiles.
        assertEquals(1, slices(false, 128, 256, 784));
        assertEquals(1, slices(false, 4096, 10, 256));
        assertEquals(1, slices(false, 1, 1, 1 << 20));
        // A transposed A that fills the device, or a K too short to slice (batch 128).
        assertEquals(1, slices(true, 4096, 4096, 1 << 20));
        assertEquals(1, slices(true, 256, 10, 128));
        assertEquals(1, slices(true, 784, 256, 128));
        // No slice under MIN_SLICE_K steps, and never more partial products than the scratch holds.
        assertEquals(2, slices(true, 1, 1, 3 * OpenClBackend.MIN_SLICE_K - 1));
        assertEquals(1, slices(true, 1, 1, 2 * OpenClBackend.MIN_SLICE_K - 1));
        assertEquals(3, OpenClBackend.kSlices(true, 64, 64, 1 << 20, 1000, 3 * 64 * 64));
    }

    private static int slices(boolean transA, int m, int n, int k) {
        return OpenClBackend.kSlices(transA, m, n, k, H200, H200_SCRATCH);
    }

    /** Skipped (so that CI, which allows no skipped OpenCL test, fails) on a device of one compute unit. */
    @Test
    void theDeviceHereSplitsTheSharedTestsLongProductsOfATransposedA() {
        OpenClBackend backend = (OpenClBackend) TestBackends.get("aparapi");
        assumeTrue(backend.device().getMaxComputeUnits() > 1, "a device of one compute unit splits no one-tile product: "
                + backend.description());
        for (int[] s : GemmTest.LONG_K_FEW_TILES) {
            assertTrue(backend.kSlicesOf(true, s[0], s[1], s[2]) > 1,
                    s[0] + "x" + s[1] + "x" + s[2] + " is not split on " + backend.description());
        }
    }
}
