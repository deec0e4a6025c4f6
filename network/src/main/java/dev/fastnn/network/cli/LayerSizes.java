package dev.fastnn.network.cli;

import java.util.Arrays;
import java.util.stream.Collectors;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --layers}: sizes such as {@code 784,256,10}, inputs first. Checked when parsed, before any work: every
 * size given (no empty one from a stray comma) and positive, at least two, and each layer's weights within
 * one Java array, so that an impossible network is a usage error rather than an overflow deep in training.
 */
final class LayerSizes {
    private static final String FORM = "positive sizes separated by commas, e.g. 784,256,10";

    private final int[] sizes;

    private LayerSizes(int[] sizes) {
        this.sizes = sizes;
    }

    static LayerSizes parse(String text) {
        String[] parts = text.split(",", -1);
        int[] sizes = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i].trim();
            if (part.isEmpty()) {
                throw new TypeConversionException("'" + text + "' has an empty size" + (i == parts.length - 1 && i > 0
                        ? " after its last comma" : "") + "; give " + FORM);
            }
            try {
                sizes[i] = Integer.parseInt(part);
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + part + "' in '" + text + "' is not a whole number; give "
                        + FORM);
            }
            if (sizes[i] < 1) {
                throw new TypeConversionException("'" + text + "' has the size " + sizes[i] + "; give " + FORM);
            }
        }
        if (sizes.length < 2) {
            throw new TypeConversionException("needs at least the input and output sizes, got '" + text + "'");
        }
        for (int l = 1; l < sizes.length; l++) {
            long parameters = (long) sizes[l - 1] * sizes[l] + sizes[l];
            if (parameters > OptionConverters.MAX_ARRAY) {
                throw new TypeConversionException(String.format("layer %d (%d inputs x %d units) has %,d "
                        + "parameters, more than one array holds (%,d)", l, sizes[l - 1], sizes[l], parameters,
                        OptionConverters.MAX_ARRAY));
            }
        }
        return new LayerSizes(sizes);
    }

    int[] sizes() {
        return sizes.clone();
    }

    int outputs() {
        return sizes[sizes.length - 1];
    }

    /** Throws when a batch of {@code batch} rows through the widest layer would not fit in one array. */
    void checkBatch(int batch) throws UsageException {
        int widest = Arrays.stream(sizes).max().orElseThrow();
        long elements = (long) batch * widest;
        if (elements > OptionConverters.MAX_ARRAY) {
            throw new UsageException(String.format("--batch %d with a layer of %d makes %,d activations per batch, "
                    + "more than one array holds (%,d); use a smaller --batch", batch, widest, elements,
                    OptionConverters.MAX_ARRAY));
        }
    }

    @Override
    public String toString() {
        return Arrays.stream(sizes).mapToObj(Integer::toString).collect(Collectors.joining(","));
    }
}
