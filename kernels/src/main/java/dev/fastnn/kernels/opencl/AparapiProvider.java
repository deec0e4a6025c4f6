package dev.fastnn.kernels.opencl;

import dev.fastnn.kernels.Backend;
import dev.fastnn.kernels.BackendProvider;
import dev.fastnn.kernels.Backends;
import java.util.ArrayList;
import java.util.List;

/**
 * The OpenCL backend through Aparapi. Available only when an OpenCL library loads AND reports at least
 * one device; {@code auto} prefers it only for a GPU (PoCL's CPU device is slower than the vector backend).
 * The probe runs once per JVM, on first use, so loading this class costs nothing; {@code auto} runs it only
 * where {@link GpuPresence} cannot rule a GPU out from the machine's files.
 */
public final class AparapiProvider implements BackendProvider {

    static {
        OpenClProbe.quietAparapi();
    }

    private static final class Probe {
        static final OpenClProbe RESULT = OpenClProbe.run();
    }

    /** Why the files of this machine rule out an OpenCL GPU, or {@code null}; read once per JVM. */
    private static final class Presence {
        static final String ABSENCE = GpuPresence.here().absenceReason();
    }

    static OpenClProbe probe() {
        return Probe.RESULT;
    }

    @Override
    public String name() {
        return Backends.APARAPI;
    }

    @Override
    public String unavailableReason() {
        return probe().unavailableReason();
    }

    @Override
    public AutoPreference autoPreference() {
        if (Presence.ABSENCE != null) {
            return AutoPreference.passedOver(Presence.ABSENCE);
        }
        OpenClProbe probe = probe();
        if (probe.unavailableReason() != null) {
            return probe.hasGpu() ? AutoPreference.blocked(probe.unavailableReason())
                    : AutoPreference.passedOver(probe.unavailableReason());
        }
        if (!probe.chosenIsGpu()) {
            return AutoPreference.passedOver("the OpenCL device is a " + probe.chosen().device().getType()
                    + ", not a GPU: " + probe.chosen().describe());
        }
        return AutoPreference.PREFERRED;
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
        return new OpenClBackend(probe());
    }
}
