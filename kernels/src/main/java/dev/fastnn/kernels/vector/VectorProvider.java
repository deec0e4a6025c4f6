package dev.fastnn.kernels.vector;

import dev.fastnn.kernels.Backend;
import dev.fastnn.kernels.BackendProvider;
import dev.fastnn.kernels.Backends;
import java.util.List;

/**
 * Says whether the Vector API can run here without touching it: this class links no
 * {@code jdk.incubator.vector} type until the module is known to be present.
 */
public final class VectorProvider implements BackendProvider {
    private static final String MODULE = "jdk.incubator.vector";

    @Override
    public String name() {
        return Backends.VECTOR;
    }

    @Override
    public String unavailableReason() {
        if (ModuleLayer.boot().findModule(MODULE).isEmpty()) {
            return "the " + MODULE + " module is not loaded; start java with --add-modules " + MODULE;
        }
        return null;
    }

    @Override
    public List<String> details() {
        return unavailableReason() == null ? VectorBackend.describeSpecies() : List.of();
    }

    @Override
    public boolean takesThreads() {
        return true;
    }

    @Override
    public Backend create() {
        return new VectorBackend();
    }

    /** The width still comes from {@value VectorBackend#BITS_PROPERTY}: only the thread count is the caller's. */
    @Override
    public Backend create(int threads) {
        return new VectorBackend(VectorBackend.bitsFromProperty(), threads);
    }
}
