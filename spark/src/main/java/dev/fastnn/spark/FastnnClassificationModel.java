package dev.fastnn.spark;

import dev.fastnn.kernels.Activation;
import dev.fastnn.network.model.ClassLabels;
import dev.fastnn.network.model.ModelParameters;
import java.util.Locale;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A fitted {@link FastnnClassifier}: appends {@code rawPrediction} (the output layer's values before its
 * activation), {@code probability} (the class probabilities) and {@code prediction} (the most likely class
 * index, as a double), as Spark's probabilistic classifiers do.
 */
public final class FastnnClassificationModel extends FastnnModel<FastnnClassificationModel>
        implements ClassifierParams<FastnnClassificationModel> {
    private static final long serialVersionUID = 1L;

    private final OutputColumns classifierParams;

    /** A model of these parameters (a classifier's network: softmax or sigmoid outputs, one per class). */
    public FastnnClassificationModel(String uid, ModelParameters parameters) {
        super(uid, parameters);
        Activation output = network().outputActivation();
        if (output != Activation.SOFTMAX && output != Activation.SIGMOID) {
            throw new IllegalArgumentException("a classification model's output layer is softmax or sigmoid, not "
                    + output.name().toLowerCase(Locale.ROOT));
        }
        this.classifierParams = new OutputColumns(this);
    }

    public FastnnClassificationModel(ModelParameters parameters) {
        this(Identifiable.randomUID("fastnnClassificationModel"), parameters);
    }

    @Override
    public OutputColumns classifierParams() {
        return classifierParams;
    }

    /** The number of classes (outputs of the network). */
    public int numClasses() {
        return network().outputs();
    }

    /** What the class index of each output stands for: the data's string labels in order, or 0, 1, .... */
    public ClassLabels classLabels() {
        return parameters().classLabels();
    }

    @Override
    StructType appendOutputs(StructType schema) {
        return appendOutputs(schema, this);
    }

    /** {@code schema} with the classifier's output columns as {@code columns} names them. */
    static StructType appendOutputs(StructType schema, ClassifierParams<?> columns) {
        StructType out = Columns.append(schema, columns.getRawPredictionCol(), SQLDataTypes.VectorType());
        out = Columns.append(out, columns.getProbabilityCol(), SQLDataTypes.VectorType());
        return Columns.append(out, columns.getPredictionCol(), DataTypes.DoubleType);
    }

    @Override
    Scorer scorer(Broadcast<NetworkSnapshot> network, FeatureColumn features) {
        return Scorer.classifier(network, features, getBackend(), getThreads(), new Scorer.Outputs(
                !getRawPredictionCol().isEmpty(), !getProbabilityCol().isEmpty(), !getPredictionCol().isEmpty()));
    }

    @Override
    public FastnnClassificationModel copy(ParamMap extra) {
        return copyValues(new FastnnClassificationModel(uid(), parameters()), extra).setParent(parent());
    }

    public static MLReader<FastnnClassificationModel> read() {
        return new StageDirectory.Reader<>(FastnnClassificationModel.class, true, FastnnClassificationModel::new);
    }

    public static FastnnClassificationModel load(String path) {
        return read().load(path);
    }
}
