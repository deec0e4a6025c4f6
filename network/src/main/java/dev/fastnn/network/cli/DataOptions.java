package dev.fastnn.network.cli;

import dev.fastnn.network.data.CsvReader;
import dev.fastnn.network.data.Dataset;
import dev.fastnn.network.data.FashionMnist;
import dev.fastnn.network.model.Task;
import dev.fastnn.network.train.Model;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Where labelled data comes from, for {@code train} and {@code evaluate} ({@code @Mixin DataOptions data}):
 * {@code --dataset fashion-mnist [--data-dir DIR]} or {@code --csv FILE} with the CSV options, cut to
 * {@code --limit N} rows per set. Read only when the command runs, after {@link #check}.
 */
final class DataOptions {
    @Spec(Spec.Target.MIXEE)
    private CommandSpec command;

    @Option(names = "--dataset", paramLabel = "NAME", converter = OptionConverters.DatasetName.class,
            description = "A built-in dataset: " + FashionMnist.NAME + " (the IDX files of Debian's "
                    + FashionMnist.DEBIAN_PACKAGE + " package).")
    private String dataset;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Where the dataset's files are (default: ${DEFAULT-VALUE}).")
    private Path dataDir = FashionMnist.DEFAULT_DIR;

    @Option(names = "--csv", paramLabel = "FILE",
            description = "A CSV file of samples: a label and numeric features per row.")
    private Path csv;

    @Option(names = "--label-column", paramLabel = "N|last", defaultValue = "0",
            converter = OptionConverters.Column.class,
            description = "The CSV column that holds the class (any integers or names) or, for regression, the "
                    + "target: a column number from 0, or last (default: ${DEFAULT-VALUE}).")
    private int labelColumn;

    @Option(names = "--limit", paramLabel = "N", converter = OptionConverters.PositiveInt.class,
            description = "Use only the first N samples of each set.")
    private Integer limit;

    @Mixin
    private CsvOptions csvFormat;

    /** Exactly one source, and each option with the source it belongs to. */
    void check() throws UsageException {
        if ((dataset != null) == (csv != null)) {
            throw new UsageException("give either --dataset " + FashionMnist.NAME + " or --csv FILE");
        }
        for (String option : new String[] {"--label-column", "--divisor", "--delimiter", "--header"}) {
            if (dataset != null && given(option)) {
                throw new UsageException(option + " goes with --csv, not --dataset");
            }
        }
        if (csv != null && given("--data-dir")) {
            throw new UsageException("--data-dir goes with --dataset " + FashionMnist.NAME);
        }
    }

    /** Whether the command line named this option (rather than its default applying). */
    boolean given(String option) {
        return command.commandLine().getParseResult().hasMatchedOption(option);
    }

    boolean isCsv() {
        return csv != null;
    }

    Path csv() {
        return csv;
    }

    /** The reader of the CSV files, labels where {@code --label-column} says. */
    CsvReader csvReader() {
        return csvFormat.reader().withLabelColumn(labelColumn);
    }

    /** {@code --divisor}: training folds it into the model; evaluation divides the data by it. */
    float divisor() {
        return csvFormat.divisor();
    }

    /** What is being read, for the log. */
    String describe(Path testCsv) {
        return csv != null ? "CSV " + csv + (testCsv != null ? " (test: " + testCsv + ")" : "")
                : FashionMnist.NAME + " from " + dataDir;
    }

    /**
     * The training set and the test set: Fashion-MNIST's, or the CSV file and {@code testCsv} (may be null) for
     * {@code task}, the test file read with the training file's class labels.
     */
    Dataset[] trainAndTest(Path testCsv, Task task) throws IOException {
        if (csv != null) {
            CsvReader reader = csvReader().withTask(task);
            Dataset train = limited(reader.read(csv));
            Dataset test = testCsv == null ? null : limited((train.hasLabels()
                    ? reader.withClassLabels(train.classLabels()) : reader).read(testCsv));
            return new Dataset[] {train, test};
        }
        FashionMnist f = FashionMnist.load(dataDir);
        return new Dataset[] {limited(f.train()), limited(f.test())};
    }

    /**
     * The set to evaluate {@code model} on: Fashion-MNIST's test set, or the CSV file read for the model's task
     * and class labels, divided by {@code --divisor}.
     */
    Dataset evaluationSet(Model model) throws IOException, UsageException {
        if (csv == null) {
            return limited(FashionMnist.loadTest(dataDir));
        }
        CsvReader reader = csvReader().withTask(model.task());
        Dataset d = limited(model.classLabels() == null ? reader.read(csv)
                : reader.withClassLabels(model.classLabels()).read(csv));
        return csvFormat.divided(d, model);
    }


    boolean isFashionMnist() {
        return csv == null;
    }

    private Dataset limited(Dataset d) {
        return limit == null ? d : d.first(limit);
    }
}
