package dev.fastnn.gpukit;

import com.aparapi.Kernel;
import com.aparapi.device.Device;
import com.aparapi.device.OpenCLDevice;
import com.aparapi.internal.kernel.KernelManager;
import com.aparapi.internal.kernel.KernelProfile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Where the work really ran, seen from outside fastnn: the native libraries this process mapped (which
 * OpenCL loader, which driver) and Aparapi's own record of the devices every kernel class executed on.
 * The backend already refuses a launch that did not run on its device; this is the second witness.
 */
final class DeviceUsage {
    private static final List<String> LIBRARIES = List.of("libOpenCL", "libnvidia", "libcuda", "libpocl", "libaparapi");

    private DeviceUsage() {
    }

    /** Paths of the OpenCL-related shared libraries mapped into this process, in load order. */
    static List<String> mappedLibraries() {
        Set<String> found = new LinkedHashSet<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
                int slash = line.indexOf('/');
                if (slash < 0) {
                    continue;
                }
                String path = line.substring(slash);
                String file = path.substring(path.lastIndexOf('/') + 1);
                if (LIBRARIES.stream().anyMatch(file::startsWith)) {
                    found.add(path);
                }
            }
        } catch (IOException e) {
            found.add("(cannot read /proc/self/maps: " + e.getMessage() + ")");
        }
        return new ArrayList<>(found);
    }

    /** The {@code libOpenCL} mapped into this process, or null. */
    static Path mappedLoader() {
        for (String path : mappedLibraries()) {
            if (Path.of(path).getFileName().toString().startsWith("libOpenCL")) {
                return Path.of(path);
            }
        }
        return null;
    }

    /** Aparapi's device usage report, as it prints it: per kernel class, the devices and launch counts. */
    static String aparapiReport() {
        StringBuilder sb = new StringBuilder();
        KernelManager.instance().reportDeviceUsage(sb, true);
        return sb.toString().strip();
    }

    /** Aparapi's record per kernel class: the devices it ran on, each marked when it is not the backend's. */
    record KernelDevices(String kernel, List<String> devices, List<String> strays) {
    }

    /**
     * Aparapi's record of every kernel class it profiled: the devices each ran on. Everything must have run
     * on {@code device}, the backend's.
     */
    static List<KernelDevices> kernels(OpenCLDevice device) {
        List<KernelDevices> kernels = new ArrayList<>();
        for (String line : aparapiReport().lines().toList()) {
            String name = line.strip();
            if (!name.endsWith(":") || name.contains(" ")) {
                continue;
            }
            name = name.substring(0, name.length() - 1);
            Class<? extends Kernel> kernelClass;
            try {
                kernelClass = Class.forName(name, false, DeviceUsage.class.getClassLoader()).asSubclass(Kernel.class);
            } catch (ClassNotFoundException | ClassCastException e) {
                continue;
            }
            KernelProfile profile = KernelManager.instance().getProfile(kernelClass);
            List<String> devices = new ArrayList<>();
            List<String> strays = new ArrayList<>();
            for (Device d : profile.getDevices()) {
                devices.add(d.getShortDescription());
                boolean ours = d instanceof OpenCLDevice cl && cl.getDeviceId() == device.getDeviceId();
                if (!ours) {
                    strays.add(d.getShortDescription());
                }
            }
            kernels.add(new KernelDevices(name, devices, strays));
        }
        return kernels;
    }

    /** Null when every kernel so far ran on the backend's device only; else which kernel ran where else. */
    static String offDevice(OpenCLDevice device) {
        List<KernelDevices> kernels = kernels(device);
        if (kernels.isEmpty()) {
            return "Aparapi recorded no kernel at all: nothing ran through OpenCL";
        }
        for (KernelDevices k : kernels) {
            if (!k.strays().isEmpty()) {
                return "Aparapi ran kernel " + k.kernel() + " on " + String.join(", ", k.strays())
                        + ", not only on the backend's OpenCL device";
            }
        }
        return null;
    }
}
