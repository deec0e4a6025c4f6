package dev.fastnn.network.data;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * The real Fashion-MNIST for tests, from the Debian package's directory. When the package is absent the
 * calling test is skipped with the reason, unless {@code -Dfastnn.requireDataset=true} (set by CI, which
 * installs {@code dataset-fashion-mnist}): then it fails, so CI can never pass by skipping real data.
 * {@code -Dfastnn.datasetDir=DIR} reads the files from elsewhere.
 */
public final class TestDatasets {
    public static final String REQUIRE_DATASET = "fastnn.requireDataset";
    public static final String DATASET_DIR = "fastnn.datasetDir";

    private TestDatasets() {
    }

    /** Both sets, read once per test JVM (reading and inflating 30 MB of gzip takes about a second). */
    public static FashionMnist fashionMnist() {
        requireFashionMnist();
        return Loaded.FASHION_MNIST;
    }

    public static void requireFashionMnist() {
        if (!FashionMnist.isPresent(dir())) {
            String reason = "Fashion-MNIST is not installed in " + dir() + " (apt-get install "
                    + FashionMnist.DEBIAN_PACKAGE + ")";
            if (Boolean.getBoolean(REQUIRE_DATASET)) {
                fail("-D" + REQUIRE_DATASET + "=true but " + reason);
            }
            assumeTrue(false, "skipped: " + reason);
        }
    }

    public static Path dir() {
        String dir = System.getProperty(DATASET_DIR);
        return dir == null || dir.isBlank() ? FashionMnist.DEFAULT_DIR : Path.of(dir);
    }

    private static final class Loaded {
        static final FashionMnist FASHION_MNIST = load();

        private static FashionMnist load() {
            try {
                return FashionMnist.load(dir());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
