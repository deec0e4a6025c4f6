package dev.fastnn.network.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fastnn.kernels.Backend;
import dev.fastnn.kernels.BackendProvider;
import dev.fastnn.kernels.Backends;
import java.util.stream.Stream;

/**
 * Backend names for network tests, resolved through {@link Backends} as users resolve them: every provider
 * the build knows. One that cannot run here skips its own cases with the reason, except OpenCL under
 * {@code -Dfastnn.requireOpenCL=true} (CI), which fails.
 */
public final class NetworkBackends {
    public static final String REQUIRE_OPENCL = "fastnn.requireOpenCL";

    private NetworkBackends() {
    }

    public static Stream<String> names() {
        return Backends.providers().stream().map(BackendProvider::name);
    }

    public static Backend get(String name) {
        BackendProvider provider = Backends.providers().stream()
                .filter(p -> p.name().equals(name)).findFirst().orElseThrow();
        String reason = provider.unavailableReason();
        if (reason != null) {
            if (name.equals("aparapi") && Boolean.getBoolean(REQUIRE_OPENCL)) {
                fail("-D" + REQUIRE_OPENCL + "=true but OpenCL is not available: " + reason);
            }
            assumeTrue(false, name + " skipped: " + reason);
        }
        return Backends.get(name);
    }
}
