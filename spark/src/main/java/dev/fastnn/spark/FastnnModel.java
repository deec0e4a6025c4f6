package dev.fastnn.spark;

import dev.fastnn.network.model.ModelParameters;
import dev.fastnn.network.train.EpochMetrics;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * A fitted fastnn network as a Spark ML Model: {@link #transform} scores a DataFrame in batches per
 * partition on each executor's fastnn backend (see {@link Scorer}); {@link #write()} saves it as Spark saves
 * its models, with a fastnn model file inside (see {@link StageDirectory}).
 *
 * @param <M> the concrete model class
 */
public abstract class FastnnModel<M extends FastnnModel<M>> extends Model<M> implements ScoringParams<M>, MLWritable {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final NetworkSnapshot network;
    private final Definitions scoringParams;
    /** Not saved: a loaded model has no history, as in plain fastnn. */
    private transient List<EpochMetrics> history = List.of();

    FastnnModel(String uid, ModelParameters parameters) {
        this.uid = uid;
        this.network = NetworkSnapshot.of(parameters);
        this.scoringParams = new Definitions(this);
    }

    @Override
    public String uid() {
        return uid;
    }

    @Override
    public Definitions scoringParams() {
        return scoringParams;
    }

    /** The fastnn model: what {@code ModelFile.save} writes and plain fastnn's {@code Model.of} loads. */
    public ModelParameters parameters() {
        return network.parameters();
    }

    /** The size of the feature vectors the model takes. */
    public int numFeatures() {
        return network.inputs();
    }

    /**
     * One entry per averaging round of the fit that made this model: epochs done after the round, its wall
     * time, the training loss and, with a validation fraction, the validation loss and accuracy; empty for a
     * loaded model.
     */
    public List<EpochMetrics> history() {
        return history == null ? List.of() : history;
    }

    void setHistory(List<EpochMetrics> history) {
        this.history = List.copyOf(history);
    }

    NetworkSnapshot network() {
        return network;
    }

    @Override
    public StructType transformSchema(StructType schema) {
        FeatureColumn.of(schema, getFeaturesCol());
        return appendOutputs(schema);
    }

    /** {@code schema} with this model's output columns. */
    abstract StructType appendOutputs(StructType schema);

    /** The scorer of this model's outputs, reading features with {@code features}. */
    abstract Scorer scorer(Broadcast<NetworkSnapshot> network, FeatureColumn features);

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema());
        FeatureColumn features = FeatureColumn.of(dataset.schema(), getFeaturesCol());
        Broadcast<NetworkSnapshot> shared = JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext())
                .broadcast(network);
        Scorer scorer = scorer(shared, features);
        return dataset.toDF().mapPartitions((MapPartitionsFunction<Row, Row>) scorer::score, Encoders.row(out));
    }

    @Override
    public MLWriter write() {
        return new StageDirectory.Writer(this, parameters());
    }
}
