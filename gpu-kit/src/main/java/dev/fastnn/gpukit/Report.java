package dev.fastnn.gpukit;

import dev.fastnn.network.cli.Json;
import dev.fastnn.network.io.AtomicFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the check found, section by section: the text report and its JSON copy, both rewritten (atomically,
 * by {@link AtomicFile}) after every section, so that whatever stops the run leaves a complete record of
 * what was done. All methods are synchronized: the watchdog writes from its own thread.
 */
final class Report {
    enum Status { PASS, FAIL, INFO, SKIPPED, RUNNING, INTERRUPTED }

    /** One part of the check: lines for people, figures for the JSON, failures that fail the whole run. */
    final class Section {
        private final String name;
        private final List<String> lines = new ArrayList<>();
        private final List<String> failures = new ArrayList<>();
        private final Map<String, Object> figures = new LinkedHashMap<>();
        private Status status = Status.RUNNING;
        private String summary = "";

        private Section(String name) {
            this.name = name;
        }

        String name() {
            return name;
        }

        void line(String text) {
            synchronized (Report.this) {
                lines.add(text);
            }
        }

        void figure(String key, Object value) {
            synchronized (Report.this) {
                figures.put(key, value);
            }
        }

        void fail(String text) {
            synchronized (Report.this) {
                failures.add(text);
                lines.add("FAIL: " + text);
            }
        }

        Map<String, Object> figures() {
            synchronized (Report.this) {
                return new LinkedHashMap<>(figures);
            }
        }

        boolean failed() {
            synchronized (Report.this) {
                return !failures.isEmpty();
            }
        }

        /** Closes the section: FAIL if anything failed, else {@code status}; {@code summary} is its stdout line. */
        void finish(Status status, String summary) {
            synchronized (Report.this) {
                this.status = failures.isEmpty() ? status : Status.FAIL;
                this.summary = summary;
            }
            write();
        }

        private Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", name);
            m.put("status", status.name());
            m.put("summary", summary);
            m.put("failures", List.copyOf(failures));
            m.put("figures", new LinkedHashMap<>(figures));
            m.put("lines", List.copyOf(lines));
            return m;
        }
    }

    private final Path textFile;
    private final Path jsonFile;
    private final String started = Instant.now().toString();
    private final Map<String, Object> header = new LinkedHashMap<>();
    private final List<String> environment;
    private final List<Section> sections = new ArrayList<>();
    private String stopped;
    private boolean complete;

    Report(Path textFile, Path jsonFile, List<String> environment) {
        this.textFile = textFile;
        this.jsonFile = jsonFile;
        this.environment = List.copyOf(environment);
    }

    synchronized void header(String key, Object value) {
        header.put(key, value);
    }

    synchronized Section section(String name) {
        Section s = new Section(name);
        sections.add(s);
        return s;
    }

    /** A section that could not run, with the reason. */
    synchronized void skipped(String name, String reason) {
        Section s = section(name);
        s.line("not run: " + reason);
        s.finish(Status.SKIPPED, "not run: " + reason);
    }

    /** The run ended early: the running section is marked interrupted, and the reason is kept. */
    synchronized void stop(String reason) {
        if (complete || stopped != null) {
            return;
        }
        stopped = reason;
        for (Section s : sections) {
            if (s.status == Status.RUNNING) {
                s.status = Status.INTERRUPTED;
                s.summary = "interrupted: " + reason;
            }
        }
        write();
    }

    synchronized void complete() {
        complete = true;
        write();
    }

    synchronized boolean isOver() {
        return complete || stopped != null;
    }

    /** A figure of an earlier section, or null. */
    synchronized Object figureOf(String section, String key) {
        return sections.stream().filter(s -> s.name.equals(section)).findFirst().map(s -> s.figures.get(key)).orElse(null);
    }

    /** The section running now, for the watchdog's message. */
    synchronized String current() {
        for (Section s : sections) {
            if (s.status == Status.RUNNING) {
                return s.name;
            }
        }
        return "between sections";
    }

    /** Every section ran and none failed. */
    synchronized boolean passed() {
        return complete && stopped == null && sections.stream().noneMatch(s -> s.status == Status.FAIL);
    }

    /** The short form for stdout: one line per section, then the verdict. */
    synchronized List<String> summary() {
        List<String> out = new ArrayList<>();
        for (Section s : sections) {
            out.add(String.format("%-11s %s: %s", s.status, s.name, s.summary));
        }
        out.add(verdict());
        return out;
    }

    private String verdict() {
        if (stopped != null) {
            return "GPU CHECK STOPPED EARLY: " + stopped;
        }
        if (!complete) {
            return "GPU CHECK RUNNING";
        }
        long failed = sections.stream().filter(s -> s.status == Status.FAIL).count();
        return failed == 0 ? "GPU CHECK PASSED" : "GPU CHECK FAILED: " + failed + " section(s) failed";
    }

    synchronized void write() {
        writeAtomically(textFile, text());
        writeAtomically(jsonFile, Json.write(json()) + "\n");
    }

    private String text() {
        StringBuilder sb = new StringBuilder();
        sb.append("fastnn GPU check, started ").append(started).append('\n');
        header.forEach((k, v) -> sb.append(k).append(": ").append(v).append('\n'));
        if (!environment.isEmpty()) {
            sb.append("\n== environment (found by run.sh) ==\n");
            environment.forEach(l -> sb.append(l).append('\n'));
        }
        for (Section s : sections) {
            sb.append("\n== ").append(s.name).append(" [").append(s.status).append("] ==\n");
            s.lines.forEach(l -> sb.append(l).append('\n'));
        }
        sb.append("\n== summary ==\n");
        summary().forEach(l -> sb.append(l).append('\n'));
        return sb.toString();
    }

    private Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("check", "fastnn gpu-kit");
        m.put("started", started);
        m.put("written", Instant.now().toString());
        m.putAll(header);
        m.put("complete", complete);
        m.put("stopped", stopped);
        m.put("passed", passed());
        m.put("verdict", verdict());
        m.put("environment", environment);
        m.put("sections", sections.stream().map(Section::json).toList());
        return m;
    }

    private static void writeAtomically(Path file, String content) {
        try {
            AtomicFile.write(file, out -> out.write(content.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
