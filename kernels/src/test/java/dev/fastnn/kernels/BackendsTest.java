package dev.fastnn.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

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
    void autoPicksTheVectorBackendWhenTheModuleIsLoadedAndNoGpuIsPreferred() {
        Backend auto = Backends.get("auto");
        assertEquals(Backends.autoChoice().name(), auto.name());
        assertNotEquals("naive", auto.name(), "surefire loads jdk.incubator.vector, so auto must not fall back to naive");
        assertSame(auto, Backends.get(null));
    }

    @Test
    void withoutTheModuleAutoFallsBackToNaiveInOneLineAndExplicitVectorFails() throws IOException, InterruptedException {
        // Started without --add-modules: the child must not see the Vector API module.
        ChildJvm child = ChildJvm.run(NoVectorModuleMain.class, List.of(), Map.of());
        String stdout = child.stdout();
        String stderr = child.stderr();

        List<String> lines = stdout.lines().toList();
        assertEquals("auto=naive", lines.get(0), stdout + stderr);
        assertTrue(lines.get(1).startsWith("vector failed: backend 'vector' is not available")
                && lines.get(1).contains(FLAG), stdout);
        List<String> naming = stderr.lines().filter(l -> l.contains(FLAG)).toList();
        assertEquals(1, naming.size(), "auto must say once, in one line, which flag is missing:\n" + stderr);
        assertTrue(naming.get(0).contains("auto uses 'naive'"), naming.get(0));
        assertTrue(stderr.lines().noneMatch(l -> l.contains("Using incubator modules")), stderr);
    }
}
