package dev.fastnn.network.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Fashion-MNIST (Zalando's 28x28 grayscale article images, 10 classes) as installed by the Debian package
 * {@code dataset-fashion-mnist}: four gzipped IDX files in {@link #DEFAULT_DIR}. Any directory holding the
 * same four files, gzipped or not, works too. Nothing is ever downloaded.
 */
public record FashionMnist(Dataset train, Dataset test) {
    /** The name the command line uses: {@code --dataset fashion-mnist}. */
    public static final String NAME = "fashion-mnist";
    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    public static final String DEBIAN_PACKAGE = "dataset-fashion-mnist";
    public static final int CLASSES = 10;
    public static final int TRAIN_SIZE = 60_000;
    public static final int TEST_SIZE = 10_000;
    /** Label {@code i} means {@code CLASS_NAMES.get(i)}. */
    public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    private static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    private static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    private static final String TEST_LABELS = "t10k-labels-idx1-ubyte";

    public FashionMnist {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(test, "test");
        if (train.cols() != test.cols()) {
            throw new IllegalArgumentException("training images have " + train.cols() + " pixels but test images "
                    + test.cols() + "; one model cannot take both");
        }
    }

    /** Both sets from {@link #DEFAULT_DIR}. */
    public static FashionMnist load() throws IOException {
        return load(DEFAULT_DIR);
    }

    /** Both sets from {@code dir}; a missing file is reported before anything is read. */
    public static FashionMnist load(Path dir) throws IOException {
        List<Path> files = locate(dir, TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS);
        Dataset train = IdxReader.readDataset(files.get(0), files.get(1), CLASSES);
        Dataset test = IdxReader.readDataset(files.get(2), files.get(3), CLASSES);
        if (train.cols() != test.cols()) {
            throw new DataFileException(files.get(2), "images have " + test.cols()
                    + " pixels but the training images in " + files.get(0) + " have " + train.cols());
        }
        return new FashionMnist(train, test);
    }

    /** The 60000 training images from {@code dir}. */
    public static Dataset loadTrain(Path dir) throws IOException {
        List<Path> files = locate(dir, TRAIN_IMAGES, TRAIN_LABELS);
        return IdxReader.readDataset(files.get(0), files.get(1), CLASSES);
    }

    /** The 10000 test images from {@code dir}. */
    public static Dataset loadTest(Path dir) throws IOException {
        List<Path> files = locate(dir, TEST_IMAGES, TEST_LABELS);
        return IdxReader.readDataset(files.get(0), files.get(1), CLASSES);
    }

    /** Whether {@code dir} holds all four files (gzipped or not). */
    public static boolean isPresent(Path dir) {
        for (String name : List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS)) {
            if (find(dir, name) == null) {
                return false;
            }
        }
        return true;
    }

    private static List<Path> locate(Path dir, String... names) throws DatasetNotFoundException {
        List<Path> found = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String name : names) {
            Path file = find(dir, name);
            if (file == null) {
                missing.add(name + "[.gz]");
            }
            found.add(file);
        }
        if (!missing.isEmpty()) {
            throw new DatasetNotFoundException("Fashion-MNIST not found: " + dir + " lacks "
                    + String.join(", ", missing)
                    + ". Install it with 'apt-get install " + DEBIAN_PACKAGE + "' (files go to " + DEFAULT_DIR
                    + ") or point --data-dir DIR at a directory with the four IDX files.");
        }
        return found;
    }

    private static Path find(Path dir, String name) {
        for (Path candidate : List.of(dir.resolve(name + ".gz"), dir.resolve(name))) {
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
