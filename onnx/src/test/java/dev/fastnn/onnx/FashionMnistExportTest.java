package dev.fastnn.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fastnn.kernels.Activation;
import dev.fastnn.kernels.Backends;
import dev.fastnn.network.data.Dataset;
import dev.fastnn.network.data.FashionMnist;
import dev.fastnn.network.model.ClassLabels;
import dev.fastnn.network.model.Initializer;
import dev.fastnn.network.model.ModelParameters;
import dev.fastnn.network.train.Model;
import dev.fastnn.network.train.Optimizer;
import dev.fastnn.network.train.Samples;
import dev.fastnn.network.train.Trainer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A classifier trained on real Fashion-MNIST images (raw pixels divided by 255 and standardized, so the
 * export's first Gemm carries both folded in; string class labels) gives in ONNX Runtime what {@code Model.predict} gives, on all 10000 test images.
 * Only the test file is read, to keep the suite short: its first images train the model.
 * Skipped with the reason when Debian's {@code dataset-fashion-mnist} is not installed, failed instead under
 * {@code -Dfastnn.requireDataset=true} (CI); {@code -Dfastnn.datasetDir=DIR} reads the files from elsewhere,
 * as in the network module's tests.
 */
class FashionMnistExportTest {
    private static final String REQUIRE_DATASET = "fastnn.requireDataset";
    private static final String DATASET_DIR = "fastnn.datasetDir";

    @Test
    void standardizedFashionMnistClassifierMatchesPredictInOnnxRuntimeOnEveryTestImage() throws Exception {
        OnnxRuntimeReference.require();
        Dataset test = rawPixels(fashionMnistTest());
        int trained = 2000;
        Samples train = Samples.of(test.first(trained), FashionMnist.CLASSES);
        Trainer trainer = Trainer.builder().layers(784, 64, 10).hiddenActivation(Activation.RELU)
                .initializer(Initializer.HE).optimizer(new Optimizer.Adam(0.001f)).batchSize(64).epochs(1)
                .divisor(255).standardize(true).seed(7).backend(Backends.get("vector")).build();
        ModelParameters parameters;
        try (Model model = trainer.fit(train)) {
            parameters = model.parameters().withClassLabels(ClassLabels.ofStrings(FashionMnist.CLASS_NAMES));
        }
        assertTrue(parameters.preprocessing().isStandardized());
        assertEquals(255f, parameters.preprocessing().divisor());
        Map<String, Object> out = OnnxExportTest.assertRuntimeMatchesPredict(parameters, "vector", test.features(),
                test.rows());

        String[] labels = (String[]) out.get(OnnxModelFile.LABEL);
        assertEquals(test.rows(), labels.length);
        int correct = 0;
        for (int i = trained; i < test.rows(); i++) {
            correct += labels[i].equals(FashionMnist.CLASS_NAMES.get(test.label(i))) ? 1 : 0;
        }
        int heldOut = test.rows() - trained;
        assertTrue(correct > 0.7 * heldOut, "the served model is a trained classifier: " + correct + " of "
                + heldOut + " images it was not trained on right");
    }

    /** The images as the IDX file holds them, 0..255, so that the model folds the divisor too. */
    private static Dataset rawPixels(Dataset scaled) {
        float[] pixels = scaled.features().clone();
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = Math.round(pixels[i] * 255);
        }
        return Dataset.labelled(pixels, scaled.rows(), scaled.cols(), scaled.labels());
    }

    /** The 10000 test images (the first few train the model, the rest check that the served model classifies). */
    private static Dataset fashionMnistTest() throws Exception {
        String property = System.getProperty(DATASET_DIR);
        Path dir = property == null || property.isBlank() ? FashionMnist.DEFAULT_DIR : Path.of(property);
        if (!FashionMnist.isPresent(dir)) {
            String reason = "Fashion-MNIST is not installed in " + dir + " (apt-get install "
                    + FashionMnist.DEBIAN_PACKAGE + ")";
            if (Boolean.getBoolean(REQUIRE_DATASET)) {
                fail("-D" + REQUIRE_DATASET + "=true but " + reason);
            }
            assumeTrue(false, "skipped: " + reason);
        }
        return FashionMnist.loadTest(dir);
    }
}
