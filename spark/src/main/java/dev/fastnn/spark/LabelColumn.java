package dev.fastnn.spark;

import dev.fastnn.network.model.ClassLabels;
import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;

/**
 * Reads one row's label: for a classifier a class index (a whole number from 0 in a numeric column, as
 * Spark's {@code StringIndexer} writes them) or a string label (mapped to its class through the sorted
 * distinct labels of the data, which the model keeps); for a regressor a real target. The column's type is
 * checked against the schema when this is made; a bad value is described rather than thrown, as in
 * {@link FeatureColumn}.
 */
final class LabelColumn implements Serializable {
    private static final long serialVersionUID = 1L;

    private enum Kind { CLASS_INDEX, STRING_LABEL, TARGET }

    private final String name;
    private final int index;
    private final Kind kind;
    /** For string labels: the class of each label. */
    private final HashMap<String, Integer> classes;

    private LabelColumn(String name, int index, Kind kind, HashMap<String, Integer> classes) {
        this.name = name;
        this.index = index;
        this.kind = kind;
        this.classes = classes;
    }

    /** Whether the column {@code name} holds strings, whose classes must be found before packing. */
    static boolean holdsStrings(StructType schema, String name) {
        return schema.fields()[Columns.index(schema, name, "label")].dataType().equals(DataTypes.StringType);
    }

    /** Class indices {@code 0, 1, ...} in the numeric column {@code name}. */
    static LabelColumn classIndices(StructType schema, String name) {
        return new LabelColumn(name, numeric(schema, name, "class indices (0, 1, ...) or strings"), Kind.CLASS_INDEX, null);
    }

    /** String labels in the column {@code name}: {@code labels.get(i)} is class {@code i}. */
    static LabelColumn strings(StructType schema, String name, List<String> labels) {
        HashMap<String, Integer> classes = new HashMap<>();
        for (int i = 0; i < labels.size(); i++) {
            classes.put(labels.get(i), i);
        }
        return new LabelColumn(name, Columns.index(schema, name, "label"), Kind.STRING_LABEL, classes);
    }

    /** Real-valued targets in the numeric column {@code name}. */
    static LabelColumn targets(StructType schema, String name) {
        return new LabelColumn(name, numeric(schema, name, "a number per row"), Kind.TARGET, null);
    }

    /** Throws unless column {@code name} exists and holds numbers (or strings, when {@code strings} allows them). */
    static void check(StructType schema, String name, boolean strings) {
        if (!(strings && holdsStrings(schema, name))) {
            numeric(schema, name, strings ? "class indices (0, 1, ...) or strings" : "a number per row");
        }
    }

    private static int numeric(StructType schema, String name, String what) {
        int index = Columns.index(schema, name, "label");
        DataType type = schema.fields()[index].dataType();
        if (!(type instanceof NumericType)) {
            throw new IllegalArgumentException("label column '" + name + "' is of type " + type.simpleString()
                    + "; it must hold " + what);
        }
        return index;
    }

    String name() {
        return name;
    }

    /** Whether rows get a class index (a classifier's labels) rather than a target. */
    boolean isClassIndex() {
        return kind != Kind.TARGET;
    }

    /**
     * The labels of the classes: the strings in class order, or {@code 0..outputs-1} for class indices; null
     * for targets.
     */
    ClassLabels classLabels(List<String> strings, int outputs) {
        return switch (kind) {
            case CLASS_INDEX -> ClassLabels.indices(outputs);
            case STRING_LABEL -> ClassLabels.ofStrings(strings);
            case TARGET -> null;
        };
    }

    /** The row's class index, or its target; check it with {@link #problem} first. */
    double index(Row row) {
        return kind == Kind.STRING_LABEL ? classes.get(row.getString(index)) : ((Number) row.get(index)).doubleValue();
    }

    /**
     * What is wrong with the row's label, or null: a class index must be a whole number in
     * {@code [0, outputs)}, a string one of the known labels, a target a finite number.
     */
    String problem(Row row, int outputs) {
        if (row.isNullAt(index)) {
            return "is null";
        }
        if (kind == Kind.STRING_LABEL) {
            return classes.containsKey(row.getString(index)) ? null
                    : "is '" + row.getString(index) + "', which is not among the labels found before";
        }
        double v = index(row);
        if (kind == Kind.TARGET) {
            return Double.isFinite(v) ? null : "is " + v + ", not a finite number";
        }
        if (!(v >= 0 && v == Math.rint(v))) {
            return "is " + v + ", not a class index (a whole number from 0); index other labels with StringIndexer"
                    + " or give them as strings";
        }
        if (v >= outputs) {
            return "is class " + (long) v + " but the network has " + outputs + " outputs (classes 0 to "
                    + (outputs - 1) + "); make the last layer larger";
        }
        return null;
    }
}
