package dev.fastnn.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastnn.kernels.vector.VectorBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Backend selection by name, {@code auto}, and the fallback when the Vector API module is absent. */
class BackendsTest {
    private static final String FLAG = "--add-modules jdk.incubator.vector";

    @Test
    void unknownNameListsTheValidOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backends.get("cuda"));
        assertTrue(e.getMessage().contains("'cuda'"), e.getMessage());
        for (String valid : List.of("auto", "naive", "vector", "aparapi")) {
            assertTrue(e.getMessage().contains(valid), e.getMessage());
        }
        assertEquals(List.of("auto", "naive", "vector", "aparapi"), Backends.names());
    }

    @Test
    void namesAreCaseAndSpaceInsensitiveAndShared() {
        assertSame(Backends.get("naive"), Backends.get(" NAIVE "));
        assertEquals("vector", Backends.get("Vector").name());
    }

    @Test
    void closingASharedBackendLeavesItOpenForItsOtherUsers() {
        Backend shared = Backends.get("vector");
        assertTrue(shared.isShared());
        shared.close();
        assertFalse(shared.isClosed());
        try (Matrix m = shared.upload(new float[] {1, 2}, 1, 2)) {
            shared.scale(2f, m);
            assertArrayEquals(new float[] {2, 4}, shared.download(m));
        }
        assertSame(shared, Backends.get("vector"));
    }

    @Test
    void aCreatedBackendIsItsCreatorsToClose() {
        Backend own = Backends.create("vector", 2);
        assertFalse(own.isShared());
        assertNotSame(Backends.get("vector"), own);
        own.close();
        assertTrue(own.isClosed());
        assertThrows(IllegalStateException.class, () -> own.allocate(1, 1));
    }

    @Test
    void createTakesTheThreadCountAndStillHonoursTheWidthProperty() {
        String saved = System.getProperty(VectorBackend.BITS_PROPERTY);
        System.setProperty(VectorBackend.BITS_PROPERTY, "128");
        try (VectorBackend narrow = (VectorBackend) Backends.create("vector", 2)) {
            assertEquals(128, narrow.bits());
            assertEquals(2, narrow.threads());
        } finally {
            if (saved == null) {
                System.clearProperty(VectorBackend.BITS_PROPERTY);
            } else {
                System.setProperty(VectorBackend.BITS_PROPERTY, saved);
            }
        }
        assertTrue(Backends.provider("vector").takesThreads());
        assertFalse(Backends.provider("naive").takesThreads());
        assertFalse(Backends.provider("aparapi").takesThreads());
    }

    @Test
    void autoPicksTheVectorBackendWhenTheModuleIsLoadedAndNoGpuIsPreferred() {
        Backend auto = Backends.get("auto");
        assertEquals(Backends.autoChoice().name(), auto.name());
        assertNotEquals("naive", auto.name(), "surefire loads jdk.incubator.vector, so auto must not fall back to naive");
        assertSame(auto, Backends.get(null));
    }

    @Test
    void withoutTheModuleAutoFallsBackToNaiveWithOneWarningAndExplicitVectorFails(@TempDir Path dir)
            throws IOException, InterruptedException {
        // Started without --add-modules: the child must not see the Vector API module. An ICD loader without
        // drivers (OCL_ICD_VENDORS at an empty folder) keeps a GPU, where there is one, out of auto's way.
        Path noDrivers = Files.createDirectory(dir.resolve("vendors"));
        ChildJvm child = ChildJvm.run(NoVectorModuleMain.class, List.of(ChildJvm.logEverything(dir)),
                Map.of("OCL_ICD_VENDORS", noDrivers.toString()));
        String stdout = child.stdout();

        List<String> lines = stdout.lines().toList();
        assertEquals("auto=naive", lines.get(0), stdout + child.stderr());
        assertTrue(lines.get(1).startsWith("vector failed: backend 'vector' is not available")
                && lines.get(1).contains(FLAG), stdout);
        List<String> records = child.fastnnRecords();
        assertEquals(1, records.size(), "auto must say once, in one record, that it fell back:\n" + child.stderr());
        assertTrue(records.get(0).startsWith(ChildJvm.FASTNN_RECORD + "kernels.Backends WARNING: auto uses the scalar loops of 'naive'")
                && records.get(0).contains(FLAG), records.get(0));
        assertEquals(records, child.stderrLines(), "nothing else on standard error:\n" + child.stderr());
    }
}
