package dev.fastnn.benchmarks;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

/**
 * What a benchmark run ran on, stored beside its JMH JSON (which records the JDK but not the CPU, the kernels
 * OpenBLAS chose for it or the environment variables that change that choice), so the report names the machine
 * the numbers came from rather than the one it happens to be rendered on.
 */
record Machine(String cpu, int logicalCpus, String cpuFlags, String jdk, String os, String openblasCore,
               String openblasCoretype, String openblasL2Size, String command, String date) {

    /** This machine and JVM, now; {@code command} is how the run was started. */
    static Machine current(String command) {
        String model = "unknown CPU";
        String flags = "";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name") && model.equals("unknown CPU")) {
                    model = line.substring(line.indexOf(':') + 1).trim();
                } else if (line.startsWith("flags") && flags.isEmpty()) {
                    flags = simdFlags(line.substring(line.indexOf(':') + 1));
                }
            }
        } catch (IOException e) {
            model = "unknown CPU (" + e.getMessage() + ")";
        }
        return new Machine(model, Runtime.getRuntime().availableProcessors(), flags,
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                        + " (" + System.getProperty("java.vendor") + ")",
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"),
                currentOpenblasCore(), envOrUnset("OPENBLAS_CORETYPE"), envOrUnset("OPENBLAS_L2_SIZE"), command,
                Instant.now().toString());
    }

    /** The kernels OpenBLAS picks in this environment, which the benchmark forks inherit. */
    private static String currentOpenblasCore() {
        try {
            return GemmContender.openBlasCoreName();
        } catch (RuntimeException | LinkageError e) {
            return "unknown (" + e + ")";
        }
    }

    /** The SIMD extensions that decide which kernels OpenBLAS and the Vector API can use. */
    private static String simdFlags(String all) {
        List<String> wanted = List.of("avx2", "fma", "avx512f", "avx512vl", "avx512bw", "avx512_bf16");
        StringBuilder found = new StringBuilder();
        for (String flag : all.trim().split("\\s+")) {
            if (wanted.contains(flag)) {
                found.append(found.length() == 0 ? "" : " ").append(flag);
            }
        }
        return found.toString();
    }

    private static String envOrUnset(String name) {
        String value = System.getenv(name);
        return value == null ? "unset" : value;
    }

    void store(Path file) throws IOException {
        Properties p = new Properties();
        p.setProperty("cpu", cpu);
        p.setProperty("logicalCpus", Integer.toString(logicalCpus));
        p.setProperty("cpuFlags", cpuFlags);
        p.setProperty("jdk", jdk);
        p.setProperty("os", os);
        p.setProperty("openblasCore", openblasCore);
        p.setProperty("OPENBLAS_CORETYPE", openblasCoretype);
        p.setProperty("OPENBLAS_L2_SIZE", openblasL2Size);
        p.setProperty("command", command);
        p.setProperty("date", date);
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            p.store(w, "the machine of a fastnn benchmark run");
        }
    }

    static Machine load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        return new Machine(p.getProperty("cpu", "?"), Integer.parseInt(p.getProperty("logicalCpus", "0")),
                p.getProperty("cpuFlags", ""), p.getProperty("jdk", "?"), p.getProperty("os", "?"),
                p.getProperty("openblasCore", "not recorded"), p.getProperty("OPENBLAS_CORETYPE", "?"), p.getProperty("OPENBLAS_L2_SIZE", "?"),
                p.getProperty("command", "?"), p.getProperty("date", "?"));
    }
}
