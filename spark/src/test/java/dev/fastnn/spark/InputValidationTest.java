package dev.fastnn.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bad input fails {@code fit} with one IllegalArgumentException that names the column and what is wrong,
 * thrown on the driver before any training round (so never wrapped in a task failure).
 */
class InputValidationTest {
    private static SparkSession spark;
    private static final StructType VECTORS = new StructType()
            .add("features", SQLDataTypes.VectorType(), true)
            .add("label", DataTypes.DoubleType, true);

    @BeforeAll
    static void start() {
        spark = LocalSpark.start(InputValidationTest.class);
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** Ten good rows of three features over two partitions, with {@code bad} put in as row 7. */
    private static Dataset<Row> withRow(Row bad) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            rows.add(i == 7 ? bad : RowFactory.create(Vectors.dense(i, -i, 0.5), (double) (i % 2)));
        }
        return TestData.frame(spark, rows, VECTORS, 2);
    }

    private static String fitFails(Dataset<Row> data) {
        return fitFails(new FastnnClassifier().setLayers(3, 4, 2).setEpochs(1), data);
    }

    private static String fitFails(FastnnEstimator<?, ?> estimator, Dataset<Row> data) {
        return assertThrows(IllegalArgumentException.class, () -> estimator.fit(data)).getMessage();
    }

    @Test
    void nullFeaturesNameTheColumnAndTheRow() {
        assertEquals("features column 'features' is null in row 2 of partition 1",
                fitFails(withRow(RowFactory.create(null, 1.0))));
    }

    @Test
    void aNaNFeatureNamesItsIndex() {
        assertEquals("features column 'features' has NaN at index 1 in row 2 of partition 1",
                fitFails(withRow(RowFactory.create(Vectors.dense(1, Double.NaN, 2), 1.0))));
    }

    @Test
    void aVectorOfTheWrongSizeNamesBothSizes() {
        assertEquals("features column 'features' has 2 values, the network takes 3 in row 2 of partition 1",
                fitFails(withRow(RowFactory.create(Vectors.sparse(2, new int[] {0}, new double[] {1}), 1.0))));
    }

    @Test
    void aNullInsideAnArrayColumnNamesItsIndex() {
        StructType arrays = new StructType()
                .add("features", DataTypes.createArrayType(DataTypes.DoubleType, true), false)
                .add("label", DataTypes.DoubleType, false);
        List<Row> rows = List.of(RowFactory.create(new Double[] {1.0, 2.0, 3.0}, 0.0),
                RowFactory.create(new Double[] {1.0, null, 3.0}, 1.0));
        assertEquals("features column 'features' has a null at index 1 in row 1 of partition 0",
                fitFails(TestData.frame(spark, rows, arrays, 1)));
    }

    @Test
    void aLabelThatIsNoClassIndexSaysSo() {
        assertEquals("label column 'label' is 2.5, not a class index (a whole number from 0); index other labels"
                + " with StringIndexer or give them as strings in row 2 of partition 1",
                fitFails(withRow(RowFactory.create(Vectors.dense(1, 2, 3), 2.5))));
        assertEquals("label column 'label' is -1.0, not a class index (a whole number from 0); index other labels"
                + " with StringIndexer or give them as strings in row 2 of partition 1",
                fitFails(withRow(RowFactory.create(Vectors.dense(1, 2, 3), -1.0))));
    }

    @Test
    void aClassBeyondTheOutputsNamesTheLayers() {
        assertEquals("label column 'label' is class 2 but the network has 2 outputs (classes 0 to 1); make the last"
                + " layer larger in row 2 of partition 1",
                fitFails(withRow(RowFactory.create(Vectors.dense(1, 2, 3), 2.0))));
    }

    @Test
    void aNullLabelSaysSo() {
        assertEquals("label column 'label' is null in row 2 of partition 1",
                fitFails(withRow(RowFactory.create(Vectors.dense(1, 2, 3), null))));
    }

    @Test
    void theFirstBadPartitionIsReportedWhateverFinishesFirst() {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            rows.add(RowFactory.create(i == 1 || i == 8 ? null : Vectors.dense(1, 2, 3), 0.0));
        }
        assertEquals("features column 'features' is null in row 1 of partition 0",
                fitFails(TestData.frame(spark, rows, VECTORS, 2)));
    }

    @Test
    void anEmptyDataFrameSaysSo() {
        assertEquals("the DataFrame is empty: there are no rows to train on",
                fitFails(TestData.frame(spark, List.of(), VECTORS, 2)));
    }

    @Test
    void aNaNTargetOfARegressorSaysSo() {
        assertEquals("label column 'label' is NaN, not a finite number in row 2 of partition 1",
                fitFails(new FastnnRegressor().setLayers(3, 4, 1).setEpochs(1),
                        withRow(RowFactory.create(Vectors.dense(1, 2, 3), Double.NaN))));
    }

    @Test
    void columnsOfTheWrongTypeOrMissingAreNamedBeforeAnyJob() {
        StructType strings = new StructType().add("features", DataTypes.StringType).add("label", DataTypes.DoubleType);
        assertEquals("features column 'features' is of type string; fastnn takes a Vector or an array of doubles or floats",
                fitFails(TestData.frame(spark, List.of(RowFactory.create("1,2,3", 0.0)), strings, 1)));
        assertEquals("the DataFrame has no label column 'y'; its columns are [features, label]",
                fitFails(new FastnnClassifier().setLayers(3, 2).setLabelCol("y"), withRow(RowFactory.create(null, 0.0))));
        StructType vectorLabel = new StructType().add("features", SQLDataTypes.VectorType())
                .add("label", SQLDataTypes.VectorType());
        assertEquals("label column 'label' is of type vector; it must hold a number per row",
                fitFails(new FastnnRegressor().setLayers(3, 1), TestData.frame(spark, List.of(), vectorLabel, 1)));
    }

    @Test
    void settingsThatCannotWorkFailBeforeAnyJob() {
        Dataset<Row> data = withRow(RowFactory.create(Vectors.dense(1, 2, 3), 0.0));
        assertEquals("layers is not set: give the sizes with setLayers(inputs, hidden..., outputs), e.g."
                + " setLayers(784, 256, 10)", fitFails(new FastnnClassifier(), data));
        assertEquals("loss cross-entropy needs a softmax output layer, got sigmoid",
                fitFails(new FastnnClassifier().setLayers(3, 2).setOutputActivation("sigmoid"), data));
        assertEquals("early stopping (earlyStoppingPatience 2) judges a validation set: set validationFraction above 0",
                fitFails(new FastnnClassifier().setLayers(3, 2).setEarlyStoppingPatience(2), data));
        assertEquals("3 class weights for 2 classes",
                fitFails(new FastnnClassifier().setLayers(3, 2).setClassWeights("1,2,3"), data));
        assertEquals("a regressor has one output: the last of layers [3, 2] must be 1",
                fitFails(new FastnnRegressor().setLayers(3, 2), data));
        assertEquals("label column 'label' holds 3 distinct labels [a, b, c] but the last layer has 2 outputs; give it"
                + " one output per label", fitFails(new FastnnClassifier().setLayers(3, 2), stringLabels("a", "b", "c")));
    }

    @Test
    void invalidParamValuesAreRefusedWhenSet() {
        FastnnClassifier c = new FastnnClassifier();
        for (Runnable set : List.<Runnable>of(() -> c.setBatchSize(0), () -> c.setLayers(3), () -> c.setLayers(3, 0, 2),
                () -> c.setOptimizer("rmsprop"), () -> c.setValidationFraction(1), () -> c.setDivisor(0),
                () -> c.setBackend("cuda"), () -> c.setOutputActivation("relu"))) {
            assertThrows(IllegalArgumentException.class, set::run);
        }
    }

    private static Dataset<Row> stringLabels(String... labels) {
        StructType schema = new StructType().add("features", SQLDataTypes.VectorType()).add("label", DataTypes.StringType);
        List<Row> rows = new ArrayList<>();
        for (String label : labels) {
            rows.add(RowFactory.create(Vectors.dense(1, 2, 3), label));
        }
        return TestData.frame(spark, rows, schema, 1);
    }
}
