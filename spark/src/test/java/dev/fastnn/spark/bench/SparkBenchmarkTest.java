package dev.fastnn.spark.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastnn.network.data.TestDatasets;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code ./fastnn bench spark} on a tiny configuration, as a functional check (it measures nothing here):
 * both contenders train on the same small Fashion-MNIST DataFrame and the report has every figure.
 */
class SparkBenchmarkTest {

    @Test
    void aTinyRunReportsMllibAndFastnnOnTheSameData() throws IOException {
        TestDatasets.requireFashionMnist();
        SparkBenchmark.Config config = SparkBenchmark.parse(new String[] {"--data-dir", TestDatasets.dir().toString(),
                "--train", "1200", "--test", "300", "--mllib-iterations", "2,1", "--epochs", "2", "--backend", "naive"});
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        SparkBenchmark.Report report = SparkBenchmark.run(config, new PrintStream(progress, true, StandardCharsets.UTF_8));

        assertEquals(1200, report.trainRows());
        assertEquals(List.of(1, 2), report.mllib().stream().map(SparkBenchmark.MllibRun::maxIter).toList());
        for (SparkBenchmark.MllibRun r : report.mllib()) {
            assertTrue(r.iterations() >= 1 && r.iterations() <= r.maxIter() && r.seconds() > 0, r.toString());
        }
        assertEquals(2, report.fastnnRounds().size());
        assertEquals(2, report.singleMachineEpochs().size());
        assertTrue(report.fastnnAccuracy() > 0.5, "fastnn test accuracy " + report.fastnnAccuracy());

        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        SparkBenchmark.print(config, report, new PrintStream(printed, true, StandardCharsets.UTF_8));
        String text = printed.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("MLlib MultilayerPerceptronClassifier 784-256-10, L-BFGS: best test accuracy"), text);
        assertTrue(text.contains("median epoch: ") && text.contains("Spark costs"), text);
        assertTrue(text.contains("speed-up: "), text);
    }

    @Test
    void badOptionsAreNamed() {
        assertEquals("--epochs must be at least 1, got 0", assertThrows(IllegalArgumentException.class,
                () -> SparkBenchmark.parse(new String[] {"--epochs", "0"})).getMessage());
        assertEquals("unknown option --epoch", assertThrows(IllegalArgumentException.class,
                () -> SparkBenchmark.parse(new String[] {"--epoch", "3"})).getMessage());
        assertEquals("--lr needs a number, got 'fast'", assertThrows(IllegalArgumentException.class,
                () -> SparkBenchmark.parse(new String[] {"--lr", "fast"})).getMessage());
    }
}
