package dev.fastnn.benchmarks;

import dev.fastnn.kernels.Backends;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The square-gemm GFLOP/s of every backend and thread count against n, as a PNG line chart (JFreeChart). */
final class GemmChart {
    private static final Map<String, Color> COLORS = Map.of(
            Backends.NAIVE, new Color(0x888888), Backends.VECTOR, new Color(0xD62728), Backends.APARAPI, new Color(0x9467BD),
            BenchmarkBackends.OPENBLAS, new Color(0x1F77B4), BenchmarkBackends.NETLIB, new Color(0x2CA02C));

    private GemmChart() {
    }

    /** Writes the chart; {@code false} when there are no square-gemm results to draw. */
    static boolean write(List<Measurement> results, Path file) throws IOException {
        List<Measurement> gemm = results.stream().filter(m -> m.benchmark().equals("GemmBenchmark.gemm")).toList();
        if (gemm.isEmpty()) {
            return false;
        }
        System.setProperty("java.awt.headless", "true");
        Map<String, XYSeries> series = new TreeMap<>(Comparator.comparing(GemmChart::order));
        for (Measurement m : gemm) {
            String threads = m.param("threads") + (m.intParam("threads") == 1 ? " thread" : " threads");
            String name = m.param("backend") + ", " + threads;
            int n = m.intParam("n");
            series.computeIfAbsent(name, XYSeries::new).add(n, GemmShape.square(n).flops() / m.seconds() / 1e9);
        }
        XYSeriesCollection data = new XYSeriesCollection();
        series.values().forEach(data::addSeries);

        LogAxis x = new LogAxis("n (matrices n x n)");
        x.setBase(2);
        x.setTickUnit(new NumberTickUnit(1));
        x.setNumberFormatOverride(new DecimalFormat("0"));
        x.setSmallestValue(32);
        NumberAxis y = new NumberAxis("GFLOP/s");
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            String name = (String) data.getSeriesKey(i);
            renderer.setSeriesPaint(i, COLORS.getOrDefault(name.substring(0, name.indexOf(',')), Color.BLACK));
            renderer.setSeriesStroke(i, name.contains(" 1 thread") ? new BasicStroke(2f)
                    : new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        }
        XYPlot plot = new XYPlot(data, x, y, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        JFreeChart chart = new JFreeChart("fastnn sgemm, square n x n (dashed: 2 threads)",
                JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        ChartUtils.saveChartAsPNG(file.toFile(), chart, 960, 560);
        return true;
    }

    /** Backends in the report's order, then fewer threads first. */
    private static String order(String seriesName) {
        String backend = seriesName.substring(0, seriesName.indexOf(','));
        int rank = BenchmarkBackends.gemmContenders().indexOf(backend);
        return (rank < 0 ? 9 : rank) + seriesName;
    }
}
