package dev.fastnn.spark;

import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/**
 * The SparkSession of a test class: {@code local[2]} (the two cores CI has), no UI, bound to the loopback
 * address, two shuffle partitions. Start one per test class and stop it after the class.
 */
final class LocalSpark {
    private LocalSpark() {
    }

    static SparkSession start(Class<?> testClass) {
        return builder(testClass).getOrCreate();
    }

    /**
     * The same with Kryo as Spark's serializer (of broadcasts, task results and cached blocks), as many
     * clusters run; closures stay on Java serialization either way.
     */
    static SparkSession startWithKryo(Class<?> testClass) {
        return builder(testClass).config("spark.serializer", "org.apache.spark.serializer.KryoSerializer").getOrCreate();
    }

    private static SparkSession.Builder builder(Class<?> testClass) {
        return SparkSession.builder()
                .master("local[2]")
                .appName(testClass.getSimpleName())
                .config("spark.ui.enabled", false)
                .config("spark.ui.showConsoleProgress", false)
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", 2)
                .config("spark.sql.warehouse.dir", Path.of("target", "spark-warehouse").toAbsolutePath().toString());
    }
}
