package dev.fastnn.network.cli;

import dev.fastnn.kernels.Activation;
import dev.fastnn.kernels.Backend;
import dev.fastnn.network.data.Dataset;
import dev.fastnn.network.io.AtomicFile;
import dev.fastnn.network.io.ModelFile;
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
 * {@code fastnn predict}: a saved model's outputs for each row of a CSV file of features. A classifier
 * (softmax output) writes {@code row,predicted,p0..pK-1}; any other model {@code row,y0..yK-1}.
 */
@Command(name = "predict", sortOptions = false, abbreviateSynopsis = true,
        description = "Write a saved model's predictions for the rows of a CSV file of features: for a classifier "
                + "row,predicted,p0..pK-1, else row,y0..yK-1.")
final class PredictCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private ModelOption modelFile;

    @Option(names = "--csv", paramLabel = "FILE", required = true,
            description = "A CSV file of features only, one sample per row, as many columns as the model has inputs.")
    private Path csv;

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
        Backend backend = backendOptions.backend();
        try (Model model = Model.of(backend, ModelFile.load(modelFile.path()))) {
            Dataset input = csvFormat.reader().withoutLabels().read(csv);
            int features = model.network().inputs();
            if (input.cols() != features) {
                throw new IllegalArgumentException(csv + " has " + input.cols() + " columns but the model takes "
                        + features + " features");
            }
            float[] y = model.predict(input.features(), input.rows());
            boolean classifier = model.network().outputLayer().activation() == Activation.SOFTMAX;
            int k = model.network().outputs();
            if (outFile == null) {
                write(out, y, input.rows(), k, classifier);
                out.flush();
            } else {
                files.write(outFile, input.rows() + " predictions", () -> AtomicFile.write(outFile, stream -> {
                    Writer w = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8));
                    write(w, y, input.rows(), k, classifier);
                    w.flush();
                }));
            }
        }
        return files.status();
    }

    private static void write(Writer out, float[] y, int rows, int k, boolean classifier) throws IOException {
        StringBuilder line = new StringBuilder(classifier ? "row,predicted" : "row");
        for (int j = 0; j < k; j++) {
            line.append(classifier ? ",p" : ",y").append(j);
        }
        out.write(line.append(System.lineSeparator()).toString());
        for (int i = 0; i < rows; i++) {
            line.setLength(0);
            line.append(i);
            if (classifier) {
                int best = 0;
                for (int j = 1; j < k; j++) {
                    if (y[i * k + j] > y[i * k + best]) {
                        best = j;
                    }
                }
                line.append(',').append(best);
            }
            for (int j = 0; j < k; j++) {
                line.append(',').append(y[i * k + j]);
            }
            out.write(line.append(System.lineSeparator()).toString());
        }
    }
}
