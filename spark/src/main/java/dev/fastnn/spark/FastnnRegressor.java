package dev.fastnn.spark;

import dev.fastnn.network.model.ModelParameters;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.StructType;

/**
 * A fastnn multilayer perceptron regressor for Spark ML, trained data-parallel by model averaging (see
 * {@link FastnnEstimator} for the params): one numeric target per row, one output unit (identity by
 * default), mean squared error.
 */
public final class FastnnRegressor extends FastnnEstimator<FastnnRegressor, FastnnRegressionModel> {
    private static final long serialVersionUID = 1L;

    public FastnnRegressor(String uid) {
        super(uid, List.of("identity", "sigmoid", "tanh", "relu"), List.of("mse", "sse"));
    }

    public FastnnRegressor() {
        this(Identifiable.randomUID("fastnnRegressor"));
    }

    @Override
    boolean classifies() {
        return false;
    }

    @Override
    void checkSettings(TrainingSettings settings) {
        super.checkSettings(settings);
        if (settings.outputs() != 1) {
            throw new IllegalArgumentException("a regressor has one output: the last of layers "
                    + Arrays.toString(settings.layers) + " must be 1");
        }
    }

    @Override
    FastnnRegressionModel newModel(String uid, ModelParameters parameters) {
        return new FastnnRegressionModel(uid, parameters);
    }

    @Override
    StructType appendOutputs(StructType schema) {
        return FastnnRegressionModel.appendOutputs(schema, this);
    }

    @Override
    public FastnnRegressor copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    public static MLReader<FastnnRegressor> read() {
        return new StageDirectory.Reader<>(FastnnRegressor.class, false, (uid, model) -> new FastnnRegressor(uid));
    }

    public static FastnnRegressor load(String path) {
        return read().load(path);
    }
}
