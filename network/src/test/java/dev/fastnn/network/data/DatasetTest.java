package dev.fastnn.network.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastnn.network.model.ClassLabels;
import dev.fastnn.network.model.Task;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DatasetTest {
    private static final float[] FEATURES = {0, 1, 2, 10, 11, 12, 20, 21, 22, 30, 31, 32};

    @Test
    void featuresAreRowMajorAsWritten() {
        Dataset d = new Dataset(FEATURES, 4, 3, new int[] {1, 0, 2, 1}, 3);

        assertEquals(21f, d.feature(2, 1));
        assertArrayEquals(new float[] {30, 31, 32}, d.row(3));
        assertEquals(2, d.label(2));
        assertTrue(d.hasLabels());
    }

    @Test
    void firstRowsKeepTheirFeaturesLabelsAndTheFullClassCount() {
        Dataset d = new Dataset(FEATURES, 4, 3, new int[] {0, 0, 2, 1}, 5);

        Dataset head = d.first(2);

        assertEquals(2, head.rows());
        assertArrayEquals(new float[] {0, 1, 2, 10, 11, 12}, head.features());
        assertArrayEquals(new int[] {0, 0}, head.labels());
        assertEquals(5, head.classes());
        assertSame(d, d.first(4));
        assertSame(d, d.first(100));
        assertThrows(IllegalArgumentException.class, () -> d.first(0));
    }

    @Test
    void oneHotHasASingleOneInTheLabelsColumn() {
        Dataset d = new Dataset(new float[3], 3, 1, new int[] {2, 0, 1}, 3);

        assertArrayEquals(new float[] {0, 0, 1, 1, 0, 0, 0, 1, 0}, d.oneHotLabels());
    }

    @Test
    void labelledInfersOneMoreClassThanTheLargestLabel() {
        assertEquals(8, Dataset.labelled(new float[2], 2, 1, new int[] {7, 3}).classes());
        assertThrows(IllegalArgumentException.class, () -> Dataset.labelled(new float[2], 2, 1, new int[] {-1, 3}));
    }

    @Test
    void unlabelledDataHasNoLabelsAndNoClasses() {
        Dataset d = Dataset.unlabelled(FEATURES, 2, 6);

        assertFalse(d.hasLabels());
        assertEquals(0, d.classes());
        assertThrows(IllegalStateException.class, d::labels);
        assertEquals(1, d.first(1).rows());
    }

    /** 30 rows sorted by class (10 of class 0, 15 of class 1, 5 of class 2), feature = row number. */
    private static Dataset sortedByClass() {
        int rows = 30;
        float[] x = new float[rows];
        int[] labels = new int[rows];
        for (int r = 0; r < rows; r++) {
            x[r] = r;
            labels[r] = r < 10 ? 0 : r < 25 ? 1 : 2;
        }
        return Dataset.classification(x, rows, 1, labels, ClassLabels.ofStrings("a", "b", "c"));
    }

    @Test
    void stratifiedSplitOfAFileSortedByClassHoldsOutEachClassesShare() {
        Dataset d = sortedByClass();

        Dataset.Split split = d.split(0.2, 7);

        assertEquals(6, split.validation().rows(), "round(0.2 * 30)");
        assertEquals(24, split.train().rows());
        int[] held = new int[3];
        for (int l : split.validation().labels()) {
            held[l]++;
        }
        assertArrayEquals(new int[] {2, 3, 1}, held, "20% of 10, 15 and 5");
        assertEquals(d.classLabels(), split.validation().classLabels());
        Set<Float> seen = new HashSet<>();
        for (Dataset part : List.of(split.train(), split.validation())) {
            float previous = -1;
            for (int r = 0; r < part.rows(); r++) {
                float value = part.feature(r, 0);
                assertTrue(value > previous, "original order kept");
                previous = value;
                assertTrue(seen.add(value), "row " + value + " in one part only");
                assertEquals(d.label((int) value), part.label(r), "label travels with its row");
            }
        }
        assertEquals(30, seen.size());
    }

    @Test
    void splitIsSeededAndAnotherSeedDrawsOtherRows() {
        Dataset d = sortedByClass();

        float[] a = d.split(0.3, 1).validation().features();
        float[] b = d.split(0.3, 1).validation().features();
        float[] c = d.split(0.3, 2).validation().features();

        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
    }

    @Test
    void splitKeepsAClassesOnlyRowForTrainingAndSplitsOtherDataAtRandom() {
        Dataset single = Dataset.classification(new float[] {1, 2, 3, 4, 5}, 5, 1, new int[] {0, 0, 0, 0, 1},
                ClassLabels.ofIntegers(1, 2));
        Dataset regression = Dataset.regression(new float[] {1, 2, 3, 4}, 4, 1, new float[] {10, 20, 30, 40});

        Dataset.Split s = single.split(0.5, 3);
        Dataset.Split r = regression.split(0.5, 3);

        assertTrue(Arrays.stream(s.train().labels()).anyMatch(l -> l == 1), "class 1's only row trains");
        assertEquals(2, r.validation().rows());
        for (int i = 0; i < 2; i++) {
            assertEquals(10 * r.validation().feature(i, 0), r.validation().targets()[i], "targets travel with rows");
        }
        assertThrows(IllegalArgumentException.class, () -> regression.split(0, 1));
        assertThrows(IllegalArgumentException.class, () -> regression.split(1, 1));
        assertThrows(IllegalArgumentException.class, () -> regression.first(1).split(0.5, 1));
    }

    @Test
    void shuffleIsASeededPermutationAndSubsetTakesRowsInTheOrderGiven() {
        Dataset d = sortedByClass().withFeatureNames(List.of("n"));

        Dataset shuffled = d.shuffle(5);
        Dataset subset = d.subset(new int[] {29, 0, 0, 12});

        assertArrayEquals(shuffled.features(), d.shuffle(5).features());
        float[] sorted = shuffled.features().clone();
        Arrays.sort(sorted);
        assertArrayEquals(d.features(), sorted, "a permutation");
        assertFalse(Arrays.equals(d.features(), shuffled.features()));
        for (int r = 0; r < shuffled.rows(); r++) {
            assertEquals(d.label((int) shuffled.feature(r, 0)), shuffled.label(r));
        }
        assertArrayEquals(new float[] {29, 0, 0, 12}, subset.features());
        assertArrayEquals(new int[] {2, 0, 0, 1}, subset.labels());
        assertEquals(List.of("n"), subset.featureNames());
        assertThrows(IndexOutOfBoundsException.class, () -> d.subset(new int[] {30}));
    }

    @Test
    void regressionDataHasTargetsAndNoClasses() {
        Dataset d = Dataset.regression(new float[] {1, 2}, 2, 1, new float[] {0.5f, -1});

        assertEquals(Task.REGRESSION, d.task());
        assertFalse(d.hasLabels());
        assertEquals(0, d.classes());
        assertThrows(IllegalStateException.class, d::labels);
        assertMessage(() -> Dataset.regression(new float[] {1, 2}, 2, 1, new float[3]), "2 targets", "got 3");
        assertMessage(() -> d.withFeatureNames(List.of("a", "b")), "1 feature names", "got 2");
    }

    @Test
    void inconsistentShapesAndLabelsAreRejectedWithTheNumbers() {
        assertMessage(() -> new Dataset(FEATURES, 5, 3, null, 0), "5x3", "15", "12");
        assertMessage(() -> new Dataset(FEATURES, 0, 12, null, 0), "0x12");
        assertMessage(() -> new Dataset(FEATURES, 4, 3, new int[3], 2), "4 labels", "got 3");
        assertMessage(() -> new Dataset(FEATURES, 4, 3, new int[] {0, 1, 3, 0}, 3), "label 3 of row 2", "[0, 3)");
        assertMessage(() -> new Dataset(FEATURES, 4, 3, new int[] {0, -1, 0, 0}, 3), "label -1 of row 1");
        assertMessage(() -> new Dataset(FEATURES, 4, 3, null, 10), "0 classes");
        assertMessage(() -> new Dataset(FEATURES, 4, 3, new int[4], 0), "at least 1 class");
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable constructor, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, constructor);
        IdxReaderTest.assertMessage(e, parts);
    }
}
