package dev.fastnn.network.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTest {
    @TempDir
    Path dir;

    /**
     * Reference values computed with numpy from the same Debian files ({@code np.frombuffer(gzip.open(f).read(),
     * np.uint8, offset=16) / 255}): the first ten labels, the pixel sum of the first image and the mean pixel.
     */
    @Test
    void realFilesMatchNumpysReadingOfThem() {
        FashionMnist data = TestDatasets.fashionMnist();

        checkSet(data.train(), FashionMnist.TRAIN_SIZE, new int[] {9, 0, 0, 3, 0, 2, 7, 2, 5, 5},
                299.0078431372549, 0.2860405969887955, 6000);
        checkSet(data.test(), FashionMnist.TEST_SIZE, new int[] {9, 2, 1, 1, 6, 1, 4, 6, 5, 7},
                131.2, 0.2868492807122849, 1000);
    }

    private static void checkSet(Dataset d, int rows, int[] firstLabels, double firstImageSum, double mean,
            int perClass) {
        assertEquals(rows, d.rows());
        assertEquals(28 * 28, d.cols());
        assertEquals(FashionMnist.CLASSES, d.classes());
        assertArrayEquals(firstLabels, Arrays.copyOf(d.labels(), 10));
        int[] counts = new int[FashionMnist.CLASSES];
        for (int label : d.labels()) {
            counts[label]++;
        }
        int[] balanced = new int[FashionMnist.CLASSES];
        Arrays.fill(balanced, perClass);
        assertArrayEquals(balanced, counts, "images per class");
        double sum = 0;
        double first = 0;
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        float[] x = d.features();
        for (int i = 0; i < x.length; i++) {
            sum += x[i];
            min = Math.min(min, x[i]);
            max = Math.max(max, x[i]);
            if (i < d.cols()) {
                first += x[i];
            }
        }
        assertEquals(0f, min);
        assertEquals(1f, max);
        assertEquals(firstImageSum, first, 1e-4);
        assertEquals(mean, sum / x.length, 1e-7);
    }

    @Test
    void subsetOfRealTrainingSetIsItsFirstRows() {
        Dataset train = TestDatasets.fashionMnist().train();

        Dataset head = train.first(1000);

        assertEquals(1000, head.rows());
        assertArrayEquals(Arrays.copyOf(train.features(), 1000 * 784), head.features());
        assertArrayEquals(Arrays.copyOf(train.labels(), 1000), head.labels());
    }

    @Test
    void missingFilesSayHowToInstallThem() throws IOException {
        // A directory holding only the training set: the test files are named as missing, with the remedy.
        IdxFiles.writeFashionMnistSet(dir, "train", 3, false);

        DatasetNotFoundException e = assertThrows(DatasetNotFoundException.class, () -> FashionMnist.load(dir));

        IdxReaderTest.assertMessage(e, dir.toString(), "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte",
                "apt-get install dataset-fashion-mnist", "--data-dir");
        assertFalse(e.getMessage().contains("train-images"), e.getMessage());
        assertFalse(FashionMnist.isPresent(dir));
        assertEquals(3, FashionMnist.loadTrain(dir).rows());
    }

    @Test
    void aDirectoryOfGunzippedOrGzippedFilesLoadsLikeThePackage() throws IOException {
        IdxFiles.writeFashionMnistSet(dir, "train", 5, false);
        IdxFiles.writeFashionMnistSet(dir, "t10k", 2, true);

        assertTrue(FashionMnist.isPresent(dir));
        FashionMnist data = FashionMnist.load(dir);

        assertEquals(5, data.train().rows());
        assertEquals(2, data.test().rows());
        assertEquals(784, data.test().cols());
        assertEquals(10, data.test().classes());
        assertArrayEquals(new int[] {0, 1, 2, 3, 4}, data.train().labels());
    }

    @Test
    void imageAndLabelCountMismatchIsAnError() throws IOException {
        IdxFiles.writeFashionMnistSet(dir, "train", 4, true);
        Files.write(dir.resolve("train-labels-idx1-ubyte.gz"), IdxFiles.gzip(IdxFiles.labels(new byte[] {1, 2, 3})));

        DataFileException e = assertThrows(DataFileException.class, () -> FashionMnist.loadTrain(dir));

        IdxReaderTest.assertMessage(e, "train-labels-idx1-ubyte.gz", "3 labels", "4 images");
    }

    @Test
    void testImagesOfAnotherSizeThanTrainingImagesAreAnError() throws IOException {
        IdxFiles.writeFashionMnistSet(dir, "train", 2, true);
        IdxFiles.writeFashionMnistSet(dir, "t10k", 2, false);
        Files.write(dir.resolve("t10k-images-idx3-ubyte"), IdxFiles.images(2, 14, 14, new byte[2 * 196]));

        DataFileException e = assertThrows(DataFileException.class, () -> FashionMnist.load(dir));

        IdxReaderTest.assertMessage(e, "t10k-images-idx3-ubyte", "196 pixels", "784");
    }
}
