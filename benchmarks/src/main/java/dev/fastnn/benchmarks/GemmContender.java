package dev.fastnn.benchmarks;

import dev.fastnn.kernels.Backend;
import dev.fastnn.kernels.Matrix;
import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.JavaBLAS;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_full;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * One implementation in the gemm comparison, holding its own A, B and C for one {@link GemmShape}:
 * a fastnn backend, or one of the two reference BLAS libraries that exist only in this module.
 *
 * <ul>
 *   <li>{@code openblas}: native OpenBLAS (org.bytedeco, linux-x86_64) through {@code cblas_sgemm}, on
 *       off-heap buffers so no call copies a Java array; its thread count is pinned per fork, and a fork
 *       whose environment tunes OpenBLAS refuses to measure it ({@link #requireMeasurable}); its products
 *       are right either way, so the tests check them wherever they run.</li>
 *   <li>{@code netlib}: dev.ludovic.netlib's pure-Java BLAS ({@code VectorBLAS} when the Vector API
 *       module is present, what Spark MLlib uses), single-threaded.</li>
 * </ul>
 * Every contender computes {@code C = op(A) op(B)} (alpha 1, beta 0) on the same seeded inputs, and
 * {@link #verify()} checks sampled entries of its C against a float64 dot product, so a contender that
 * got a transpose or a leading dimension wrong cannot post a fast but meaningless number.
 */
abstract class GemmContender implements AutoCloseable {
    /** OpenBLAS reads these when it loads; set, they choose its kernels instead of its own choice for this CPU. */
    static final List<String> OPENBLAS_TUNING = List.of("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE");

    final GemmShape shape;
    /** The inputs as stored (see {@link GemmShape#aRows()}), kept for {@link #verify()}. */
    final float[] a;
    final float[] b;

    private GemmContender(GemmShape shape, long seed) {
        this.shape = shape;
        SplittableRandom random = new SplittableRandom(seed);
        this.a = uniform(random, shape.aRows() * shape.aCols());
        this.b = uniform(random, shape.bRows() * shape.bCols());
    }

    /** Contender {@code name} (a fastnn backend, openblas or netlib) with {@code threads} threads. */
    static GemmContender create(String name, int threads, GemmShape shape, long seed) {
        BenchmarkBackends.requireMeaningfulThreads(name, threads);
        switch (name) {
            case BenchmarkBackends.OPENBLAS:
                return new OpenBlas(shape, seed, threads);
            case BenchmarkBackends.NETLIB:
                return new Netlib(shape, seed);
            default:
                return new FastnnBackend(BenchmarkBackends.create(name, threads), shape, seed);
        }
    }

    /**
     * Why a fork with this environment must not measure OpenBLAS, or {@code null}: some machines set
     * {@link #OPENBLAS_TUNING} for old OpenBLAS builds, and on a newer CPU they make this OpenBLAS run older, slower
     * kernels (AVX2 at half the speed of its AVX-512 ones), so fastnn would be measured against a reference held
     * back. {@code ./fastnn bench} unsets them.
     */
    static String openBlasTuned(Map<String, String> environment) {
        List<String> set = OPENBLAS_TUNING.stream().filter(environment::containsKey)
                .map(v -> v + "=" + environment.get(v)).toList();
        if (set.isEmpty()) {
            return null;
        }
        return String.join(" and ", set) + " set: OpenBLAS would use the kernels named there instead of the best "
                + "ones for this CPU. Run without them (env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE java -jar "
                + "benchmarks/target/benchmarks.jar ...) or through ./fastnn bench, which unsets them";
    }

    /** Refuses to time contender {@code name} where its numbers would mislead: OpenBLAS under {@link #openBlasTuned}. */
    static void requireMeasurable(String name) {
        String reason = name.equals(BenchmarkBackends.OPENBLAS) ? openBlasTuned(System.getenv()) : null;
        if (reason != null) {
            throw new IllegalStateException("the openblas contender refuses to run with " + reason);
        }
    }

    /**
     * The kernel family OpenBLAS picked for this CPU at load time ({@code openblas_get_corename}, e.g. SkylakeX
     * or Haswell): what the openblas numbers were measured with.
     */
    static String openBlasCoreName() {
        // OpenBLAS's own static string: read, never freed. Only openblas_full's JNI wrapper maps this function.
        return openblas_full.openblas_get_corename().getString().trim();
    }

    /** {@code C = op(A) op(B)}: the measured operation. */
    abstract void multiply();

    /** C as a Java array (a copy where C lives elsewhere). */
    abstract float[] result();

    /** What was measured, e.g. the BLAS class or the backend's description. */
    abstract String description();

    @Override
    public void close() {
    }

    /**
     * Runs {@link #multiply()} once and compares up to 64 sampled entries of C (always including the
     * corners) with float64 dot products; the tolerance allows float32 rounding over {@code k} terms.
     */
    final void verify() {
        multiply();
        float[] c = result();
        int m = shape.m();
        int n = shape.n();
        int k = shape.k();
        SplittableRandom random = new SplittableRandom(7);
        for (int s = 0; s < 64; s++) {
            int i = s == 0 ? 0 : s == 1 ? m - 1 : random.nextInt(m);
            int j = s == 0 ? 0 : s == 1 ? n - 1 : random.nextInt(n);
            double exact = 0;
            double magnitude = 0;
            for (int p = 0; p < k; p++) {
                double term = (double) elementA(i, p) * elementB(p, j);
                exact += term;
                magnitude += Math.abs(term);
            }
            double tolerance = 1e-5 * Math.sqrt(k) * magnitude + 1e-6;
            double got = c[i * n + j];
            if (!(Math.abs(got - exact) <= tolerance)) {
                throw new IllegalStateException(description() + " computed a wrong product for " + shape.describe()
                        + ": C[" + i + "][" + j + "] = " + got + ", float64 reference " + exact
                        + " (tolerance " + tolerance + ")");
            }
        }
    }

    private float elementA(int i, int p) {
        return shape.transA() ? a[p * shape.aCols() + i] : a[i * shape.aCols() + p];
    }

    private float elementB(int p, int j) {
        return shape.transB() ? b[j * shape.bCols() + p] : b[p * shape.bCols() + j];
    }

    private static float[] uniform(SplittableRandom random, int size) {
        float[] values = new float[size];
        for (int i = 0; i < size; i++) {
            values[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return values;
    }

    /** A fastnn backend; its matrices stay in the backend's storage (on the device for OpenCL). */
    private static final class FastnnBackend extends GemmContender {
        private final Backend backend;
        private final Matrix ma;
        private final Matrix mb;
        private final Matrix mc;

        FastnnBackend(Backend backend, GemmShape shape, long seed) {
            super(shape, seed);
            this.backend = backend;
            this.ma = backend.upload(a, shape.aRows(), shape.aCols(), shape.uses().get(0));
            this.mb = backend.upload(b, shape.bRows(), shape.bCols(), shape.uses().get(1));
            this.mc = backend.allocate(shape.m(), shape.n(), shape.uses().get(2));
        }

        @Override
        void multiply() {
            backend.gemm(shape.transA(), shape.transB(), 1f, ma, mb, 0f, mc);
        }

        @Override
        float[] result() {
            return backend.download(mc);
        }

        @Override
        String description() {
            return backend.description();
        }

        @Override
        public void close() {
            ma.close();
            mb.close();
            mc.close();
            backend.close();
        }
    }

    private static final class OpenBlas extends GemmContender {
        private final FloatPointer pa;
        private final FloatPointer pb;
        private final FloatPointer pc;
        private final int threads;

        OpenBlas(GemmShape shape, long seed, int threads) {
            super(shape, seed);
            // OpenBLAS's thread count is process-wide; each JMH fork measures one value of it.
            openblas_nolapack.blas_set_num_threads(threads);
            int actual = openblas_nolapack.blas_get_num_threads();
            if (actual != threads) {
                throw new IllegalStateException(
                        "OpenBLAS runs " + actual + " threads, not the " + threads + " asked for");
            }
            this.threads = threads;
            this.pa = new FloatPointer(a);
            this.pb = new FloatPointer(b);
            this.pc = new FloatPointer((long) shape.m() * shape.n());
        }

        @Override
        void multiply() {
            openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor,
                    shape.transA() ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans,
                    shape.transB() ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans,
                    shape.m(), shape.n(), shape.k(), 1f, pa, shape.aCols(), pb, shape.bCols(), 0f, pc, shape.n());
        }

        @Override
        float[] result() {
            float[] c = new float[shape.m() * shape.n()];
            pc.get(c);
            return c;
        }

        @Override
        String description() {
            return openblas_nolapack.OPENBLAS_VERSION.trim() + " (core " + openBlasCoreName() + "), threads=" + threads;
        }

        @Override
        public void close() {
            pa.close();
            pb.close();
            pc.close();
        }
    }

    private static final class Netlib extends GemmContender {
        /**
         * netlib tries its JNI wrapper of a system BLAS first and logs a warning when there is none; the
         * benchmark wants its Java implementation, so that warning is noise. Held here so it is not collected.
         */
        private static final Logger INSTANCE_LOG = Logger.getLogger("dev.ludovic.netlib.blas.InstanceBuilder");

        private final BLAS blas;
        private final float[] c;

        Netlib(GemmShape shape, long seed) {
            super(shape, seed);
            INSTANCE_LOG.setLevel(Level.SEVERE);
            this.blas = JavaBLAS.getInstance();
            this.c = new float[shape.m() * shape.n()];
        }

        @Override
        void multiply() {
            // netlib is column-major: a row-major C = op(A) op(B) is the column-major C^T = op(B)^T op(A)^T,
            // and a row-major array read column-major is already its transpose.
            blas.sgemm(shape.transB() ? "T" : "N", shape.transA() ? "T" : "N", shape.n(), shape.m(), shape.k(),
                    1f, b, shape.bCols(), a, shape.aCols(), 0f, c, shape.n());
        }

        @Override
        float[] result() {
            return c.clone();
        }

        @Override
        String description() {
            return "netlib " + blas.getClass().getSimpleName();
        }
    }
}
