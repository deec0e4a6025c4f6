package dev.fastnn.network.cli;

import dev.fastnn.kernels.Activation;
import dev.fastnn.kernels.Backend;
import dev.fastnn.network.data.CsvReader;
import dev.fastnn.network.data.Dataset;
import dev.fastnn.network.io.ModelFile;
import dev.fastnn.network.model.Preprocessing;
import dev.fastnn.network.train.Model;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;

/**
 * {@code fastnn predict}: a saved model's outputs for each row of a CSV file of features. A classifier
 * (softmax output) writes {@code row,predicted,p0..pK-1}; any other model {@code row,y0..yK-1}.
 */
final class PredictCommand implements Main.Command {
    private final Path modelFile;
    private final Path csv;
    private final Path outFile;
    private final float divisor;
    private final Backend backend;

    private PredictCommand(Path modelFile, Path csv, Path outFile, float divisor, Backend backend) {
        this.modelFile = modelFile;
        this.csv = csv;
        this.outFile = outFile;
        this.divisor = divisor;
        this.backend = backend;
    }

    static PredictCommand parse(String[] args) throws UsageException {
        Arguments a = Arguments.parse("predict", args, 1, Set.of("model", "csv", "out", "divisor", "backend", "threads"),
                Set.of());
        return new PredictCommand(Path.of(a.required("model")), Path.of(a.required("csv")), a.path("out"),
                a.positiveFloat("divisor", 1f), a.backend());
    }

    @Override
    public int run(PrintStream out, PrintStream err) throws IOException {
        try (Model model = Model.of(backend, ModelFile.load(modelFile))) {
            Dataset read = CsvReader.defaults().withoutLabels().read(csv);
            Dataset input = divisor == 1f ? read : Dataset.unlabelled(
                    Preprocessing.divisor(divisor).apply(read.features(), read.rows(), read.cols()), read.rows(), read.cols());
            int features = model.network().inputs();
            if (input.cols() != features) {
                throw new IllegalArgumentException(csv + " has " + input.cols() + " columns but the model takes "
                        + features + " features");
            }
            float[] y = model.predict(input.features(), input.rows());
            boolean classifier = model.network().outputLayer().activation() == Activation.SOFTMAX;
            if (outFile == null) {
                write(out, y, input.rows(), model.network().outputs(), classifier);
                out.flush();
            } else {
                // Written beside the target and renamed, so a reader never sees half a file.
                Path tmp = Files.createTempFile(outFile.toAbsolutePath().getParent(), ".predict", ".csv");
                try {
                    try (PrintStream ps = new PrintStream(new BufferedOutputStream(Files.newOutputStream(tmp)), false,
                            StandardCharsets.UTF_8)) {
                        write(ps, y, input.rows(), model.network().outputs(), classifier);
                        if (ps.checkError()) {
                            throw new IOException("could not write " + tmp);
                        }
                    }
                    Files.move(tmp, outFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    Files.deleteIfExists(tmp);
                }
                out.println(input.rows() + " predictions written to " + outFile);
            }
        }
        return 0;
    }

    private static void write(PrintStream out, float[] y, int rows, int k, boolean classifier) {
        StringBuilder header = new StringBuilder(classifier ? "row,predicted" : "row");
        for (int j = 0; j < k; j++) {
            header.append(classifier ? ",p" : ",y").append(j);
        }
        out.println(header);
        StringBuilder line = new StringBuilder();
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
            out.println(line);
        }
    }
}
