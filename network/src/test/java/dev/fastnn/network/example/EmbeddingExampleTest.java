package dev.fastnn.network.example;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastnn.kernels.Backends;
import dev.fastnn.network.data.FashionMnist;
import dev.fastnn.network.data.TestDatasets;
import dev.fastnn.network.io.ModelFile;
import dev.fastnn.network.train.EpochMetrics;
import dev.fastnn.network.train.Model;
import dev.fastnn.network.train.Optimizer;
import dev.fastnn.network.train.Samples;
import dev.fastnn.network.train.Trainer;
import dev.fastnn.network.train.TrainingListener;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's embedding example (the body of {@link #trainFashionMnist}, quoted verbatim), run on a
 * subset of the real Fashion-MNIST; it is also the real-data test of training: 4000 images for
 * three epochs must classify most test images (chance is 10%; it reaches about 70%).
 */
class EmbeddingExampleTest {

    static double trainFashionMnist(FashionMnist data, int epochs, Path modelFile) throws IOException {
        Trainer trainer = Trainer.builder()
                .layers(784, 256, 10)                     // sigmoid hidden layer, softmax output
                .optimizer(new Optimizer.Sgd(0.5))        // cross-entropy loss is the default
                .batchSize(128).epochs(epochs).seed(42)
                .backend(Backends.get("auto"))
                .build();
        Samples train = Samples.of(data.train());      // 10 classes, from the data
        Samples test = Samples.of(data.test());
        TrainingListener log = new TrainingListener() {
            @Override
            public void epochFinished(EpochMetrics m) {
                System.out.printf("epoch %d: loss %.4f, test accuracy %.2f%%%n", m.epoch(), m.loss(), 100 * m.testAccuracy());
            }
        };
        try (Model model = trainer.fit(train, test, log)) {
            ModelFile.save(model.parameters(), modelFile);
            return model.evaluate(test).accuracy();
        }
    }

    @TempDir
    Path dir;

    @Test
    void readmeExampleTrainsOnAFashionMnistSubsetAndSavesAModelThatLoadsBack() throws IOException {
        FashionMnist full = TestDatasets.fashionMnist();
        FashionMnist subset = new FashionMnist(full.train().first(4000), full.test().first(1000));
        Path file = dir.resolve("fashion.fnn");

        double accuracy = trainFashionMnist(subset, 3, file);

        assertTrue(accuracy > 0.6, "test accuracy " + accuracy);
        Samples test = Samples.of(subset.test(), 10);
        try (Model loaded = Model.of(Backends.get("auto"), ModelFile.load(file))) {
            assertTrue(Math.abs(loaded.evaluate(test).accuracy() - accuracy) < 1e-12, "the saved model scores the same");
            int[] classes = loaded.classify(test.inputs(), test.rows());
            assertArrayEquals(classes, loaded.classify(test.inputs(), test.rows()));
        }
    }
}
