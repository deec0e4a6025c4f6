package dev.fastnn.network.plot;

import dev.fastnn.network.io.AtomicFile;
import dev.fastnn.network.train.EpochMetrics;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.text.DecimalFormat;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** PNG charts of training runs, drawn with JFreeChart without a display. */
public final class Charts {
    private static final int WIDTH = 900;
    private static final int HEIGHT = 560;

    private Charts() {
    }

    /**
     * The loss of every iteration, on a log scale (the article's loss falls over three decades). Non-positive
     * or non-finite values cannot sit on a log axis and are left out.
     */
    public static void lossCurve(String title, double[] losses, Path png) throws IOException {
        headless();
        XYSeries series = new XYSeries("loss");
        for (int i = 0; i < losses.length; i++) {
            if (losses[i] > 0 && Double.isFinite(losses[i])) {
                series.add(i + 1, losses[i]);
            }
        }
        JFreeChart chart = ChartFactory.createXYLineChart(title, "iteration", "loss",
                new XYSeriesCollection(series), PlotOrientation.VERTICAL, false, false, false);
        XYPlot plot = chart.getXYPlot();
        LogAxis axis = new LogAxis("loss (log scale)");
        axis.setSmallestValue(1e-12);
        // One labelled tick per decade, written as plain numbers (0.01, not 10^-2.0).
        axis.setTickUnit(new NumberTickUnit(1.0));
        axis.setNumberFormatOverride(new DecimalFormat("0.#########"));
        plot.setRangeAxis(axis);
        style(plot);
        save(chart, png);
    }

    /** Training loss (left axis) and test accuracy (right axis, when measured) per epoch. */
    public static void trainingCurves(String title, List<EpochMetrics> epochs, Path png) throws IOException {
        headless();
        XYSeries loss = new XYSeries("train loss");
        XYSeries accuracy = new XYSeries("test accuracy");
        for (EpochMetrics m : epochs) {
            if (Double.isFinite(m.loss())) {
                loss.add(m.epoch(), m.loss());
            }
            if (Double.isFinite(m.testAccuracy())) {
                accuracy.add(m.epoch(), m.testAccuracy());
            }
        }
        JFreeChart chart = ChartFactory.createXYLineChart(title, "epoch", "train loss",
                new XYSeriesCollection(loss), PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        plot.getDomainAxis().setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        XYLineAndShapeRenderer lossRenderer = new XYLineAndShapeRenderer(true, true);
        plot.setRenderer(0, lossRenderer);
        if (accuracy.getItemCount() > 0) {
            NumberAxis accuracyAxis = new NumberAxis("test accuracy");
            accuracyAxis.setAutoRangeIncludesZero(false);
            plot.setRangeAxis(1, accuracyAxis);
            plot.setDataset(1, new XYSeriesCollection(accuracy));
            plot.mapDatasetToRangeAxis(1, 1);
            XYLineAndShapeRenderer accuracyRenderer = new XYLineAndShapeRenderer(true, true);
            accuracyRenderer.setSeriesPaint(0, new Color(0xD9, 0x5F, 0x02));
            plot.setRenderer(1, accuracyRenderer);
        }
        style(plot);
        save(chart, png);
    }

    private static void style(XYPlot plot) {
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.getRenderer().setSeriesPaint(0, new Color(0x1B, 0x9E, 0x77));
        plot.getRenderer().setSeriesStroke(0, new BasicStroke(2f));
    }

    /** A server or CI job has no display; unless told otherwise, AWT must not look for one. */
    private static void headless() {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private static void save(JFreeChart chart, Path png) throws IOException {
        AtomicFile.write(png, out -> ChartUtils.writeChartAsPNG(out, chart, WIDTH, HEIGHT));
    }
}
