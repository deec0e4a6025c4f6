package dev.fastnn.network.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * Library notices (System.Logger records of dev.fastnn loggers) during a command: WARNING and above as one
 * line each, lower levels only with --verbose, and the logger as it was once the command is done.
 */
class NoticeHandlerTest {

    @Test
    void aWarningIsOneLineWithoutJulsTimestampLine() {
        CliRun r = CliRun.of("probe", "--log", "WARNING:the GPU is busy", "--value", "1");
        assertEquals(0, r.status(), r.err());
        assertEquals(List.of("fastnn: the GPU is busy"), r.errLines());
        assertEquals(List.of("fastnn: broken"), CliRun.of("probe", "--log", "ERROR:broken").errLines());
    }

    @Test
    void infoAndDebugShowOnlyWithVerbose() {
        assertEquals("", CliRun.of("probe", "--log", "INFO:picked vector").err());
        assertEquals("", CliRun.of("probe", "--log", "DEBUG:picked vector").err());
        assertEquals(List.of("fastnn: info: picked vector"),
                CliRun.of("probe", "--verbose", "--log", "INFO:picked vector").errLines());
        assertEquals(List.of("fastnn: debug: picked vector"),
                CliRun.of("--verbose", "probe", "--log", "DEBUG:picked vector").errLines());
        assertEquals("", CliRun.of("-v", "probe", "--log", "TRACE:every kernel").err());
    }

    @Test
    void aparapisOwnRecordsShowOnlyWithVerbose() {
        assertEquals("", CliRun.of("probe", "--aparapi-log", "Check your environment").err());
        assertEquals(List.of("fastnn: aparapi: Check your environment"),
                CliRun.of("probe", "--verbose", "--aparapi-log", "Check your environment").errLines());
    }

    @Test
    void verboseAddsTheStackTraceOfAFailure() {
        CliRun quiet = CliRun.of("probe", "--fail", "npe");
        assertEquals(1, quiet.errLines().size(), quiet.err());
        CliRun verbose = CliRun.of("probe", "--fail", "npe", "--verbose");
        assertEquals(1, verbose.status());
        List<String> lines = verbose.errLines();
        assertEquals("fastnn: unexpected java.lang.NullPointerException: probe's null", lines.get(0));
        assertEquals("java.lang.NullPointerException: probe's null", lines.get(1));
        assertTrue(lines.get(2).trim().startsWith("at dev.fastnn.network.cli.ProbeCommandProvider$Probe.call"), lines.get(2));
    }

    @Test
    void theLoggerIsAsItWasAfterTheRun() {
        Logger logger = Logger.getLogger(NoticeHandler.LOGGER);
        Level level = logger.getLevel();
        boolean parents = logger.getUseParentHandlers();
        List<Handler> handlers = Arrays.asList(logger.getHandlers());
        CliRun.of("probe", "--verbose", "--log", "WARNING:x");
        CliRun.of("probe", "--fail", "npe");
        assertEquals(level, logger.getLevel());
        assertEquals(parents, logger.getUseParentHandlers());
        assertEquals(handlers, Arrays.asList(logger.getHandlers()));
        assertFalse(Arrays.stream(logger.getHandlers()).anyMatch(h -> h instanceof NoticeHandler));
        Logger aparapi = Logger.getLogger(NoticeHandler.APARAPI);
        assertFalse(Arrays.stream(aparapi.getHandlers()).anyMatch(h -> h instanceof NoticeHandler));
        assertTrue(aparapi.getUseParentHandlers());
    }
}
