package dev.fastnn.network.model;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The original class labels of a classifier, in class-index order: class {@code i} (output {@code i}) is
 * {@code get(i)}. Labels are either integers (written in canonical decimal, e.g. {@code "1"}, {@code "-3"},
 * never {@code "01"} or {@code "3.0"}) or arbitrary strings, so that a model trained on labels {@code 1..3}
 * or {@code benign/malignant} writes them back when it predicts.
 *
 * <pre>{@code
 * ClassLabels.ofStrings("benign", "malignant")   // class 0 is "benign"
 * ClassLabels.ofIntegers(10, 20, 30)             // class 2 is 30
 * ClassLabels.indices(10)                        // 0..9, what data without a mapping has
 * }</pre>
 */
public final class ClassLabels {
    /** How the labels are spelled in the data they came from. */
    public enum Kind {
        /** Whole numbers; {@link #integer} gives each as a {@code long}. */
        INTEGER,
        /** Any strings. */
        STRING
    }

    private final Kind kind;
    private final List<String> values;
    private final Map<String, Integer> index;

    private ClassLabels(Kind kind, List<String> values) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.values = List.copyOf(values);
        if (this.values.isEmpty()) {
            throw new IllegalArgumentException("a classifier needs at least one class label");
        }
        this.index = new HashMap<>();
        for (int i = 0; i < this.values.size(); i++) {
            String label = this.values.get(i);
            if (kind == Kind.INTEGER && !isCanonicalInteger(label)) {
                throw new IllegalArgumentException("integer class label '" + label + "' is not a whole number in"
                        + " canonical decimal form");
            }
            Integer previous = index.put(label, i);
            if (previous != null) {
                throw new IllegalArgumentException("class label '" + label + "' is given twice (classes " + previous
                        + " and " + i + ")");
            }
        }
    }

    /** Labels of the given kind, in class order; {@code INTEGER} labels must be canonical decimal. */
    public static ClassLabels of(Kind kind, List<String> labels) {
        return new ClassLabels(kind, labels);
    }

    /** Integer labels, {@code labels[i]} for class {@code i}. */
    public static ClassLabels ofIntegers(long... labels) {
        String[] text = new String[labels.length];
        for (int i = 0; i < labels.length; i++) {
            text[i] = Long.toString(labels[i]);
        }
        return new ClassLabels(Kind.INTEGER, List.of(text));
    }

    /** String labels, {@code labels[i]} for class {@code i}. */
    public static ClassLabels ofStrings(String... labels) {
        return new ClassLabels(Kind.STRING, List.of(labels));
    }

    /** String labels, {@code labels.get(i)} for class {@code i}. */
    public static ClassLabels ofStrings(List<String> labels) {
        return new ClassLabels(Kind.STRING, labels);
    }

    /** The integer labels {@code 0..classes-1}: class {@code i} is labelled {@code i}. */
    public static ClassLabels indices(int classes) {
        if (classes < 1) {
            throw new IllegalArgumentException("a classifier needs at least one class, got " + classes);
        }
        String[] text = new String[classes];
        for (int i = 0; i < classes; i++) {
            text[i] = Integer.toString(i);
        }
        return new ClassLabels(Kind.INTEGER, List.of(text));
    }

    public Kind kind() {
        return kind;
    }

    /** The labels in class order, as text (integers in canonical decimal). */
    public List<String> values() {
        return values;
    }

    /** The number of classes. */
    public int size() {
        return values.size();
    }

    /** The label of class {@code classIndex}. */
    public String get(int classIndex) {
        return values.get(classIndex);
    }

    /** The label of class {@code classIndex} as a number; only for {@link Kind#INTEGER} labels. */
    public long integer(int classIndex) {
        if (kind != Kind.INTEGER) {
            throw new IllegalStateException("the class labels are strings, not integers");
        }
        return Long.parseLong(values.get(classIndex));
    }

    /** The class whose label is exactly {@code label} (integers in canonical decimal), or -1. */
    public int indexOf(String label) {
        Integer i = index.get(label);
        return i == null ? -1 : i;
    }

    /** Whether these are {@code 0..size-1} in order, the labels of data without a mapping. */
    public boolean isIndices() {
        return equals(indices(size()));
    }

    /** Whether {@code text} is how {@link Long#toString(long)} writes some {@code long}. */
    public static boolean isCanonicalInteger(String text) {
        try {
            return Long.toString(Long.parseLong(text)).equals(text);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClassLabels other && kind == other.kind && values.equals(other.values);
    }

    @Override
    public int hashCode() {
        return kind.hashCode() * 31 + values.hashCode();
    }

    @Override
    public String toString() {
        return (kind == Kind.INTEGER ? "integer" : "string") + " labels " + values;
    }
}
