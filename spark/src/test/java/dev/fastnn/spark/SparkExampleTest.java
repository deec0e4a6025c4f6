package dev.fastnn.spark;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastnn.network.data.FashionMnist;
import dev.fastnn.network.data.TestDatasets;
import dev.fastnn.spark.bench.SparkBenchmark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Spark example (the body of {@link #trainSaveAndScore}, quoted verbatim), on a subset of the
 * real Fashion-MNIST: 5000 images must classify most of 1000 test images (chance is 10 %).
 */
class SparkExampleTest {
    private static SparkSession spark;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start(SparkExampleTest.class);
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    static double trainSaveAndScore(Dataset<Row> train, Dataset<Row> test, String path) throws IOException {
        FastnnClassifier classifier = new FastnnClassifier()
                .setLayers(784, 256, 10)                   // inputs, hidden units, classes
                .setEpochs(4)                              // Adam, ReLU, standardized features: the defaults
                .setValidationFraction(0.1).setEarlyStoppingPatience(2);
        FastnnClassificationModel model = classifier.fit(train);      // features: Vector, label: 0, 1, ...
        model.write().overwrite().save(path);                         // Spark's layout, a fastnn model file inside
        FastnnClassificationModel loaded = FastnnClassificationModel.load(path);
        Dataset<Row> scored = loaded.transform(test);                 // adds rawPrediction, probability, prediction
        return new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(scored);
    }

    @Test
    void readmeExampleTrainsOnAFashionMnistSubsetAndScoresWithTheSavedModel() throws IOException {
        FashionMnist full = TestDatasets.fashionMnist();
        Dataset<Row> train = SparkBenchmark.frame(spark, full.train().first(5000), 2).cache();
        Dataset<Row> test = SparkBenchmark.frame(spark, full.test().first(1000), 2).cache();
        Path path = dir.resolve("fashion");

        double accuracy = trainSaveAndScore(train, test, path.toString());

        assertTrue(accuracy > 0.7, "test accuracy " + accuracy);
        assertTrue(Files.isRegularFile(path.resolve(StageDirectory.MODEL_FILE)));
    }
}
