package dev.fastnn.kernels.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM whose OpenCL ICD loader finds no platform ({@code OCL_ICD_VENDORS} pointing at an empty folder):
 * explicit {@code aparapi} fails naming the fix, {@code auto} uses vector and says so in one line, and
 * Aparapi itself prints nothing. Runs on every machine, with or without OpenCL installed.
 */
class NoOpenClTest {

    /** Runs {@link NoOpenClMain} with the launcher's flags plus {@code extraJvmFlags}; returns stdout and stderr. */
    private static String[] runChild(Path emptyVendors, String... extraJvmFlags) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        // The flags every fastnn JVM gets (the launcher's): without native access JDK 22+ warns when Aparapi loads its library.
        List<String> command = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED"));
        command.addAll(List.of(extraJvmFlags));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), NoOpenClMain.class.getName()));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().remove("JDK_JAVA_OPTIONS");
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        if (emptyVendors != null) {
            builder.environment().put("OCL_ICD_VENDORS", emptyVendors.toString());
        }
        Process child = builder.start();
        child.getOutputStream().close();
        byte[] out = child.getInputStream().readAllBytes();
        byte[] err = child.getErrorStream().readAllBytes();
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish");
        String stdout = new String(out, StandardCharsets.UTF_8);
        String stderr = new String(err, StandardCharsets.UTF_8);
        assertEquals(0, child.exitValue(), stdout + stderr);
        return new String[] {stdout, stderr};
    }

    @Test
    void explicitAparapiFailsNamingTheFixAndAutoFallsBackToVectorInOneLine(@TempDir Path emptyVendors)
            throws IOException, InterruptedException {
        assertTrue(Files.list(emptyVendors).findAny().isEmpty());
        String[] result = runChild(emptyVendors);
        String stdout = result[0];
        String stderr = result[1];

        List<String> lines = stdout.lines().toList();
        assertEquals("auto=vector", lines.get(0), stdout + stderr);
        String failure = lines.get(1);
        assertTrue(failure.startsWith("aparapi failed: backend 'aparapi' is not available:"), failure);
        assertTrue(failure.contains("no platform") && failure.contains("apt-get install pocl-opencl-icd")
                && failure.contains("--backend vector"), failure);

        List<String> said = stderr.lines().filter(l -> !l.contains("Using incubator modules")).toList();
        assertEquals(1, said.size(), "auto must say once, in one line, that it passed over OpenCL:\n" + stderr);
        assertTrue(said.get(0).contains("no OpenCL") && said.get(0).contains("pocl-opencl-icd"), said.get(0));
    }

    /** Serial GC compacts the arena; on it the backend must refuse rather than lose device data. */
    @Test
    void aCollectorThatMovesLargeArraysMakesAparapiUnavailableWithTheReason() throws IOException, InterruptedException {
        assumeTrue(AparapiProvider.probe().unavailableReason() == null || Boolean.getBoolean("fastnn.requireOpenCL"),
                "needs an OpenCL device to get past the device check");
        String[] result = runChild(null, "-XX:+UseSerialGC");
        List<String> lines = result[0].lines().toList();
        assertEquals("auto=vector", lines.get(0), result[0] + result[1]);
        assertTrue(lines.get(1).contains("garbage collector (Copy)") && lines.get(1).contains("G1"), lines.get(1));
    }
}
