package dev.fastnn.network.cli;

import dev.fastnn.network.data.CsvReader;
import dev.fastnn.network.data.Dataset;
import dev.fastnn.network.model.Preprocessing;
import dev.fastnn.network.train.Model;
import picocli.CommandLine.Option;

/**
 * How a CSV file is read, for every command that reads one ({@code @Mixin CsvOptions csvFormat}): options
 * about the file's format go here, once; where its labels are is {@link DataOptions}'s concern.
 */
final class CsvOptions {
    @Option(names = "--divisor", paramLabel = "D", defaultValue = "1", converter = OptionConverters.PositiveFloat.class,
            description = "Divide every CSV feature by D, e.g. 255 for raw pixels (default: ${DEFAULT-VALUE}). train "
                    + "folds it into the saved model, which then takes undivided features.")
    private float divisor;

    @Option(names = "--delimiter", paramLabel = "CHAR", defaultValue = ",", converter = OptionConverters.Delimiter.class,
            description = "The character between CSV cells, or tab (default: ${DEFAULT-VALUE}). Cells may be quoted "
                    + "(\"a, b\"); gzipped files are read as they are.")
    private char delimiter;

    @Option(names = "--header", paramLabel = "yes|no|auto", defaultValue = "auto",
            converter = OptionConverters.HeaderMode.class,
            description = "Whether the CSV file starts with a header line (default: ${DEFAULT-VALUE}: each leading "
                    + "line is judged against the rows below it; a line of half names, half numbers is an error "
                    + "that asks).")
    private CsvReader.Header header;

    /** A reader of this format; labels as {@link CsvReader#defaults()} has them. */
    CsvReader reader() {
        return CsvReader.defaults().withDelimiter(delimiter).withHeader(header);
    }

    float divisor() {
        return divisor;
    }

    /**
     * {@code d} divided by {@code --divisor}, for a model trained on divided features (one from Fashion-MNIST's
     * IDX files, whose pixels are divided by 255, given raw pixels); a model that folded a divisor in already
     * takes undivided features.
     */
    Dataset divided(Dataset d, Model model) throws UsageException {
        if (divisor == 1f) {
            return d;
        }
        if (model.preprocessing().divisor() != 1f) {
            throw new UsageException("the model divides its features by " + model.preprocessing().divisor()
                    + " itself (it was trained with --divisor); give it undivided features, without --divisor");
        }
        return d.withFeatures(Preprocessing.divisor(divisor).apply(d.features(), d.rows(), d.cols()));
    }
}
