package dev.fastnn.benchmarks;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.fastnn.kernels.Backends;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.DoubleFunction;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Turns JMH's JSON results into BENCHMARKS.md and a GFLOP/s chart; never edited by hand.
 *
 * <pre>
 *   Report [--results DIR] [--out FILE.md] [--chart FILE.png] [RESULT.json...]
 * </pre>
 * Without files it reads every {@code *.json} in {@code DIR} (default {@code benchmarks/results}) in name
 * order, which is time order for the files {@link Suite} writes; when two files measured the same
 * benchmark and parameters the newer wins (keeping an older {@code -prof gc} allocation figure), so
 * suites run one at a time add up to one report. {@code numpy-*.json} files (from {@code numpy_epoch.py})
 * add numpy's epoch times, one line each. The result files used are listed, and the machine is the one
 * recorded beside the newest of them (with the OpenBLAS core its forks ran); a table's ratios compare
 * results of one suite run when that suite was run last, which is how {@code ./fastnn bench} runs them.
 * The goals and the square tables' ratio columns are data ({@link Goal}), every table a {@link MarkdownTable}.
 */
public final class Report {
    /** Fashion-MNIST's training set: an epoch at batch 128 is 60000 / 128 steps. */
    private static final double FASHION_MNIST_TRAIN = 60000;
    private static final int MLP_BATCH = 128;
    private static final String ACTIVATIONS = "ActivationBenchmark.";
    private static final String FMA_PEAK = "FmaPeakBenchmark.fma";
    private static final String EPOCH = "EpochBenchmark.epoch";
    private static final String FUSED = "FusedLayerBenchmark.";
    /** Where the results are read from unless {@code --results} says otherwise. */
    static final Path RESULTS = Path.of("benchmarks/results");
    /** The report's file name (at the root unless {@code --out} says otherwise). */
    static final String REPORT = "BENCHMARKS.md";
    /** The chart's file name (in {@code benchmarks/} unless {@code --chart} says otherwise). */
    static final String CHART = "gemm-gflops.png";

    private final List<Measurement> results;
    private final Goal.Data data = Goal.load();
    private final Machine machine;
    private final String machineNote;
    private final List<JsonObject> numpy;
    private final Optional<GpuSection> gpu;

    Report(List<Measurement> results, Machine machine, String machineNote, List<JsonObject> numpy, Optional<GpuSection> gpu) {
        this.results = results;
        this.machine = machine;
        this.machineNote = machineNote;
        this.numpy = numpy;
        this.gpu = gpu;
    }

    public static void main(String[] args) throws IOException {
        Path dir = RESULTS;
        Path out = Path.of(REPORT);
        Path chart = Path.of("benchmarks", CHART);
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--results" -> dir = Path.of(value(args, ++i));
                case "--out" -> out = Path.of(value(args, ++i));
                case "--chart" -> chart = Path.of(value(args, ++i));
                default -> files.add(Path.of(args[i]));
            }
        }
        if (files.isEmpty()) {
            if (!Files.isDirectory(dir)) {
                System.err.println("report: no results: " + dir + " does not exist; run ./fastnn bench first");
                System.exit(2);
            }
            try (Stream<Path> listing = Files.list(dir)) {
                files = listing.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
            }
        }
        Report report = load(files);
        if (report.results.isEmpty()) {
            System.err.println("report: no JMH results in " + files);
            System.exit(2);
        }
        Path chartLink = out.toAbsolutePath().getParent().relativize(chart.toAbsolutePath());
        Files.writeString(out, report.markdown(chartLink.toString().replace('\\', '/')), StandardCharsets.UTF_8);
        if (GemmChart.write(report.results, chart)) {
            System.out.println("# chart: " + chart);
        }
        System.out.println("# report: " + out);
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    /** The machine file {@link Suite} writes beside a result file. */
    static Path machineFile(Path json) {
        String name = json.getFileName().toString();
        return json.resolveSibling(name.replaceFirst("\\.json$", "") + ".machine.properties");
    }

    /** Reads the files in order; later results replace earlier ones with the same benchmark and parameters. */
    static Report load(List<Path> files) throws IOException {
        Map<String, Measurement> latest = new LinkedHashMap<>();
        List<JsonObject> numpy = new ArrayList<>();
        Optional<GpuSection> gpu = Optional.empty();
        Path newestJmh = null;
        for (Path file : files) {
            if (file.getFileName().toString().equals(GpuSection.FILE)) {
                try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    JsonElement e = JsonParser.parseReader(r);
                    if (!e.isJsonObject() || !e.getAsJsonObject().has("sections")) {
                        throw new IOException(file + ": not the GPU check's figures (no object with \"sections\")");
                    }
                    gpu = Optional.of(new GpuSection(e.getAsJsonObject()));
                }
                continue;
            }
            if (file.getFileName().toString().startsWith("numpy-")) {
                try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    JsonElement e = JsonParser.parseReader(r);
                    if (e.isJsonObject()) {
                        numpy.add(e.getAsJsonObject());
                    }
                }
                continue;
            }
            for (Measurement m : Measurement.read(file)) {
                Measurement old = latest.remove(m.key());
                // A -prof gc run's allocation figure survives a later plain run of the same benchmark.
                if (old != null && Double.isNaN(m.allocBytesPerOp()) && !Double.isNaN(old.allocBytesPerOp())) {
                    m = m.withAllocation(old.allocBytesPerOp());
                }
                latest.put(m.key(), m);
            }
            newestJmh = file;
        }
        Machine machine = Machine.current("(report only)");
        String note = "not recorded with the results; this is the machine the report was rendered on";
        if (newestJmh != null && Files.exists(machineFile(newestJmh))) {
            machine = Machine.load(machineFile(newestJmh));
            note = "recorded by the run that wrote " + newestJmh.getFileName();
        }
        return new Report(new ArrayList<>(latest.values()), machine, note, numpy, gpu);
    }

    // ------------------------------------------------------------------ markdown

    String markdown(String chartLink) {
        StringBuilder md = new StringBuilder();
        md.append("# fastnn benchmarks\n\n");
        md.append("Generated by `dev.fastnn.benchmarks.Report` from JMH's JSON results; do not edit by hand. ")
                .append("Regenerate with `./fastnn bench [SUITE...]` (see benchmarks/README.md).\n\n");
        machine(md);
        goals(md);
        squareGemm(md, chartLink);
        mlpGemm(md);
        activations(md);
        trainStep(md);
        fused(md);
        epochs(md);
        allocation(md);
        gpu.ifPresent(g -> g.render(md));
        return md.toString();
    }

    private void machine(StringBuilder md) {
        md.append("## Machine\n\n");
        md.append("- CPU: ").append(machine.cpu()).append(", ").append(machine.logicalCpus()).append(" logical CPUs")
                .append(machine.cpuFlags().isEmpty() ? "" : " (" + machine.cpuFlags() + ")").append('\n');
        md.append("- JDK: ").append(machine.jdk()).append("; OS: ").append(machine.os()).append('\n');
        md.append("- OpenBLAS core: ").append(machine.openblasCore()).append("; OPENBLAS_CORETYPE: ")
                .append(machine.openblasCoretype()).append(", OPENBLAS_L2_SIZE: ").append(machine.openblasL2Size())
                .append('\n');
        List<String> peaks = new ArrayList<>();
        for (Measurement m : of(FMA_PEAK)) {
            peaks.add(String.format(Locale.ROOT, "%.0f GFLOP/s on %s thread%s (%d-bit vectors)",
                    FmaPeakBenchmark.flops(m.intParam("threads"), m.intParam("bits")) / m.seconds() / 1e9,
                    m.param("threads"), m.param("threads").equals("1") ? "" : "s", m.intParam("bits")));
        }
        md.append("- FMA peak (`FmaPeakBenchmark`, float32): ")
                .append(peaks.isEmpty() ? "not measured" : String.join(", ", peaks)).append('\n');
        md.append("- Run: `").append(machine.command()).append("` at ").append(machine.date()).append(" (")
                .append(machineNote).append(")\n");
        Set<String> jdks = results.stream().map(Measurement::jdk).collect(Collectors.toCollection(TreeSet::new));
        Set<String> runs = results.stream().map(Measurement::runOptions).collect(Collectors.toCollection(TreeSet::new));
        Set<String> sources = results.stream().map(m -> m.source().getFileName().toString())
                .collect(Collectors.toCollection(TreeSet::new));
        md.append("- JMH forks ran on: ").append(String.join("; ", jdks)).append('\n');
        md.append("- JMH settings: ").append(String.join("; ", runs)).append('\n');
        md.append("- Result files: ").append(sources.stream().map(s -> "`" + s + "`").collect(Collectors.joining(", ")))
                .append("\n\n");
        md.append("Scores are JMH averages of the time per operation, with the half-width of JMH's 99.9% confidence ")
                .append("interval where there was more than one iteration. GFLOP/s count `2 m n k` per product.\n\n");
    }

    /** The goals of {@link Goal#RESOURCE}, each with the number it is judged by. */
    private void goals(StringBuilder md) {
        MarkdownTable table = new MarkdownTable(List.of("issue", "goal", "measured", "met"), List.of());
        for (Goal goal : data.goals()) {
            String[] judged = switch (goal.kind()) {
                case RATIO -> ratioGoal(goal);
                case RATE -> rateGoal(goal);
                case PEAK -> peakGoal(goal);
                case ALLOCATION -> allocationGoal(goal);
                case NUMPY, FIRST_EPOCH -> epochGoal(goal);
            };
            table.row(List.of(goal.issue(), goal.text(), judged[0], judged[1]));
        }
        md.append("## Goals\n\n").append(table.render());
    }

    /**
     * One number of a goal for one set of parameters (the fixed ones and one varying value), or empty when a
     * result is missing, with what besides the varying value is missing appended to {@code missing}.
     */
    private interface Judged {
        Optional<Double> value(Map<String, String> params, StringBuilder missing);
    }

    /**
     * The worst of a goal's numbers over its varying values (the lowest where higher is better), formatted,
     * and whether it meets the target; "not measured" naming the first value without a result.
     */
    private String[] worst(Goal goal, boolean higherIsBetter, DoubleFunction<String> format, Judged judged) {
        double worst = higherIsBetter ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
        String worstValue = "";
        List<String> values = goal.varying() == null ? List.of("") : goal.values();
        for (String value : values) {
            StringBuilder missing = new StringBuilder();
            Optional<Double> v = judged.value(params(goal, value), missing);
            if (v.isEmpty()) {
                return new String[] {"not measured" + (goal.varying() == null ? "" : " (" + goal.varying() + " = " + value
                        + missing + ")"), "-"};
            }
            if (higherIsBetter ? v.get() < worst : v.get() > worst) {
                worst = v.get();
                worstValue = value;
            }
        }
        String measured = format.apply(worst);
        if (values.size() > 1) {
            measured = (higherIsBetter ? "lowest " : "highest ") + measured + " (" + goal.varying() + " = " + worstValue + ")";
        }
        return new String[] {measured, (higherIsBetter ? worst >= goal.target() : worst <= goal.target()) ? "yes" : "no"};
    }

    /** The goal's fixed parameters and, when it has one, its varying parameter at {@code value}. */
    private static Map<String, String> params(Goal goal, String value) {
        Map<String, String> params = new LinkedHashMap<>(goal.fixed());
        if (goal.varying() != null) {
            params.put(goal.varying(), value);
        }
        return params;
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.0f%%", share * 100);
    }

    private static String times(double ratio) {
        return String.format(Locale.ROOT, "%.2fx", ratio);
    }

    /** The worst reference-to-subject time ratio over the varying values. */
    private String[] ratioGoal(Goal goal) {
        return worst(goal, true, goal.isShare() ? Report::percent : Report::times, (params, missing) -> {
            Optional<Measurement> subject = find(goal.benchmark(), params);
            Map<String, String> reference = new LinkedHashMap<>(params);
            reference.put("backend", goal.reference());
            return subject.flatMap(s -> find(goal.benchmark(), reference).map(r -> r.seconds() / s.seconds()));
        });
    }

    /** The lowest share of the FMA peak (at the result's thread count) over the varying values. */
    private String[] peakGoal(Goal goal) {
        return worst(goal, true, Report::percent, (params, missing) -> {
            Optional<Measurement> subject = find(goal.benchmark(), params);
            if (subject.isPresent()) {
                missing.append(", FMA peak");
            }
            return subject.flatMap(s -> peakFlops(s.param("threads")).map(peak -> flops(s) / s.seconds() / peak));
        });
    }

    /**
     * The worst over the varying values of later epochs over numpy's ({@link Goal.Kind#NUMPY}) or of the first
     * epoch over the later ones ({@link Goal.Kind#FIRST_EPOCH}); both are met at or below the target.
     */
    private String[] epochGoal(Goal goal) {
        return worst(goal, false, Report::times, (params, missing) -> {
            Optional<double[]> epochs = find(goal.benchmark(), params).flatMap(Report::firstAndLater);
            if (goal.kind() == Goal.Kind.FIRST_EPOCH) {
                return epochs.map(e -> e[0] / e[1]);
            }
            if (epochs.isPresent()) {
                missing.append(", numpy");
            }
            return epochs.flatMap(e -> numpyEpoch(params.get("threads")).map(numpy -> e[1] / numpy));
        });
    }

    /** The most bytes per operation over every result the goal covers; each varying value needs one. */
    private String[] allocationGoal(Goal goal) {
        double most = 0;
        String where = "";
        for (String value : goal.varying() == null ? List.of("") : goal.values()) {
            List<Measurement> covered = findAll(goal.benchmark(), params(goal, value)).stream()
                    .filter(m -> !Double.isNaN(m.allocBytesPerOp())).toList();
            if (covered.isEmpty()) {
                return new String[] {"not measured with -prof gc" + (goal.varying() == null ? ""
                        : " (" + goal.varying() + " = " + value + ")"), "-"};
            }
            for (Measurement m : covered) {
                if (m.allocBytesPerOp() >= most) {
                    most = m.allocBytesPerOp();
                    where = m.params().toString();
                }
            }
        }
        return new String[] {String.format(Locale.ROOT, "most %.1f B/op (%s)", most, where),
            most <= goal.target() ? "yes" : "no"};
    }

    /** Mean of the forks' first iterations and mean of all their later ones, in seconds; empty without both. */
    private static Optional<double[]> firstAndLater(Measurement m) {
        double first = 0;
        double later = 0;
        int laterCount = 0;
        for (double[] fork : m.forks()) {
            first += fork[0];
            for (int i = 1; i < fork.length; i++) {
                later += fork[i];
                laterCount++;
            }
        }
        if (m.forks().isEmpty() || laterCount == 0) {
            return Optional.empty();
        }
        return Optional.of(new double[] {first / m.forks().size(), later / laterCount});
    }

    /** numpy's epoch with this many BLAS threads ({@code numpy_epoch.py}'s JSON), if it was run. */
    private Optional<Double> numpyEpoch(String threads) {
        return numpy.stream().filter(o -> field(o, "blas_threads").equals(threads))
                .map(o -> o.get("epoch_seconds").getAsDouble()).findFirst();
    }

    /** FusedLayerBenchmark: each fused layer operation beside the separate calls it replaces. */
    private void fused(StringBuilder md) {
        List<Measurement> fusedRuns = results.stream().filter(m -> m.benchmark().startsWith(FUSED)).toList();
        if (fusedRuns.isEmpty()) {
            return;
        }
        md.append("## Fused layer operations\n\n");
        md.append("`FusedLayerBenchmark`, the hidden layer of a 784-256-10 step at batch 128: `forward` is ")
                .append("`sigmoid(X W1 + b1)`, `backward` is `(dY W2^T) * s'(H)`, `biasStep` is SGD's `b1 += step ")
                .append("columnSums(dH)`, `lossAndDelta` the output's cross-entropy and `P - Y`; time of one, fused in ")
                .append("one call or as the separate calls (the same bits).\n\n");
        MarkdownTable table = new MarkdownTable(List.of("operation", "backend, threads"),
                List.of("fused", "separate", "separate / fused"));
        for (String op : List.of("forward", "backward", "biasStep", "lossAndDelta")) {
            for (String[] c : backendThreadColumns(of(FUSED + op))) {
                Optional<Measurement> f = find(FUSED + op, Map.of("backend", c[0], "threads", c[1], "fused", "true"));
                Optional<Measurement> u = find(FUSED + op, Map.of("backend", c[0], "threads", c[1], "fused", "false"));
                table.row(List.of(op, c[0] + ", " + c[1] + " t", f.map(m -> micros(m.seconds())).orElse("-"),
                        u.map(m -> micros(m.seconds())).orElse("-"), f.isPresent() && u.isPresent()
                                ? String.format(Locale.ROOT, "%.2fx", u.get().seconds() / f.get().seconds()) : "-"));
            }
        }
        md.append(table.render());
    }

    private void epochs(StringBuilder md) {
        List<Measurement> epochs = of(EPOCH);
        if (epochs.isEmpty()) {
            return;
        }
        md.append("## Fashion-MNIST epochs\n\n");
        md.append("`EpochBenchmark`: one epoch of 60000 images (784-256-10, sigmoid, softmax cross-entropy, SGD, ")
                .append("batch 128), timed one by one from a fresh JVM: the first epoch includes the JIT's warm-up, ")
                .append("unless the backend's `warmUp()` ran before training (`-Dfastnn.warmup=true`; its time is not ")
                .append("in the table). numpy's epoch (`benchmarks/numpy_epoch.py`, its fastest) with as many BLAS ")
                .append("threads.\n\n");
        MarkdownTable table = new MarkdownTable(List.of("backend, threads", "warm-up"),
                List.of("first epoch", "later epochs", "first / later", "numpy", "later / numpy"));
        for (String[] c : backendThreadColumns(epochs)) {
            for (String warm : List.of("false", "true")) {
                Optional<double[]> fl = find(EPOCH, Map.of("backend", c[0], "threads", c[1], "warmup", warm))
                        .flatMap(Report::firstAndLater);
                if (fl.isEmpty()) {
                    continue;
                }
                Optional<Double> np = numpyEpoch(c[1]);
                table.row(List.of(c[0] + ", " + c[1] + " t", warm.equals("true") ? "before training" : "none",
                        String.format(Locale.ROOT, "%.3f s", fl.get()[0]),
                        String.format(Locale.ROOT, "%.3f s", fl.get()[1]),
                        String.format(Locale.ROOT, "%.2fx", fl.get()[0] / fl.get()[1]),
                        np.map(x -> String.format(Locale.ROOT, "%.3f s", x)).orElse("-"),
                        np.map(x -> String.format(Locale.ROOT, "%.2fx", fl.get()[1] / x)).orElse("-")));
            }
        }
        md.append(table.render());
    }

    /** Floating-point operations of one operation of a gemm benchmark, from its shape parameter. */
    private static double flops(Measurement m) {
        return m.benchmark().equals("MlpGemmBenchmark.gemm") ? GemmShape.mlpStep(m.param("shape")).flops()
                : GemmShape.square(m.intParam("n")).flops();
    }

    /** FLOP/s of {@link FmaPeakBenchmark} at this thread count, if it ran. */
    private Optional<Double> peakFlops(String threads) {
        return find(FMA_PEAK, Map.of("threads", threads))
                .map(m -> FmaPeakBenchmark.flops(m.intParam("threads"), m.intParam("bits")) / m.seconds());
    }

    private String[] rateGoal(Goal goal) {
        Optional<Measurement> m = find(goal.benchmark(), goal.fixed());
        if (m.isEmpty()) {
            return new String[] {"not measured", "-"};
        }
        double perSecond = Double.parseDouble(m.get().param(goal.workParam())) / m.get().seconds();
        return new String[] {String.format(Locale.ROOT, "%.2f G/s", perSecond / 1e9), perSecond >= goal.target() ? "yes" : "no"};
    }

    private void squareGemm(StringBuilder md, String chartLink) {
        List<Measurement> gemm = of("GemmBenchmark.gemm");
        if (gemm.isEmpty()) {
            return;
        }
        md.append("## Square gemm (n x n times n x n), GFLOP/s\n\n");
        md.append("![GFLOP/s by n](").append(chartLink).append(")\n\n");
        for (int threads : distinctInts(gemm, "threads")) {
            List<Measurement> t = gemm.stream().filter(m -> m.intParam("threads") == threads).toList();
            List<String> backends = backends(t);
            List<String[]> ratios = new ArrayList<>();
            data.ratioColumns().forEach((subject, references) -> {
                for (String reference : references) {
                    if (backends.contains(subject) && backends.contains(reference)) {
                        ratios.add(new String[] {subject, reference});
                    }
                }
            });
            List<String> header = new ArrayList<>(List.of("n"));
            header.addAll(backends);
            ratios.forEach(r -> header.add(r[0] + " / " + r[1]));
            MarkdownTable table = new MarkdownTable(List.of(), header);
            for (int n : distinctInts(t, "n")) {
                List<String> row = new ArrayList<>(List.of(Integer.toString(n)));
                double flops = GemmShape.square(n).flops();
                for (String b : backends) {
                    row.add(gemm(b, n, threads).map(m -> rate(flops, m, 1e9)).orElse("-"));
                }
                for (String[] r : ratios) {
                    Optional<Measurement> subject = gemm(r[0], n, threads);
                    Optional<Measurement> reference = gemm(r[1], n, threads);
                    row.add(subject.isPresent() && reference.isPresent()
                            ? String.format(Locale.ROOT, "%.2fx", reference.get().seconds() / subject.get().seconds()) : "-");
                }
                table.row(row);
            }
            md.append("### ").append(threads).append(threads == 1 ? " thread\n\n" : " threads\n\n").append(table.render());
        }
        md.append("naive stops at n = 512 and runs one thread, as do netlib and aparapi ")
                .append("(see benchmarks/README.md).\n\n");
    }

    private void mlpGemm(StringBuilder md) {
        List<Measurement> mlp = of("MlpGemmBenchmark.gemm");
        if (mlp.isEmpty()) {
            return;
        }
        md.append("## The gemm products of a 784-256-10 training step at batch 128\n\n");
        md.append("GFLOP/s, with the time of one product in microseconds. The last row adds up the five products: ")
                .append("the gemm time of one training step.\n\n");
        List<String[]> columns = backendThreadColumns(mlp);
        MarkdownTable table = new MarkdownTable(List.of("product", "shapes"), columnNames(columns));
        double[] totals = new double[columns.size()];
        for (GemmShape shape : GemmShape.MLP_STEP) {
            List<String> row = new ArrayList<>(List.of("`" + shape.name() + "`", shape.describe()));
            for (int c = 0; c < columns.size(); c++) {
                Optional<Measurement> m = find("MlpGemmBenchmark.gemm",
                        Map.of("backend", columns.get(c)[0], "threads", columns.get(c)[1], "shape", shape.name()));
                row.add(m.map(x -> rate(shape.flops(), x, 1e9) + " (" + micros(x.seconds()) + ")").orElse("-"));
                totals[c] += m.map(Measurement::seconds).orElse(Double.NaN);
            }
            table.row(row);
        }
        List<String> total = new ArrayList<>(List.of("step", "all five"));
        for (double t : totals) {
            total.add(Double.isNaN(t) ? "-" : micros(t));
        }
        md.append(table.row(total).render());
    }

    private void activations(StringBuilder md) {
        List<Measurement> act = results.stream().filter(m -> m.benchmark().startsWith(ACTIVATIONS)).toList();
        if (act.isEmpty()) {
            return;
        }
        md.append("## Activations and their gradients, G elements/s\n\n");
        md.append("`activation` is `y = f(x)`, `gradient` is `grad * f'(y)` from the output (backprop's step; ")
                .append("for the sigmoid the article's `y (1 - y)` times the incoming gradient).\n\n");
        List<String[]> columns = backendThreadColumns(act);
        boolean ratio = columns.stream().anyMatch(c -> c[0].equals(Backends.VECTOR) && c[1].equals("1"))
                && columns.stream().anyMatch(c -> c[0].equals(Backends.NAIVE));
        List<String> right = new ArrayList<>(List.of("elements"));
        right.addAll(columnNames(columns));
        if (ratio) {
            right.add("vector / naive");
        }
        MarkdownTable table = new MarkdownTable(List.of("function", "operation"), right);
        List<String> functions = act.stream().map(m -> m.param("function")).distinct().toList();
        for (String function : functions) {
            for (String op : List.of("activation", "gradient")) {
                String bench = ACTIVATIONS + op;
                List<Measurement> ofOp = of(bench).stream().filter(m -> function.equals(m.param("function"))).toList();
                for (int size : distinctInts(ofOp, "size")) {
                    String sz = Integer.toString(size);
                    List<String> row = new ArrayList<>(List.of(function, op, sz));
                    for (String[] c : columns) {
                        row.add(find(bench, Map.of("backend", c[0], "threads", c[1], "size", sz, "function", function))
                                .map(m -> rate(size, m, 1e9)).orElse("-"));
                    }
                    if (ratio) {
                        Optional<Measurement> v = find(bench, Map.of("backend", Backends.VECTOR, "threads", "1",
                                "size", sz, "function", function));
                        Optional<Measurement> n = find(bench, Map.of("backend", Backends.NAIVE, "threads", "1",
                                "size", sz, "function", function));
                        row.add(v.isPresent() && n.isPresent()
                                ? String.format(Locale.ROOT, "%.1fx", n.get().seconds() / v.get().seconds()) : "-");
                    }
                    table.row(row);
                }
            }
        }
        md.append(table.render());
    }

    private void trainStep(StringBuilder md) {
        List<Measurement> train = results.stream().filter(m -> m.benchmark().equals("TrainStepBenchmark.article")
                || m.benchmark().equals("TrainStepBenchmark.mlp")).toList();
        if (train.isEmpty() && numpy.isEmpty()) {
            return;
        }
        md.append("## Training steps\n\n");
        if (!train.isEmpty()) {
            List<String[]> columns = backendThreadColumns(train);
            md.append("Time of one step of fastnn's Trainer (batch in, forward, backward, update, loss out). ")
                    .append("The Fashion-MNIST epoch is estimated as 60000 / 128 MLP steps.\n\n");
            MarkdownTable table = new MarkdownTable(List.of("network"), columnNames(columns));
            trainRow(table, columns, "article 3-4-1, 4 rows", "TrainStepBenchmark.article", Report::duration);
            trainRow(table, columns, "MLP 784-256-10, batch 128", "TrainStepBenchmark.mlp", Report::duration);
            trainRow(table, columns, "MLP epoch estimate", "TrainStepBenchmark.mlp",
                    s -> String.format(Locale.ROOT, "%.3f s", s * FASHION_MNIST_TRAIN / MLP_BATCH));
            md.append(table.render());
        }
        if (!numpy.isEmpty()) {
            md.append("numpy float32 reference (`benchmarks/numpy_epoch.py`), one Fashion-MNIST epoch of the same ")
                    .append("784-256-10 MLP:\n\n");
            for (JsonObject run : numpy) {
                md.append("- ").append(field(run, "epoch_seconds")).append(" s on ").append(field(run, "blas_threads"))
                        .append(" BLAS thread(s) (").append(field(run, "blas")).append(", numpy ")
                        .append(field(run, "numpy")).append(")\n");
            }
            md.append('\n');
        }
    }

    private void trainRow(MarkdownTable table, List<String[]> columns, String label, String benchmark,
                          Function<Double, String> format) {
        if (of(benchmark).isEmpty()) {
            return;
        }
        List<String> row = new ArrayList<>(List.of(label));
        for (String[] c : columns) {
            row.add(find(benchmark, Map.of("backend", c[0], "threads", c[1])).map(m -> format.apply(m.seconds())).orElse("-"));
        }
        table.row(row);
    }

    private void allocation(StringBuilder md) {
        List<Measurement> measured = results.stream().filter(m -> !Double.isNaN(m.allocBytesPerOp())).toList();
        if (measured.isEmpty()) {
            return;
        }
        MarkdownTable table = new MarkdownTable(List.of("benchmark", "parameters"), List.of("bytes/op"));
        for (Measurement m : measured) {
            table.row(List.of(m.benchmark(), m.params().toString(), String.format(Locale.ROOT, "%.1f", m.allocBytesPerOp())));
        }
        md.append("## Allocation per operation (-prof gc)\n\n").append(table.render());
    }

    /** Column headers for (backend, threads) pairs: {@code vector, 2 t}. */
    private static List<String> columnNames(List<String[]> columns) {
        return columns.stream().map(c -> c[0] + ", " + c[1] + " t").toList();
    }

    // ------------------------------------------------------------------ lookups and formats

    private List<Measurement> of(String benchmark) {
        return results.stream().filter(m -> m.benchmark().equals(benchmark)).toList();
    }

    private Optional<Measurement> gemm(String backend, int n, int threads) {
        return find("GemmBenchmark.gemm", Map.of("backend", backend, "n", "" + n, "threads", "" + threads));
    }

    private Optional<Measurement> find(String benchmark, Map<String, String> params) {
        return findAll(benchmark, params).stream().findFirst();
    }

    private List<Measurement> findAll(String benchmark, Map<String, String> params) {
        return results.stream().filter(m -> m.benchmark().equals(benchmark))
                .filter(m -> params.entrySet().stream().allMatch(e -> e.getValue().equals(m.param(e.getKey()))))
                .toList();
    }

    private static List<String> backends(List<Measurement> ms) {
        Set<String> present = ms.stream().map(m -> m.param("backend")).collect(Collectors.toSet());
        List<String> order = BenchmarkBackends.gemmContenders();
        List<String> ordered = new ArrayList<>(order.stream().filter(present::contains).toList());
        present.stream().filter(b -> !order.contains(b)).sorted().forEach(ordered::add);
        return ordered;
    }

    /** (backend, threads) pairs present, backends in the usual order, fewer threads first. */
    private static List<String[]> backendThreadColumns(List<Measurement> ms) {
        List<String[]> columns = new ArrayList<>();
        for (String b : backends(ms)) {
            for (int t : distinctInts(ms.stream().filter(m -> m.param("backend").equals(b)).toList(), "threads")) {
                columns.add(new String[] {b, Integer.toString(t)});
            }
        }
        return columns;
    }

    private static List<Integer> distinctInts(List<Measurement> ms, String param) {
        return ms.stream().map(m -> m.intParam(param)).distinct().sorted().toList();
    }

    /** {@code work / time / unit} with its confidence half-width, e.g. {@code 97.3 ±1.2}. */
    static String rate(double work, Measurement m, double unit) {
        double value = work / m.seconds() / unit;
        if (Double.isNaN(m.error()) || m.error() <= 0) {
            return String.format(Locale.ROOT, "%.2f", value);
        }
        // The interval of a rate is not symmetric; half the spread of its two ends is close enough here.
        double high = work / Math.max(m.seconds() - m.error(), Double.MIN_NORMAL) / unit;
        double low = work / (m.seconds() + m.error()) / unit;
        return String.format(Locale.ROOT, "%.2f ±%.2f", value, (high - low) / 2);
    }

    private static String micros(double seconds) {
        return String.format(Locale.ROOT, "%.1f µs", seconds * 1e6);
    }

    /** E.g. {@code 2.9 µs}, {@code 1.84 ms}: a unit that suits the article's step and the MLP's alike. */
    private static String duration(double seconds) {
        if (seconds < 1e-3) {
            return micros(seconds);
        }
        return String.format(Locale.ROOT, seconds < 1 ? "%.2f ms" : "%.0f ms", seconds * 1e3);
    }

    private static String field(JsonObject o, String name) {
        return o.has(name) ? o.get(name).getAsString() : "?";
    }

}
