package dev.fastnn.spark;

import dev.fastnn.network.model.ModelParameters;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** A fitted {@link FastnnRegressor}: appends {@code prediction}, the network's single output, as a double. */
public final class FastnnRegressionModel extends FastnnModel<FastnnRegressionModel> {
    private static final long serialVersionUID = 1L;

    /** A model of these parameters (a network with one output). */
    public FastnnRegressionModel(String uid, ModelParameters parameters) {
        super(uid, parameters);
        if (parameters.layers().get(parameters.layers().size() - 1).outputs() != 1) {
            throw new IllegalArgumentException("a regression model has one output, this network has "
                    + network().outputs());
        }
    }

    public FastnnRegressionModel(ModelParameters parameters) {
        this(Identifiable.randomUID("fastnnRegressionModel"), parameters);
    }

    @Override
    StructType appendOutputs(StructType schema) {
        return appendOutputs(schema, this);
    }

    /** {@code schema} with the regressor's prediction column as {@code columns} names it. */
    static StructType appendOutputs(StructType schema, ScoringParams<?> columns) {
        return Columns.append(schema, columns.getPredictionCol(), DataTypes.DoubleType);
    }

    @Override
    Scorer scorer(Broadcast<NetworkSnapshot> network, FeatureColumn features) {
        return Scorer.regressor(network, features, getBackend(), getThreads());
    }

    @Override
    public FastnnRegressionModel copy(ParamMap extra) {
        return copyValues(new FastnnRegressionModel(uid(), parameters()), extra).setParent(parent());
    }

    public static MLReader<FastnnRegressionModel> read() {
        return new StageDirectory.Reader<>(FastnnRegressionModel.class, true, FastnnRegressionModel::new);
    }

    public static FastnnRegressionModel load(String path) {
        return read().load(path);
    }
}
