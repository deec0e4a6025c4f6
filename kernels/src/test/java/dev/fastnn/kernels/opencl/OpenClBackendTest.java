package dev.fastnn.kernels.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.aparapi.device.Device;
import com.aparapi.device.OpenCLDevice;
import dev.fastnn.kernels.Backend;
import dev.fastnn.kernels.Matrix;
import dev.fastnn.kernels.TestBackends;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * What only the OpenCL backend has: the device it runs on, its arena, its lock, device selection. Skips
 * without OpenCL, fails instead with {@code -Dfastnn.requireOpenCL=true}.
 */
class OpenClBackendTest {

    private static OpenClBackend shared() {
        return (OpenClBackend) TestBackends.get("aparapi");
    }

    private static float[] random(Random random, int size) {
        float[] values = new float[size];
        for (int i = 0; i < size; i++) {
            values[i] = random.nextFloat() * 2 - 1;
        }
        return values;
    }

    /** {@code A B} in float64, row-major. */
    private static float[] product(float[] a, float[] b, int m, int k, int n) {
        float[] c = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int p = 0; p < k; p++) {
                    sum += (double) a[i * k + p] * b[p * n + j];
                }
                c[i * n + j] = (float) sum;
            }
        }
        return c;
    }

    @Test
    void kernelsRunOnTheChosenOpenClDeviceNotInAparapisJavaPool() {
        OpenClBackend backend = shared();
        Random random = new Random(1);
        float[] a = random(random, 33 * 17);
        float[] b = random(random, 17 * 5);
        try (Matrix ma = backend.upload(a, 33, 17); Matrix mb = backend.upload(b, 17, 5); Matrix mc = backend.allocate(33, 5)) {
            backend.gemm(false, false, 1f, ma, mb, 0f, mc);
            Device target = backend.lastTargetDevice();
            assertTrue(backend.lastRanOpenCl(), "Aparapi says the kernel did not run through OpenCL");
            assertTrue(target instanceof OpenCLDevice, "ran on " + target);
            assertEquals(backend.device().getDeviceId(), target.getDeviceId());
            assertTrue(target.getType() != Device.TYPE.JTP && target.getType() != Device.TYPE.SEQ, target.toString());
            assertArrayEquals(product(a, b, 33, 17, 5), backend.download(mc), 1e-5f);
        }
        assertTrue(backend.description().contains(backend.device().getName().trim()), backend.description());
    }

    /**
     * Every write and read goes through the same few staging arrays, so each reaches the device only through
     * an explicit put or get; sizes cover one, several and partial chunks of each capacity (the backend gives
     * PoCL separate buffers, so a missing transfer fails here too).
     */
    @Test
    void everyWriteAndReadMovesItsOwnValuesForChunkedSizes() {
        Backend backend = shared();
        Random random = new Random(4);
        // Up to 2^21 - 16 floats move in one launch; the last size needs a second one.
        int[] sizes = {1, 15, 16, 17, 31, 33, 255, 256, 273, 4096 + 256 + 3, 65536 * 2 + 17, 2 * 1048576 - 16, 2 * 1048576 + 4096 * 3 + 5};
        Matrix[] matrices = new Matrix[sizes.length];
        float[][] values = new float[sizes.length][];
        for (int i = 0; i < sizes.length; i++) {
            values[i] = random(random, sizes[i]);
            matrices[i] = backend.upload(values[i], 1, sizes[i]);
        }
        for (int i = 0; i < sizes.length; i++) {
            assertArrayEquals(values[i], backend.download(matrices[i]), "size " + sizes[i]);
            matrices[i].close();
        }
        backend.transfers().reset();
        try (Matrix m = backend.allocate(1, 273)) {
            backend.download(m);
            assertEquals(OpenClBackend.stagingBytes(273), backend.transfers().bytesFromBackend());
            assertEquals((256 + 32) * Float.BYTES, OpenClBackend.stagingBytes(273), "273 rounds up to 288 = 256 + 32");
            assertEquals(100352L * Float.BYTES, OpenClBackend.stagingBytes(128 * 784), "a batch of 128 MNIST images is exact");
        }
    }

    @Test
    void rewritingMatricesInTurnKeepsEachOnesValues() {
        Backend backend = shared();
        Random random = new Random(3);
        float[][] values = new float[6][];
        Matrix[] matrices = new Matrix[6];
        for (int i = 0; i < 6; i++) {
            int rows = i % 3 == 2 ? 3 : 5;
            values[i] = random(random, rows * 7);
            matrices[i] = backend.allocate(rows, 7);
            backend.write(matrices[i], values[i], 0);
        }
        for (int i = 0; i < 6; i++) {
            assertArrayEquals(values[i], backend.download(matrices[i]), "matrix " + i);
            float[] again = random(random, values[i].length);
            backend.write(matrices[i], again, 0);
            assertArrayEquals(again, backend.download(matrices[i]), "matrix " + i + " rewritten");
            matrices[i].close();
        }
    }

    @Test
    void aBackendWithoutADeviceFailsWithTheProbesReason() {
        OpenClProbe none = new OpenClProbe(List.of(), null, "no OpenCL library (libOpenCL.so.1) could be loaded; install one");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new OpenClBackend(none));
        assertEquals("backend 'aparapi' is not available: " + none.unavailableReason(), e.getMessage());
    }

    @Test
    void closingAnOwnBackendFreesItAndASharedOneStaysOpen() {
        TestBackends.requireOpenCl();
        OpenClBackend own = new OpenClBackend(AparapiProvider.probe());
        Matrix m = own.upload(new float[] {1, 2, 3}, 1, 3);
        own.close();
        assertTrue(own.isClosed());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> own.download(m));
        assertEquals("backend 'aparapi' has been closed", e.getMessage());
        own.close();

        Backend shared = shared();
        shared.close();
        try (Matrix kept = shared.upload(new float[] {4, 5}, 1, 2)) {
            assertArrayEquals(new float[] {4, 5}, shared.download(kept));
        }
    }

    @Test
    void arenaGrowthKeepsEveryMatrixAndCountsTheRoundTrip() {
        TestBackends.requireOpenCl();
        OpenClBackend backend = new OpenClBackend(AparapiProvider.probe());
        float[] values = random(new Random(2), 1000);
        Matrix kept = backend.upload(values, 10, 100);
        int before = backend.arenaFloats();
        backend.transfers().reset();
        try (Matrix big = backend.allocate(1, before)) {
            int after = backend.arenaFloats();
            assertTrue(after > before, "a matrix as large as the arena must grow it");
            assertEquals((long) before * Float.BYTES, backend.transfers().bytesFromBackend(), "old arena fetched once");
            assertEquals((long) after * Float.BYTES, backend.transfers().bytesToBackend(), "new arena uploaded once");
            assertArrayEquals(values, backend.download(kept));
            float[] zeros = backend.download(big);
            for (float z : zeros) {
                assertEquals(0f, z);
            }
            backend.fill(big, 3f);
            backend.axpy(2f, kept, kept);
            assertEquals(3f, backend.download(big)[before - 1]);
            assertEquals(3 * values[999], backend.download(kept)[999], 1e-6f);
        }
        kept.close();
        backend.close();
    }

    /**
     * Full collections between operations move the small staging arrays (Aparapi then rebuilds their
     * buffers) but must not move the arena, whose device copy holds results the host never saw.
     */
    @Test
    void deviceDataSurvivesFullGarbageCollectionsBetweenOperations() {
        Backend backend = shared();
        Random random = new Random(6);
        float[] a = random(random, 70 * 30);
        float[] b = random(random, 30 * 50);
        try (Matrix ma = backend.upload(a, 70, 30); Matrix mb = backend.upload(b, 30, 50); Matrix mc = backend.allocate(70, 50);
             Matrix zeros = backend.allocate(70, 50)) {
            for (int round = 0; round < 3; round++) {
                System.gc();
                backend.gemm(false, false, 1f, ma, mb, 0f, mc);
                System.gc();
                backend.scale(2f, mc);
                System.gc();
                float[] expected = product(a, b, 70, 30, 50);
                for (int i = 0; i < expected.length; i++) {
                    expected[i] *= 2;
                }
                assertArrayEquals(expected, backend.download(mc), 1e-5f, "round " + round);
                double squares = sumOfSquares(expected);
                assertEquals(squares, backend.sumSquaredError(mc, zeros), 1e-5 * squares, "round " + round);
            }
        }
    }

    private static double sumOfSquares(float[] values) {
        double sum = 0;
        for (float v : values) {
            sum += (double) v * v;
        }
        return sum;
    }

    @Test
    void releasedSpaceIsReusedAndNewMatricesStartAtZero() {
        Backend backend = shared();
        for (int round = 0; round < 3; round++) {
            List<Matrix> matrices = new ArrayList<>();
            for (int size = 1; size < 40; size += 7) {
                Matrix m = backend.allocate(size, 3);
                for (float v : backend.download(m)) {
                    assertEquals(0f, v, "a new matrix must not show what a released one held");
                }
                backend.fill(m, 7f + round);
                matrices.add(m);
            }
            matrices.forEach(Matrix::close);
        }
    }

    @Test
    void concurrentCallersEachGetTheirOwnResult() throws Exception {
        Backend backend = shared();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int seed = 10 + t;
                results.add(pool.submit(() -> {
                    Random random = new Random(seed);
                    for (int i = 0; i < 10; i++) {
                        int m = 1 + random.nextInt(40);
                        int k = 1 + random.nextInt(40);
                        int n = 1 + random.nextInt(40);
                        float[] a = random(random, m * k);
                        float[] b = random(random, k * n);
                        try (Matrix ma = backend.upload(a, m, k); Matrix mb = backend.upload(b, k, n);
                             Matrix mc = backend.allocate(m, n)) {
                            backend.gemm(false, false, 1f, ma, mb, 0f, mc);
                            backend.sigmoid(mc, mc);
                            float[] expected = product(a, b, m, k, n);
                            for (int j = 0; j < expected.length; j++) {
                                expected[j] = (float) (1 / (1 + Math.exp(-expected[j])));
                            }
                            assertArrayEquals(expected, backend.download(mc), 1e-5f, "thread seed " + seed);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : results) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void deviceIsNamedByIndexOrPartOfItsNameAndAnUnknownNameListsTheDevices() {
        shared();
        String saved = System.getProperty(OpenClProbe.DEVICE_PROPERTY);
        try {
            System.setProperty(OpenClProbe.DEVICE_PROPERTY, "0");
            OpenClProbe byIndex = OpenClProbe.run();
            assertNull(byIndex.unavailableReason());
            assertEquals(0, byIndex.chosen().index());

            String name = byIndex.chosen().device().getName().trim();
            System.setProperty(OpenClProbe.DEVICE_PROPERTY, name.substring(0, Math.min(6, name.length())).toUpperCase(Locale.ROOT));
            OpenClProbe byName = OpenClProbe.run();
            assertNotNull(byName.chosen(), byName.unavailableReason());
            assertTrue(byName.chosen().device().getName().toLowerCase(Locale.ROOT)
                    .startsWith(name.substring(0, Math.min(6, name.length())).toLowerCase(Locale.ROOT)));

            System.setProperty(OpenClProbe.DEVICE_PROPERTY, "no-such-device");
            OpenClProbe unknown = OpenClProbe.run();
            assertNull(unknown.chosen());
            assertTrue(unknown.unavailableReason().contains("no-such-device")
                    && unknown.unavailableReason().contains("#0 " + name), unknown.unavailableReason());

            System.setProperty(OpenClProbe.DEVICE_PROPERTY, String.valueOf(byIndex.devices().size()));
            assertNull(OpenClProbe.run().chosen(), "an index past the list names nothing");
        } finally {
            if (saved == null) {
                System.clearProperty(OpenClProbe.DEVICE_PROPERTY);
            } else {
                System.setProperty(OpenClProbe.DEVICE_PROPERTY, saved);
            }
        }
    }

    @Test
    void detailsListEveryDeviceAndMarkTheChosenOne() {
        shared();
        List<String> details = new AparapiProvider().details();
        OpenClProbe probe = AparapiProvider.probe();
        assertEquals(probe.devices().size() + 1, details.size(), details.toString());
        assertEquals(1, details.stream().filter(l -> l.startsWith("* ")).count(), details.toString());
        assertTrue(details.get(probe.chosen().index()).contains("compute units"), details.toString());
        assertEquals(probe.chosen().device().getType() == Device.TYPE.GPU, new AparapiProvider().autoPreference().preferred());
        if (probe.hasGpu()) {
            assertNull(GpuPresence.here().absenceReason(), "the files that spare auto the probe must not rule out a GPU Aparapi lists");
        }
    }
}
