package dev.fastnn.benchmarks;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One benchmark result read back from JMH's JSON: the benchmark's short name
 * ({@code GemmBenchmark.gemm}), its parameters, and its score as seconds per operation whatever mode
 * and unit JMH used, so that the report can turn it into GFLOP/s or elements per second.
 *
 * @param error            half-width of JMH's 99.9% confidence interval, in seconds; NaN with one iteration
 * @param allocBytesPerOp  {@code gc.alloc.rate.norm} when run with {@code -prof gc}, else NaN
 * @param forks            every iteration's score in seconds per operation, fork by fork (JMH's raw data)
 */
record Measurement(String benchmark, Map<String, String> params, double seconds, double error,
                   double allocBytesPerOp, String jdk, String runOptions, Path source, List<double[]> forks) {

    String param(String name) {
        return params.getOrDefault(name, "");
    }

    int intParam(String name) {
        return Integer.parseInt(param(name));
    }

    Measurement withAllocation(double bytesPerOp) {
        return new Measurement(benchmark, params, seconds, error, bytesPerOp, jdk, runOptions, source, forks);
    }

    /** Benchmark and parameters: two results with the same key measured the same thing. */
    String key() {
        return benchmark + params;
    }

    /** Every result in a JMH JSON file ({@code -rf json}). */
    static List<Measurement> read(Path file) throws IOException {
        JsonElement root;
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            root = JsonParser.parseReader(r);
        }
        if (!root.isJsonArray()) {
            throw new IOException(file + " is not a JMH JSON result file (expected an array)");
        }
        List<Measurement> out = new ArrayList<>();
        for (JsonElement e : root.getAsJsonArray()) {
            out.add(parse(e.getAsJsonObject(), file));
        }
        return out;
    }

    private static Measurement parse(JsonObject o, Path source) throws IOException {
        String full = o.get("benchmark").getAsString();
        String[] parts = full.split("\\.");
        String benchmark = parts.length >= 2 ? parts[parts.length - 2] + "." + parts[parts.length - 1] : full;
        Map<String, String> params = new TreeMap<>();
        if (o.has("params")) {
            o.getAsJsonObject("params").entrySet().forEach(p -> params.put(p.getKey(), p.getValue().getAsString()));
        }
        JsonObject primary = o.getAsJsonObject("primaryMetric");
        String unit = primary.get("scoreUnit").getAsString();
        double score = primary.get("score").getAsDouble();
        double error = primary.get("scoreError").getAsDouble();
        double seconds;
        double secondsError;
        boolean rate = unit.startsWith("ops/");
        double scale;
        if (rate) {
            scale = seconds(unit.substring(4), source);
            seconds = scale / score;
            secondsError = seconds * (error / score);
        } else if (unit.endsWith("/op")) {
            scale = seconds(unit.substring(0, unit.length() - 3), source);
            seconds = score * scale;
            secondsError = error * scale;
        } else {
            throw new IOException(source + ": " + full + " has score unit " + unit + "; expected time/op or ops/time");
        }
        List<double[]> forks = new ArrayList<>();
        if (primary.has("rawData") && primary.get("rawData").isJsonArray()) {
            for (JsonElement fork : primary.getAsJsonArray("rawData")) {
                double[] iterations = new double[fork.getAsJsonArray().size()];
                for (int i = 0; i < iterations.length; i++) {
                    double v = fork.getAsJsonArray().get(i).getAsDouble();
                    iterations[i] = rate ? scale / v : v * scale;
                }
                forks.add(iterations);
            }
        }
        double alloc = Double.NaN;
        JsonObject secondary = o.has("secondaryMetrics") ? o.getAsJsonObject("secondaryMetrics") : new JsonObject();
        for (Map.Entry<String, JsonElement> m : secondary.entrySet()) {
            if (m.getKey().endsWith("gc.alloc.rate.norm")) {
                alloc = m.getValue().getAsJsonObject().get("score").getAsDouble();
            }
        }
        String jdk = text(o, "vmName") + " " + text(o, "jdkVersion");
        String run = "forks " + text(o, "forks")
                + ", warm-up " + text(o, "warmupIterations") + " x " + text(o, "warmupTime")
                + ", measured " + text(o, "measurementIterations") + " x " + text(o, "measurementTime");
        return new Measurement(benchmark, params, seconds, secondsError, alloc, jdk, run, source, List.copyOf(forks));
    }

    private static String text(JsonObject o, String field) {
        return o.has(field) && !o.get(field).isJsonNull() ? o.get(field).getAsString() : "?";
    }

    private static double seconds(String unit, Path source) throws IOException {
        switch (unit) {
            case "s":
                return 1;
            case "ms":
                return 1e-3;
            case "us":
                return 1e-6;
            case "ns":
                return 1e-9;
            case "min":
                return 60;
            default:
                throw new IOException(source + ": unknown time unit " + unit);
        }
    }
}
