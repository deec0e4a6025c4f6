package dev.fastnn.spark;

import dev.fastnn.network.train.Samples;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Small generated data sets, and DataFrames holding them in order, split into contiguous partitions. */
final class TestData {
    private TestData() {
    }

    /** {@code rows x cols} features row-major with a class index or a target per row. */
    record Table(float[] x, int rows, int cols, int[] labels, float[] targets) {
        Samples samples(int outputs) {
            return labels != null ? Samples.classification(x, rows, cols, labels, outputs)
                    : Samples.regression(x, rows, cols, targets, outputs);
        }

        double label(int row) {
            return labels != null ? labels[row] : targets[row];
        }

        double[] row(int i) {
            double[] r = new double[cols];
            for (int k = 0; k < cols; k++) {
                r[k] = x[i * cols + k];
            }
            return r;
        }
    }

    /** Classes around random centres ({@code ±1.5} per feature) with unit Gaussian noise: learnable, not trivially. */
    static Table blobs(int rows, int cols, int classes, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[][] centres = new double[classes][cols];
        for (double[] c : centres) {
            for (int k = 0; k < cols; k++) {
                c[k] = random.nextBoolean() ? 1.5 : -1.5;
            }
        }
        float[] x = new float[rows * cols];
        int[] labels = new int[rows];
        for (int i = 0; i < rows; i++) {
            labels[i] = random.nextInt(classes);
            for (int k = 0; k < cols; k++) {
                x[i * cols + k] = (float) (centres[labels[i]][k] + gaussian(random));
            }
        }
        return new Table(x, rows, cols, labels, null);
    }

    /** {@code y = sum_k w_k x_k + 0.5 + noise} with features uniform in [-1, 1), weights in [-1, 1), noise 0.05. */
    static Table linear(int rows, int cols, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] w = new double[cols];
        for (int k = 0; k < cols; k++) {
            w[k] = 2 * random.nextDouble() - 1;
        }
        float[] x = new float[rows * cols];
        float[] y = new float[rows];
        for (int i = 0; i < rows; i++) {
            double sum = 0.5 + 0.05 * gaussian(random);
            for (int k = 0; k < cols; k++) {
                double v = 2 * random.nextDouble() - 1;
                x[i * cols + k] = (float) v;
                sum += w[k] * v;
            }
            y[i] = (float) sum;
        }
        return new Table(x, rows, cols, null, y);
    }

    private static double gaussian(SplittableRandom random) {
        double u = random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
    }

    /** {@code features} as a dense Vector and {@code label} as a double, in row order over {@code partitions}. */
    static Dataset<Row> vectors(SparkSession spark, Table t, int partitions) {
        StructType schema = new StructType()
                .add("features", SQLDataTypes.VectorType(), false)
                .add("label", DataTypes.DoubleType, false);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < t.rows(); i++) {
            rows.add(RowFactory.create(Vectors.dense(t.row(i)), t.label(i)));
        }
        return frame(spark, rows, schema, partitions);
    }

    /** {@code features} as an array of doubles and {@code label} as a double, in row order over {@code partitions}. */
    static Dataset<Row> arrays(SparkSession spark, Table t, int partitions) {
        StructType schema = new StructType()
                .add("features", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
                .add("label", DataTypes.DoubleType, false);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < t.rows(); i++) {
            rows.add(RowFactory.create(t.row(i), t.label(i)));
        }
        return frame(spark, rows, schema, partitions);
    }

    static Dataset<Row> frame(SparkSession spark, List<Row> rows, StructType schema, int partitions) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        return spark.createDataFrame(sc.parallelize(rows, partitions), schema);
    }
}
