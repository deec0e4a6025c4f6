package dev.fastnn.kernels.opencl;

import dev.fastnn.kernels.Backend;
import dev.fastnn.kernels.BackendProvider;

/** Placeholder until the OpenCL backend lands (issue 3); the OpenCL helper replaces this file. */
public final class AparapiProvider implements BackendProvider {
    @Override
    public String name() {
        return "aparapi";
    }

    @Override
    public String unavailableReason() {
        return "the OpenCL backend is not built yet";
    }

    @Override
    public Backend create() {
        throw new IllegalStateException(unavailableReason());
    }
}
