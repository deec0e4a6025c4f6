package dev.fastnn.network.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastnn.network.train.Optimizer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** Help, version, the plug-in point, and every kind of bad argument: one line, a hint, exit status 2. */
class UsageTest {
    static final List<String> COMMANDS = List.of("xor", "backends", "train", "evaluate", "predict", "help");

    /** What the README and issue 5 promise: these names keep working. */
    static final Map<String, List<String>> PROMISED_OPTIONS = Map.of(
            "xor", List.of("--backend", "--threads", "--iterations", "--seed", "--json", "--plot"),
            "train", List.of("--dataset", "--data-dir", "--csv", "--test-csv", "--layers", "--activation", "--loss",
                    "--initializer", "--optimizer", "--lr", "--lr-decay", "--batch", "--epochs", "--standardize",
                    "--backend", "--threads", "--seed", "--limit", "--out", "--plot", "--metrics", "--label-column",
                    "--divisor"),
            "evaluate", List.of("--model", "--dataset", "--data-dir", "--csv", "--label-column", "--divisor", "--limit",
                    "--backend", "--threads"),
            "predict", List.of("--model", "--csv", "--out", "--divisor", "--backend", "--threads"));

    static Stream<Arguments> badArguments() {
        return Stream.of(
                new String[] {},
                new String[] {"frobnicate"},
                new String[] {"--bogus"},
                new String[] {"xor", "--bogus"},
                new String[] {"xor", "--iterations"},
                new String[] {"xor", "--iterations", "zero"},
                new String[] {"xor", "--iterations", "0"},
                new String[] {"xor", "--seed", "1", "--seed", "2"},
                new String[] {"xor", "stray"},
                new String[] {"xor", "--json=yes"},
                new String[] {"xor", "--backend", "quantum"},
                new String[] {"xor", "--threads", "0"},
                new String[] {"xor", "--threads", "100000"},
                new String[] {"backends", "--json"},
                new String[] {"help", "frobnicate"},
                new String[] {"train", "--layers", "784,256,10"},
                new String[] {"train", "--dataset", "mnist-digits", "--layers", "784,10"},
                new String[] {"train", "--dataset", "fashion-mnist", "--csv", "x.csv", "--layers", "784,10"},
                new String[] {"train", "--dataset", "fashion-mnist"},
                new String[] {"train", "--dataset", "fashion-mnist", "--layers", "784"},
                new String[] {"train", "--dataset", "fashion-mnist", "--layers", "784,-3,10"},
                new String[] {"train", "--dataset", "fashion-mnist", "--layers", "4,8,"},
                new String[] {"train", "--dataset", "fashion-mnist", "--layers", ",4,8"},
                new String[] {"train", "--dataset", "fashion-mnist", "--layers", "4,,8"},
                new String[] {"train", "--dataset", "fashion-mnist", "--layers", "4,x,8"},
                new String[] {"train", "--dataset", "fashion-mnist", "--layers", "100000,100000,10"},
                new String[] {"train", "--dataset", "fashion-mnist", "--layers", "784,10", "--optimizer", "lbfgs"},
                new String[] {"train", "--dataset", "fashion-mnist", "--layers", "784,10", "--loss", "hinge"},
                new String[] {"train", "--dataset", "fashion-mnist", "--layers", "784,10", "--activation", "swish"},
                new String[] {"train", "--dataset", "fashion-mnist", "--layers", "784,10", "--activation", "softmax"},
                new String[] {"train", "--dataset", "fashion-mnist", "--layers", "784,10", "--initializer", "zeros"},
                new String[] {"train", "--dataset", "fashion-mnist", "--layers", "784,10", "--lr", "-1"},
                new String[] {"train", "--dataset", "fashion-mnist", "--layers", "784,10", "--lr", "NaN"},
                new String[] {"train", "--dataset", "fashion-mnist", "--layers", "784,10", "--lr-decay", "1.5"},
                new String[] {"train", "--dataset", "fashion-mnist", "--layers", "784,10", "--batch", "0"},
                new String[] {"train", "--dataset", "fashion-mnist", "--layers", "784,10", "--epochs", "-2"},
                new String[] {"train", "--dataset", "fashion-mnist", "--layers", "784,10", "--limit", "0"},
                new String[] {"train", "--dataset", "fashion-mnist", "--layers", "784,10", "--divisor", "2"},
                new String[] {"train", "--dataset", "fashion-mnist", "--layers", "784,10", "--test-csv", "t.csv"},
                new String[] {"train", "--dataset", "fashion-mnist", "--layers", "784,100000,10", "--batch", "100000"},
                new String[] {"train", "--csv", "a.csv", "--layers", "784,10", "--label-column", "first"},
                new String[] {"train", "--csv", "a.csv", "--layers", "784,10", "--progress", "fancy"},
                new String[] {"train", "--csv", "a.csv", "--layers", "784,10", "--data-dir", "/tmp"},
                new String[] {"evaluate", "--dataset", "fashion-mnist"},
                new String[] {"evaluate", "--model", "m.fnn", "--csv", "a.csv", "--test-csv", "b.csv"},
                new String[] {"predict", "--model", "m.fnn"},
                new String[] {"probe", "--fail", "usage"})
                .map(a -> Arguments.of((Object) a));
    }

    @ParameterizedTest
    @MethodSource("badArguments")
    void badArgumentsPrintOneLineAndAHintAndExitWith2(String[] args) {
        CliRun r = CliRun.of(args);
        String context = Arrays.toString(args) + ": " + r.err();
        assertEquals(2, r.status(), context);
        assertEquals("", r.out(), context);
        List<String> lines = r.errLines();
        assertEquals(2, lines.size(), context);
        assertTrue(lines.get(0).startsWith("fastnn: ") && lines.get(0).length() > "fastnn: ".length() + 10, context);
        String command = args.length > 0 && COMMANDS.contains(args[0]) && !args[0].equals("help") || args.length > 0
                && args[0].equals("probe") ? "fastnn " + args[0] : "fastnn";
        assertEquals("try '" + command + " --help'", lines.get(1), context);
    }

    @Test
    void aMisspeltOptionIsNamedWithItsSuggestion() {
        CliRun r = CliRun.of("xor", "--iteration", "5");
        assertEquals(List.of("fastnn: unknown option '--iteration'; did you mean '--iterations'?", "try 'fastnn xor --help'"),
                r.errLines());
        CliRun inline = CliRun.of("train", "--epoch=3", "--csv", "x.csv", "--layers", "4,3");
        assertEquals("fastnn: unknown option '--epoch'; did you mean '--epochs'?", inline.errLines().get(0));
    }

    @Test
    void aMisspeltOptionIsReportedBeforeAMissingRequiredOne() {
        CliRun r = CliRun.of("train", "--csv", "x.csv", "--layer", "4,3");
        assertEquals("fastnn: unknown option '--layer'; did you mean '--layers'?", r.errLines().get(0));
    }

    @Test
    void aMisspeltCommandIsNamedWithItsSuggestion() {
        CliRun r = CliRun.of("trian", "--csv", "x.csv");
        assertEquals(List.of("fastnn: unknown command 'trian'; did you mean 'train'?", "try 'fastnn --help'"), r.errLines());
    }

    @Test
    void outOfRangeValuesSayWhatIsWrong() {
        assertEquals("fastnn: invalid value for option '--layers': '4,8,' has an empty size after its last comma; "
                + "give positive sizes separated by commas, e.g. 784,256,10",
                CliRun.of("train", "--csv", "x.csv", "--layers", "4,8,").errLines().get(0));
        assertEquals("fastnn: invalid value for option '--layers': layer 1 (100000 inputs x 100000 units) has "
                + "10,000,100,000 parameters, more than one array holds (2,147,483,639)",
                CliRun.of("train", "--csv", "x.csv", "--layers", "100000,100000,10").errLines().get(0));
        String threads = CliRun.of("xor", "--threads", "100000").errLines().get(0);
        assertTrue(threads.startsWith("fastnn: invalid value for option '--threads': must be from 1 to "
                + OptionConverters.MAX_THREADS + ", got 100000 (this machine has "), threads);
        assertEquals("fastnn: '--seed' is given more than once", CliRun.of("xor", "--seed", "1", "--seed=2").errLines().get(0));
    }

    @Test
    void noCommandListsTheCommands() {
        CliRun r = CliRun.of();
        assertEquals(2, r.status());
        assertEquals("fastnn: no command given; the commands are xor, backends, train, evaluate, predict, probe, help",
                r.errLines().get(0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"--help", "-h", "help"})
    void rootHelpListsEveryCommandAndTheExitStatuses(String option) {
        CliRun r = CliRun.of(option);
        assertEquals(0, r.status(), r.err());
        assertEquals("", r.err());
        assertTrue(r.out().startsWith("Usage: fastnn [-hvV] COMMAND"), r.out());
        for (String command : COMMANDS) {
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith("  " + command + " ")), command + " in " + r.out());
        }
        assertTrue(r.out().contains("Exit status:"), r.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"xor", "backends", "train", "evaluate", "predict", "probe"})
    void everyCommandHasHelpAndHelpCommandPrintsTheSame(String command) {
        CliRun r = CliRun.of(command, "--help");
        assertEquals(0, r.status(), r.err());
        assertEquals("", r.err());
        assertTrue(r.out().startsWith("Usage: fastnn " + command), r.out());
        assertTrue(r.out().contains("-h, --help"), r.out());
        assertEquals(r.out(), CliRun.of(command, "-h").out());
        assertEquals(r.out(), CliRun.of("help", command).out());
    }

    @Test
    void everyPromisedOptionIsInItsCommandsHelp() {
        PROMISED_OPTIONS.forEach((command, options) -> {
            String help = CliRun.of(command, "--help").out();
            for (String option : options) {
                assertTrue(help.contains(option + "=") || help.contains(option + " "), command + " " + option + ":\n" + help);
            }
        });
    }

    @Test
    void optionsTakeTheirValueAfterAnEqualsSignToo() {
        CliRun spaced = CliRun.of("xor", "--backend", "naive", "--iterations", "20", "--seed", "4", "--json");
        CliRun inline = CliRun.of("xor", "--backend=naive", "--iterations=20", "--seed=4", "--json");
        assertEquals(0, inline.status(), inline.err());
        assertEquals(spaced.out(), inline.out());
    }

    @Test
    void versionIsTheMavenProjectVersion() throws Exception {
        Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile());
        String version = ((Element) pom.getElementsByTagName("parent").item(0)).getElementsByTagName("version").item(0)
                .getTextContent();
        CliRun r = CliRun.of("--version");
        assertEquals(0, r.status(), r.err());
        assertEquals("fastnn " + version, r.out().lines().findFirst().orElseThrow());
        assertTrue(r.out().lines().skip(1).findFirst().orElseThrow().startsWith("Java " + Runtime.version()), r.out());
        assertEquals(r.out(), CliRun.of("-V").out());
    }

    @Test
    void aProvidersCommandRunsWithTheBuiltInHandling() {
        CliRun ok = CliRun.of("probe", "--value", "7");
        assertEquals(0, ok.status(), ok.err());
        assertEquals("probe 7", ok.out().strip());
        CliRun misspelt = CliRun.of("probe", "--valeu", "7");
        assertEquals("fastnn: unknown option '--valeu'; did you mean '--value'?", misspelt.errLines().get(0));
        CliRun failed = CliRun.of("probe", "--fail", "missing-file");
        assertEquals(1, failed.status());
        assertEquals(1, failed.errLines().size(), failed.err());
        assertTrue(failed.err().startsWith("fastnn: /no/such/probe.txt"), failed.err());
    }

    @Test
    void everyOptimizerTheHelpOffersParses() {
        for (String name : new OptionConverters.OptimizerNames()) {
            assertTrue(Optimizer.parse(name, 0.1f).toString().startsWith(name), name);
        }
    }
}
