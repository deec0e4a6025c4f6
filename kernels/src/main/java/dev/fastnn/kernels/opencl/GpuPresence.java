package dev.fastnn.kernels.opencl;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Whether this machine can have an OpenCL GPU at all, read from files alone, so that {@code auto} need not
 * load OpenCL on the many machines that have none: loading it through Aparapi costs a native line on
 * standard error per platform newer than OpenCL 2.1 (PoCL 3 is one), and a SEVERE log line where no OpenCL
 * library exists.
 *
 * <p>An OpenCL program reaches a driver only through the ICD loader {@code libOpenCL.so.1}, which loads the
 * drivers that ICD files name; and a GPU driver reaches its GPU only through a device node. So there is no
 * GPU when one of these holds (tried in this order; the first gives the reason):
 * <ol>
 * <li>no {@code libOpenCL.so.1} of this JVM's word size is on the library path (the folders of
 *     {@code LD_LIBRARY_PATH}, the paths in the dynamic linker's cache {@code /etc/ld.so.cache}, the default
 *     folders), or only an unreadable or non-ELF one;</li>
 * <li>the loader has no driver: no ICD file in {@code OCL_ICD_VENDORS} (a folder, an {@code .icd} file or a
 *     driver library, as Debian's ocl-icd reads it), {@code OPENCL_VENDOR_PATH} or {@code /etc/OpenCL/vendors},
 *     and no library in {@code OCL_ICD_FILENAMES} (the Khronos loader's list);</li>
 * <li>every driver runs on the CPU: PoCL whose loadable device drivers (the {@code pocl/} folder beside
 *     {@code libpocl}) are all CPU ones (pthread, basic, cpu, cpu-minimal, tbb), or Intel's CPU runtime
 *     ({@code libintelocl}). PoCL with a CUDA, Level Zero, HSA, Vulkan, remote or proxy driver can drive a
 *     GPU, and a PoCL without that folder has its drivers built in: both count as a possible GPU;</li>
 * <li>no GPU device node exists: {@code /dev/dri/*} (Intel, AMD, Mesa), {@code /dev/nvidia*},
 *     {@code /dev/kfd} (ROCm), {@code /dev/mali*}, {@code /dev/kgsl*} (Adreno), {@code /dev/galcore}
 *     (Vivante), {@code /dev/dxg} (WSL).</li>
 * </ol>
 * Every rule errs towards "possible": a wrong "possible" costs one Aparapi probe and its line, as before;
 * a wrong "none" would hide a GPU from {@code auto}. Anything that cannot be read, any driver not named
 * above, and any system other than Linux (other loaders, no ICD files) count as a possible GPU. An explicit
 * {@code aparapi} and {@code fastnn backends} always ask Aparapi.
 */
final class GpuPresence {
    static final String LOADER = "libOpenCL.so.1";
    private static final Set<String> POCL_CPU_DRIVERS = Set.of("pthread", "basic", "cpu", "cpu-minimal", "tbb");
    private static final String POCL_DRIVER_PREFIX = "libpocl-devices-";
    private static final List<String> GPU_NODE_PREFIXES = List.of("dri", "nvidia", "kfd", "mali", "kgsl", "galcore", "dxg");
    private static final List<String> LIBRARY_FOLDERS = List.of("lib", "lib64", "usr/lib", "usr/lib64", "usr/local/lib");

    private final Path root;
    private final Map<String, String> environment;
    private final boolean linux;
    private final int elfClass;

    /**
     * @param root        where the system's folders ({@code etc}, {@code dev}, {@code usr}) are: {@code /}, or a
     *                    test's copy; paths taken from the environment are used as they are
     * @param environment the process environment
     * @param osName      {@code os.name}: only Linux is judged
     */
    GpuPresence(Path root, Map<String, String> environment, String osName) {
        this.root = root;
        this.environment = environment;
        this.linux = osName.toLowerCase(Locale.ROOT).startsWith("linux");
        this.elfClass = "32".equals(System.getProperty("sun.arch.data.model")) ? 1 : 2;
    }

    /** This machine and process. */
    static GpuPresence here() {
        return new GpuPresence(Path.of("/"), System.getenv(), System.getProperty("os.name", ""));
    }

    /** {@code null} when an OpenCL GPU may be present; otherwise why none can be, in one phrase. */
    String absenceReason() {
        if (!linux) {
            return null;
        }
        try {
            if (findLibrary(LOADER) == null) {
                return "no " + LOADER + " that this JVM can load";
            }
            List<String> drivers = drivers();
            if (drivers.isEmpty()) {
                return "no OpenCL driver is registered (no .icd file in " + vendorFolder() + ")";
            }
            List<String> cpuOnly = new ArrayList<>();
            for (String driver : drivers) {
                String cpu = cpuDriver(driver);
                if (cpu == null) {
                    cpuOnly = null;
                    break;
                }
                cpuOnly.add(cpu);
            }
            if (cpuOnly != null) {
                return "the only OpenCL drivers run on the CPU (" + String.join("; ", cpuOnly) + ")";
            }
            if (!hasGpuDeviceNode()) {
                return "no GPU device node in /dev (" + String.join(", ", GPU_NODE_PREFIXES) + ")";
            }
            return null;
        } catch (UncheckedIOException e) {
            return null;
        }
    }

    // ---------------------------------------------------------------- the loader and its drivers

    /**
     * The driver libraries the ICD loader would open, as ocl-icd (Debian's loader) reads its environment,
     * plus the Khronos loader's {@code OCL_ICD_FILENAMES}.
     */
    private List<String> drivers() {
        List<String> drivers = new ArrayList<>();
        String vendors = environment.getOrDefault("OCL_ICD_VENDORS", "");
        if (vendors.isEmpty()) {
            drivers.addAll(icdFolder(vendorFolder()));
        } else {
            Path given = Path.of(vendors);
            if (Files.isDirectory(given)) {
                drivers.addAll(icdFolder(given));
            } else if (vendors.endsWith(".icd")) {
                Path inFolder = vendors.contains("/") ? given : vendorFolder().resolve(vendors);
                String driver = icdFile(Files.isRegularFile(inFolder) ? inFolder : given);
                if (driver != null) {
                    drivers.add(driver);
                }
            } else {
                drivers.add(vendors);
            }
        }
        for (String library : environment.getOrDefault("OCL_ICD_FILENAMES", "").split(":")) {
            if (!library.isBlank()) {
                drivers.add(library.trim());
            }
        }
        return drivers;
    }

    private Path vendorFolder() {
        String path = environment.getOrDefault("OPENCL_VENDOR_PATH", "");
        return path.isEmpty() ? root.resolve("etc/OpenCL/vendors") : Path.of(path);
    }

    private List<String> icdFolder(Path folder) {
        List<String> drivers = new ArrayList<>();
        if (!Files.isDirectory(folder)) {
            return drivers;
        }
        for (Path icd : list(folder)) {
            if (icd.getFileName().toString().endsWith(".icd")) {
                String driver = icdFile(icd);
                if (driver != null) {
                    drivers.add(driver);
                }
            }
        }
        return drivers;
    }

    /** The library an ICD file names on its first line; {@code null} for a missing or empty file, which the loader skips too. */
    private static String icdFile(Path icd) {
        try {
            List<String> lines = Files.readAllLines(icd, StandardCharsets.UTF_8);
            return lines.isEmpty() || lines.get(0).isBlank() ? null : lines.get(0).trim();
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What a CPU-only driver is, for the reason; {@code null} when the driver may run a GPU. */
    private String cpuDriver(String driver) {
        String name = driver.substring(driver.lastIndexOf('/') + 1);
        if (name.startsWith("libintelocl")) {
            return name + ", Intel's CPU runtime";
        }
        if (!name.startsWith("libpocl")) {
            return null;
        }
        Path library = driver.contains("/") ? Path.of(driver) : findLibrary(driver);
        if (library == null || library.getParent() == null) {
            return null;
        }
        Path folder = library.getParent().resolve("pocl");
        if (!Files.isDirectory(folder)) {
            return null;
        }
        Set<String> devices = new TreeSet<>();
        for (Path file : list(folder)) {
            String f = file.getFileName().toString();
            if (f.startsWith(POCL_DRIVER_PREFIX) && f.endsWith(".so")) {
                devices.add(f.substring(POCL_DRIVER_PREFIX.length(), f.length() - ".so".length()));
            }
        }
        if (devices.isEmpty() || !POCL_CPU_DRIVERS.containsAll(devices)) {
            return null;
        }
        return name + " with devices " + String.join(", ", devices);
    }

    // ---------------------------------------------------------------- the dynamic linker's search

    /**
     * The first loadable file of this name where the dynamic linker looks for a name without a slash:
     * {@code LD_LIBRARY_PATH}, the cache, the default and multiarch folders; {@code null} when there is none.
     */
    private Path findLibrary(String name) {
        Set<Path> candidates = new LinkedHashSet<>();
        for (String folder : environment.getOrDefault("LD_LIBRARY_PATH", "").split(":")) {
            if (!folder.isBlank()) {
                candidates.add(Path.of(folder).resolve(name));
            }
        }
        for (String cached : cachedPaths(name)) {
            candidates.add(root.resolve(cached.substring(1)));
        }
        for (String folder : LIBRARY_FOLDERS) {
            Path base = root.resolve(folder);
            candidates.add(base.resolve(name));
            if (Files.isDirectory(base)) {
                for (Path sub : list(base)) {
                    if (sub.getFileName().toString().contains("-linux-")) {
                        candidates.add(sub.resolve(name));
                    }
                }
            }
        }
        for (Path candidate : candidates) {
            if (isLoadableElf(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /**
     * Absolute paths ending in {@code /name} among the strings of {@code /etc/ld.so.cache}: its string table
     * holds every cached library's full path, zero-terminated.
     */
    private List<String> cachedPaths(String name) {
        Path cache = root.resolve("etc/ld.so.cache");
        List<String> paths = new ArrayList<>();
        if (!Files.isRegularFile(cache)) {
            return paths;
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(cache);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String suffix = "/" + name;
        int start = 0;
        for (int i = 0; i <= bytes.length; i++) {
            if (i == bytes.length || bytes[i] == 0) {
                if (i - start > suffix.length() && bytes[start] == '/') {
                    String s = new String(bytes, start, i - start, StandardCharsets.ISO_8859_1);
                    if (s.endsWith(suffix)) {
                        paths.add(s);
                    }
                }
                start = i + 1;
            }
        }
        return paths;
    }

    /** A regular file starting with the ELF magic and this JVM's word size: /dev/null bound over a library is not one. */
    private boolean isLoadableElf(Path file) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            return false;
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(5);
            return head.length == 5 && head[0] == 0x7f && head[1] == 'E' && head[2] == 'L' && head[3] == 'F'
                    && head[4] == elfClass;
        } catch (IOException e) {
            return false;
        }
    }

    // ---------------------------------------------------------------- devices

    private boolean hasGpuDeviceNode() {
        Path dev = root.resolve("dev");
        if (!Files.isDirectory(dev)) {
            throw new UncheckedIOException(new IOException(dev + " is not readable"));
        }
        for (Path node : list(dev)) {
            String name = node.getFileName().toString();
            if (GPU_NODE_PREFIXES.stream().anyMatch(name::startsWith)) {
                return true;
            }
        }
        return false;
    }

    private static List<Path> list(Path folder) {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(folder)) {
            stream.forEach(entries::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        entries.sort(null);
        return entries;
    }
}
