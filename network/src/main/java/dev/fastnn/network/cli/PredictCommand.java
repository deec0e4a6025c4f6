package dev.fastnn.network.cli;

import dev.fastnn.kernels.Backend;
import dev.fastnn.network.data.CsvReader;
import dev.fastnn.network.data.Dataset;
import dev.fastnn.network.io.AtomicFile;
import dev.fastnn.network.io.ModelFile;
import dev.fastnn.network.model.ClassLabels;
import dev.fastnn.network.train.Model;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fastnn predict}: a saved model's outputs for each row of a CSV file of features. A classifier writes
 * {@code row,predicted,p_LABEL...}: the predicted class as the training data spelled it and each class's
 * probability (score, for a non-softmax output); a regression model {@code row,y0..yK-1}.
 */
@Command(name = "predict", sortOptions = false, abbreviateSynopsis = true,
        description = "Write a saved model's predictions for the rows of a CSV file: for a classifier "
                + "row,predicted,p_LABEL... (the predicted label as the training data spelled it, then each class's "
                + "probability), for a regression model row,y0..yK-1.")
final class PredictCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private ModelOption modelFile;

    @Option(names = "--csv", paramLabel = "FILE", required = true,
            description = "A CSV file with one sample per row: the model's inputs, and the label column if "
                    + "--label-column says where it is.")
    private Path csv;

    @Option(names = "--label-column", paramLabel = "N|last", converter = OptionConverters.Column.class,
            description = "A column (from 0, or last) to leave out, such as the labels of a file the model was "
                    + "trained on (default: every column is an input).")
    private Integer labelColumn;

    @Mixin
    private CsvOptions csvFormat;

    @Option(names = "--out", paramLabel = "FILE.csv", description = "Write the predictions there instead of to "
            + "standard output.")
    private Path outFile;

    @Mixin
    private BackendOptions backendOptions;

    @Override
    public Integer call() throws IOException, UsageException {
        PrintWriter out = spec.commandLine().getOut();
        CommandFiles files = new CommandFiles(out, spec.commandLine().getErr())
                .input("--model", modelFile.path()).input("--csv", csv).output("--out", outFile);
        files.check();
        try (Backend backend = backendOptions.backend();
             Model model = Model.of(backend, ModelFile.load(modelFile.path()))) {
            CsvReader reader = labelColumn == null ? csvFormat.reader().withoutLabels()
                    : csvFormat.reader().withLabelColumn(labelColumn).ignoringLabels();
            Dataset input = csvFormat.divided(reader.read(csv), model);
            int features = model.network().inputs();
            if (input.cols() != features) {
                throw new IllegalArgumentException(csv + " has " + input.cols() + " input columns"
                        + (labelColumn == null ? "" : " besides the label column") + " but the model takes " + features
                        + (labelColumn == null ? " (if one column is the label, say --label-column)" : ""));
            }
            float[] y = model.predict(input);
            ClassLabels classes = model.classLabels();
            int k = model.network().outputs();
            if (outFile == null) {
                write(out, y, input.rows(), k, classes);
                out.flush();
            } else {
                files.write(outFile, input.rows() + " predictions", () -> AtomicFile.write(outFile, stream -> {
                    Writer w = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8));
                    write(w, y, input.rows(), k, classes);
                    w.flush();
                }));
            }
        }
        return files.status();
    }

    /** {@code classes} is null for a regression model. */
    private static void write(Writer out, float[] y, int rows, int k, ClassLabels classes) throws IOException {
        StringBuilder line = new StringBuilder(classes != null ? "row,predicted" : "row");
        for (int j = 0; j < k; j++) {
            line.append(',').append(classes != null ? cell("p_" + classes.get(j)) : "y" + j);
        }
        out.write(line.append(System.lineSeparator()).toString());
        for (int i = 0; i < rows; i++) {
            line.setLength(0);
            line.append(i);
            if (classes != null) {
                int best = 0;
                for (int j = 1; j < k; j++) {
                    if (y[i * k + j] > y[i * k + best]) {
                        best = j;
                    }
                }
                line.append(',').append(cell(classes.get(best)));
            }
            for (int j = 0; j < k; j++) {
                line.append(',').append(y[i * k + j]);
            }
            out.write(line.append(System.lineSeparator()).toString());
        }
    }

    /** A label as a CSV cell: quoted when it holds a comma, a quote, a line break or surrounding blanks. */
    static String cell(String text) {
        boolean quote = text.isEmpty() || !text.strip().equals(text) || text.chars().anyMatch(
                c -> c == ',' || c == '"' || c == '\n' || c == '\r');
        return quote ? '"' + text.replace("\"", "\"\"") + '"' : text;
    }
}
