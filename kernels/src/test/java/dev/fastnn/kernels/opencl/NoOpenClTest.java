package dev.fastnn.kernels.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fastnn.kernels.ChildJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM whose OpenCL ICD loader finds no platform ({@code OCL_ICD_VENDORS} pointing at an empty folder):
 * explicit {@code aparapi} fails naming the fix, {@code auto} uses vector and says so in one line, and
 * Aparapi itself prints nothing. Runs on every machine, with or without OpenCL installed.
 */
class NoOpenClTest {

    /** Runs {@link NoOpenClMain} with the launcher's flags plus {@code extraJvmFlags}, which must exit 0. */
    private static ChildJvm runChild(Path emptyVendors, String... extraJvmFlags) throws IOException, InterruptedException {
        // The flags every fastnn JVM gets (the launcher's): without native access JDK 22+ warns when Aparapi loads its library.
        List<String> flags = new ArrayList<>(List.of("--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"));
        flags.addAll(List.of(extraJvmFlags));
        Map<String, String> environment = emptyVendors == null ? Map.of() : Map.of("OCL_ICD_VENDORS", emptyVendors.toString());
        return ChildJvm.run(NoOpenClMain.class, flags, environment);
    }

    @Test
    void explicitAparapiFailsNamingTheFixAndAutoFallsBackToVectorInOneLine(@TempDir Path emptyVendors)
            throws IOException, InterruptedException {
        assertTrue(Files.list(emptyVendors).findAny().isEmpty());
        ChildJvm result = runChild(emptyVendors);
        String stdout = result.stdout();
        String stderr = result.stderr();

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
        ChildJvm result = runChild(null, "-XX:+UseSerialGC");
        List<String> lines = result.stdout().lines().toList();
        assertEquals("auto=vector", lines.get(0), result.stdout() + result.stderr());
        assertTrue(lines.get(1).contains("garbage collector (Copy)") && lines.get(1).contains("G1"), lines.get(1));
    }
}
