package dev.fastnn.network.cli;

import dev.fastnn.network.data.CsvReader;
import dev.fastnn.network.data.Dataset;
import dev.fastnn.network.data.FashionMnist;
import dev.fastnn.network.model.Preprocessing;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a command's data comes from: {@code --dataset fashion-mnist [--data-dir DIR]} or
 * {@code --csv FILE [--test-csv FILE] [--label-column N|last] [--divisor D]}, cut to {@code --limit N}
 * rows per set. Parsed up front (bad options are usage errors), read when the command runs.
 */
final class DataOptions {
    static final List<String> OPTIONS = List.of("dataset", "data-dir", "csv", "test-csv", "label-column", "divisor", "limit");

    private final Path dataDir;
    private final Path csv;
    private final Path testCsv;
    private final CsvReader reader;
    private final int limit;
    private final float divisor;

    private DataOptions(Path dataDir, Path csv, Path testCsv, CsvReader reader, int limit, float divisor) {
        this.dataDir = dataDir;
        this.csv = csv;
        this.testCsv = testCsv;
        this.reader = reader;
        this.limit = limit;
        this.divisor = divisor;
    }

    /** {@code --divisor}: training folds it into the model; evaluation divides the data by it. */
    float divisor() {
        return divisor;
    }

    static DataOptions parse(Arguments a) throws UsageException {
        boolean dataset = a.has("dataset");
        if (dataset == a.has("csv")) {
            throw new UsageException("give either --dataset " + FashionMnist.NAME + " or --csv FILE");
        }
        if (dataset && !a.string("dataset", "").equals(FashionMnist.NAME)) {
            throw new UsageException("unknown dataset '" + a.string("dataset", "") + "'; valid: " + FashionMnist.NAME);
        }
        if (dataset && (a.has("test-csv") || a.has("label-column") || a.has("divisor"))) {
            throw new UsageException("--test-csv, --label-column and --divisor go with --csv, not --dataset");
        }
        if (!dataset && a.has("data-dir")) {
            throw new UsageException("--data-dir goes with --dataset " + FashionMnist.NAME);
        }
        CsvReader reader = CsvReader.defaults();
        String column = a.string("label-column", "0");
        try {
            reader = reader.withLabelColumn(column.equals("last") ? CsvReader.LAST_COLUMN : Integer.parseInt(column));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--label-column needs a column number from 0 or 'last', got '" + column + "'");
        }
        Path dir = a.has("data-dir") ? a.path("data-dir") : FashionMnist.DEFAULT_DIR;
        return new DataOptions(dataset ? dir : null, a.path("csv"), a.path("test-csv"), reader,
                a.integer("limit", Integer.MAX_VALUE, 1), a.positiveFloat("divisor", 1f));
    }

    /** What is being read, for the log. */
    String describe() {
        return csv != null ? "CSV " + csv + (testCsv != null ? " (test: " + testCsv + ")" : "")
                : FashionMnist.NAME + " from " + dataDir;
    }

    /** The training set and the test set (null when a CSV run has no --test-csv). */
    Dataset[] trainAndTest() throws IOException {
        if (csv != null) {
            Dataset train = reader.read(csv).first(limit);
            Dataset test = testCsv == null ? null : reader.withClassLabels(train.classLabels()).read(testCsv).first(limit);
            return new Dataset[] {train, test};
        }
        FashionMnist f = FashionMnist.load(dataDir);
        return new Dataset[] {f.train().first(limit), f.test().first(limit)};
    }

    /** The set to evaluate on: Fashion-MNIST's test set, or the CSV file. */
    Dataset evaluationSet() throws IOException {
        if (csv != null) {
            Dataset d = reader.read(csv).first(limit);
            return divisor == 1f ? d : Dataset.classification(
                    Preprocessing.divisor(divisor).apply(d.features(), d.rows(), d.cols()), d.rows(), d.cols(),
                    d.labels(), d.classLabels());
        }
        return FashionMnist.loadTest(dataDir).first(limit);
    }

    boolean isFashionMnist() {
        return csv == null;
    }
}
