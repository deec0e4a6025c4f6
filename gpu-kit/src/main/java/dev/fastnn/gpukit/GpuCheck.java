package dev.fastnn.gpukit;

import com.aparapi.device.Device;
import com.aparapi.device.OpenCLDevice;
import dev.fastnn.kernels.Backend;
import dev.fastnn.kernels.BackendProvider;
import dev.fastnn.kernels.Backends;
import dev.fastnn.kernels.opencl.OpenClBackend;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The GPU check: proves the {@code aparapi} backend on the machine it runs on against the {@code vector}
 * backend on the same machine's CPU cores, in one go, with nothing but a Java runtime and an OpenCL driver.
 * {@code gpu-kit/run.sh} runs it from the kit; see {@code gpu-kit/README.md}.
 *
 * <p>Sections, in order: the OpenCL platforms and devices (or why there is none); gemm in every transpose
 * case and every other operation against the vector backend with the tolerances of the kernel tests; gemm
 * GFLOP/s; a 784-256-10 training run at batches 128 and 4096 (agreement, transfers per step, epoch time);
 * Aparapi's record of where every kernel ran; the GPU goals next to the figures. The report and its JSON
 * copy are rewritten after every section, and a watchdog stops the run at the deadline, so a cut-off run
 * still leaves everything done so far.
 *
 * <p>Exit status: 0 every check passed, 1 a check failed (or there is no device), 2 bad arguments,
 * 3 stopped at the deadline.
 */
public final class GpuCheck {
    static final int PASSED = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;
    static final int STOPPED = 3;
    /** Goals the issue sets for an H100/H200-class GPU, so the figures can be judged. */
    static final double GEMM_GOAL_GFLOPS = 15_000;
    static final int GEMM_GOAL_N = 4096;
    static final double EPOCH_GOAL_SPEEDUP = 10;
    static final int EPOCH_GOAL_BATCH = 4096;
    private static final String GEMM_CORRECTNESS = "gemm correctness";
    private static final String ELEMENTWISE_CORRECTNESS = "elementwise correctness";
    private static final String GEMM_SPEED = "gemm speed";
    private static final String TRAINING = "training at batch ";
    private static final String DEVICE_USAGE = "device usage";

    private static final String HELP = String.join("\n",
            "usage: gpu-check [--sizes auto|quick|full] [--deadline-seconds S] [--report FILE] [--json FILE]",
            "                 [--environment FILE] [--opencl-loader FILE]",
            "  --sizes             full: gemm n = 1024..4096, epochs over 60000 samples; quick: small enough for PoCL;",
            "                      auto (default): full when the OpenCL device is a GPU, else quick",
            "  --deadline-seconds  stop by then, writing what was done (default 510)",
            "  --report, --json    where the text report and its JSON copy go (default gpu-check-report.txt, gpu-check.json)",
            "  --environment       lines to put first in the report (run.sh's findings)",
            "  --opencl-loader     the libOpenCL.so.1 this process must have loaded (the kit's)");

    /** The parsed command line. */
    record Options(String sizes, double deadlineSeconds, Path report, Path json, Path environment, Path openClLoader) {

        static Options parse(String... args) {
            String sizes = "auto";
            double deadline = 510;
            Path report = Path.of("gpu-check-report.txt");
            Path json = Path.of("gpu-check.json");
            Path environment = null;
            Path loader = null;
            for (int i = 0; i < args.length; i++) {
                String option = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(option.startsWith("--") ? option + " needs a value" : "unexpected argument '" + option + "'");
                }
                String value = args[++i];
                switch (option) {
                    case "--sizes" -> {
                        if (!value.equalsIgnoreCase("auto")) {
                            Sizes.named(value);
                        }
                        sizes = value.toLowerCase(Locale.ROOT);
                    }
                    case "--deadline-seconds" -> {
                        try {
                            deadline = Double.parseDouble(value);
                        } catch (NumberFormatException e) {
                            deadline = Double.NaN;
                        }
                        if (!(deadline > 0)) {
                            throw new IllegalArgumentException("--deadline-seconds must be a positive number, got '" + value + "'");
                        }
                    }
                    case "--report" -> report = Path.of(value);
                    case "--json" -> json = Path.of(value);
                    case "--environment" -> environment = Path.of(value);
                    case "--opencl-loader" -> loader = Path.of(value);
                    default -> throw new IllegalArgumentException("unknown option '" + option + "'");
                }
            }
            return new Options(sizes, deadline, report, json, environment, loader);
        }
    }

    private final Options options;
    private final Report report;
    private final Deadline deadline;
    private Backend device;
    /** The OpenCL device of {@link #device}: where every kernel must run. */
    private OpenCLDevice openCl;
    private Backend reference;
    private Sizes sizes;

    private GpuCheck(Options options, Report report, Deadline deadline) {
        this.options = options;
        this.report = report;
        this.deadline = deadline;
    }

    public static void main(String[] args) {
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.println(HELP);
            return;
        }
        Options options;
        List<String> environment;
        try {
            options = Options.parse(args);
            environment = options.environment() == null ? List.of() : readEnvironment(options.environment());
        } catch (IllegalArgumentException e) {
            System.err.println("gpu-check: " + e.getMessage());
            System.err.println(HELP);
            System.exit(USAGE);
            return;
        }
        Report report = new Report(options.report(), options.json(), environment);
        Deadline deadline = new Deadline(options.deadlineSeconds());
        startWatchdog(report, deadline);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (!report.isOver()) {
                report.stop("the JVM was told to stop (a signal, or run.sh's timeout) during '" + report.current() + "'");
                printSummary(report);
            }
        }, "gpu-check shutdown"));
        new GpuCheck(options, report, deadline).run();
        report.complete();
        printSummary(report);
        System.out.println("report: " + options.report().toAbsolutePath() + ", figures: " + options.json().toAbsolutePath());
        System.exit(report.passed() ? PASSED : FAILED);
    }

    private static List<String> readEnvironment(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read --environment " + file + ": " + e.getMessage());
        }
    }

    /** At the deadline: mark the running section, write the report, say so, and stop at once. */
    private static void startWatchdog(Report report, Deadline deadline) {
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(deadline.remainingMillis());
            } catch (InterruptedException e) {
                return;
            }
            report.stop("the deadline was reached during '" + report.current() + "'");
            printSummary(report);
            System.out.flush();
            Runtime.getRuntime().halt(STOPPED);
        }, "gpu-check watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    private static void printSummary(Report report) {
        System.out.println();
        System.out.println("== fastnn GPU check: summary ==");
        report.summary().forEach(System.out::println);
    }

    private void run() {
        report.header("goals", "gemm >= " + (int) GEMM_GOAL_GFLOPS + " GFLOP/s at n = " + GEMM_GOAL_N + " on an H100/H200-class GPU; "
                + "a batch-" + EPOCH_GOAL_BATCH + " epoch >= " + (int) EPOCH_GOAL_SPEEDUP + "x the vector backend's on the same machine");
        if (!section("devices", this::devices)) {
            String reason = "no usable OpenCL device (see 'devices')";
            report.skipped(GEMM_CORRECTNESS, reason);
            report.skipped(ELEMENTWISE_CORRECTNESS, reason);
            report.skipped(GEMM_SPEED, reason);
            for (int batch : Sizes.BATCH_SIZES) {
                report.skipped(TRAINING + batch, reason);
            }
            report.skipped(DEVICE_USAGE, reason);
            return;
        }
        report.header("sizes", sizes.name());
        report.header("device", device.description());
        report.header("reference", reference.description());
        section(GEMM_CORRECTNESS, s -> {
            new GemmCheck(device, reference, this::offDevice).correctness(s, sizes);
            return "every transpose case on " + sizes.gemmShapes().length + " shapes";
        });
        section(ELEMENTWISE_CORRECTNESS, s -> {
            ElementwiseCheck check = new ElementwiseCheck(device, reference, this::offDevice);
            check.run(s, sizes);
            return "every other Backend operation on " + sizes.elementwiseShapes().length + " shapes";
        });
        section(GEMM_SPEED, s -> {
            new GemmCheck(device, reference, this::offDevice).speed(s, sizes, deadline);
            return gemmSummary(s);
        });
        TrainingCheck.Data data = TrainingCheck.generate(sizes.trainingRows(), 11);
        for (int batch : Sizes.BATCH_SIZES) {
            section(TRAINING + batch, s -> {
                new TrainingCheck(device, reference, this::offDevice).run(s, data, batch, sizes, deadline);
                return trainingSummary(s);
            });
        }
        section(DEVICE_USAGE, s -> {
            for (DeviceUsage.KernelDevices k : DeviceUsage.kernels(openCl)) {
                s.line("kernel " + k.kernel() + " ran on: " + String.join(", ", k.devices()));
                s.figure(k.kernel(), k.devices());
            }
            s.line("every launch was also checked by the backend itself (Aparapi's isRunningCL and target device), "
                    + "which throws on any other device; Aparapi's own record:");
            DeviceUsage.aparapiReport().lines().forEach(l -> s.line("  " + l));
            s.line("native libraries mapped: " + String.join(", ", DeviceUsage.mappedLibraries()));
            String offDevice = offDevice();
            if (offDevice != null) {
                s.fail(offDevice);
                return offDevice;
            }
            return "every kernel ran on " + deviceName();
        });
        goals();
    }

    /** The body of a section; returns its one-line summary. */
    private interface Body {
        String run(Report.Section section) throws Exception;
    }

    /** Runs one section; an exception fails it with its message, and its trace goes to the report for the developers. */
    private boolean section(String name, Body body) {
        Report.Section s = report.section(name);
        System.out.println("gpu-check: " + name + " ...");
        String summary;
        try {
            summary = body.run(s);
        } catch (Exception | LinkageError | OutOfMemoryError e) {
            summary = "error: " + messages(e);
            s.fail(summary);
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            s.line("diagnostics for the developers (the OpenCL driver's own messages, such as a build log, are in "
                    + "the check's output, gpu-check.log under run.sh):");
            trace.toString().lines().limit(40).forEach(l -> s.line("  " + l));
        }
        s.finish(Report.Status.PASS, summary);
        System.out.println("gpu-check: " + name + ": " + (s.failed() ? "FAIL" : "PASS") + ": " + summary);
        return !s.failed();
    }

    /** The message of {@code e} and of each cause, so the reason Aparapi or the driver gave is not lost. */
    static String messages(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            sb.append(sb.length() == 0 ? "" : "; caused by ").append(t.getClass().getSimpleName());
            if (t.getMessage() != null) {
                sb.append(": ").append(t.getMessage());
            }
        }
        return sb.toString();
    }

    private String devices(Report.Section s) throws IOException {
        Runtime rt = Runtime.getRuntime();
        s.line("Java " + System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vm.name") + "), "
                + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", " + rt.availableProcessors()
                + " processors, max heap " + (rt.maxMemory() >> 20) + " MiB");
        BackendProvider aparapi = Backends.provider(Backends.APARAPI);
        BackendProvider vector = Backends.provider(Backends.VECTOR);
        for (BackendProvider p : Backends.providers()) {
            String reason = p.unavailableReason();
            s.line("backend " + p.name() + ": " + (reason == null ? "available" : "NOT available: " + reason));
            p.details().forEach(d -> s.line("  " + d));
        }
        s.line("OpenCL libraries mapped after the probe: " + String.join(", ", DeviceUsage.mappedLibraries()));
        String openClReason = aparapi.unavailableReason();
        if (openClReason != null) {
            s.fail("no OpenCL device: " + openClReason);
            return "no OpenCL device: " + openClReason;
        }
        String vectorReason = vector.unavailableReason();
        if (vectorReason != null) {
            s.fail("the vector backend, the CPU reference, is not available: " + vectorReason);
            return "no vector backend";
        }
        checkLoader(s);
        device = Backends.get(Backends.APARAPI);
        reference = Backends.get(Backends.VECTOR);
        openCl = ((OpenClBackend) device).device();
        boolean gpu = openCl.getType() == Device.TYPE.GPU;
        sizes = options.sizes().equals("auto") ? (gpu ? Sizes.full() : Sizes.quick()) : Sizes.named(options.sizes());
        s.line("device under test: " + device.description());
        s.line("reference: " + reference.description());
        s.line("sizes: " + sizes.name() + (options.sizes().equals("auto")
                ? " (chosen because the device is " + (gpu ? "a GPU" : "not a GPU") + ")" : " (asked for)"));
        s.figure("device", device.description());
        s.figure("gpu", gpu);
        s.figure("reference", reference.description());
        s.figure("sizes", sizes.name());
        s.figure("libraries", DeviceUsage.mappedLibraries());
        return deviceName() + (gpu ? " (GPU)" : " (not a GPU)") + ", sizes " + sizes.name();
    }

    /** The kit ships its own ICD loader; a run from the kit must have loaded that one and no other. */
    private void checkLoader(Report.Section s) throws IOException {
        if (options.openClLoader() == null) {
            return;
        }
        Path mapped = DeviceUsage.mappedLoader();
        Path wanted = options.openClLoader().toRealPath();
        if (mapped == null || !mapped.toRealPath().equals(wanted)) {
            s.fail("the OpenCL loader in use is " + mapped + ", not the kit's " + wanted);
        } else {
            s.line("OpenCL loader: the kit's, " + wanted);
        }
    }

    private String offDevice() {
        return DeviceUsage.offDevice(openCl);
    }

    private String deviceName() {
        return openCl.getName().trim();
    }

    @SuppressWarnings("unchecked")
    private static String gemmSummary(Report.Section s) {
        Object sizes = s.figures().get("sizes");
        if (!(sizes instanceof List<?> rows) || rows.isEmpty()) {
            return "nothing timed";
        }
        StringBuilder sb = new StringBuilder();
        for (Object o : rows) {
            Map<String, Object> row = (Map<String, Object>) o;
            sb.append(sb.length() == 0 ? "" : "; ").append(String.format("n=%d device %.4g GFLOP/s, vector %.4g",
                    row.get("n"), row.get("deviceGflops"), row.get("vectorGflops")));
        }
        return sb.toString();
    }

    @SuppressWarnings("unchecked")
    private static String trainingSummary(Report.Section s) {
        Map<String, Object> device = (Map<String, Object>) s.figures().get("deviceEpoch");
        Map<String, Object> vector = (Map<String, Object>) s.figures().get("vectorEpoch");
        return String.format("epoch device %.3f s, vector %.3f s (device %.2fx); agreement and transfers %s",
                device.get("medianSeconds"), vector.get("medianSeconds"), s.figures().get("deviceOverVector"),
                s.failed() ? "FAILED" : "ok");
    }

    /** The figures next to the goals; informative, not a pass or fail: the goals are for H100/H200-class GPUs. */
    @SuppressWarnings("unchecked")
    private void goals() {
        Report.Section s = report.section("goals");
        String gemm = "not measured";
        Object rows = report.figureOf(GEMM_SPEED, "sizes");
        if (rows instanceof List<?> list) {
            for (Object o : list) {
                Map<String, Object> row = (Map<String, Object>) o;
                if (((Integer) row.get("n")) == GEMM_GOAL_N) {
                    double g = (Double) row.get("deviceGflops");
                    gemm = String.format("%.0f GFLOP/s: %s", g, g >= GEMM_GOAL_GFLOPS ? "met" : "NOT met");
                }
            }
        }
        String epoch = "not measured";
        Object speedup = report.figureOf(TRAINING + EPOCH_GOAL_BATCH, "deviceOverVector");
        if (speedup instanceof Double x) {
            epoch = String.format("%.2fx: %s", x, x >= EPOCH_GOAL_SPEEDUP ? "met" : "NOT met");
        }
        s.line("gemm at n = " + GEMM_GOAL_N + ", goal >= " + (int) GEMM_GOAL_GFLOPS + " GFLOP/s on an H100/H200-class GPU: " + gemm);
        s.line("batch-" + EPOCH_GOAL_BATCH + " epoch, goal >= " + (int) EPOCH_GOAL_SPEEDUP + "x the vector backend: " + epoch);
        s.line("the goals judge the figures; they do not fail the check (only a GPU of that class is held to them)");
        s.figure("gemm", gemm);
        s.figure("epoch", epoch);
        s.finish(Report.Status.INFO, "gemm " + gemm + "; batch-" + EPOCH_GOAL_BATCH + " epoch " + epoch);
    }
}
