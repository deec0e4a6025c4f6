package dev.fastnn.network.example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fastnn.kernels.Backends;
import dev.fastnn.network.data.CsvReader;
import dev.fastnn.network.data.Dataset;
import dev.fastnn.network.io.ModelFile;
import dev.fastnn.network.model.ClassLabels;
import dev.fastnn.network.train.Model;
import dev.fastnn.network.train.Samples;
import dev.fastnn.network.train.TabularDefaults;
import dev.fastnn.network.train.Trainer;
import dev.fastnn.network.train.TrainingListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's tabular example (the body of {@link #trainOnCsv}, quoted verbatim), on a generated file. */
class TabularExampleTest {

    static String trainOnCsv(Path csvFile, Path modelFile) throws IOException {
        Dataset data = CsvReader.defaults().withLabelColumn(CsvReader.LAST_COLUMN).read(csvFile);
        Dataset.Split split = data.split(0.2, 1);                  // stratified by class, seeded
        Samples train = Samples.of(split.train());
        Samples validation = Samples.of(split.validation());
        Trainer trainer = TabularDefaults.of(train).builder()      // sizes from the data, standardized, Adam
                .seed(1).backend(Backends.get("auto"))
                .build();
        try (Model model = trainer.fit(train, validation, null, TrainingListener.NONE)) {
            ModelFile.save(model.parameters(), modelFile);         // with the class labels, feature names, preprocessing
            int[] classes = model.classify(data);                  // takes raw features: the preprocessing is folded in
            return model.classLabels().get(classes[0]);            // the first row's class, as the file spells it
        }
    }

    @TempDir
    Path dir;

    @Test
    void readmeExampleTrainsOnACsvFileAndSpellsTheClassesAsTheFileDoes() throws IOException {
        SplittableRandom r = new SplittableRandom(3);
        StringBuilder csv = new StringBuilder("size,weight,kind\n");
        String[] kinds = {"small", "medium", "large"};
        for (int i = 0; i < 150; i++) {
            int c = i % 3;
            csv.append((float) (c * 10 + r.nextGaussian())).append(',').append((float) (1000 * c + 300 * r.nextGaussian()))
                    .append(',').append(kinds[c]).append('\n');
        }
        Path file = Files.writeString(dir.resolve("things.csv"), csv.toString());
        Path model = dir.resolve("things.fnn");

        assertEquals("small", trainOnCsv(file, model));
        assertEquals(ClassLabels.ofStrings("large", "medium", "small"), ModelFile.load(model).classLabels());
    }
}
