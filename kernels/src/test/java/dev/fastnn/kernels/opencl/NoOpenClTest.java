package dev.fastnn.kernels.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

    @Test
    void explicitAparapiFailsNamingTheFixAndAutoFallsBackToVectorInOneLine(@TempDir Path emptyVendors)
            throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        // The flags every fastnn JVM gets (the launcher's): without native access JDK 22+ warns when Aparapi loads its library.
        ProcessBuilder builder = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), NoOpenClMain.class.getName());
        builder.environment().remove("JDK_JAVA_OPTIONS");
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().put("OCL_ICD_VENDORS", emptyVendors.toString());
        assertTrue(Files.list(emptyVendors).findAny().isEmpty());
        Process child = builder.start();
        child.getOutputStream().close();
        byte[] out = child.getInputStream().readAllBytes();
        byte[] err = child.getErrorStream().readAllBytes();
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish");
        String stdout = new String(out, StandardCharsets.UTF_8);
        String stderr = new String(err, StandardCharsets.UTF_8);
        assertEquals(0, child.exitValue(), stdout + stderr);

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
}
