package dev.fastnn.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastnn.kernels.Activation;
import dev.fastnn.kernels.Backends;
import dev.fastnn.network.model.Initializer;
import dev.fastnn.network.model.Loss;
import dev.fastnn.network.model.ModelParameters;
import dev.fastnn.network.train.Model;
import dev.fastnn.network.train.Optimizer;
import dev.fastnn.network.train.Trainer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * transform against plain fastnn: a network trained by {@link Trainer} scores the same rows through
 * {@code Model.predict} and through the Spark model, on the same backend.
 */
class ScoringTest {
    private static SparkSession spark;
    private static TestData.Table blobs;
    private static Model fastnn;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start(ScoringTest.class);
        blobs = TestData.blobs(1500, 7, 3, 11);
        fastnn = Trainer.builder().layers(7, 16, 3).hiddenActivation(Activation.RELU).initializer(Initializer.HE)
                .optimizer(new Optimizer.Adam(0.01f)).batchSize(32).epochs(3).seed(5)
                .backend(Backends.get("naive")).build().fit(blobs.samples(3));
    }

    @AfterAll
    static void stop() {
        fastnn.close();
        spark.stop();
    }

    @Test
    void probabilitiesAndPredictionsMatchPlainFastnnOnEveryRowAcrossPartitions() {
        FastnnClassificationModel model = new FastnnClassificationModel(fastnn.parameters()).setBackend("naive");
        List<Row> out = model.transform(TestData.vectors(spark, blobs, 3)).collectAsList();

        float[] expected = fastnn.predict(blobs.x(), blobs.rows());
        int[] classes = fastnn.classify(blobs.x(), blobs.rows());
        assertEquals(blobs.rows(), out.size());
        for (int i = 0; i < out.size(); i++) {
            Row row = out.get(i);
            assertArrayEquals(blobs.row(i), ((Vector) row.getAs("features")).toArray(), "input columns pass through");
            double[] p = ((Vector) row.getAs("probability")).toArray();
            double sum = 0;
            for (int j = 0; j < 3; j++) {
                assertEquals(expected[i * 3 + j], p[j], 1e-6, "row " + i + " class " + j);
                sum += p[j];
            }
            assertEquals(1, sum, 1e-12);
            assertEquals(classes[i], row.<Double>getAs("prediction"), "row " + i);
            double[] raw = ((Vector) row.getAs("rawPrediction")).toArray();
            assertArrayEquals(p, Scorer.probabilities(raw, Activation.SOFTMAX), 1e-15, "raw values are the logits");
        }
    }

    @Test
    void arrayColumnsSparseVectorsAndDenseVectorsScoreAlike() {
        FastnnClassificationModel model = new FastnnClassificationModel(fastnn.parameters()).setBackend("naive");
        List<Row> dense = model.transform(TestData.vectors(spark, blobs, 2)).collectAsList();
        List<Row> arrays = model.transform(TestData.arrays(spark, blobs, 2)).collectAsList();
        List<Row> sparseRows = new ArrayList<>();
        for (int i = 0; i < blobs.rows(); i++) {
            sparseRows.add(RowFactory.create(Vectors.dense(blobs.row(i)).toSparse(), blobs.label(i)));
        }
        Dataset<Row> sparseFrame = TestData.frame(spark, sparseRows, TestData.vectors(spark, blobs, 1).schema(), 2);
        List<Row> sparse = model.transform(sparseFrame).collectAsList();
        for (int i = 0; i < blobs.rows(); i++) {
            assertEquals(dense.get(i).<Vector>getAs("probability"), arrays.get(i).<Vector>getAs("probability"));
            assertEquals(dense.get(i).<Vector>getAs("probability"), sparse.get(i).<Vector>getAs("probability"));
        }
    }

    @Test
    void emptyColumnNamesLeaveThoseColumnsOut() {
        FastnnClassificationModel model = new FastnnClassificationModel(fastnn.parameters()).setBackend("naive")
                .setRawPredictionCol("").setProbabilityCol("").setPredictionCol("cls");
        Dataset<Row> out = model.transform(TestData.vectors(spark, blobs, 2));
        assertArrayEquals(new String[] {"features", "label", "cls"}, out.columns());
        assertEquals(fastnn.classify(Arrays.copyOf(blobs.x(), 7), 1)[0], out.first().<Double>getAs("cls"));
    }

    @Test
    void regressionPredictionIsTheNetworksOutput() {
        TestData.Table linear = TestData.linear(600, 4, 3);
        try (Model regression = Trainer.builder().layers(4, 8, 1).hiddenActivation(Activation.TANH)
                .outputActivation(Activation.IDENTITY).loss(Loss.MEAN_SQUARED_ERROR).optimizer(new Optimizer.Adam(0.01f))
                .epochs(2).backend(Backends.get("naive")).build().fit(linear.samples(1))) {
            ModelParameters p = regression.parameters();
            List<Row> out = new FastnnRegressionModel(p).setBackend("naive")
                    .transform(TestData.vectors(spark, linear, 2)).collectAsList();
            float[] expected = regression.predict(linear.x(), linear.rows());
            for (int i = 0; i < linear.rows(); i++) {
                assertEquals(expected[i], out.get(i).<Double>getAs("prediction"), 0.0, "row " + i);
            }
        }
    }

    @Test
    void aVectorOfTheWrongSizeFailsNamingTheColumnAndBothSizes() {
        FastnnClassificationModel model = new FastnnClassificationModel(fastnn.parameters()).setBackend("naive");
        List<Row> rows = List.of(RowFactory.create(Vectors.dense(1, 2, 3), 0.0));
        Dataset<Row> frame = TestData.frame(spark, rows, TestData.vectors(spark, blobs, 1).schema(), 1);
        Exception e = assertThrows(Exception.class, () -> model.transform(frame).collectAsList());
        assertTrue(rootMessage(e).contains("features column 'features' has 3 values, the network takes 7"), rootMessage(e));
    }

    @Test
    void anOutputColumnThatExistsAlreadyIsRefusedBeforeAnyJob() {
        FastnnClassificationModel model = new FastnnClassificationModel(fastnn.parameters()).setPredictionCol("label");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> model.transform(TestData.vectors(spark, blobs, 1)));
        assertEquals("output column 'label' already exists in the DataFrame", e.getMessage());
    }

    static String rootMessage(Throwable e) {
        while (e.getCause() != null) {
            e = e.getCause();
        }
        return e.getMessage();
    }
}
