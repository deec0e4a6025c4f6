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
 * What a user's process sees of OpenCL when it cannot use a GPU: {@code auto} takes vector and prints
 * nothing (its reason is a DEBUG record), an explicit {@code aparapi} fails naming the fix. The child JVMs
 * run with {@code OCL_ICD_VENDORS} pointing at an empty folder (an ICD loader without drivers), or with this
 * machine's own OpenCL; so these tests run on every machine, with or without OpenCL installed.
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

    /** Standard error lines {@code auto} caused: those before the child's marker. */
    private static List<String> beforeExplicit(List<String> lines) {
        int marker = lines.indexOf(NoOpenClMain.EXPLICIT);
        assertTrue(marker >= 0, "the child did not reach the explicit aparapi: " + lines);
        return lines.subList(0, marker);
    }

    @Test
    void autoIsSilentWithoutAnOpenClDriverAndExplicitAparapiFailsNamingTheFix(@TempDir Path emptyVendors)
            throws IOException, InterruptedException {
        assertTrue(Files.list(emptyVendors).findAny().isEmpty());
        ChildJvm result = runChild(emptyVendors);

        List<String> lines = result.stdout().lines().toList();
        assertEquals("auto=vector", lines.get(0), result.stdout() + result.stderr());
        String failure = lines.get(1);
        assertTrue(failure.startsWith("aparapi failed: backend 'aparapi' is not available:"), failure);
        assertTrue(failure.contains("apt-get install pocl-opencl-icd") && failure.contains("--backend vector"), failure);
        assertEquals(List.of(), beforeExplicit(result.stderrLines()), "auto must print nothing:\n" + result.stderr());
    }

    @Test
    void autoGivesItsReasonOnceAsOneDebugRecord(@TempDir Path emptyVendors) throws IOException, InterruptedException {
        ChildJvm result = runChild(emptyVendors, ChildJvm.logEverything(emptyVendors));

        List<String> records = beforeExplicit(result.stderrLines());
        assertEquals(1, records.size(), "one record for auto's choice:\n" + result.stderr());
        assertTrue(records.get(0).startsWith(ChildJvm.FASTNN_RECORD + "kernels.Backends FINE: auto uses 'vector'; no OpenCL GPU: "),
                records.get(0));
    }

    @Test
    void autoIsSilentWithThisMachinesOpenClWhereItsFilesRuleOutAGpu() throws IOException, InterruptedException {
        String absence = GpuPresence.here().absenceReason();
        assumeTrue(absence != null, "this machine may have an OpenCL GPU, so auto asks Aparapi here");
        ChildJvm result = runChild(null);

        assertEquals("auto=vector", result.stdout().lines().findFirst().orElse(""), result.stdout() + result.stderr());
        assertEquals(List.of(), beforeExplicit(result.stderrLines()),
                "auto must not load OpenCL where " + absence + ":\n" + result.stderr());
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
