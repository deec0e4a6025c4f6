package dev.fastnn.benchmarks;

import dev.fastnn.kernels.Backends;
import dev.fastnn.kernels.vector.VectorBackend;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatFactory;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs named sets of benchmarks with only their meaningful parameter combinations, writes one JMH JSON
 * file to {@code benchmarks/results/} and regenerates BENCHMARKS.md: what {@code ./fastnn bench} runs.
 *
 * <pre>
 *   Suite [SUITE...] [JMH options]      SUITE: quick (default), gemm, mlp, activations, train, epoch, all
 *   Suite report                        only regenerate BENCHMARKS.md from benchmarks/results
 * </pre>
 * With {@code -Dfastnn.bench.results=DIR} the results, BENCHMARKS.md and the chart are all read and written in DIR.
 * JMH options (-f, -wi, -i, -w, -r, -prof gc, ...) apply to every run. {@code -p name=v1,v2} narrows or
 * replaces a parameter's values; the rules below still drop the combinations that would measure nothing:
 * <ul>
 *   <li>naive, netlib and aparapi have a fixed thread count, so they run with threads=1 only;</li>
 *   <li>naive gemm stops at n = 512 (n = 1024 and 2048 take seconds per product and only confirm
 *       that a scalar triple loop is slow);</li>
 *   <li>aparapi runs only when OpenCL is usable here, and openblas only when the environment does not tune
 *       OpenBLAS ({@code OPENBLAS_CORETYPE}, {@code OPENBLAS_L2_SIZE}), unless {@code -p backend=...} names
 *       them, in which case they fail in setup with the reason.</li>
 * </ul>
 * JMH's own {@code java -jar benchmarks.jar REGEX} stays available for arbitrary selections.
 */
public final class Suite {
    private static final List<String> SUITES = List.of("quick", "gemm", "mlp", "activations", "train", "epoch", "all", "report");
    private static final String GEMM = "dev\\.fastnn\\.benchmarks\\.GemmBenchmark\\.";
    private static final String MLP = "dev\\.fastnn\\.benchmarks\\.MlpGemmBenchmark\\.";
    private static final String ACTIVATIONS = "dev\\.fastnn\\.benchmarks\\.ActivationBenchmark\\.";
    private static final String TRAIN = "dev\\.fastnn\\.benchmarks\\.TrainStepBenchmark\\.";
    private static final String PEAK = "dev\\.fastnn\\.benchmarks\\.FmaPeakBenchmark\\.";
    private static final String EPOCH = "dev\\.fastnn\\.benchmarks\\.EpochBenchmark\\.";
    private static final String FUSED = "dev\\.fastnn\\.benchmarks\\.FusedLayerBenchmark\\.";
    private static final int NAIVE_GEMM_MAX_N = 512;
    /** Where the results go instead of {@code benchmarks/results}; the report and chart then go there too. */
    static final String RESULTS_PROPERTY = "fastnn.bench.results";

    /** One benchmark class with the default values of its parameters; {@code brief} runs shorter iterations. */
    private record Plan(String include, Map<String, List<String>> params, boolean brief) {
        Plan(String include, Map<String, List<String>> params) {
            this(include, params, false);
        }
    }

    private Suite() {
    }

    public static void main(String[] args) throws IOException, RunnerException {
        List<String> suites = new ArrayList<>();
        int first = 0;
        while (first < args.length && SUITES.contains(args[first])) {
            suites.add(args[first++]);
        }
        if (suites.isEmpty()) {
            suites.add("quick");
        }
        String elsewhere = System.getProperty(RESULTS_PROPERTY);
        Path resultsDir = elsewhere == null ? Report.RESULTS : Path.of(elsewhere);
        String[] report = reportArguments(resultsDir);
        if (suites.equals(List.of("report"))) {
            Report.main(report);
            return;
        }
        suites.remove("report");
        CommandLineOptions jmh;
        try {
            jmh = new CommandLineOptions(List.of(args).subList(first, args.length).toArray(new String[0]));
        } catch (CommandLineOptionException e) {
            System.err.println("fastnn bench: " + e.getMessage());
            System.err.println("usage: fastnn bench [" + String.join("|", SUITES) + "]... [JMH options]");
            System.exit(2);
            return;
        }
        if (jmh.shouldHelp()) {
            System.out.println("usage: fastnn bench [" + String.join("|", SUITES) + "]... [JMH options]");
            System.out.println("suites and rules: benchmarks/README.md; the JMH options:");
            jmh.showHelp();
            return;
        }
        if (!jmh.getIncludes().isEmpty()) {
            System.err.println("fastnn bench: unknown suite " + jmh.getIncludes()
                    + "; valid: " + String.join(", ", SUITES)
                    + " (for a free benchmark regex use java -jar benchmarks/target/benchmarks.jar REGEX)");
            System.exit(2);
            return;
        }

        Set<String> leftOut = new LinkedHashSet<>();
        String aparapiReason = BenchmarkBackends.aparapiUnavailableReason();
        if (aparapiReason != null) {
            System.out.println("# " + Backends.APARAPI + " left out: " + aparapiReason);
            leftOut.add(Backends.APARAPI);
        }
        String openblasReason = GemmContender.openBlasTuned(System.getenv());
        if (openblasReason != null) {
            System.out.println("# " + BenchmarkBackends.OPENBLAS + " left out: " + openblasReason);
            leftOut.add(BenchmarkBackends.OPENBLAS);
        }
        List<Plan> plans = plans(suites, leftOut);

        Files.createDirectories(resultsDir);
        String stamp = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path json = jmh.getResult().hasValue() ? Path.of(jmh.getResult().get())
                : resultsDir.resolve(stamp + "-" + String.join("+", suites) + ".json");
        Path part = Files.createTempFile("fastnn-bench", ".json");

        List<RunResult> results = new ArrayList<>();
        try {
            for (Plan plan : plans) {
                for (Map<String, List<String>> params : expand(plan, jmh)) {
                    ChainedOptionsBuilder options = new OptionsBuilder().parent(jmh).include(plan.include())
                            .resultFormat(ResultFormatType.JSON).result(part.toString());
                    params.forEach((name, values) -> options.param(name, values.toArray(new String[0])));
                    if (plan.brief()) {
                        shorten(options, jmh);
                    }
                    results.addAll(new Runner(options.build()).run());
                }
            }
        } finally {
            Files.deleteIfExists(part);
        }
        if (results.isEmpty()) {
            System.err.println("fastnn bench: no benchmark produced a result (the -p options left nothing to run,"
                    + " or every run failed: see above)");
            System.exit(2);
            return;
        }
        try (PrintStream out = new PrintStream(Files.newOutputStream(json), false, StandardCharsets.UTF_8)) {
            ResultFormatFactory.getInstance(ResultFormatType.JSON, out).writeOut(results);
        }
        Machine.current(String.join(" ", args)).store(Report.machineFile(json));
        System.out.println("# results: " + json);
        Report.main(report);
    }

    /**
     * {@link Report}'s arguments for results in {@code resultsDir}: results kept anywhere but {@link Report#RESULTS}
     * get their report and chart there too, so that a trial run leaves the committed BENCHMARKS.md alone.
     */
    static String[] reportArguments(Path resultsDir) {
        if (resultsDir.equals(Report.RESULTS)) {
            return new String[] {"--results", resultsDir.toString()};
        }
        return new String[] {"--results", resultsDir.toString(), "--out", resultsDir.resolve(Report.REPORT).toString(),
                "--chart", resultsDir.resolve(Report.CHART).toString()};
    }

    private static List<Plan> plans(List<String> suites, Set<String> leftOut) {
        Set<String> chosen = new LinkedHashSet<>(suites);
        if (chosen.remove("all")) {
            chosen.addAll(List.of("gemm", "mlp", "activations", "train", "epoch"));
        }
        List<String> gemmBackends = without(BenchmarkBackends.gemmContenders(), leftOut);
        List<String> fastnnBackends = without(BenchmarkBackends.fastnn(), leftOut);
        List<String> cpu = List.of(Backends.NAIVE, Backends.VECTOR);
        List<Plan> plans = new ArrayList<>();
        for (String suite : chosen) {
            switch (suite) {
                case "quick":
                    plans.add(new Plan(PEAK, peak().params(), true));
                    plans.add(new Plan(GEMM, params("backend", without(gemmBackends, Set.of(Backends.APARAPI)),
                            "n", List.of("256", "1024"), "threads", List.of("1")), true));
                    plans.add(new Plan(ACTIVATIONS + "activation$", params("backend", cpu, "function", List.of("sigmoid"),
                            "size", List.of("65536"), "threads", List.of("1")), true));
                    break;
                case "gemm":
                    plans.add(peak());
                    plans.add(new Plan(GEMM, params("backend", gemmBackends,
                            "n", List.of("64", "128", "256", "512", "1024", "2048"), "threads", List.of("1", "2"))));
                    break;
                case "mlp":
                    plans.add(new Plan(MLP, params("backend", gemmBackends,
                            "shape", GemmShape.MLP_STEP.stream().map(GemmShape::name).toList(),
                            "threads", List.of("1", "2"))));
                    break;
                case "activations":
                    plans.add(new Plan(ACTIVATIONS, params("backend", fastnnBackends,
                            "function", List.of("sigmoid", "tanh", "relu", "softmax"),
                            "size", List.of("1024", "65536", "1048576"), "threads", List.of("1"))));
                    break;
                case "train":
                    plans.add(new Plan(TRAIN, params("backend", fastnnBackends, "threads", List.of("1", "2"))));
                    plans.add(new Plan(FUSED, params("backend", List.of(Backends.VECTOR), "threads", List.of("1", "2"),
                            "fused", List.of("true", "false"))));
                    break;
                case "epoch":
                    plans.add(new Plan(EPOCH, params("backend", List.of(Backends.VECTOR), "threads", List.of("1", "2"))));
                    break;
                default:
                    throw new AssertionError(suite);
            }
        }
        return plans;
    }

    /** The FMA peak on 1 and 2 threads at the preferred width: the ceiling the gemm goals are judged against. */
    private static Plan peak() {
        return new Plan(PEAK, params("threads", List.of("1", "2"), "bits", List.of(Integer.toString(VectorBackend.maxBits()))));
    }

    /**
     * One parameter set per backend (JMH runs the cross product of each), after replacing defaults by the
     * user's {@code -p} values and dropping values the rules reject for that backend; a plan without backends
     * (the FMA peak) runs once, with the user's values of its own parameters.
     */
    private static List<Map<String, List<String>>> expand(Plan plan, CommandLineOptions jmh) {
        List<Map<String, List<String>>> runs = new ArrayList<>();
        if (!plan.params().containsKey("backend")) {
            Map<String, List<String>> run = new LinkedHashMap<>();
            plan.params().forEach((name, values) -> run.put(name, chosen(jmh, name, values)));
            runs.add(run);
            return runs;
        }
        boolean gemm = plan.include().equals(GEMM) || plan.include().equals(MLP);
        List<String> known = gemm ? BenchmarkBackends.gemmContenders() : BenchmarkBackends.fastnn();
        for (String backend : chosen(jmh, "backend", plan.params().get("backend"))) {
            if (!known.contains(backend)) {
                // -p backend applies to every suite named; openblas and netlib exist only for gemm.
                System.out.println("# backend " + backend + " skipped for " + plan.include().replace("\\", "")
                        + "* (it knows " + String.join(", ", known) + ")");
                continue;
            }
            Map<String, List<String>> run = new LinkedHashMap<>();
            run.put("backend", List.of(backend));
            boolean empty = false;
            for (Map.Entry<String, List<String>> e : plan.params().entrySet()) {
                if (e.getKey().equals("backend")) {
                    continue;
                }
                List<String> values = new ArrayList<>();
                for (String v : chosen(jmh, e.getKey(), e.getValue())) {
                    if (meaningful(backend, e.getKey(), v)) {
                        values.add(v);
                    }
                }
                empty |= values.isEmpty();
                run.put(e.getKey(), values);
            }
            if (!empty) {
                runs.add(run);
            }
        }
        return runs;
    }

    private static List<String> chosen(CommandLineOptions jmh, String param, List<String> defaults) {
        if (jmh.getParameter(param).hasValue()) {
            Collection<String> given = jmh.getParameter(param).get();
            return List.copyOf(given);
        }
        return defaults;
    }

    /** The rules of the class comment, for one value of one parameter. */
    static boolean meaningful(String backend, String param, String value) {
        switch (param) {
            case "threads":
                return value.equals("1") || BenchmarkBackends.takesThreads(backend);
            case "n":
                return !backend.equals(Backends.NAIVE) || Integer.parseInt(value) <= NAIVE_GEMM_MAX_N;
            default:
                return true;
        }
    }

    /** The quick suite's shorter iterations (2 x 1 s warm-up, 3 x 1 s measured), unless the command line chose. */
    private static void shorten(ChainedOptionsBuilder options, CommandLineOptions jmh) {
        if (!jmh.getWarmupIterations().hasValue()) {
            options.warmupIterations(2);
        }
        if (!jmh.getMeasurementIterations().hasValue()) {
            options.measurementIterations(3);
        }
        if (!jmh.getWarmupTime().hasValue()) {
            options.warmupTime(TimeValue.seconds(1));
        }
        if (!jmh.getMeasurementTime().hasValue()) {
            options.measurementTime(TimeValue.seconds(1));
        }
    }

    private static List<String> without(List<String> backends, Set<String> leftOut) {
        return backends.stream().filter(b -> !leftOut.contains(b)).toList();
    }

    private static Map<String, List<String>> params(String k1, List<String> v1, String k2, List<String> v2) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        return m;
    }

    private static Map<String, List<String>> params(String k1, List<String> v1, String k2, List<String> v2,
                                                    String k3, List<String> v3) {
        Map<String, List<String>> m = params(k1, v1, k2, v2);
        m.put(k3, v3);
        return m;
    }

    private static Map<String, List<String>> params(String k1, List<String> v1, String k2, List<String> v2,
                                                    String k3, List<String> v3, String k4, List<String> v4) {
        Map<String, List<String>> m = params(k1, v1, k2, v2, k3, v3);
        m.put(k4, v4);
        return m;
    }
}
