package dev.fastnn.kernels.opencl;

import com.aparapi.device.Device;
import com.aparapi.device.OpenCLDevice;
import com.aparapi.internal.opencl.OpenCLLoader;
import com.aparapi.internal.opencl.OpenCLPlatform;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * What OpenCL offers in this process, looked at once: the platforms and devices the ICD loader reports,
 * the device fastnn would use, or one sentence on why there is none.
 *
 * <p>The device is the one named by {@value #DEVICE_PROPERTY} when set: a number is an index into
 * {@link #devices()} (the order {@code fastnn backends} prints), anything else a case-insensitive
 * substring of the device name. Otherwise the best GPU (most compute units), else an accelerator, else
 * a CPU device such as PoCL.
 *
 * @param devices every OpenCL device, in platform order
 * @param chosen the device to run on; {@code null} exactly when {@code unavailableReason} is not
 * @param unavailableReason what is missing and how to fix it, or {@code null}
 */
record OpenClProbe(List<Found> devices, Found chosen, String unavailableReason) {
    static final String DEVICE_PROPERTY = "fastnn.opencl.device";
    static final String LOG_LEVEL_PROPERTY = "com.aparapi.logLevel";
    private static final String FIX = "install an OpenCL driver (e.g. apt-get install pocl-opencl-icd) "
            + "or choose the vector backend (--backend vector)";
    /** Collector beans of Serial and Parallel GC: they compact large arrays too. */
    private static final List<String> MOVING_COLLECTORS = List.of("Copy", "MarkSweepCompact", "PS Scavenge", "PS MarkSweep");

    /** A device and the platform it belongs to. */
    record Found(int index, String platform, OpenCLDevice device) {
        String describe() {
            return "#" + index + " " + device.getName().trim() + " (" + device.getType() + ", platform "
                    + platform.trim() + ", " + device.getMaxComputeUnits() + " compute units, "
                    + mib(device.getGlobalMemSize()) + " MiB global, " + kib(device.getLocalMemSize())
                    + " KiB local memory)";
        }
    }

    /**
     * Aparapi reads its log level once, when its first class loads, and logs warnings users cannot act
     * on (classes compiled without -g, NestHost attributes); keep them out unless someone asked for them.
     */
    static void quietAparapi() {
        if (System.getProperty(LOG_LEVEL_PROPERTY) == null) {
            System.setProperty(LOG_LEVEL_PROPERTY, "SEVERE");
        }
    }

    static OpenClProbe run() {
        quietAparapi();
        List<Found> devices = new ArrayList<>();
        try {
            // The loader alone says "available" with an empty ICD folder: a device list is the real test.
            if (!OpenCLLoader.isOpenCLAvailable()) {
                return new OpenClProbe(devices, null, "no OpenCL library (libOpenCL.so.1) could be loaded; " + FIX);
            }
            // Aparapi's cached list: its native enumeration prints a line per platform newer than OpenCL 2.1,
            // so it must run once per JVM, and Aparapi's KernelManager reads the same list.
            for (OpenCLPlatform platform : new OpenCLPlatform().getOpenCLPlatforms()) {
                for (OpenCLDevice device : platform.getOpenCLDevices()) {
                    devices.add(new Found(devices.size(), platform.getName(), device));
                }
            }
        } catch (RuntimeException | LinkageError e) {
            return new OpenClProbe(devices, null, "OpenCL could not be initialised (" + e + "); " + FIX);
        }
        if (devices.isEmpty()) {
            return new OpenClProbe(devices, null,
                    "the OpenCL loader found no platform with a device (no driver registered in /etc/OpenCL/vendors); " + FIX);
        }
        String mover = movingCollector();
        if (mover != null) {
            return new OpenClProbe(devices, null, "this JVM's garbage collector (" + mover + ") moves large arrays, "
                    + "which makes Aparapi replace device data with a stale host copy; run with G1 (the default, "
                    + "-XX:+UseG1GC), ZGC or Shenandoah, or choose the vector backend (--backend vector)");
        }
        String wanted = System.getProperty(DEVICE_PROPERTY);
        if (wanted == null || wanted.isBlank()) {
            return new OpenClProbe(devices, best(devices), null);
        }
        Found named = named(devices, wanted.trim());
        if (named == null) {
            StringBuilder list = new StringBuilder();
            devices.forEach(d -> list.append(list.length() == 0 ? "" : "; ").append(d.describe()));
            return new OpenClProbe(devices, null, "-D" + DEVICE_PROPERTY + "=" + wanted
                    + " names none of the OpenCL devices (" + list + "); give an index or part of a name");
        }
        return new OpenClProbe(devices, named, null);
    }

    /**
     * The device arena is a humongous array that G1, ZGC and Shenandoah leave in place; Serial and Parallel
     * compact it, after which Aparapi rebuilds the device buffer from the stale Java array (see OpenClBackend).
     */
    private static String movingCollector() {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (MOVING_COLLECTORS.contains(gc.getName())) {
                return gc.getName();
            }
        }
        return null;
    }

    private static Found best(List<Found> devices) {
        Comparator<Found> byKind = Comparator.comparingInt(f -> rank(f.device().getType()));
        return devices.stream()
                .min(byKind.thenComparing(f -> -f.device().getMaxComputeUnits()))
                .orElseThrow();
    }

    private static int rank(Device.TYPE type) {
        if (type == Device.TYPE.GPU) {
            return 0;
        }
        return type == Device.TYPE.ACC ? 1 : 2;
    }

    private static Found named(List<Found> devices, String wanted) {
        if (wanted.chars().allMatch(Character::isDigit)) {
            int index = Integer.parseInt(wanted);
            return index < devices.size() ? devices.get(index) : null;
        }
        String needle = wanted.toLowerCase(Locale.ROOT);
        return devices.stream()
                .filter(f -> f.device().getName().toLowerCase(Locale.ROOT).contains(needle))
                .findFirst().orElse(null);
    }

    boolean chosenIsGpu() {
        return chosen != null && chosen.device().getType() == Device.TYPE.GPU;
    }

    /** Whether any device is a GPU, usable or not. */
    boolean hasGpu() {
        return devices.stream().anyMatch(f -> f.device().getType() == Device.TYPE.GPU);
    }

    private static long mib(long bytes) {
        return bytes >> 20;
    }

    private static long kib(long bytes) {
        return bytes >> 10;
    }
}
