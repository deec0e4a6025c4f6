package dev.fastnn.network.cli;

import dev.fastnn.kernels.Backend;
import dev.fastnn.network.data.FashionMnist;
import dev.fastnn.network.io.ModelFile;
import dev.fastnn.network.train.Evaluation;
import dev.fastnn.network.train.Model;
import dev.fastnn.network.train.Samples;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** {@code fastnn evaluate}: a saved model's accuracy and confusion matrix on labelled data. */
final class EvaluateCommand implements Main.Command {
    private final Path modelFile;
    private final DataOptions data;
    private final Backend backend;

    private EvaluateCommand(Path modelFile, DataOptions data, Backend backend) {
        this.modelFile = modelFile;
        this.data = data;
        this.backend = backend;
    }

    static EvaluateCommand parse(String[] args) throws UsageException {
        Set<String> valued = new HashSet<>(DataOptions.OPTIONS);
        valued.addAll(List.of("model", "backend", "threads"));
        Arguments a = Arguments.parse("evaluate", args, 1, valued, Set.of());
        if (a.has("test-csv")) {
            throw new UsageException("evaluate reads one set: give it with --csv");
        }
        Path model = Path.of(a.required("model"));
        return new EvaluateCommand(model, DataOptions.parse(a), a.backend());
    }

    @Override
    public int run(PrintStream out, PrintStream err) throws IOException {
        try (Model model = Model.of(backend, ModelFile.load(modelFile))) {
            Samples samples = Samples.of(data.evaluationSet(), model.network().outputs());
            Evaluation e = model.evaluate(samples);
            out.println("model: " + modelFile + " (" + model.network().inputs() + " inputs, "
                    + model.network().outputs() + " outputs) on " + backend.description());
            out.println("data: " + data.describe() + ": " + samples.rows() + " samples");
            out.printf("accuracy: %.2f%% (%d of %d)%n", 100 * e.accuracy(), Math.round(e.accuracy() * samples.rows()),
                    samples.rows());
            out.printf("loss (%s): %.6g%n", model.network().loss().id(), e.loss());
            out.println();
            printConfusion(e.confusion(), data.isFashionMnist() ? FashionMnist.CLASS_NAMES : null, out);
        }
        return 0;
    }

    /** Rows are the true classes, columns the predicted ones. */
    static void printConfusion(int[][] confusion, List<String> names, PrintStream out) {
        int k = confusion.length;
        int width = 6;
        for (int[] row : confusion) {
            for (int c : row) {
                width = Math.max(width, Integer.toString(c).length() + 1);
            }
        }
        out.println("confusion matrix (rows: true class, columns: predicted class)");
        out.printf("%-14s", "");
        for (int j = 0; j < k; j++) {
            out.printf("%" + width + "d", j);
        }
        out.println();
        for (int i = 0; i < k; i++) {
            String label = names != null && i < names.size() ? i + " " + names.get(i) : Integer.toString(i);
            out.printf("%-14s", label.length() > 13 ? label.substring(0, 13) : label);
            for (int j = 0; j < k; j++) {
                out.printf("%" + width + "d", confusion[i][j]);
            }
            out.println();
        }
    }
}
