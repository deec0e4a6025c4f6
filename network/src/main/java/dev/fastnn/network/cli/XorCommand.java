package dev.fastnn.network.cli;

import dev.fastnn.kernels.Backend;
import dev.fastnn.network.article.XorExample;
import dev.fastnn.network.plot.Charts;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code fastnn xor}: the article's example, as a table, as JSON, and as a loss curve. */
final class XorCommand implements Main.Command {
    private final Backend backend;
    private final int iterations;
    private final long seed;
    private final boolean json;
    private final Path plot;

    private XorCommand(Backend backend, int iterations, long seed, boolean json, Path plot) {
        this.backend = backend;
        this.iterations = iterations;
        this.seed = seed;
        this.json = json;
        this.plot = plot;
    }

    static XorCommand parse(String[] args) throws UsageException {
        Arguments a = Arguments.parse("xor", args, 1, Set.of("backend", "threads", "iterations", "seed", "plot"),
                Set.of("json"));
        int iterations = a.integer("iterations", XorExample.ITERATIONS, 1);
        long seed = a.longInteger("seed", 0);
        return new XorCommand(a.backend(), iterations, seed, a.flag("json"), a.path("plot"));
    }

    @Override
    public int run(PrintStream out, PrintStream err) throws IOException {
        XorExample.Result r = XorExample.run(backend, iterations, seed);
        if (json) {
            out.println(Json.write(toJson(r)));
        } else {
            printTable(r, out);
        }
        if (plot != null) {
            Charts.lossCurve("fastnn xor: the article's 3-4-1 network, seed " + seed + ", " + r.backend(),
                    r.lossHistory(), plot);
            (json ? err : out).println("loss curve written to " + plot);
        }
        return 0;
    }

    private static Map<String, Object> toJson(XorExample.Result r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("backend", r.backend());
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

    private static void printTable(XorExample.Result r, PrintStream out) {
        out.println("backend: " + r.backend());
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
