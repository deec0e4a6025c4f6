package dev.fastnn.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastnn.kernels.Backends;
import dev.fastnn.network.io.ModelFile;
import dev.fastnn.network.model.ClassLabels;
import dev.fastnn.network.model.ModelParameters;
import dev.fastnn.network.train.Model;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Saving and loading: a saved model loads back in a new SparkSession with the same predictions, its model
 * file loads in plain fastnn with the same parameters, and fastnn stages save inside Spark pipelines.
 */
class PersistenceTest {
    private static SparkSession spark;
    private static TestData.Table blobs;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start(PersistenceTest.class);
        blobs = TestData.blobs(400, 5, 3, 8);
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static FastnnClassifier classifier() {
        return new FastnnClassifier().setLayers(5, 8, 3).setEpochs(2).setLearningRate(0.01).setBackend("naive")
                .setProbabilityCol("p").setSeed(3);
    }

    @Test
    void aSavedModelLoadsInANewSessionWithTheSamePredictionsAndItsModelFileLoadsInPlainFastnn() throws IOException {
        FastnnClassificationModel model = classifier().fit(TestData.vectors(spark, blobs, 2));
        List<Row> before = model.transform(TestData.vectors(spark, blobs, 2)).collectAsList();
        String path = dir.resolve("model").toString();
        model.write().save(path);

        spark.stop();
        spark = LocalSpark.start(PersistenceTest.class);
        FastnnClassificationModel loaded = FastnnClassificationModel.load(path);
        assertEquals(model.uid(), loaded.uid());
        assertEquals("p", loaded.getProbabilityCol(), "set params come back");
        assertEquals("naive", loaded.getBackend());
        List<Row> after = loaded.transform(TestData.vectors(spark, blobs, 2)).collectAsList();
        assertEquals(before, after);

        ModelParameters file = ModelFile.load(dir.resolve("model").resolve(StageDirectory.MODEL_FILE));
        ModelAveragingTest.assertSameLayers(model.parameters(), file);
        assertEquals(model.parameters().preprocessing(), file.preprocessing());
        assertEquals(ClassLabels.indices(3), file.classLabels());
        String trainer = file.metadata().get("trainer");
        assertTrue(trainer.startsWith("Trainer[layers=5,8,3") && trainer.contains("standardize=true")
                && trainer.endsWith("backend=" + Backends.get("naive").description() + "]"), trainer);
        assertEquals(Backends.get("naive").description(), file.metadata().get("backend"), "the executors' backend");
        try (Model plain = Model.of(Backends.get("naive"), file)) {
            float[] p = plain.predict(blobs.x(), blobs.rows());
            for (int i = 0; i < blobs.rows(); i++) {
                double[] q = after.get(i).<Vector>getAs("p").toArray();
                for (int j = 0; j < 3; j++) {
                    assertEquals(p[i * 3 + j], q[j], 1e-6, "row " + i);
                }
            }
        }
    }

    @Test
    void savingOverAnExistingModelNeedsOverwrite() throws IOException {
        FastnnClassificationModel model = new FastnnClassificationModel(classifier().fit(
                TestData.vectors(spark, blobs, 1)).parameters());
        String path = dir.resolve("twice").toString();
        model.save(path);
        assertThrows(IOException.class, () -> model.save(path));
        model.write().overwrite().save(path);
        assertTrue(Files.isRegularFile(dir.resolve("twice").resolve(StageDirectory.MODEL_FILE)));
    }

    @Test
    void loadingAnotherKindOfStageOrNothingNamesThePath() throws IOException {
        String path = dir.resolve("classifier").toString();
        classifier().save(path);
        UncheckedIOException wrong = assertThrows(UncheckedIOException.class, () -> FastnnRegressionModel.load(path));
        assertEquals("cannot load a FastnnRegressionModel from " + path + ": " + path + " holds a saved "
                + FastnnClassifier.class.getName() + ", not a " + FastnnRegressionModel.class.getName(),
                wrong.getMessage());
        String empty = dir.resolve("nothing").toString();
        UncheckedIOException none = assertThrows(UncheckedIOException.class, () -> FastnnClassificationModel.load(empty));
        assertEquals("cannot load a FastnnClassificationModel from " + empty + ": " + empty
                + " holds no saved Spark ML stage (no metadata in it)", none.getMessage());
    }

    @Test
    void anEstimatorSavesAndLoadsWithItsParams() throws IOException {
        String path = dir.resolve("estimator").toString();
        FastnnClassifier saved = classifier().setLocalEpochs(3).setSchedule("step");
        saved.save(path);
        FastnnClassifier loaded = FastnnClassifier.load(path);
        assertEquals(saved.uid(), loaded.uid());
        assertArrayEquals(new int[] {5, 8, 3}, loaded.getLayers());
        assertEquals(3, loaded.getLocalEpochs());
        assertEquals("step", loaded.getSchedule());
        for (Param<?> p : saved.params()) {
            assertEquals(json(saved, p), json(loaded, p), p.name());
        }
    }

    private static String json(Params stage, Param<?> p) {
        Param<Object> param = stage.getParam(p.name());
        return stage.isDefined(param) ? param.jsonEncode(stage.getOrDefault(param)) : "unset";
    }

    @Test
    void aPipelineWithAFastnnStageSavesAndLoadsLikeAnyOther() throws IOException {
        StructType schema = new StructType().add("a", DataTypes.DoubleType).add("b", DataTypes.DoubleType)
                .add("c", DataTypes.DoubleType).add("d", DataTypes.DoubleType).add("e", DataTypes.DoubleType)
                .add("label", DataTypes.StringType);
        List<Row> rows = new ArrayList<>();
        String[] names = {"cat", "dog", "emu"};
        for (int i = 0; i < blobs.rows(); i++) {
            double[] x = blobs.row(i);
            rows.add(RowFactory.create(x[0], x[1], x[2], x[3], x[4], names[blobs.labels()[i]]));
        }
        Dataset<Row> frame = TestData.frame(spark, rows, schema, 2);
        VectorAssembler assemble = new VectorAssembler().setInputCols(new String[] {"a", "b", "c", "d", "e"})
                .setOutputCol("features");
        PipelineStage fastnn = classifier().setEpochs(10).setBatchSize(16);
        PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {assemble, fastnn}).fit(frame);
        FastnnClassificationModel model = (FastnnClassificationModel) fitted.stages()[1];
        assertEquals(ClassLabels.ofStrings("cat", "dog", "emu"), model.classLabels(), "string labels in sorted order");
        assertEquals(List.of("a", "b", "c", "d", "e"), model.parameters().featureNames(), "from VectorAssembler");

        String path = dir.resolve("pipeline").toString();
        fitted.save(path);
        PipelineModel loaded = PipelineModel.load(path);
        assertEquals(fitted.transform(frame).collectAsList(), loaded.transform(frame).collectAsList());
        List<Row> scored = loaded.transform(frame).select("label", "prediction").collectAsList();
        int right = 0;
        for (Row r : scored) {
            right += names[(int) r.getDouble(1)].equals(r.getString(0)) ? 1 : 0;
        }
        assertTrue(right > 0.8 * scored.size(), right + " of " + scored.size());
    }
}
