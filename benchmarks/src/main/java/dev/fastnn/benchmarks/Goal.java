package dev.fastnn.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A target the report checks, read from {@code report.tsv} (a resource beside this class), so that goals and
 * their thresholds are data: editing a goal changes no code. A goal judges the fixed parameters' results of a
 * benchmark, for every value of at most one varying parameter, by one {@link Kind} of measure: against a
 * reference backend's time ({@code vs BACKEND}: the worst reference-to-subject time ratio counts), as a rate of
 * work per second ({@code per PARAMETER}: the value of a parameter, such as {@code size}, is the work), as a
 * share of the machine's measured multiply-add peak at the same thread count ({@code of peak}: the gemm's
 * GFLOP/s over {@link FmaPeakBenchmark}'s), by the bytes an operation allocates ({@code allocation B/op}:
 * the most over every matching result, run with {@code -prof gc}, must stay at or below the target), or, for
 * {@link EpochBenchmark}, by an epoch against numpy's with as many BLAS threads ({@code of numpy}: later
 * epochs' mean over numpy's, at most the target) or by the first epoch against the later ones
 * ({@code first epoch}: their ratio, at most the target).
 *
 * @param issue     the issue that set it
 * @param label     what is measured, e.g. {@code vector gemm, 1 thread, n = 256...2048}
 * @param fixed     parameters every result must have
 * @param varying   the parameter whose every value must meet the target, or {@code null}
 * @param reference the backend compared with, for {@link Kind#RATIO}
 * @param workParam the parameter whose value is the work of one operation, for {@link Kind#RATE}
 */
record Goal(String issue, String label, String benchmark, Map<String, String> fixed, String varying,
            List<String> values, Kind kind, String reference, String workParam, double target) {
    static final String RESOURCE = "report.tsv";

    /** What a goal's number is. */
    enum Kind {
        RATIO, RATE, PEAK, ALLOCATION, NUMPY, FIRST_EPOCH
    }

    /** True for a share of the reference ("95% of openblas") or of the peak; false for a multiple ("50x naive"). */
    boolean isShare() {
        return kind == Kind.PEAK || (kind == Kind.RATIO && target < 1);
    }

    /** The goal as the report states it: label, then the threshold. */
    String text() {
        return switch (kind) {
            case RATE -> label + ": >= " + plain(target / 1e9) + " G elements/s";
            case RATIO -> label + ": >= " + (isShare() ? plain(target * 100) + "% of " : plain(target) + "x ") + reference;
            case PEAK -> label + ": >= " + plain(target * 100) + "% of the FMA peak";
            case ALLOCATION -> label + ": <= " + plain(target) + " B/op";
            case NUMPY -> label + ": <= " + plain(target) + "x numpy's epoch";
            case FIRST_EPOCH -> label + ": first epoch <= " + plain(target) + "x a later one";
        };
    }

    private static String plain(double x) {
        return BigDecimal.valueOf(x).setScale(6, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }

    /** The goals and the ratio columns of {@link #RESOURCE}. */
    record Data(List<Goal> goals, Map<String, List<String>> ratioColumns) {
    }

    static Data load() {
        try (InputStream in = Goal.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the class path");
            }
            return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Lines of tab-separated fields; {@code #} starts a comment. {@code goal ISSUE LABEL BENCHMARK PARAMETERS
     * MEASURE TARGET}, with PARAMETERS as {@code k=v} words (one value list {@code k=v1,v2} at most) and MEASURE
     * {@code vs BACKEND}, {@code per PARAMETER}, {@code of peak}, {@code allocation B/op}, {@code of numpy} or
     * {@code first epoch};
     * {@code ratio SUBJECT REFERENCES...}: the ratio columns of the square gemm tables.
     */
    static Data parse(List<String> lines) {
        List<Goal> goals = new ArrayList<>();
        Map<String, List<String>> ratios = new LinkedHashMap<>();
        int number = 0;
        for (String line : lines) {
            number++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t");
            String where = RESOURCE + " line " + number + ": ";
            if (f[0].equals("ratio") && f.length >= 3) {
                ratios.put(f[1], List.of(f).subList(2, f.length));
            } else if (f[0].equals("goal") && f.length == 7) {
                goals.add(goal(f, where));
            } else {
                throw new IllegalArgumentException(where + "expected 'goal' and 6 fields or 'ratio' and 2 or more: " + line);
            }
        }
        return new Data(List.copyOf(goals), ratios);
    }

    private static Goal goal(String[] f, String where) {
        Map<String, String> fixed = new LinkedHashMap<>();
        String varying = null;
        List<String> values = List.of();
        for (String word : f[4].trim().split(" +")) {
            String[] kv = word.split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException(where + "parameter '" + word + "' is not k=v");
            }
            if (kv[1].contains(",")) {
                if (varying != null) {
                    throw new IllegalArgumentException(where + "two varying parameters, " + varying + " and " + kv[0]);
                }
                varying = kv[0];
                values = List.of(kv[1].split(","));
            } else {
                fixed.put(kv[0], kv[1]);
            }
        }
        String[] measure = f[5].trim().split(" ");
        Kind kind = measure.length != 2 ? null : switch (measure[0]) {
            case "vs" -> Kind.RATIO;
            case "per" -> Kind.RATE;
            case "of" -> measure[1].equals("peak") ? Kind.PEAK : measure[1].equals("numpy") ? Kind.NUMPY : null;
            case "allocation" -> measure[1].equals("B/op") ? Kind.ALLOCATION : null;
            case "first" -> measure[1].equals("epoch") ? Kind.FIRST_EPOCH : null;
            default -> null;
        };
        if (kind == null) {
            throw new IllegalArgumentException(where + "measure must be 'vs BACKEND', 'per PARAMETER', 'of peak',"
                    + " 'allocation B/op', 'of numpy' or 'first epoch', got '" + f[5] + "'");
        }
        return new Goal(f[1], f[2], f[3], fixed, varying, values, kind, kind == Kind.RATIO ? measure[1] : null,
                kind == Kind.RATE ? measure[1] : null, Double.parseDouble(f[6]));
    }
}
