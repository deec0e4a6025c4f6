package dev.fastnn.kernels;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fastnn.kernels.naive.NaiveBackend;
import dev.fastnn.kernels.vector.VectorBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The backends every kernel test runs on, by name, resolved lazily: a backend that cannot run here skips
 * only its own cases, with the reason. With {@code -Dfastnn.requireOpenCL=true} (set by CI, which installs
 * PoCL) a missing OpenCL device fails instead of skipping.
 *
 * <p>Vector backends are created at every width this CPU supports ({@code vector-128}, {@code vector-256},
 * {@code vector-512}) so the tails of each width are tested on one machine, plus one at the widest with its gemm
 * tiles shaped for the other register file ({@code vector-512-16regs} with AVX-512, {@code vector-256-32regs} with
 * AVX2: both shapes are tested on every machine), plus one with two threads.
 */
public final class TestBackends {
    public static final String REQUIRE_OPENCL = "fastnn.requireOpenCL";
    private static final Map<String, Backend> CREATED = new ConcurrentHashMap<>();

    private TestBackends() {
    }

    /** Names for {@code @MethodSource}: naive, the vector widths, a two-thread vector backend, aparapi. */
    public static Stream<String> names() {
        List<String> names = new ArrayList<>();
        names.add("naive");
        for (int bits = 128; bits <= VectorBackend.maxBits(); bits *= 2) {
            names.add("vector-" + bits);
        }
        names.add(otherRegisters());
        names.add("vector-2threads");
        names.add("aparapi");
        return names.stream();
    }

    /** The same names without naive, for tests that compare a backend with the naive reference. */
    public static Stream<String> namesButNaive() {
        return names().filter(n -> !n.equals("naive"));
    }

    /** The backend of this name; skips the calling test (or fails, for OpenCL in CI) when it cannot run here. */
    public static Backend get(String name) {
        if (name.equals("aparapi")) {
            requireOpenCl();
        }
        return CREATED.computeIfAbsent(name, TestBackends::create);
    }

    public static Backend naive() {
        return get("naive");
    }

    /** Skips the calling test when OpenCL cannot run here, with the reason; fails instead under {@value #REQUIRE_OPENCL}. */
    public static void requireOpenCl() {
        String reason = Backends.providers().stream()
                .filter(p -> p.name().equals("aparapi"))
                .findFirst().orElseThrow()
                .unavailableReason();
        if (reason != null) {
            if (Boolean.getBoolean(REQUIRE_OPENCL)) {
                fail("-D" + REQUIRE_OPENCL + "=true but OpenCL is not available: " + reason);
            }
            assumeTrue(false, "aparapi skipped: " + reason);
        }
    }

    /** The widest vector backend with tiles for the register file this CPU does not have (16 or 32). */
    private static String otherRegisters() {
        return "vector-" + VectorBackend.maxBits() + "-" + otherRegisterCount() + "regs";
    }

    private static int otherRegisterCount() {
        return VectorBackend.vectorRegisters() == 32 ? 16 : 32;
    }

    private static Backend create(String name) {
        if (name.equals("naive")) {
            return new NaiveBackend();
        }
        if (name.equals("aparapi")) {
            return Backends.get("aparapi");
        }
        if (name.equals(otherRegisters())) {
            return new VectorBackend(VectorBackend.maxBits(), otherRegisterCount(), 1);
        }
        if (name.equals("vector-2threads")) {
            return new VectorBackend(VectorBackend.maxBits(), 2);
        }
        if (name.startsWith("vector-")) {
            return new VectorBackend(Integer.parseInt(name.substring("vector-".length())), 1);
        }
        throw new IllegalArgumentException("unknown test backend " + name);
    }
}
