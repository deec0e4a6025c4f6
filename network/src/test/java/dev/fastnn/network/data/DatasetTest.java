package dev.fastnn.network.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
