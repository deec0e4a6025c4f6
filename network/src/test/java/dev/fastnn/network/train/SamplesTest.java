package dev.fastnn.network.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastnn.kernels.naive.NaiveBackend;
import dev.fastnn.network.data.Dataset;
import dev.fastnn.network.model.ClassLabels;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How data read by {@code dev.fastnn.network.data} becomes what a trainer and a model take. */
class SamplesTest {
    private static final float[] X = {1, 2, 3, 4, 5, 6};

    @Test
    void classCountLabelsAndNamesComeFromTheData() {
        Dataset d = Dataset.classification(X, 3, 2, new int[] {1, 0, 1}, ClassLabels.ofStrings("no", "yes"))
                .withFeatureNames(List.of("a", "b"));

        Samples s = Samples.of(d);

        assertEquals(2, s.outputs());
        assertEquals(ClassLabels.ofStrings("no", "yes"), s.classLabels());
        assertEquals(List.of("a", "b"), s.featureNames());
        assertSame(X, s.inputs(), "shared, not copied");
        assertArrayEquals(new int[] {1, 0, 1}, s.labels());
    }

    @Test
    void regressionDataGivesOneTargetPerRow() {
        Samples s = Samples.of(Dataset.regression(X, 3, 2, new float[] {0.5f, 1.5f, 2.5f}));

        assertEquals(1, s.outputs());
        assertNull(s.classLabels());
        assertArrayEquals(new float[] {0.5f, 1.5f, 2.5f}, s.targets());
    }

    @Test
    void anExplicitClassCountWidensOnlyIndexLabels() {
        Dataset indices = new Dataset(X, 3, 2, new int[] {0, 1, 0}, 2);
        Dataset named = Dataset.classification(X, 3, 2, new int[] {0, 1, 0}, ClassLabels.ofStrings("cat", "dog"));

        assertEquals(ClassLabels.indices(10), Samples.of(indices, 10).classLabels());
        assertEquals(named.classLabels(), Samples.of(named, 2).classLabels());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Samples.of(named, 3));
        assertTrue(e.getMessage().contains("no label for 3 outputs"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Samples.of(indices, 1));
        assertThrows(IllegalArgumentException.class, () -> Samples.of(Dataset.unlabelled(X, 3, 2)));
    }

    @Test
    void aModelPredictsADatasetAsItsRowsAndChecksItsWidth() {
        Samples train = TrainerTest.blobs(40);
        Dataset data = Dataset.classification(train.inputs(), train.rows(), train.features(), train.labels(),
                ClassLabels.indices(3));
        try (Model model = Trainer.builder().layers(6, 4, 3).epochs(1).backend(new NaiveBackend()).build().fit(train)) {
            assertArrayEquals(model.predict(train.inputs(), train.rows()), model.predict(data));
            assertArrayEquals(model.classify(train.inputs(), train.rows()), model.classify(data));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> model.predict(Dataset.unlabelled(X, 3, 2)));
            assertTrue(e.getMessage().contains("2 features but the model takes 6"), e.getMessage());
        }
    }
}
