package dev.fastnn.spark;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Reads one row's features out of a {@code Vector} column (dense or sparse) or an array column of doubles
 * or floats into a float array. The column's type is checked once, against the schema, when this is made;
 * each row is checked as it is read (null, wrong size, NaN or infinite values), and a bad row is described
 * rather than thrown, so that training can report it before any work starts.
 */
final class FeatureColumn implements Serializable {
    private static final long serialVersionUID = 1L;

    private enum Kind { VECTOR, DOUBLE_ARRAY, FLOAT_ARRAY }

    private final String name;
    private final int index;
    private final Kind kind;

    private FeatureColumn(String name, int index, Kind kind) {
        this.name = name;
        this.index = index;
        this.kind = kind;
    }

    /** The column {@code name} of {@code schema}; throws, naming the column and its type, unless it holds features. */
    static FeatureColumn of(StructType schema, String name) {
        int index = Columns.index(schema, name, "features");
        DataType type = schema.fields()[index].dataType();
        Kind kind;
        if (type.equals(SQLDataTypes.VectorType())) {
            kind = Kind.VECTOR;
        } else if (type instanceof ArrayType a && a.elementType().equals(DataTypes.DoubleType)) {
            kind = Kind.DOUBLE_ARRAY;
        } else if (type instanceof ArrayType a && a.elementType().equals(DataTypes.FloatType)) {
            kind = Kind.FLOAT_ARRAY;
        } else {
            throw new IllegalArgumentException("features column '" + name + "' is of type " + type.simpleString()
                    + "; fastnn takes a Vector or an array of doubles or floats");
        }
        return new FeatureColumn(name, index, kind);
    }

    String name() {
        return name;
    }

    /**
     * Writes the row's {@code size} features to {@code out} from {@code offset}; returns null, or what is wrong
     * with them (the column is named by the caller).
     */
    String read(Row row, int size, float[] out, int offset) {
        if (row.isNullAt(index)) {
            return "is null";
        }
        switch (kind) {
            case VECTOR -> {
                Vector v = (Vector) row.get(index);
                if (v.size() != size) {
                    return "has " + v.size() + " values, the network takes " + size;
                }
                if (v instanceof DenseVector d) {
                    double[] values = d.values();
                    for (int k = 0; k < size; k++) {
                        out[offset + k] = (float) values[k];
                    }
                } else {
                    SparseVector s = (SparseVector) v;
                    Arrays.fill(out, offset, offset + size, 0f);
                    int[] indices = s.indices();
                    double[] values = s.values();
                    for (int i = 0; i < indices.length; i++) {
                        out[offset + indices[i]] = (float) values[i];
                    }
                }
            }
            case DOUBLE_ARRAY, FLOAT_ARRAY -> {
                List<Object> values = row.getList(index);
                if (values.size() != size) {
                    return "has " + values.size() + " values, the network takes " + size;
                }
                for (int k = 0; k < size; k++) {
                    Object value = values.get(k);
                    if (value == null) {
                        return "has a null at index " + k;
                    }
                    out[offset + k] = ((Number) value).floatValue();
                }
            }
        }
        for (int k = 0; k < size; k++) {
            float x = out[offset + k];
            if (!Float.isFinite(x)) {
                return "has " + x + " at index " + k + (Float.isNaN(x) ? "" : " (or a value too large for a float)");
            }
        }
        return null;
    }
}
