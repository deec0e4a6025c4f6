package dev.fastnn.network.cli;

import dev.fastnn.kernels.Activation;
import dev.fastnn.kernels.Backends;
import dev.fastnn.network.data.CsvReader;
import dev.fastnn.network.data.FashionMnist;
import dev.fastnn.network.model.Initializer;
import dev.fastnn.network.model.Loss;
import dev.fastnn.network.model.Task;
import dev.fastnn.network.train.ClassWeights;
import dev.fastnn.network.train.EarlyStopping;
import dev.fastnn.network.train.LearningRateSchedule;
import dev.fastnn.network.train.Optimizer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * How option values are read and which values an option offers (its help lists them). A value that is out of
 * range is a usage error at parse time, before any work starts; picocli prints it as
 * {@code invalid value for option '--name': <the message here>}.
 */
final class OptionConverters {
    /**
     * The most threads {@code --threads} accepts. More threads than processors only adds scheduling to the
     * vector gemm, whose work splits into a few hundred blocks at most; a bound keeps a typo (100000) from
     * spending minutes creating threads and then failing for want of native memory for their stacks. 1024
     * is above the processor count of common machines; a larger machine gets its own count.
     */
    static final int MAX_THREADS = Math.max(1024, Runtime.getRuntime().availableProcessors());
    /** The largest Java array, which holds one layer's weights or one batch's activations. */
    static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    private OptionConverters() {
    }

    /** A whole number from 1. */
    static final class PositiveInt implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int n = wholeNumber(value);
            if (n < 1) {
                throw new TypeConversionException("must be at least 1, got " + n);
            }
            return n;
        }
    }

    /** A thread count, from 1 to {@link #MAX_THREADS}. */
    static final class ThreadCount implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int n = wholeNumber(value);
            if (n < 1 || n > MAX_THREADS) {
                throw new TypeConversionException("must be from 1 to " + MAX_THREADS + ", got " + n
                        + " (this machine has " + Runtime.getRuntime().availableProcessors() + " processors)");
            }
            return n;
        }
    }

    /** A positive, finite number. */
    static final class PositiveFloat implements ITypeConverter<Float> {
        @Override
        public Float convert(String value) {
            float f = number(value);
            if (!(f > 0 && Float.isFinite(f))) {
                throw new TypeConversionException("must be a positive number, got '" + value + "'");
            }
            return f;
        }
    }

    /** A whole number from 0. */
    static final class Count implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int n = wholeNumber(value);
            if (n < 0) {
                throw new TypeConversionException("must be at least 0, got " + n);
            }
            return n;
        }
    }

    /** A finite number from 0. */
    static final class NonNegativeFloat implements ITypeConverter<Float> {
        @Override
        public Float convert(String value) {
            float f = number(value);
            if (!(f >= 0 && Float.isFinite(f))) {
                throw new TypeConversionException("must be a number from 0, got '" + value + "'");
            }
            return f;
        }
    }

    /** A dropout rate in [0, 1). */
    static final class DropoutRate implements ITypeConverter<Float> {
        @Override
        public Float convert(String value) {
            float f = number(value);
            if (!(f >= 0 && f < 1)) {
                throw new TypeConversionException("must be in [0, 1), got '" + value + "'");
            }
            return f;
        }
    }

    /** {@code balanced} or one weight per class, {@code 1,2.5,1}. */
    static final class ClassWeightList implements ITypeConverter<ClassWeights> {
        @Override
        public ClassWeights convert(String value) {
            return parsed(value, ClassWeights::parse);
        }
    }

    /** A factor in (0, 1]. */
    static final class Fraction implements ITypeConverter<Float> {
        @Override
        public Float convert(String value) {
            float f = number(value);
            if (!(f > 0 && f <= 1)) {
                throw new TypeConversionException("must be in (0, 1], got '" + value + "'");
            }
            return f;
        }
    }

    /** A fraction strictly between 0 and 1, such as a share of rows to hold out. */
    static final class OpenFraction implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            double f = doubleNumber(value);
            if (!(f > 0 && f < 1)) {
                throw new TypeConversionException("must be between 0 and 1 (exclusive), got '" + value + "'");
            }
            return f;
        }
    }

    /** One character between CSV cells; {@code tab} (or {@code \t}) for a tab. */
    static final class Delimiter implements ITypeConverter<Character> {
        @Override
        public Character convert(String value) {
            char c;
            if (value.equalsIgnoreCase("tab") || value.equals("\\t")) {
                c = '\t';
            } else if (value.length() == 1) {
                c = value.charAt(0);
            } else {
                throw new TypeConversionException("needs one character (or 'tab'), got '" + value + "'");
            }
            parsed(String.valueOf(c), text -> CsvReader.defaults().withDelimiter(text.charAt(0)));
            return c;
        }
    }

    /** {@code yes}, {@code no} or {@code auto}. */
    static final class HeaderMode implements ITypeConverter<CsvReader.Header> {
        @Override
        public CsvReader.Header convert(String value) {
            for (CsvReader.Header h : CsvReader.Header.values()) {
                if (h.name().equalsIgnoreCase(value.trim())) {
                    return h;
                }
            }
            throw new TypeConversionException("must be yes, no or auto, got '" + value + "'");
        }
    }

    static final class TaskName implements ITypeConverter<Task> {
        @Override
        public Task convert(String value) {
            return parsed(value, Task::parse);
        }
    }

    static final class TaskNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return java.util.Arrays.stream(Task.values()).map(Task::id).iterator();
        }
    }

    /** A CSV column from 0, or {@code last}. */
    static final class Column implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            if (value.trim().equalsIgnoreCase("last")) {
                return CsvReader.LAST_COLUMN;
            }
            try {
                int n = Integer.parseInt(value.trim());
                if (n >= 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below with the accepted forms
            }
            throw new TypeConversionException("needs a column number from 0 or 'last', got '" + value + "'");
        }
    }

    /** Layer sizes such as {@code 784,256,10}: at least two, all positive, each layer's weights within one array. */
    static final class Layers implements ITypeConverter<LayerSizes> {
        @Override
        public LayerSizes convert(String value) {
            return LayerSizes.parse(value);
        }
    }

    /** A hidden layer's activation: any but softmax, which belongs to the output layer. */
    static final class HiddenActivation implements ITypeConverter<Activation> {
        @Override
        public Activation convert(String value) {
            Activation a = parsed(value, Activation::parse);
            if (a == Activation.SOFTMAX) {
                throw new TypeConversionException(
                        "softmax is only for the output layer (which --loss cross-entropy gives)");
            }
            return a;
        }
    }

    static final class LossName implements ITypeConverter<Loss> {
        @Override
        public Loss convert(String value) {
            return parsed(value, Loss::parse);
        }
    }

    static final class InitializerName implements ITypeConverter<Initializer> {
        @Override
        public Initializer convert(String value) {
            return parsed(value, Initializer::parse);
        }
    }

    /** A name {@code Optimizer.parse} takes, lower-cased; the learning rate joins it when the command runs. */
    static final class OptimizerName implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            parsed(value, name -> Optimizer.parse(name, 1f));
            return value.trim().toLowerCase(Locale.ROOT);
        }
    }

    /** A name among {@link Backends#names()}, lower-cased. */
    static final class BackendName implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            String name = value.trim().toLowerCase(Locale.ROOT);
            if (!Backends.names().contains(name)) {
                throw new TypeConversionException("unknown backend '" + value + "'; valid: "
                        + String.join(", ", Backends.names()));
            }
            return name;
        }
    }

    static final class DatasetName implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            if (!value.equals(FashionMnist.NAME)) {
                throw new TypeConversionException("unknown dataset '" + value + "'; valid: " + FashionMnist.NAME);
            }
            return value;
        }
    }

    static final class BackendNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Backends.names().iterator();
        }
    }

    static final class HiddenActivationNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            List<String> names = new ArrayList<>();
            for (Activation a : Activation.values()) {
                if (a != Activation.SOFTMAX) {
                    names.add(a.name().toLowerCase(Locale.ROOT));
                }
            }
            return names.iterator();
        }
    }

    static final class LossNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return java.util.Arrays.stream(Loss.values()).map(Loss::id).iterator();
        }
    }

    static final class InitializerNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return java.util.Arrays.stream(Initializer.values()).map(Initializer::id).iterator();
        }
    }

    static final class OptimizerNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Optimizer.NAMES.iterator();
        }
    }

    /** A learning-rate schedule's name. */
    static final class ScheduleName implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            String name = value.trim().toLowerCase(Locale.ROOT);
            if (!LearningRateSchedule.NAMES.contains(name)) {
                throw new TypeConversionException("unknown schedule '" + value + "'; valid: "
                        + String.join(", ", LearningRateSchedule.NAMES));
            }
            return name;
        }
    }

    static final class ScheduleNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return LearningRateSchedule.NAMES.iterator();
        }
    }

    /** What early stopping can watch. */
    static final class MonitorName implements ITypeConverter<EarlyStopping.Monitor> {
        @Override
        public EarlyStopping.Monitor convert(String value) {
            return parsed(value, EarlyStopping.Monitor::parse);
        }
    }

    static final class MonitorNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return java.util.Arrays.stream(EarlyStopping.Monitor.values()).map(EarlyStopping.Monitor::id).iterator();
        }
    }

    static int wholeNumber(String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new TypeConversionException("needs a whole number, got '" + value + "'");
        }
    }

    private static float number(String value) {
        try {
            return Float.parseFloat(value.trim());
        } catch (NumberFormatException e) {
            throw new TypeConversionException("needs a number, got '" + value + "'");
        }
    }

    private static double doubleNumber(String value) {
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new TypeConversionException("needs a number, got '" + value + "'");
        }
    }

    private static <T> T parsed(String value, java.util.function.Function<String, T> parse) {
        try {
            return parse.apply(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
