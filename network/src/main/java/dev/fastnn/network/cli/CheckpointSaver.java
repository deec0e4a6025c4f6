package dev.fastnn.network.cli;

import dev.fastnn.network.io.CheckpointFile;
import dev.fastnn.network.train.EpochMetrics;
import dev.fastnn.network.train.StopReason;
import dev.fastnn.network.train.TrainingListener;
import dev.fastnn.network.train.TrainingState;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Passes every callback to the progress display and saves a checkpoint when the trainer hands one over. A
 * checkpoint that cannot be written ends training: the user asked not to lose the run.
 */
final class CheckpointSaver implements TrainingListener {
    private final TrainingListener progress;
    private final Path file;
    private final int every;
    private final String trainer;
    private final PrintWriter out;

    CheckpointSaver(TrainingListener progress, Path file, int every, String trainer, PrintWriter out) {
        this.progress = progress;
        this.file = file;
        this.every = every;
        this.trainer = trainer;
        this.out = out;
    }

    @Override
    public void epochStarted(int epoch, int batches) {
        progress.epochStarted(epoch, batches);
    }

    @Override
    public void batchFinished(int epoch, int batch, int batches, long samples, double batchLoss) {
        progress.batchFinished(epoch, batch, batches, samples, batchLoss);
    }

    @Override
    public void epochFinished(EpochMetrics metrics) {
        progress.epochFinished(metrics);
    }

    @Override
    public boolean shouldStop(EpochMetrics metrics) {
        return progress.shouldStop(metrics);
    }

    @Override
    public int checkpointEvery() {
        return every;
    }

    @Override
    public void checkpoint(TrainingState state) {
        try {
            CheckpointFile.save(new CheckpointFile.Checkpoint(state, trainer), file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.println("checkpoint of epoch " + state.epochsCompleted() + " written to " + file);
    }

    @Override
    public void trainingFinished(int epochs, StopReason reason) {
        progress.trainingFinished(epochs, reason);
    }
}
