package dev.fastnn.kernels.opencl;

import dev.fastnn.kernels.Backend;
import dev.fastnn.kernels.BackendProvider;
import java.util.ArrayList;
import java.util.List;

/**
 * The OpenCL backend through Aparapi. Available only when an OpenCL library loads AND reports at least
 * one device; {@code auto} prefers it only for a GPU (PoCL's CPU device is slower than the vector backend).
 * The probe runs once per JVM, on first use, so loading this class costs nothing.
 */
public final class AparapiProvider implements BackendProvider {

    static {
        OpenClProbe.quietAparapi();
    }

    private static final class Probe {
        static final OpenClProbe RESULT = OpenClProbe.run();
    }

    static OpenClProbe probe() {
        return Probe.RESULT;
    }

    @Override
    public String name() {
        return "aparapi";
    }

    @Override
    public String unavailableReason() {
        return probe().unavailableReason();
    }

    @Override
    public boolean preferredByAuto() {
        return probe().chosenIsGpu();
    }

    @Override
    public List<String> details() {
        OpenClProbe probe = probe();
        List<String> lines = new ArrayList<>();
        if (probe.devices().isEmpty()) {
            lines.add("OpenCL devices: none");
        }
        for (OpenClProbe.Found f : probe.devices()) {
            lines.add((f == probe.chosen() ? "* " : "  ") + f.describe());
        }
        if (probe.chosen() != null) {
            lines.add("(* = the device aparapi uses; -D" + OpenClProbe.DEVICE_PROPERTY + "=<index or name> picks another)");
        }
        return lines;
    }

    @Override
    public Backend create() {
        OpenClProbe probe = probe();
        if (probe.unavailableReason() != null) {
            throw new IllegalStateException(probe.unavailableReason());
        }
        return new OpenClBackend(probe.chosen());
    }
}
