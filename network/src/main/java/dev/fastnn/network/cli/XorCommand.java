package dev.fastnn.network.cli;

import dev.fastnn.kernels.Backend;
import dev.fastnn.network.article.XorExample;
import dev.fastnn.network.plot.Charts;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fastnn xor}: the article's example, as a table, as JSON, and as a loss curve. */
@Command(name = "xor", sortOptions = false, abbreviateSynopsis = true,
        description = "Train the article's network (3-4-1 sigmoid, no biases, sum of squared errors, learning rate 1, "
                + "full batch) on its XOR table and print the predictions.")
final class XorCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--iterations", paramLabel = "N", defaultValue = "" + XorExample.ITERATIONS,
            converter = OptionConverters.PositiveInt.class, description = "Training steps (default: ${DEFAULT-VALUE}).")
    private int iterations;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0",
            description = "Seed of the initial weights (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--json", description = "Print one JSON object (backend, loss, predictions, loss history, ...) "
            + "instead of the table.")
    private boolean json;

    @Option(names = "--plot", paramLabel = "FILE.png", description = "Also draw the loss curve as a PNG.")
    private Path plot;

    @Mixin
    private BackendOptions backendOptions;

    @Override
    public Integer call() throws IOException, UsageException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        // With --json the standard output is the JSON alone.
        CommandFiles files = new CommandFiles(json ? err : out, err).output("--plot", plot);
        files.check();
        XorExample.Result r;
        try (Backend backend = backendOptions.backend()) {
            r = XorExample.run(backend, iterations, seed);
        }
        if (json) {
            out.println(Json.write(toJson(r)));
        } else {
            printTable(r, out);
        }
        files.write(plot, "loss curve", () -> Charts.lossCurve("fastnn xor: the article's 3-4-1 network, seed " + seed
                + ", backend " + r.backend(), r.lossHistory(), plot));
        return files.status();
    }

    private static Map<String, Object> toJson(XorExample.Result r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("backend", r.backend());
        m.put("backendDescription", r.backendDescription());
        m.put("iterations", r.iterations());
        m.put("seed", r.seed());
        m.put("loss", r.loss());
        m.put("inputs", rows());
        m.put("targets", XorExample.TARGETS);
        m.put("predictions", r.predictions());
        m.put("lossHistory", r.lossHistory());
        return m;
    }

    private static List<float[]> rows() {
        List<float[]> rows = new ArrayList<>();
        for (int i = 0; i < XorExample.ROWS; i++) {
            float[] row = new float[3];
            System.arraycopy(XorExample.INPUTS, i * 3, row, 0, 3);
            rows.add(row);
        }
        return rows;
    }

    private static void printTable(XorExample.Result r, PrintWriter out) {
        out.println("backend: " + r.backendDescription());
        out.println("network: 3-4-1 sigmoid, no biases, weights uniform [0, 1) from seed " + r.seed()
                + ", sum of squared errors, learning rate 1, " + r.iterations() + " iterations");
        out.println();
        out.println("input     target  prediction");
        for (int i = 0; i < XorExample.ROWS; i++) {
            out.printf("%.0f %.0f %.0f     %.0f       %.6f%n", XorExample.INPUTS[i * 3], XorExample.INPUTS[i * 3 + 1],
                    XorExample.INPUTS[i * 3 + 2], XorExample.TARGETS[i], r.predictions()[i]);
        }
        out.println();
        out.printf("final loss (sum of squared errors): %.6g%n", r.loss());
    }
}
