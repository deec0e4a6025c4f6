package dev.fastnn.network.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.fastnn.kernels.Backend;
import dev.fastnn.kernels.Backends;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class BackendOptionsTest {
    @Command(name = "test")
    static final class WithBackend {
        @Mixin
        BackendOptions options;
    }

    private static Backend parsed(String... args) {
        WithBackend command = new WithBackend();
        new CommandLine(command).parseArgs(args);
        return command.options.backend();
    }

    @Test
    void withoutThreadsTheSharedBackendWithThreadsAnOwnOne() {
        assertSame(Backends.get("naive"), parsed("--backend", "naive"));
        Backend own = parsed("--backend", "NAIVE", "--threads", "2");
        assertEquals("naive", own.name());
        assertNotSame(Backends.get("naive"), own);
    }
}
