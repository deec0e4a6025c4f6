package dev.fastnn.spark;

import java.util.Arrays;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Finding the input columns of a DataFrame and adding output columns, with messages that name the column. */
final class Columns {
    private Columns() {
    }

    /** The index of column {@code name}; {@code role} says what it was wanted for ("features", "label"). */
    static int index(StructType schema, String name, String role) {
        for (int i = 0; i < schema.fields().length; i++) {
            if (schema.fields()[i].name().equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("the DataFrame has no " + role + " column '" + name + "'; its columns are "
                + Arrays.toString(schema.fieldNames()));
    }

    /** {@code schema} with a column {@code name} of {@code type} appended; an empty name appends nothing. */
    static StructType append(StructType schema, String name, DataType type) {
        if (name.isEmpty()) {
            return schema;
        }
        if (Arrays.asList(schema.fieldNames()).contains(name)) {
            throw new IllegalArgumentException("output column '" + name + "' already exists in the DataFrame");
        }
        return schema.add(new StructField(name, type, false, Metadata.empty()));
    }
}
