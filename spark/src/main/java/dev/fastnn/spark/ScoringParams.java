package dev.fastnn.spark;

import dev.fastnn.kernels.Backends;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.Params;

/**
 * The params an Estimator and its Model share: which column holds the features, where predictions go and
 * which fastnn backend computes on the executors. Each param is defined once here ({@code define*}); the
 * Estimators and Models hold the instances (a Spark param belongs to one owner) and list them under these
 * names, so {@code copyValues} carries them from an Estimator to the Model it fits.
 *
 * @param <T> the implementing class, which the setters return
 */
public interface ScoringParams<T extends ScoringParams<T>> extends Params {

    /** Features: a {@code Vector} column (dense or sparse) or an array of doubles or floats; default {@code features}. */
    Param<String> featuresCol();

    /** The predicted class index (as a double) or regression value; default {@code prediction}. */
    Param<String> predictionCol();

    /** {@code auto}, {@code naive}, {@code vector} or {@code aparapi}: what computes on each executor; default {@code auto}. */
    Param<String> backend();

    /** Threads of the vector backend on each executor; 0 (default) takes {@code spark.task.cpus}. */
    IntParam threads();

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

    static Param<String> defineFeaturesCol(Params owner) {
        return new Param<>(owner, "featuresCol", "features column: a Vector or an array of doubles or floats");
    }

    static Param<String> definePredictionCol(Params owner) {
        return new Param<>(owner, "predictionCol", "prediction column: the class index or the regression value");
    }

    static Param<String> defineBackend(Params owner) {
        return new Param<>(owner, "backend", "fastnn backend on the executors: " + String.join(", ", Backends.names()),
                ParamValidators.inArray(Backends.names()));
    }

    static IntParam defineThreads(Params owner) {
        return new IntParam(owner, "threads", "threads of the vector backend per task; 0 takes spark.task.cpus",
                ParamValidators.inRange(0, ExecutorBackends.MAX_THREADS));
    }

    /** The defaults; called by each owner's constructor after it has created its params. */
    static void setDefaults(ScoringParams<?> owner) {
        owner.setDefault(owner.featuresCol(), "features");
        owner.setDefault(owner.predictionCol(), "prediction");
        owner.setDefault(owner.backend(), Backends.AUTO);
        owner.setDefault(owner.threads(), 0);
    }
}
