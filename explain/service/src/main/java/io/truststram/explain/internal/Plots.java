package io.truststram.explain.internal;

import io.truststram.common.problem.ProblemException;
import io.truststram.explain.ExplainProblems;
import io.truststram.explain.fairness.GroupFairness;
import io.truststram.explain.internal.ExplainStore.RowRecord;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Paint;
import java.awt.Rectangle;
import java.awt.geom.Ellipse2D;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * Charts of explanations and fairness reports, drawn on the server with JFreeChart: as SVG (through
 * JFreeSVG) or PNG. The kinds shap users know: waterfall and force (one row), bar (mean |SHAP|),
 * beeswarm (every row's value per feature, coloured by the feature's value) and dependence (a
 * feature's value against its SHAP value); LIME's weights; and a rate per group.
 */
final class Plots {

  static final String SVG = "image/svg+xml";

  /** Features drawn before the rest are summed into one bar or row. */
  static final int SHOWN = 12;

  private static final Color POSITIVE = new Color(0xFF, 0x00, 0x51);
  private static final Color NEGATIVE = new Color(0x00, 0x8B, 0xE6);
  private static final int WIDTH = 800;
  private static final int HEIGHT = 500;

  /** Something drawn on a canvas of a size: a chart, or a table. */
  interface Drawing {
    int width();

    int height();

    void draw(java.awt.Graphics2D g, Rectangle area);
  }

  /** A chart at the usual size. */
  static Drawing of(JFreeChart chart) {
    return new Drawing() {
      @Override
      public int width() {
        return WIDTH;
      }

      @Override
      public int height() {
        return HEIGHT;
      }

      @Override
      public void draw(java.awt.Graphics2D g, Rectangle area) {
        chart.draw(g, area);
      }
    };
  }

  /** The chart as SVG or PNG, with its media type. */
  ResponseEntity<byte[]> respond(JFreeChart chart, String format) {
    return respond(of(chart), format);
  }

  /** The drawing as SVG or PNG, with its media type. */
  ResponseEntity<byte[]> respond(Drawing drawing, String format) {
    return switch (format) {
      case "svg" ->
          ResponseEntity.ok().contentType(MediaType.parseMediaType(SVG)).body(svg(drawing));
      case "png" -> ResponseEntity.ok().contentType(MediaType.IMAGE_PNG).body(png(drawing));
      default -> throw invalid("format is svg or png, not '" + format + "'");
    };
  }

  byte[] svg(JFreeChart chart) {
    return svg(of(chart));
  }

  byte[] png(JFreeChart chart) {
    return png(of(chart));
  }

  byte[] svg(Drawing drawing) {
    SVGGraphics2D g2 = new SVGGraphics2D(drawing.width(), drawing.height());
    drawing.draw(g2, new Rectangle(0, 0, drawing.width(), drawing.height()));
    return g2.getSVGDocument().getBytes(StandardCharsets.UTF_8);
  }

  byte[] png(Drawing drawing) {
    java.awt.image.BufferedImage image =
        new java.awt.image.BufferedImage(
            drawing.width(), drawing.height(), java.awt.image.BufferedImage.TYPE_INT_RGB);
    java.awt.Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(
          java.awt.RenderingHints.KEY_ANTIALIASING, java.awt.RenderingHints.VALUE_ANTIALIAS_ON);
      drawing.draw(g, new Rectangle(0, 0, drawing.width(), drawing.height()));
    } finally {
      g.dispose();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      javax.imageio.ImageIO.write(image, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * A counterfactual row's diff table: the features any counterfactual changes, the row's value and
   * each counterfactual's, changed cells marked, and the model's outputs.
   */
  @SuppressWarnings("unchecked")
  Drawing counterfactualTable(List<String> features, RowRecord row) {
    Map<String, Object> detail = row.detail();
    if (detail == null || !(detail.get("counterfactuals") instanceof List<?> found)) {
      throw invalid("the counterfactual table is of a counterfactual explanation");
    }
    List<double[]> values = new ArrayList<>();
    List<double[]> outputs = new ArrayList<>();
    for (Object item : found) {
      Map<String, Object> cf = (Map<String, Object>) item;
      values.add(numbers(cf.get("values")));
      outputs.add(numbers(cf.get("outputs")));
    }
    List<Integer> changed = new ArrayList<>();
    for (int j = 0; j < features.size(); j++) {
      for (double[] v : values) {
        if (v[j] != row.input()[j]) {
          changed.add(j);
          break;
        }
      }
    }
    int columns = 2 + values.size();
    int rows = changed.size() + 2;
    int cellWidth = 150;
    int cellHeight = 24;
    int width = Math.max(300, columns * cellWidth + 20);
    int height = (rows + 2) * cellHeight + 20;
    String title = "row " + row.index() + ": " + detail.getOrDefault("message", "");
    return new Drawing() {
      @Override
      public int width() {
        return width;
      }

      @Override
      public int height() {
        return height;
      }

      @Override
      public void draw(java.awt.Graphics2D g, Rectangle area) {
        g.setColor(Color.WHITE);
        g.fill(area);
        g.setFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.BOLD, 13));
        g.setColor(Color.BLACK);
        g.drawString(title, 10, 20);
        g.setFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 12));
        int top = 10 + cellHeight;
        List<String> header = new ArrayList<>(List.of("feature", "row"));
        for (int c = 0; c < values.size(); c++) {
          header.add("counterfactual " + (c + 1));
        }
        for (int r = 0; r < rows; r++) {
          for (int c = 0; c < columns; c++) {
            int x = 10 + c * cellWidth;
            int y = top + r * cellHeight;
            String text;
            boolean mark = false;
            if (r == 0) {
              text = header.get(c);
            } else if (r == rows - 1) {
              text =
                  c == 0
                      ? "model outputs"
                      : c == 1 ? outputsText(row.output()) : outputsText(outputs.get(c - 2));
            } else {
              int j = changed.get(r - 1);
              if (c == 0) {
                text = features.get(j);
              } else if (c == 1) {
                text = cell(row.input()[j]);
              } else {
                double v = values.get(c - 2)[j];
                text = cell(v);
                mark = v != row.input()[j];
              }
            }
            g.setColor(
                r == 0
                    ? new Color(0xEE, 0xEE, 0xEE)
                    : mark ? new Color(0xFF, 0xE0, 0xE8) : Color.WHITE);
            g.fillRect(x, y, cellWidth, cellHeight);
            g.setColor(Color.GRAY);
            g.drawRect(x, y, cellWidth, cellHeight);
            g.setColor(Color.BLACK);
            g.drawString(text, x + 5, y + 16);
          }
        }
      }
    };
  }

  private static double[] numbers(@org.jspecify.annotations.Nullable Object list) {
    if (!(list instanceof List<?> items)) {
      return new double[0];
    }
    double[] out = new double[items.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = ((Number) items.get(i)).doubleValue();
    }
    return out;
  }

  private static String cell(double v) {
    return Double.isNaN(v) ? "missing" : String.format(java.util.Locale.ROOT, "%.5g", v);
  }

  private static String outputsText(double[] outputs) {
    StringBuilder out = new StringBuilder();
    for (double v : outputs) {
      out.append(out.isEmpty() ? "" : ", ").append(String.format(java.util.Locale.ROOT, "%.3f", v));
    }
    return out.toString();
  }

  /**
   * One row's waterfall: from the expected value, each feature's value in order of size (the
   * smallest summed as "other features"), to the row's output.
   */
  JFreeChart waterfall(
      List<String> features, double expected, RowRecord row, int output, String method) {
    double[] phi = row.attributions()[output];
    List<Integer> order = byMagnitude(phi);
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    data.addValue(expected, "value", "E[f(x)]");
    double rest = 0;
    for (int i = 0; i < order.size(); i++) {
      int j = order.get(i);
      if (i < SHOWN) {
        data.addValue(phi[j], "value", label(features.get(j), row.input()[j]));
      } else {
        rest += phi[j];
      }
    }
    if (order.size() > SHOWN) {
      data.addValue(rest, "value", (order.size() - SHOWN) + " other features");
    }
    data.addValue(row.output()[output], "value", "f(x)");
    JFreeChart chart =
        ChartFactory.createWaterfallChart(
            method + " values of row " + row.index(),
            null,
            "model output",
            data,
            PlotOrientation.HORIZONTAL,
            false,
            false,
            false);
    chart.getCategoryPlot().getRenderer().setDefaultOutlinePaint(Color.WHITE);
    styleCategories(chart);
    return chart;
  }

  /** One row's values as shap's force plot: what pushes the output up, and what pushes it down. */
  JFreeChart force(List<String> features, double expected, RowRecord row, int output) {
    double[] phi = row.attributions()[output];
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    List<Integer> order = byMagnitude(phi);
    for (int i = 0; i < Math.min(SHOWN, order.size()); i++) {
      int j = order.get(i);
      data.addValue(phi[j], label(features.get(j), row.input()[j]), "f(x)");
    }
    JFreeChart chart =
        ChartFactory.createStackedBarChart(
            String.format(
                "f(x) = %.4f from E[f(x)] = %.4f (row %d)",
                row.output()[output], expected, row.index()),
            null,
            "contribution",
            data,
            PlotOrientation.HORIZONTAL,
            true,
            false,
            false);
    CategoryPlot plot = chart.getCategoryPlot();
    BarRenderer renderer = (BarRenderer) plot.getRenderer();
    renderer.setBarPainter(new StandardBarPainter());
    for (int s = 0; s < data.getRowCount(); s++) {
      Number v = data.getValue(s, 0);
      renderer.setSeriesPaint(s, v != null && v.doubleValue() >= 0 ? POSITIVE : NEGATIVE);
      renderer.setSeriesOutlinePaint(s, Color.WHITE);
    }
    renderer.setDrawBarOutline(true);
    plot.setBackgroundPaint(Color.WHITE);
    return chart;
  }

  /** The mean |value| of each feature over the rows: shap's bar plot of global importance. */
  JFreeChart bar(List<String> features, List<RowRecord> rows, int output, String method) {
    double[] mean = new double[features.size()];
    for (RowRecord row : rows) {
      for (int j = 0; j < mean.length; j++) {
        mean[j] += Math.abs(row.attributions()[output][j]) / rows.size();
      }
    }
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    List<Integer> order = byMagnitude(mean);
    for (int i = 0; i < Math.min(SHOWN * 2, order.size()); i++) {
      data.addValue(mean[order.get(i)], "mean |value|", features.get(order.get(i)));
    }
    JFreeChart chart =
        horizontalBars(
            "mean |" + method + " value| over " + rows.size() + " rows", "mean |value|", data);
    ((BarRenderer) chart.getCategoryPlot().getRenderer()).setSeriesPaint(0, POSITIVE);
    return chart;
  }

  /**
   * Every row's value of each feature (a row per feature, jittered), coloured from blue (the
   * feature's low values) to red (high): shap's beeswarm summary.
   */
  JFreeChart beeswarm(List<String> features, List<RowRecord> rows, int output, String method) {
    double[] mean = new double[features.size()];
    for (RowRecord row : rows) {
      for (int j = 0; j < mean.length; j++) {
        mean[j] += Math.abs(row.attributions()[output][j]);
      }
    }
    List<Integer> order = byMagnitude(mean);
    int shown = Math.min(SHOWN, order.size());
    XYSeriesCollection data = new XYSeriesCollection();
    List<double[]> colours = new ArrayList<>();
    SplittableRandom jitter = new SplittableRandom(0);
    String[] names = new String[shown];
    for (int i = 0; i < shown; i++) {
      int j = order.get(i);
      names[shown - 1 - i] = features.get(j);
      XYSeries series = new XYSeries(features.get(j), false, true);
      double low = Double.POSITIVE_INFINITY;
      double high = Double.NEGATIVE_INFINITY;
      for (RowRecord row : rows) {
        double v = row.input()[j];
        if (!Double.isNaN(v)) {
          low = Math.min(low, v);
          high = Math.max(high, v);
        }
      }
      double[] shade = new double[rows.size()];
      for (int r = 0; r < rows.size(); r++) {
        RowRecord row = rows.get(r);
        series.add(row.attributions()[output][j], shown - 1 - i + jitter.nextDouble(-0.3, 0.3));
        double v = row.input()[j];
        shade[r] = Double.isNaN(v) || high == low ? 0.5 : (v - low) / (high - low);
      }
      data.addSeries(series);
      colours.add(shade);
    }
    XYLineAndShapeRenderer renderer =
        new XYLineAndShapeRenderer(false, true) {
          @Override
          public Paint getItemPaint(int series, int item) {
            double t = colours.get(series)[item];
            return new Color(
                (int) (NEGATIVE.getRed() + t * (POSITIVE.getRed() - NEGATIVE.getRed())),
                (int) (NEGATIVE.getGreen() + t * (POSITIVE.getGreen() - NEGATIVE.getGreen())),
                (int) (NEGATIVE.getBlue() + t * (POSITIVE.getBlue() - NEGATIVE.getBlue())));
          }
        };
    for (int s = 0; s < shown; s++) {
      renderer.setSeriesShape(s, new Ellipse2D.Double(-2.5, -2.5, 5, 5));
    }
    NumberAxis x = new NumberAxis(method + " value (impact on the model's output)");
    SymbolAxis y = new SymbolAxis(null, names);
    XYPlot plot = new XYPlot(data, x, y, renderer);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinesVisible(false);
    plot.setRangeGridlinePaint(new Color(0xDD, 0xDD, 0xDD));
    plot.setRangeGridlineStroke(new BasicStroke(0.5f));
    return new JFreeChart(
        "summary (colour: feature value, blue low, red high)",
        JFreeChart.DEFAULT_TITLE_FONT,
        plot,
        false);
  }

  /** A feature's value against its SHAP value over the rows. */
  JFreeChart dependence(
      List<String> features, List<RowRecord> rows, int output, int feature, String method) {
    XYSeries series = new XYSeries(features.get(feature), false, true);
    for (RowRecord row : rows) {
      double v = row.input()[feature];
      if (!Double.isNaN(v)) {
        series.add(v, row.attributions()[output][feature]);
      }
    }
    JFreeChart chart =
        ChartFactory.createScatterPlot(
            "dependence on " + features.get(feature),
            features.get(feature),
            method + " value of " + features.get(feature),
            new XYSeriesCollection(series),
            PlotOrientation.VERTICAL,
            false,
            false,
            false);
    XYPlot plot = chart.getXYPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.getRenderer().setSeriesPaint(0, POSITIVE);
    plot.getRenderer().setSeriesShape(0, new Ellipse2D.Double(-2.5, -2.5, 5, 5));
    return chart;
  }

  /** One row's LIME weights by condition. */
  @SuppressWarnings("unchecked")
  JFreeChart lime(RowRecord row) {
    Map<String, Object> detail = row.detail();
    if (detail == null || !(detail.get("weights") instanceof List<?> weights)) {
      throw invalid("the lime plot is of a lime explanation");
    }
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    for (Object item : weights) {
      Map<String, Object> w = (Map<String, Object>) item;
      double weight = ((Number) w.get("weight")).doubleValue();
      data.addValue(weight, "weight", (String) w.get("feature"));
    }
    JFreeChart chart = horizontalBars("LIME weights of row " + row.index(), "weight", data);
    BarRenderer bars =
        new BarRenderer() {
          @Override
          public Paint getItemPaint(int series, int item) {
            Number v = data.getValue(series, item);
            return v != null && v.doubleValue() >= 0 ? POSITIVE : NEGATIVE;
          }
        };
    bars.setBarPainter(new StandardBarPainter());
    bars.setShadowVisible(false);
    chart.getCategoryPlot().setRenderer(bars);
    return chart;
  }

  /** One rate of every group of a fairness report, with the overall rate's line. */
  JFreeChart groupBars(GroupFairness.Report report, String rate) {
    if (!report.overall().containsKey(rate) || rate.equals("count") || rate.equals("weight")) {
      throw invalid(
          "no rate '"
              + rate
              + "'; rates are selection_rate, true_positive_rate, ...: "
              + report.overall().keySet());
    }
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    report.groups().forEach((group, rates) -> data.addValue(rates.get(rate), rate, group));
    JFreeChart chart =
        horizontalBars(
            String.format("%s per group (overall %.3f)", rate, report.overall().get(rate)),
            rate,
            data);
    ((BarRenderer) chart.getCategoryPlot().getRenderer()).setSeriesPaint(0, NEGATIVE);
    chart
        .getCategoryPlot()
        .addRangeMarker(
            new org.jfree.chart.plot.ValueMarker(
                report.overall().get(rate), Color.DARK_GRAY, new BasicStroke(1.5f)));
    return chart;
  }

  /** Horizontal bars, one per category, styled as every chart here. */
  private static JFreeChart horizontalBars(String title, String axis, DefaultCategoryDataset data) {
    JFreeChart chart =
        ChartFactory.createBarChart(
            title, null, axis, data, PlotOrientation.HORIZONTAL, false, false, false);
    styleCategories(chart);
    return chart;
  }

  private static void styleCategories(JFreeChart chart) {
    CategoryPlot plot = chart.getCategoryPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(new Color(0xDD, 0xDD, 0xDD));
    if (plot.getRenderer() instanceof BarRenderer bars) {
      bars.setBarPainter(new StandardBarPainter());
      bars.setShadowVisible(false);
    }
  }

  private static List<Integer> byMagnitude(double[] values) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      order.add(i);
    }
    order.sort(Comparator.comparingDouble((Integer i) -> -Math.abs(values[i])));
    return order;
  }

  private static String label(String feature, double value) {
    return Double.isNaN(value)
        ? feature + " = missing"
        : String.format("%s = %.4g", feature, value);
  }

  private static ProblemException invalid(String detail) {
    return new ProblemException(ExplainProblems.INVALID_REQUEST, detail);
  }
}
