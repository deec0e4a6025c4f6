package dev.fastnn.benchmarks;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * BENCHMARKS.md's GPU section, from the figures of the GPU check (gpu-kit/README.md) copied into the
 * results folder as {@value #FILE}: the device, its driver and the kit, the gemm and epoch tables next to
 * the vector backend on that machine's own CPU, where a training step's time goes, and the goals' verdict.
 */
final class GpuSection {
    /** The name the GPU check's JSON figures are kept under in the results folder. */
    static final String FILE = "gpu-check.json";
    private static final String DRIVER = "NVIDIA kernel driver: ";
    private static final String SMI = "nvidia-smi: ";
    private static final String KIT = "kit: ";
    private static final String MACHINE = "machine: ";

    private final JsonObject check;

    GpuSection(JsonObject check) {
        this.check = check;
    }

    void render(StringBuilder md) {
        md.append("## GPU (the GPU check, gpu-kit)\n\n");
        md.append("From `").append(FILE).append("`, the figures of one run of `gpu-kit/target/kit/run.sh` on a GPU machine ")
                .append("(gpu-kit/README.md), started ").append(text(check, "started")).append(". The vector columns are ")
                .append("that machine's CPU, not the one above.\n\n");
        md.append("- Device: ").append(text(check, "device")).append('\n');
        environment(DRIVER).stream().findFirst()
                .ifPresent(d -> md.append("- Driver: ").append(d.replaceAll("\\s+", " ").strip()).append('\n'));
        List<String> smi = environment(SMI);
        if (smi.size() == 2) {
            md.append("- nvidia-smi (").append(smi.get(0)).append("): ").append(smi.get(1)).append('\n');
        }
        environment(MACHINE).stream().findFirst().ifPresent(m -> md.append("- Machine: ").append(m).append('\n'));
        environment(KIT).stream().findFirst().ifPresent(k -> md.append("- Kit: ").append(k).append('\n'));
        md.append("- Reference: ").append(text(check, "reference")).append('\n');
        md.append("- Verdict: ").append(text(check, "verdict")).append("\n\n");
        gemm(md);
        training(md);
        goals(md);
    }

    private void gemm(StringBuilder md) {
        Optional<JsonObject> speed = figures("gemm speed");
        if (speed.isEmpty() || !speed.get().has("sizes")) {
            return;
        }
        md.append("gemm `C = A B`, n x n, the median repetition:\n\n");
        MarkdownTable table = new MarkdownTable(List.of("n"), List.of("device GFLOP/s", "vector GFLOP/s", "device / vector"));
        for (JsonElement e : speed.get().getAsJsonArray("sizes")) {
            JsonObject row = e.getAsJsonObject();
            table.row(List.of(String.valueOf(row.get("n").getAsInt()), number("%.0f", row, "deviceGflops"),
                    number("%.1f", row, "vectorGflops"), number("%.1fx", row, "deviceOverVector")));
        }
        md.append(table.render());
    }

    private void training(StringBuilder md) {
        MarkdownTable epochs = new MarkdownTable(List.of("batch"), List.of("samples", "epochs timed", "device epoch",
                "vector epoch", "device / vector", "loss, of its allowance", "parameters, relative"));
        StringBuilder anatomy = new StringBuilder();
        for (JsonElement e : check.getAsJsonArray("sections")) {
            JsonObject section = e.getAsJsonObject();
            if (!text(section, "name").startsWith("training at batch ")) {
                continue;
            }
            JsonObject f = section.getAsJsonObject("figures");
            if (!f.has("deviceEpoch")) {
                continue;
            }
            JsonObject agreement = f.has("timedAgreement") ? f.getAsJsonObject("timedAgreement") : new JsonObject();
            epochs.row(List.of(String.valueOf(f.get("batch").getAsInt()), number("%.0f", f, "samples"),
                    number("%.0f", f.getAsJsonObject("deviceEpoch"), "repetitions"),
                    number("%.3f s", f.getAsJsonObject("deviceEpoch"), "medianSeconds"),
                    number("%.3f s", f.getAsJsonObject("vectorEpoch"), "medianSeconds"),
                    number("%.2fx", f, "deviceOverVector"),
                    number("%.3f", agreement, "lossOfAllowance"), number("%.2e", agreement, "parametersRelative")));
            if (f.has("stepAnatomy")) {
                anatomy.append("Where a step's time goes at batch ").append(f.get("batch").getAsInt())
                        .append(", each piece timed alone:\n\n");
                MarkdownTable pieces = new MarkdownTable(List.of("piece"), List.of("device", "vector"));
                int steps = (f.get("samples").getAsInt() + f.get("batch").getAsInt() - 1) / f.get("batch").getAsInt();
                pieces.row(List.of("the whole step, in training (an epoch / " + steps + " steps)",
                        micros(f.getAsJsonObject("deviceEpoch").get("medianSeconds").getAsDouble() / steps),
                        micros(f.getAsJsonObject("vectorEpoch").get("medianSeconds").getAsDouble() / steps)));
                for (JsonElement p : f.getAsJsonArray("stepAnatomy")) {
                    JsonObject piece = p.getAsJsonObject();
                    pieces.row(List.of(text(piece, "piece"), number("%.1f µs", piece, "deviceMicroseconds"),
                            number("%.1f µs", piece, "vectorMicroseconds")));
                }
                anatomy.append(pieces.render());
            }
        }
        if (epochs.isEmpty()) {
            return;
        }
        md.append("784-256-10 training on generated samples (sigmoid, softmax cross-entropy, SGD), the median of the ")
                .append("epochs timed after a warm-up fit; the agreement of the device's training with the vector ")
                .append("backend's after them:\n\n");
        md.append(epochs.render());
        md.append(anatomy);
    }

    private void goals(StringBuilder md) {
        figures("goals").ifPresent(g -> md.append("Goals (issue 13): gemm at n = 4096 >= 15 TFLOP/s: ")
                .append(text(g, "gemm")).append("; batch-4096 epoch >= 10x the vector backend: ")
                .append(text(g, "epoch")).append(".\n\n"));
    }

    private Optional<JsonObject> figures(String name) {
        for (JsonElement e : check.getAsJsonArray("sections")) {
            JsonObject section = e.getAsJsonObject();
            if (text(section, "name").equals(name)) {
                return Optional.of(section.getAsJsonObject("figures"));
            }
        }
        return Optional.empty();
    }

    /** The environment lines that start with {@code prefix}, without it, in order. */
    private List<String> environment(String prefix) {
        List<String> lines = new ArrayList<>();
        if (check.has("environment")) {
            for (JsonElement e : check.getAsJsonArray("environment")) {
                String line = e.getAsString();
                if (line.startsWith(prefix)) {
                    lines.add(line.substring(prefix.length()));
                }
            }
        }
        return lines;
    }

    private static String text(JsonObject o, String name) {
        return o.has(name) && !o.get(name).isJsonNull() ? o.get(name).getAsString() : "?";
    }

    private static String micros(double seconds) {
        return String.format(Locale.ROOT, "%.1f µs", seconds * 1e6);
    }

    private static String number(String format, JsonObject o, String name) {
        return o.has(name) ? String.format(Locale.ROOT, format, o.get(name).getAsDouble()) : "-";
    }
}
