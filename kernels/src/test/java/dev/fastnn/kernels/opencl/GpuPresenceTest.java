package dev.fastnn.kernels.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link GpuPresence} on made-up machines (a folder standing for {@code /}): it may rule a GPU out only where
 * the ICD loader, the drivers it would load or the device nodes say so, and must answer "possible" wherever
 * it cannot tell. The reference is how the ICD loader (ocl-icd, Khronos) and PoCL find what they load.
 */
class GpuPresenceTest {
    private static final byte[] ELF64 = {0x7f, 'E', 'L', 'F', 2, 1, 1};
    private static final String LIBS = "usr/lib/x86_64-linux-gnu";

    @TempDir
    Path root;
    private final Map<String, String> environment = new HashMap<>();

    private String verdict() {
        return new GpuPresence(root, environment, "Linux").absenceReason();
    }

    private Path file(String path, byte[] content) throws IOException {
        Path f = root.resolve(path);
        Files.createDirectories(f.getParent());
        return Files.write(f, content);
    }

    private Path file(String path, String content) throws IOException {
        return file(path, content.getBytes(StandardCharsets.UTF_8));
    }

    /** PoCL as Debian installs it: the ICD file, the library, and its loadable device drivers. */
    private void pocl(String... drivers) throws IOException {
        file("etc/OpenCL/vendors/pocl.icd", "libpocl.so.2.10.0\n");
        file(LIBS + "/libpocl.so.2.10.0", ELF64);
        for (String d : drivers) {
            file(LIBS + "/pocl/libpocl-devices-" + d + ".so", ELF64);
        }
    }

    @BeforeEach
    void aMachineWithTheLoaderAndADevFolder() throws IOException {
        file(LIBS + "/libOpenCL.so.1", ELF64);
        Files.createDirectories(root.resolve("dev"));
        file("dev/null", "");
    }

    @Test
    void noLoaderOrOneThatCannotBeLoadedRulesAGpuOut() throws IOException {
        Files.delete(root.resolve(LIBS + "/libOpenCL.so.1"));
        Files.createDirectories(root.resolve("dev/dri"));
        assertEquals("no libOpenCL.so.1 that this JVM can load", verdict());
        // What without-opencl does: /dev/null bound over the library, which then reads as empty.
        file(LIBS + "/libOpenCL.so.1", "");
        assertEquals("no libOpenCL.so.1 that this JVM can load", verdict());
        file(LIBS + "/libOpenCL.so.1", new byte[] {0x7f, 'E', 'L', 'F', 1});
        assertEquals("no libOpenCL.so.1 that this JVM can load", verdict(), "a 32-bit library is no use to a 64-bit JVM");
    }

    @Test
    void theLoaderIsFoundWhereTheDynamicLinkerLooks() throws IOException {
        Files.delete(root.resolve(LIBS + "/libOpenCL.so.1"));
        Files.createDirectories(root.resolve("dev/nvidia0"));
        file("etc/OpenCL/vendors/nvidia.icd", "libnvidia-opencl.so.1\n");
        assertEquals("no libOpenCL.so.1 that this JVM can load", verdict());

        Path own = file("opt/ocl/libOpenCL.so.1", ELF64);
        environment.put("LD_LIBRARY_PATH", "/nowhere:" + own.getParent());
        assertNull(verdict(), "LD_LIBRARY_PATH");
        environment.clear();

        // The cache's string table holds the full path of every library it knows, zero-terminated.
        file("etc/ld.so.cache", "glibc-ld.so.cache1.1\0libOpenCL.so.1\0/opt/ocl/libOpenCL.so.1\0libc.so.6\0/lib/libc.so.6\0");
        assertNull(verdict(), "ld.so.cache");
        Files.delete(own);
        file("lib64/libOpenCL.so.1", ELF64);
        assertNull(verdict(), "a default folder");
    }

    @Test
    void noRegisteredDriverRulesAGpuOut() throws IOException {
        Files.createDirectories(root.resolve("dev/dri"));
        Files.createDirectories(root.resolve("etc/OpenCL/vendors"));
        file("etc/OpenCL/vendors/readme.txt", "libnvidia-opencl.so.1\n");
        file("etc/OpenCL/vendors/empty.icd", "\n");
        assertEquals("no OpenCL driver is registered (no .icd file in " + root.resolve("etc/OpenCL/vendors") + ")", verdict());
    }

    @Test
    void poclWithOnlyCpuDriversRulesAGpuOutEvenBesideAGpuDeviceNode() throws IOException {
        pocl("basic", "pthread");
        Files.createDirectories(root.resolve("dev/dri"));
        assertEquals("the only OpenCL drivers run on the CPU (libpocl.so.2.10.0 with devices basic, pthread)", verdict());
    }

    @Test
    void poclThatCanDriveAGpuCountsAsAPossibleGpu() throws IOException {
        pocl("pthread", "cuda");
        Files.createDirectories(root.resolve("dev/nvidia0"));
        assertNull(verdict(), "PoCL with its CUDA driver and an NVIDIA device node");
        Files.delete(root.resolve("dev/nvidia0"));
        assertTrue(verdict().startsWith("no GPU device node in /dev"), verdict());
    }

    @Test
    void poclWithItsDriversBuiltInCountsAsAPossibleGpu() throws IOException {
        pocl();
        Files.createDirectories(root.resolve("dev/kfd"));
        assertNull(verdict());
    }

    @Test
    void anyOtherDriverIsAPossibleGpuWhereAGpuDeviceNodeExists() throws IOException {
        pocl("pthread");
        file("etc/OpenCL/vendors/nvidia.icd", "libnvidia-opencl.so.1\n");
        assertTrue(verdict().startsWith("no GPU device node in /dev (dri, nvidia, kfd"), verdict());
        for (String node : new String[] {"dri/renderD128", "nvidiactl", "kfd", "mali0", "kgsl-3d0", "galcore", "dxg"}) {
            Path made = file("dev/" + node, "");
            assertNull(verdict(), node);
            Files.delete(made);
            if (!made.getParent().equals(root.resolve("dev"))) {
                Files.delete(made.getParent());
            }
        }
    }

    @Test
    void intelsCpuRuntimeRunsOnTheCpu() throws IOException {
        file("etc/OpenCL/vendors/intel64.icd", "/opt/intel/oclcpuexp/x64/libintelocl.so\n");
        Files.createDirectories(root.resolve("dev/dri"));
        assertEquals("the only OpenCL drivers run on the CPU (libintelocl.so, Intel's CPU runtime)", verdict());
    }

    @Test
    void theEnvironmentChoosesTheDriversAsTheIcdLoaderDoes() throws IOException {
        pocl("pthread");
        Files.createDirectories(root.resolve("dev/dri"));
        Path elsewhere = file("other/nvidia.icd", "libnvidia-opencl.so.1\n");
        String cpuOnly = verdict();
        assertTrue(cpuOnly.startsWith("the only OpenCL drivers run on the CPU"), cpuOnly);

        environment.put("OCL_ICD_VENDORS", elsewhere.getParent().toString());
        assertNull(verdict(), "OCL_ICD_VENDORS as a folder replaces /etc/OpenCL/vendors");
        environment.put("OCL_ICD_VENDORS", elsewhere.toString());
        assertNull(verdict(), "OCL_ICD_VENDORS as an .icd file");
        environment.put("OCL_ICD_VENDORS", "pocl.icd");
        assertEquals(cpuOnly, verdict(), "an .icd name without a slash is looked for in the vendors folder");
        environment.put("OCL_ICD_VENDORS", "libnvidia-opencl.so.1");
        assertNull(verdict(), "OCL_ICD_VENDORS as the driver library itself");
        environment.put("OCL_ICD_VENDORS", root.resolve("missing.icd").toString());
        assertEquals("no OpenCL driver is registered (no .icd file in " + root.resolve("etc/OpenCL/vendors") + ")", verdict());

        environment.clear();
        environment.put("OCL_ICD_FILENAMES", "/opt/amd/libamdocl64.so");
        assertNull(verdict(), "the Khronos loader adds OCL_ICD_FILENAMES to the vendors folder");
        environment.clear();
        environment.put("OPENCL_VENDOR_PATH", elsewhere.getParent().toString());
        assertNull(verdict(), "OPENCL_VENDOR_PATH replaces /etc/OpenCL/vendors");
    }

    @Test
    void whatCannotBeReadOrJudgedCountsAsAPossibleGpu() throws IOException {
        file("etc/OpenCL/vendors/nvidia.icd", "libnvidia-opencl.so.1\n");
        Files.delete(root.resolve("dev/null"));
        Files.delete(root.resolve("dev"));
        assertNull(verdict(), "no readable /dev");
        assertNull(new GpuPresence(root, environment, "Mac OS X").absenceReason(), "not Linux: other loaders, no ICD files");
    }
}
