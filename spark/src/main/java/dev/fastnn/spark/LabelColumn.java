package dev.fastnn.spark;

import java.io.Serializable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;

/**
 * Reads one row's label: a class index for a classifier (a whole number from 0, in any numeric column, as
 * Spark's {@code StringIndexer} writes them), a real target for a regressor. The column's type is checked
 * against the schema when this is made; a bad value is described rather than thrown, as in {@link FeatureColumn}.
 */
final class LabelColumn implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String name;
    private final int index;
    private final boolean classes;

    private LabelColumn(String name, int index, boolean classes) {
        this.name = name;
        this.index = index;
        this.classes = classes;
    }

    /** Class indices {@code 0, 1, ...} in the numeric column {@code name}. */
    static LabelColumn classIndices(StructType schema, String name) {
        return new LabelColumn(name, numeric(schema, name, "class indices (0, 1, ...; StringIndexer makes them)"), true);
    }

    /** Real-valued targets in the numeric column {@code name}. */
    static LabelColumn targets(StructType schema, String name) {
        return new LabelColumn(name, numeric(schema, name, "a number per row"), false);
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

    boolean isClassIndex() {
        return classes;
    }

    /** The row's label as a double; check it with {@link #problem} first. */
    double value(Row row) {
        return ((Number) row.get(index)).doubleValue();
    }

    /**
     * What is wrong with the row's label, or null: a class index must be a whole number in
     * {@code [0, outputs)}, a target a finite number.
     */
    String problem(Row row, int outputs) {
        if (row.isNullAt(index)) {
            return "is null";
        }
        double v = value(row);
        if (!classes) {
            return Double.isFinite(v) ? null : "is " + v + ", not a finite number";
        }
        if (!(v >= 0 && v == Math.rint(v))) {
            return "is " + v + ", not a class index (a whole number from 0; index string or arbitrary labels"
                    + " with StringIndexer)";
        }
        if (v >= outputs) {
            return "is class " + (long) v + " but the network has " + outputs + " outputs (classes 0 to "
                    + (outputs - 1) + "); make the last layer larger";
        }
        return null;
    }
}
