package dev.fastnn.spark;

import dev.fastnn.network.model.ModelParameters;
import dev.fastnn.network.train.ClassWeights;
import java.util.List;
import java.util.Locale;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.StructType;

/**
 * A fastnn multilayer perceptron classifier for Spark ML, trained data-parallel by model averaging (see
 * {@link FastnnEstimator} for the params). Labels are class indices {@code 0, 1, ...} in a numeric column
 * (as {@code StringIndexer} makes them) or strings, which become classes in sorted order and are kept by the
 * model ({@link FastnnClassificationModel#classLabels()}). The output layer has one unit per class: softmax
 * with cross-entropy (default), or sigmoid with a squared-error loss.
 *
 * <pre>{@code
 * FastnnClassificationModel model = new FastnnClassifier().setLayers(784, 256, 10).setEpochs(5).fit(train);
 * Dataset<Row> scored = model.transform(test);   // rawPrediction, probability, prediction
 * }</pre>
 */
public final class FastnnClassifier extends FastnnEstimator<FastnnClassifier, FastnnClassificationModel>
        implements ClassifierParams<FastnnClassifier> {
    private static final long serialVersionUID = 1L;

    private final OutputColumns classifierParams;
    private final Param<String> classWeights;

    public FastnnClassifier(String uid) {
        super(uid, List.of("softmax", "sigmoid"), List.of("cross-entropy", "mse", "sse"));
        this.classifierParams = new OutputColumns(this);
        this.classWeights = new Param<>(this, "classWeights", "how much each class counts in the loss: none,"
                + " balanced (n / (classes n_c), over the whole training data) or one weight per class, e.g. 1,2.5,1",
                validator(FastnnClassifier::validClassWeights));
        setDefault(classWeights, TrainingSettings.CLASS_WEIGHTS_NONE);
    }

    public FastnnClassifier() {
        this(Identifiable.randomUID("fastnnClassifier"));
    }

    private static boolean validClassWeights(String text) {
        if (text.equals(TrainingSettings.CLASS_WEIGHTS_NONE)) {
            return true;
        }
        try {
            ClassWeights.parse(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public OutputColumns classifierParams() {
        return classifierParams;
    }

    public Param<String> classWeights() {
        return classWeights;
    }

    public String getClassWeights() {
        return $(classWeights);
    }

    /** {@code none}, {@code balanced} or one weight per class, comma-separated ({@code "1,2.5,1"}). */
    public FastnnClassifier setClassWeights(String weights) {
        return (FastnnClassifier) set(classWeights, weights.trim().toLowerCase(Locale.ROOT));
    }

    @Override
    boolean classifies() {
        return true;
    }

    @Override
    FastnnClassificationModel newModel(String uid, ModelParameters parameters) {
        return new FastnnClassificationModel(uid, parameters);
    }

    @Override
    StructType appendOutputs(StructType schema) {
        return FastnnClassificationModel.appendOutputs(schema, this);
    }

    @Override
    public FastnnClassifier copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    public static MLReader<FastnnClassifier> read() {
        return new StageDirectory.Reader<>(FastnnClassifier.class, false, (uid, model) -> new FastnnClassifier(uid));
    }

    public static FastnnClassifier load(String path) {
        return read().load(path);
    }
}
