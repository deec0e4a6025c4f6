package dev.fastnn.spark;

import dev.fastnn.kernels.Backends;
import java.io.Serializable;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.Params;

/**
 * The params an Estimator and its Model share, as Spark's {@code HasFeaturesCol} and its kin share them in
 * Scala: which column holds the features, where predictions go and which fastnn backend computes on the
 * executors. Each owner makes its own {@link Definitions} (a Spark param belongs to one owner), and the
 * params carry the same names on both, so {@code copyValues} carries them from an Estimator to the Model
 * it fits.
 *
 * @param <T> the implementing class, which the setters return
 */
public interface ScoringParams<T extends ScoringParams<T>> extends Params {

    /** This owner's params. */
    Definitions scoringParams();

    /** Features: a {@code Vector} column (dense or sparse) or an array of doubles or floats; default {@code features}. */
    default Param<String> featuresCol() {
        return scoringParams().featuresCol;
    }

    /** The predicted class index (as a double) or regression value; default {@code prediction}. */
    default Param<String> predictionCol() {
        return scoringParams().predictionCol;
    }

    /** {@code auto}, {@code naive}, {@code vector} or {@code aparapi}: the executors' backend; default {@code auto}. */
    default Param<String> backend() {
        return scoringParams().backend;
    }

    /** Threads of the vector backend per task; 0 (default) takes {@code spark.task.cpus}. */
    default IntParam threads() {
        return scoringParams().threads;
    }

    default String getFeaturesCol() {
        return $(featuresCol());
    }

    default String getPredictionCol() {
        return $(predictionCol());
    }

    default String getBackend() {
        return $(backend());
    }

    default int getThreads() {
        return (Integer) $(threads());
    }

    default T setFeaturesCol(String column) {
        return self(set(featuresCol(), column));
    }

    default T setPredictionCol(String column) {
        return self(set(predictionCol(), column));
    }

    default T setBackend(String name) {
        return self(set(backend(), name));
    }

    default T setThreads(int threads) {
        return self(set(threads(), threads));
    }

    @SuppressWarnings("unchecked")
    private T self(Params params) {
        return (T) params;
    }

    /** The params of one owner, with their names, docs, checks and defaults. */
    final class Definitions implements Serializable {
        private static final long serialVersionUID = 1L;

        final Param<String> featuresCol;
        final Param<String> predictionCol;
        final Param<String> backend;
        final IntParam threads;

        /** Makes {@code owner}'s params and sets their defaults; call it from the owner's constructor. */
        Definitions(Params owner) {
            featuresCol = new Param<>(owner, "featuresCol",
                    "features column: a Vector or an array of doubles or floats");
            predictionCol = new Param<>(owner, "predictionCol",
                    "prediction column: the class index or the regression value");
            backend = new Param<>(owner, "backend",
                    "fastnn backend on the executors: " + String.join(", ", Backends.names()),
                    ParamValidators.inArray(Backends.names()));
            threads = new IntParam(owner, "threads", "threads of the vector backend per task; 0 takes spark.task.cpus",
                    ParamValidators.inRange(0, ExecutorBackends.MAX_THREADS));
            owner.setDefault(featuresCol, "features");
            owner.setDefault(predictionCol, "prediction");
            owner.setDefault(backend, Backends.AUTO);
            owner.setDefault(threads, 0);
        }
    }
}
