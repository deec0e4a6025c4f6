package dev.fastnn.gpukit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report files, the verdict, the command line and the comparison rules, read back with a JSON parser. */
class ReportTest {
    @TempDir
    Path dir;

    private JsonObject json() throws IOException {
        return JsonParser.parseString(Files.readString(dir.resolve("r.json"))).getAsJsonObject();
    }

    @Test
    void bothFilesAreRewrittenAfterEverySectionAndAStopMarksTheRunningSection() throws IOException {
        Report report = new Report(dir.resolve("r.txt"), dir.resolve("r.json"), List.of("machine: test"));
        Report.Section first = report.section("first");
        first.line("a line");
        first.figure("gflops", 12.5);
        first.finish(Report.Status.PASS, "fine");
        JsonObject afterFirst = json();
        assertEquals("PASS", afterFirst.getAsJsonArray("sections").get(0).getAsJsonObject().get("status").getAsString());
        assertEquals(12.5, afterFirst.getAsJsonArray("sections").get(0).getAsJsonObject()
                .getAsJsonObject("figures").get("gflops").getAsDouble());
        assertTrue(Files.readString(dir.resolve("r.txt")).contains("machine: test"));

        report.section("second").line("half done");
        report.stop("the deadline was reached during '" + report.current() + "'");
        JsonObject stopped = json();
        assertEquals("INTERRUPTED", stopped.getAsJsonArray("sections").get(1).getAsJsonObject().get("status").getAsString());
        assertEquals("the deadline was reached during 'second'", stopped.get("stopped").getAsString());
        assertFalse(stopped.get("passed").getAsBoolean());
        assertTrue(stopped.get("verdict").getAsString().startsWith("GPU CHECK STOPPED EARLY"));
        try (var files = Files.list(dir)) {
            assertEquals(List.of("r.json", "r.txt"), files.map(f -> f.getFileName().toString()).sorted().toList(),
                    "temporary files are renamed, not left behind");
        }
    }

    @Test
    void aFailedSectionFailsTheRunAndACompleteCleanRunPasses() throws IOException {
        Report clean = new Report(dir.resolve("r.txt"), dir.resolve("r.json"), List.of());
        clean.section("only").finish(Report.Status.PASS, "ok");
        clean.complete();
        assertTrue(clean.passed());
        assertEquals("GPU CHECK PASSED", json().get("verdict").getAsString());

        Report failing = new Report(dir.resolve("r.txt"), dir.resolve("r.json"), List.of());
        Report.Section s = failing.section("only");
        s.fail("gemm disagrees");
        s.finish(Report.Status.PASS, "asked for PASS, but a failure was recorded");
        failing.complete();
        assertFalse(failing.passed());
        assertEquals("FAIL", json().getAsJsonArray("sections").get(0).getAsJsonObject().get("status").getAsString());
    }

    @Test
    void agreementTreatsNaNInfinityAndZeroToleranceStrictly() {
        Agreement a = new Agreement("op");
        a.compare("ok", new float[] {Float.NaN, Float.POSITIVE_INFINITY, 1f, 2f},
                new float[] {Float.NaN, Float.POSITIVE_INFINITY, 1f + 1e-7f, 2f}, i -> i == 3 ? 0 : 1e-6);
        assertTrue(a.passed(), a.describe());
        Agreement nan = new Agreement("op");
        nan.compare("nan", new float[] {1f}, new float[] {Float.NaN}, i -> 1e9);
        assertFalse(nan.passed(), "a number where the reference is NaN is wrong at any tolerance");
        Agreement exact = new Agreement("op");
        exact.compare("exact", new float[] {1f}, new float[] {Math.nextUp(1f)}, i -> 0);
        assertFalse(exact.passed(), "zero tolerance means equal");
        Agreement infinite = new Agreement("op");
        infinite.compare("inf", new float[] {3e38f}, new float[] {Float.POSITIVE_INFINITY}, i -> Double.POSITIVE_INFINITY);
        assertFalse(infinite.passed(), "a finite value where the reference is infinite is wrong");
        assertTrue(infinite.describe().contains("first: inf element 0"), infinite.describe());
    }

    @Test
    void badCommandLinesNameTheOptionOrValue() {
        assertEquals("--sizes needs a value",
                assertThrows(IllegalArgumentException.class, () -> GpuCheck.Options.parse("--sizes")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GpuCheck.Options.parse("--sizes", "huge"))
                .getMessage().contains("'huge'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GpuCheck.Options.parse("--deadline-seconds", "-3"))
                .getMessage().contains("'-3'"));
        assertEquals("unknown option '--fast'",
                assertThrows(IllegalArgumentException.class, () -> GpuCheck.Options.parse("--fast", "1")).getMessage());
        GpuCheck.Options o = GpuCheck.Options.parse("--sizes", "QUICK", "--deadline-seconds", "60", "--json", "x.json");
        assertEquals("quick", o.sizes());
        assertEquals(60, o.deadlineSeconds());
        assertEquals(Path.of("x.json"), o.json());
    }
}
