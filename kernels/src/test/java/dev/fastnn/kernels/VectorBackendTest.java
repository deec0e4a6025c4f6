package dev.fastnn.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.fastnn.kernels.GemmTest.Expected;
import dev.fastnn.kernels.GemmTest.Problem;
import dev.fastnn.kernels.vector.GemmDriver;
import dev.fastnn.kernels.vector.VectorBackend;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What only the vector backend has: cache blocks, register tiles, thread splits, forced widths, and a
 * sigmoid whose error bound ({@value #SIGMOID_BOUND_TEXT} relative, tighter than the 2^-21 every backend
 * must meet) is checked over a sweep of float bit patterns.
 */
class VectorBackendTest {
    static final double SIGMOID_BOUND = 0x1p-22;
    static final String SIGMOID_BOUND_TEXT = "2^-22";

    static Stream<String> widths() {
        return TestBackends.names().filter(n -> n.startsWith("vector-") && !n.equals("vector-2threads"));
    }

    /** Sizes one below, at and one above each block and tile boundary, for one dimension. */
    private static Set<Integer> around(int... boundaries) {
        Set<Integer> sizes = new LinkedHashSet<>();
        for (int b : boundaries) {
            for (int s = b - 1; s <= b + 1; s++) {
                if (s > 0) {
                    sizes.add(s);
                }
            }
        }
        return sizes;
    }

    @ParameterizedTest
    @MethodSource("widths")
    void gemmMatchesFloat64AroundEveryBlockAndTileBoundary(String name) {
        VectorBackend backend = (VectorBackend) TestBackends.get(name);
        int mr = GemmDriver.MR;
        int nr = backend.tileColumns();
        // n above 2 nr packs A; n at or below reads A in place, with a one-vector tile up to nr / 2 (transposed A up
        // to 2 MT: C^T, whose tile is MT columns of C, B read in place when exactly MT wide): every path sees every
        // m and k boundary.
        int[] packedN = {2 * nr + 3};
        int[] inPlaceN = {nr / 2 - 1, GemmDriver.MT, nr - 1, 2 * GemmDriver.MT, 2 * nr};
        List<int[]> shapes = new ArrayList<>();
        for (int m : around(mr, 2 * mr, GemmDriver.MC, 2 * GemmDriver.MC)) {
            for (int n : IntStream.concat(IntStream.of(packedN), IntStream.of(inPlaceN)).toArray()) {
                shapes.add(new int[] {m, n, 19});
            }
        }
        for (int k : around(GemmDriver.KC, 2 * GemmDriver.KC)) {
            for (int n : IntStream.concat(IntStream.of(packedN), IntStream.of(inPlaceN)).toArray()) {
                shapes.add(new int[] {2 * mr + 1, n, k});
            }
        }
        for (int n : around(GemmDriver.MT, 2 * GemmDriver.MT, nr / 2, nr, 2 * nr, 3 * nr, GemmDriver.NC, 2 * GemmDriver.NC)) {
            shapes.add(new int[] {mr + 1, n, 9});
        }
        shapes.add(new int[] {GemmDriver.MC + 1, GemmDriver.NC + 1, GemmDriver.KC + 1});
        int seed = 0;
        for (int[] s : shapes) {
            seed++;
            float beta = seed % 3 == 0 ? 0f : 0.5f;
            Expected e = GemmTest.reference(GemmTest.problem(s[0], s[1], s[2], 1.25f, beta, seed));
            for (boolean transA : new boolean[] {false, true}) {
                for (boolean transB : new boolean[] {false, true}) {
                    GemmTest.check(backend, transA, transB, e);
                }
            }
        }
    }

    /**
     * Large enough to be split over threads, by columns, by rows, across the NC and KC blocks. With A transposed
     * the last two take the transposed path, which splits by strips of nr rows: 16 x 20 is one strip, which it
     * must not split by columns.
     */
    private static final int[][] PARALLEL_SHAPES = {
        {300, 200, 100}, {97, 1100, 33}, {1000, 40, 70}, {2000, 5, 300}, {130, 130, 300}, {40, 18, 3000}, {16, 20, 7000}};

    @Test
    void gemmGivesBitIdenticalResultsWithOneTwoAndThreeThreads() {
        VectorBackend one = new VectorBackend(VectorBackend.maxBits(), 1);
        VectorBackend two = new VectorBackend(VectorBackend.maxBits(), 2);
        VectorBackend three = new VectorBackend(VectorBackend.maxBits(), 3);
        int seed = 50;
        for (int[] s : PARALLEL_SHAPES) {
            assertTrue((long) s[0] * s[1] * s[2] >= GemmDriver.PARALLEL_MIN_MULTIPLY_ADDS, "shape too small to split");
            Problem p = GemmTest.problem(s[0], s[1], s[2], 0.5f, seed % 2 == 0 ? 0f : -1f, seed++);
            for (boolean transA : new boolean[] {false, true}) {
                for (boolean transB : new boolean[] {false, true}) {
                    float[] expected = run(one, p, transA, transB);
                    String what = s[0] + "x" + s[1] + "x" + s[2] + " transA=" + transA + " transB=" + transB;
                    assertArrayEquals(expected, run(two, p, transA, transB), "2 threads vs 1: " + what);
                    assertArrayEquals(expected, run(three, p, transA, transB), "3 threads vs 1: " + what);
                }
            }
            GemmTest.check(two, false, true, GemmTest.reference(p));
        }
    }

    /**
     * The tiles for 16 registers (two passes of half the rows) against those for 32, at every width: m with a last
     * tile of at most and of more than half its rows, n on the packed, in-place, narrow and transposed paths, k
     * across a KC block.
     */
    @Test
    void gemmGivesBitIdenticalResultsWithTilesForSixteenAndThirtyTwoRegisters() {
        int seed = 300;
        for (int bits = 128; bits <= VectorBackend.maxBits(); bits *= 2) {
            try (VectorBackend sixteen = new VectorBackend(bits, 16, 1);
                 VectorBackend thirtyTwo = new VectorBackend(bits, 32, 1)) {
                int nr = sixteen.tileColumns();
                for (int m : new int[] {3, GemmDriver.MR + 3, GemmDriver.MR + 6, 2 * GemmDriver.MC + 5}) {
                    for (int n : new int[] {nr / 2 - 1, GemmDriver.MT, nr - 1, 2 * GemmDriver.MT, 2 * nr, 2 * nr + 3}) {
                        for (int k : new int[] {7, GemmDriver.KC + 9}) {
                            Problem p = GemmTest.problem(m, n, k, 1.5f, seed % 2 == 0 ? 0f : 0.75f, seed++);
                            for (boolean transA : new boolean[] {false, true}) {
                                for (boolean transB : new boolean[] {false, true}) {
                                    assertArrayEquals(run(thirtyTwo, p, transA, transB), run(sixteen, p, transA, transB),
                                            bits + "-bit " + m + "x" + n + "x" + k + " transA=" + transA + " transB=" + transB);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void constructorRejectsARegisterCountOtherThanSixteenOrThirtyTwo() {
        String message = assertThrows(IllegalArgumentException.class,
                () -> new VectorBackend(VectorBackend.maxBits(), 24, 1)).getMessage();
        assertTrue(message.contains("24"), message);
    }

    @Test
    void concurrentCallersOnOneBackendGetTheirOwnSingleThreadedResults() throws Exception {
        VectorBackend shared = new VectorBackend(VectorBackend.maxBits(), 2);
        VectorBackend reference = new VectorBackend(VectorBackend.maxBits(), 1);
        List<Problem> problems = new ArrayList<>();
        List<float[]> expected = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            int[] s = PARALLEL_SHAPES[i % PARALLEL_SHAPES.length];
            Problem p = GemmTest.problem(s[0], s[1], s[2], 1f, 0.5f, 200 + i);
            problems.add(p);
            expected.add(run(reference, p, i % 2 == 0, i % 3 == 0));
        }
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                int caller = c;
                done.add(callers.submit((Callable<Void>) () -> {
                    for (int round = 0; round < 3; round++) {
                        for (int i = caller; i < problems.size(); i += 2) {
                            float[] got = run(shared, problems.get(i), i % 2 == 0, i % 3 == 0);
                            assertArrayEquals(expected.get(i), got, "caller " + caller + " problem " + i);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            callers.shutdownNow();
        }
    }

    private static float[] run(Backend backend, Problem p, boolean transA, boolean transB) {
        try (Matrix a = transA ? backend.upload(GemmTest.transpose(p.a(), p.m(), p.k()), p.k(), p.m()) : backend.upload(p.a(), p.m(), p.k());
             Matrix b = transB ? backend.upload(GemmTest.transpose(p.b(), p.k(), p.n()), p.n(), p.k()) : backend.upload(p.b(), p.k(), p.n());
             Matrix c = backend.upload(p.c(), p.m(), p.n())) {
            backend.gemm(transA, transB, p.alpha(), a, b, p.beta(), c);
            return backend.download(c);
        }
    }

    @ParameterizedTest
    @MethodSource("widths")
    void sigmoidStaysWithinItsBoundOverASweepOfFloatBitPatterns(String name) {
        Backend backend = TestBackends.get(name);
        // Every 997th bit pattern from 0 up to |x| = 104 (where the sigmoid of -x is 0 in float), both signs.
        int limit = Float.floatToIntBits(104f);
        int count = limit / 997 + 1;
        float[] x = new float[2 * count];
        for (int i = 0; i < count; i++) {
            x[2 * i] = Float.intBitsToFloat(i * 997);
            x[2 * i + 1] = -x[2 * i];
        }
        float[] got = ActivationTest.run(backend, x, 2, count, (b, in, out) -> b.sigmoid(in, out));
        double worst = 0;
        for (int i = 0; i < x.length; i++) {
            double ref = Float64Reference.activation(Activation.SIGMOID, x[i]);
            double err = Math.abs(got[i] - ref);
            if (ref >= Float.MIN_NORMAL) {
                worst = Math.max(worst, err / ref);
                if (err > SIGMOID_BOUND * ref) {
                    fail(name + " sigmoid(" + x[i] + ") = " + got[i] + ", float64 " + ref + ": relative error "
                            + err / ref + " > " + SIGMOID_BOUND_TEXT);
                }
            } else if (err > Float.MIN_NORMAL) {
                fail(name + " sigmoid(" + x[i] + ") = " + got[i] + ", float64 " + ref + ": error above MIN_NORMAL");
            }
        }
        assertTrue(worst > 0, "a sweep without any rounding error cannot be a real sweep");
    }

    /**
     * The scalar tail of every activation loop computes what a vector lane computes: on 1001 elements the tail
     * holds the last 1, 1 and 9 elements at 128, 256 and 512 bits, so widths agree bit for bit only if a tail
     * element gets the bits a lane gives it. Inputs include +-0, +-Inf, NaN, subnormals and the branch points.
     */
    @Test
    void activationsGiveTheSameBitsAtEveryWidthWhetherInALaneOrInTheTail() {
        List<String> widths = widths().toList();
        assertTrue(widths.size() >= 2, "needs two vector widths to compare, has " + widths);
        int size = 1001;
        float[] x = new float[size];
        float[] special = {0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, Float.MIN_VALUE,
            -Float.MIN_NORMAL, 0.625f, -0.625f, 88f, -88f, -103f, 1e-20f};
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < size; i++) {
            x[i] = i % 11 == 0 ? special[(i / 11) % special.length] : (float) (random.nextDouble() * 40 - 20);
        }
        x[size - 1] = -3.5f;
        float[] grad = ActivationTest.signedUnitInterval(size, 8);
        for (Activation f : List.of(Activation.SIGMOID, Activation.TANH, Activation.RELU)) {
            float[][] first = null;
            for (String name : widths) {
                Backend backend = TestBackends.get(name);
                try (Matrix in = backend.upload(x, 1, size);
                     Matrix y = backend.allocate(1, size);
                     Matrix g = backend.upload(grad, 1, size);
                     Matrix out = backend.allocate(1, size)) {
                    backend.activation(f, in, y);
                    backend.activationGradient(f, y, g, out);
                    float[][] got = {backend.download(y), backend.download(out)};
                    if (first == null) {
                        first = got;
                    } else {
                        assertArrayEquals(first[0], got[0], f + " on " + name + " vs " + widths.get(0));
                        assertArrayEquals(first[1], got[1], f + " gradient on " + name + " vs " + widths.get(0));
                    }
                }
            }
        }
    }

    /** The warm-up runs on matrices of its own: results before and after are the same bits, and closed means closed. */
    @Test
    void warmUpChangesNoResultAndAClosedBackendRefusesIt() {
        VectorBackend backend = new VectorBackend(VectorBackend.maxBits(), 2);
        Problem p = GemmTest.problem(40, 70, 30, 0.75f, 0.5f, 3);
        float[] before = run(backend, p, false, true);
        backend.warmUp();
        assertArrayEquals(before, run(backend, p, false, true));
        backend.close();
        assertThrows(IllegalStateException.class, backend::warmUp);
    }

    @Test
    void constructorRejectsWidthsAndThreadCountsItCannotRun() {
        String tooWide = assertThrows(IllegalArgumentException.class,
                () -> new VectorBackend(2 * VectorBackend.maxBits(), 1)).getMessage();
        assertTrue(tooWide.contains(VectorBackend.BITS_PROPERTY) && tooWide.contains("128"), tooWide);
        assertThrows(IllegalArgumentException.class, () -> new VectorBackend(64, 1));
        assertThrows(IllegalArgumentException.class, () -> new VectorBackend(200, 1));
        String threads = assertThrows(IllegalArgumentException.class, () -> new VectorBackend(128, 0)).getMessage();
        assertTrue(threads.contains(VectorBackend.THREADS_PROPERTY), threads);
    }

    @Test
    void noArgConstructorReadsWidthAndThreadsFromSystemProperties() {
        String oldBits = System.getProperty(VectorBackend.BITS_PROPERTY);
        String oldThreads = System.getProperty(VectorBackend.THREADS_PROPERTY);
        try {
            System.setProperty(VectorBackend.BITS_PROPERTY, "128");
            System.setProperty(VectorBackend.THREADS_PROPERTY, "3");
            VectorBackend forced = new VectorBackend();
            assertEquals(128, forced.bits());
            assertEquals(3, forced.threads());
            assertEquals(8, forced.tileColumns());
            assertTrue(forced.description().contains("128-bit") && forced.description().contains("3 threads"),
                    forced.description());
            System.setProperty(VectorBackend.THREADS_PROPERTY, "two");
            String msg = assertThrows(IllegalArgumentException.class, VectorBackend::new).getMessage();
            assertTrue(msg.contains(VectorBackend.THREADS_PROPERTY) && msg.contains("two"), msg);
            System.clearProperty(VectorBackend.BITS_PROPERTY);
            System.clearProperty(VectorBackend.THREADS_PROPERTY);
            VectorBackend defaults = new VectorBackend();
            assertEquals(VectorBackend.maxBits(), defaults.bits());
            assertEquals(Runtime.getRuntime().availableProcessors(), defaults.threads());
        } finally {
            restore(VectorBackend.BITS_PROPERTY, oldBits);
            restore(VectorBackend.THREADS_PROPERTY, oldThreads);
        }
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }

    private static Set<Thread> vectorWorkers() {
        Set<Thread> workers = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("fastnn-vector-") && t.isAlive()) {
                workers.add(t);
            }
        }
        return workers;
    }

    @Test
    void closingEndsTheBackendsOwnWorkerThreadsAndEveryOperationAfterwardsThrows() {
        Set<Thread> before = vectorWorkers();
        VectorBackend backend = new VectorBackend(VectorBackend.maxBits(), 3);
        Set<Thread> own = vectorWorkers();
        own.removeAll(before);
        assertEquals(2, own.size(), "three threads: the caller and two workers " + own);
        Matrix a = backend.allocate(300, 200);
        Matrix b = backend.allocate(200, 100);
        Matrix c = backend.allocate(300, 100);
        backend.gemm(false, false, 1f, a, b, 0f, c);

        backend.close();
        for (Thread t : own) {
            assertFalse(t.isAlive(), t.getName() + " still runs after close");
        }
        assertTrue(backend.isClosed());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> backend.gemm(false, false, 1f, a, b, 0f, c));
        assertEquals("backend 'vector' has been closed", e.getMessage());
        assertThrows(IllegalStateException.class, () -> backend.allocate(1, 1));
        assertThrows(IllegalStateException.class, () -> backend.download(c));
        backend.close();
        c.close();
    }

    @Test
    void describeSpeciesNamesThePreferredWidthAndTheForcibleOnes() {
        List<String> lines = VectorBackend.describeSpecies();
        assertTrue(lines.get(0).contains(VectorBackend.maxBits() + "-bit"), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.contains(VectorBackend.BITS_PROPERTY)), lines.toString());
        assertEquals(lines, Backends.providers().stream().filter(p -> p.name().equals("vector")).findFirst().orElseThrow().details());
    }
}
