package dev.fastnn.onnx;

import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The values of ONNX tensors: fastnn's arrays as initializers, and initializers back as arrays. ONNX stores
 * numbers either packed little-endian in {@code raw_data} (what fastnn writes: the float bits go through
 * unchanged) or in the typed repeated fields ({@code float_data}, {@code int64_data}, ...), which other
 * exporters use; both are read. Decoding checks the element count against the dimensions, so a malformed
 * tensor is an error rather than a wrong model.
 */
final class TensorData {
    private TensorData() {
    }

    static TensorProto floats(String name, float[] values, long... dims) {
        ByteBuffer raw = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        return tensor(name, DataType.FLOAT, dims).setRawData(ByteString.copyFrom(raw.array())).build();
    }

    static TensorProto longs(String name, long[] values, long... dims) {
        ByteBuffer raw = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        raw.asLongBuffer().put(values);
        return tensor(name, DataType.INT64, dims).setRawData(ByteString.copyFrom(raw.array())).build();
    }

    /** Strings cannot go in {@code raw_data}; ONNX keeps them as UTF-8 bytes in {@code string_data}. */
    static TensorProto strings(String name, List<String> values, long... dims) {
        TensorProto.Builder t = tensor(name, DataType.STRING, dims);
        for (String v : values) {
            t.addStringData(ByteString.copyFrom(v, StandardCharsets.UTF_8));
        }
        return t.build();
    }

    private static TensorProto.Builder tensor(String name, DataType type, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type.getNumber());
        for (long d : dims) {
            t.addDims(d);
        }
        return t;
    }

    /** The number of elements the dimensions describe, or -1 when a dimension is negative or it overflows. */
    private static long elements(TensorProto t) {
        long n = 1;
        for (long d : t.getDimsList()) {
            if (d < 0 || (d > 0 && n > Integer.MAX_VALUE / d)) {
                return -1;
            }
            n *= d;
        }
        return n;
    }

    static String typeName(int dataType) {
        DataType type = DataType.forNumber(dataType);
        return type == null ? "data type " + dataType : type.name();
    }

    static String shape(TensorProto t) {
        return t.getDimsList().toString();
    }

    /** A FLOAT tensor's values in row-major order. */
    static float[] readFloats(TensorProto t) throws TensorException {
        int n = checkedCount(t, DataType.FLOAT);
        if (t.hasRawData()) {
            ByteBuffer raw = rawData(t, n, 4);
            float[] v = new float[n];
            raw.asFloatBuffer().get(v);
            return v;
        }
        checkFieldCount(t, t.getFloatDataCount(), n, "float_data");
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = t.getFloatData(i);
        }
        return v;
    }

    /** An INT64 or INT32 tensor's values, widened to long. */
    static long[] readIntegers(TensorProto t) throws TensorException {
        DataType type = DataType.forNumber(t.getDataType());
        if (type != DataType.INT64 && type != DataType.INT32) {
            throw new TensorException("'" + t.getName() + "' is " + typeName(t.getDataType()) + ", expected INT64 or INT32");
        }
        int n = checkedCount(t, type);
        long[] v = new long[n];
        if (t.hasRawData()) {
            ByteBuffer raw = rawData(t, n, type == DataType.INT64 ? 8 : 4);
            for (int i = 0; i < n; i++) {
                v[i] = type == DataType.INT64 ? raw.getLong() : raw.getInt();
            }
        } else if (type == DataType.INT64) {
            checkFieldCount(t, t.getInt64DataCount(), n, "int64_data");
            for (int i = 0; i < n; i++) {
                v[i] = t.getInt64Data(i);
            }
        } else {
            checkFieldCount(t, t.getInt32DataCount(), n, "int32_data");
            for (int i = 0; i < n; i++) {
                v[i] = t.getInt32Data(i);
            }
        }
        return v;
    }

    /** A STRING tensor's values, decoded as UTF-8. */
    static List<String> readStrings(TensorProto t) throws TensorException {
        int n = checkedCount(t, DataType.STRING);
        checkFieldCount(t, t.getStringDataCount(), n, "string_data");
        List<String> v = new ArrayList<>(n);
        for (ByteString s : t.getStringDataList()) {
            v.add(s.toStringUtf8());
        }
        return v;
    }

    private static int checkedCount(TensorProto t, DataType expected) throws TensorException {
        if (t.getDataType() != expected.getNumber()) {
            throw new TensorException("'" + t.getName() + "' is " + typeName(t.getDataType()) + ", expected "
                    + expected.name() + (expected == DataType.FLOAT ? " (fastnn models are float32)" : ""));
        }
        if (t.hasDataLocation() && t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            throw new TensorException("'" + t.getName() + "' keeps its data in an external file, which fastnn does not"
                    + " read; save the model with its weights inside (onnx.save_model(m, f, save_as_external_data=False))");
        }
        long n = elements(t);
        if (n < 0) {
            throw new TensorException("'" + t.getName() + "' has impossible dimensions " + shape(t));
        }
        return (int) n;
    }

    private static ByteBuffer rawData(TensorProto t, int n, int bytesPerValue) throws TensorException {
        ByteString raw = t.getRawData();
        if (raw.size() != (long) n * bytesPerValue) {
            throw new TensorException("'" + t.getName() + "' of shape " + shape(t) + " needs " + (long) n * bytesPerValue
                    + " bytes of raw_data, it has " + raw.size());
        }
        return raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    private static void checkFieldCount(TensorProto t, int count, int n, String field) throws TensorException {
        if (count != n) {
            throw new TensorException("'" + t.getName() + "' of shape " + shape(t) + " needs " + n + " values, its "
                    + field + " has " + count);
        }
    }

    /** Row-major {@code rows x cols} transposed to {@code cols x rows}: element for element, no arithmetic. */
    static float[] transpose(float[] m, int rows, int cols) {
        float[] t = new float[m.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = m[i * cols + j];
            }
        }
        return t;
    }

    static long[] dims(TensorProto t) {
        return t.getDimsList().stream().mapToLong(Long::longValue).toArray();
    }

    /** A tensor that cannot be read as fastnn needs it; the importer adds the file and node to the message. */
    static final class TensorException extends Exception {
        private static final long serialVersionUID = 1L;

        TensorException(String message) {
            super(message);
        }
    }
}
