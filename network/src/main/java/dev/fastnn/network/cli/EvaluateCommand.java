package dev.fastnn.network.cli;

import dev.fastnn.kernels.Backend;
import dev.fastnn.network.data.Dataset;
import dev.fastnn.network.data.FashionMnist;
import dev.fastnn.network.io.ModelFile;
import dev.fastnn.network.model.ClassLabels;
import dev.fastnn.network.model.Task;
import dev.fastnn.network.train.Evaluation;
import dev.fastnn.network.train.Model;
import dev.fastnn.network.train.Samples;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code fastnn evaluate}: a saved model's accuracy and confusion matrix on labelled data. */
@Command(name = "evaluate", sortOptions = false, abbreviateSynopsis = true,
        description = "Print a saved model's accuracy, loss and confusion matrix on Fashion-MNIST's test set "
                + "(--dataset) or a labelled CSV file (--csv), whose labels are read as the model's classes; for "
                + "a regression model, its loss.")
final class EvaluateCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private ModelOption modelFile;

    @Mixin
    private DataOptions data;

    @Mixin
    private BackendOptions backendOptions;

    @Override
    public Integer call() throws IOException, UsageException {
        data.check();
        PrintWriter out = spec.commandLine().getOut();
        new CommandFiles(out, spec.commandLine().getErr()).input("--model", modelFile.path()).input("--csv", data.csv())
                .check();
        try (Backend backend = backendOptions.backend();
             Model model = Model.of(backend, ModelFile.load(modelFile.path()))) {
            Dataset set = data.evaluationSet(model);
            Samples samples = data.isFashionMnist() ? Samples.of(set, model.network().outputs()) : Samples.of(set);
            Evaluation e = model.evaluate(samples);
            out.println("model: " + modelFile.path() + " (" + model.network().inputs() + " inputs, "
                    + model.network().outputs() + " outputs, " + model.task().id() + ") on " + backend.description());
            out.println("data: " + data.describe(null) + ": " + samples.rows() + " samples");
            if (model.task() == Task.REGRESSION) {
                out.printf("loss (%s): %.6g%n", model.network().loss().id(), e.loss());
                out.printf("mean absolute error: %.6g%n", e.meanAbsoluteError());
                out.printf("root mean squared error: %.6g%n", e.rootMeanSquaredError());
                out.printf("R^2: %.6f%n", e.r2());
                return 0;
            }
            out.printf("accuracy: %.2f%% (%d of %d)%n", 100 * e.accuracy(), Math.round(e.accuracy() * samples.rows()),
                    samples.rows());
            out.printf("loss (%s): %.6g%n", model.network().loss().id(), e.loss());
            out.println();
            ClassLabels labels = model.classLabels();
            List<String> names = data.isFashionMnist() ? FashionMnist.CLASS_NAMES
                    : labels.isIndices() ? null : labels.values();
            printConfusion(e.confusion(), names, out);
            out.println();
            printScores(e, names, out);
        }
        return 0;
    }

    /** Precision, recall, F1 and support of each class, then their unweighted (macro) means. */
    static void printScores(Evaluation e, List<String> names, PrintWriter out) {
        out.printf("%-14s%10s%10s%10s%10s%n", "class", "precision", "recall", "F1", "samples");
        for (int c = 0; c < e.classes(); c++) {
            int support = 0;
            for (int n : e.confusion()[c]) {
                support += n;
            }
            out.printf("%-14s%10.4f%10.4f%10.4f%10d%n", classLabel(c, names), e.precision(c), e.recall(c), e.f1(c), support);
        }
        out.printf("%-14s%10.4f%10.4f%10.4f%10d%n", "macro average", e.macroPrecision(), e.macroRecall(), e.macroF1(),
                e.samples());
    }

    /** {@code c name}, cut to 13 characters, or the number alone. */
    private static String classLabel(int c, List<String> names) {
        String label = names != null && c < names.size() ? c + " " + names.get(c) : Integer.toString(c);
        return label.length() > 13 ? label.substring(0, 13) : label;
    }

    /** Rows are the true classes, columns the predicted ones. */
    static void printConfusion(int[][] confusion, List<String> names, PrintWriter out) {
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
            out.printf("%-14s", classLabel(i, names));
            for (int j = 0; j < k; j++) {
                out.printf("%" + width + "d", confusion[i][j]);
            }
            out.println();
        }
    }
}
