package dev.fastnn.kernels.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastnn.kernels.GemmTest;
import dev.fastnn.kernels.TestBackends;
import org.junit.jupiter.api.Test;

/**
 * Which products the OpenCL backend splits along K. That a split product is right, plain and with either
 * epilogue, is the shared tests' business: {@code GemmTest} (against float64) and {@code FusedGemmTest}
 * (bit for bit against the unfused operations) run {@link GemmTest#LONG_K_FEW_TILES} on every backend,
 * and this test makes sure the device here does split them, so that on PoCL they cover the split path.
 */
class SplitGemmTest {
    /** An H200: 132 compute units, and the scratch its backend allocates. */
    private static final int H200 = 132;
    private static final int H200_SCRATCH = 3 * H200 * DeviceKernel.BLOCK * DeviceKernel.BLOCK;

    @Test
    void onlyThinProductsWithALongKAreSplitIntoAboutTwoWorkGroupsPerComputeUnit() {
        // The weight gradients of a 784-256-10 step at batch 4096: 4 and 52 tiles of C.
        assertEquals(16, OpenClBackend.kSlices(256, 10, 4096, H200, H200_SCRATCH));
        assertEquals(6, OpenClBackend.kSlices(784, 256, 4096, H200, H200_SCRATCH));
        // The forward products fill the device (256 tiles), or K is too short to slice.
        assertEquals(1, OpenClBackend.kSlices(4096, 256, 784, H200, H200_SCRATCH));
        assertEquals(1, OpenClBackend.kSlices(4096, 10, 256, H200, H200_SCRATCH));
        // Batch 128: K = 128.
        assertEquals(1, OpenClBackend.kSlices(256, 10, 128, H200, H200_SCRATCH));
        assertEquals(1, OpenClBackend.kSlices(784, 256, 128, H200, H200_SCRATCH));
        // No slice under MIN_SLICE_K steps, and never more partial products than the scratch holds.
        assertEquals(2, OpenClBackend.kSlices(1, 1, 3 * OpenClBackend.MIN_SLICE_K - 1, H200, H200_SCRATCH));
        assertEquals(1, OpenClBackend.kSlices(1, 1, 2 * OpenClBackend.MIN_SLICE_K - 1, H200, H200_SCRATCH));
        assertEquals(3, OpenClBackend.kSlices(64, 64, 1 << 20, 1000, 3 * 64 * 64));
    }

    @Test
    void theDeviceHereSplitsTheSharedTestsLongProducts() {
        OpenClBackend backend = (OpenClBackend) TestBackends.get("aparapi");
        for (int[] s : GemmTest.LONG_K_FEW_TILES) {
            assertTrue(backend.kSlicesOf(s[0], s[1], s[2]) > 1,
                    s[0] + "x" + s[1] + "x" + s[2] + " is not split on " + backend.description());
        }
    }
}
