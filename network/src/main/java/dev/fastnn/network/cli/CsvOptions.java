package dev.fastnn.network.cli;

import dev.fastnn.network.data.CsvReader;
import picocli.CommandLine.Option;

/**
 * How a CSV file is read, for every command that reads one ({@code @Mixin CsvOptions csvFormat}): options
 * about the file's format go here, once; where its labels are is {@link DataOptions}'s concern.
 */
final class CsvOptions {
    @Option(names = "--divisor", paramLabel = "D", defaultValue = "1", converter = OptionConverters.PositiveFloat.class,
            description = "Divide every CSV feature by D, e.g. 255 for raw pixels (default: ${DEFAULT-VALUE}).")
    private float divisor;

    /** A reader of this format; labels as {@link CsvReader#defaults()} has them. */
    CsvReader reader() {
        return CsvReader.defaults().withDivisor(divisor);
    }
}
