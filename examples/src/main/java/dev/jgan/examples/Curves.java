package dev.jgan.examples;

import dev.jgan.gan.train.Monitor;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler.LegendLayout;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * {@code curves.png}: a run's metrics over its iterations, as stacked panels sharing the iteration axis: (a) D's and
 * G's losses, (b) their gradient norms on a log scale, (c) one panel per family of the other numeric columns of
 * {@code metrics.csv} (whatever its header holds: diversity, Inception Score, FID, the Wasserstein estimate, the
 * gradient penalty, modes covered, ...), and (d) the failure monitor's events ({@code monitor.csv}) as vertical lines,
 * one colour per kind, also drawn faintly across the panels above. Columns are found by the header, so a column added
 * later appears without a change here; a column whose name shares its first word with another ({@code wasserstein_train},
 * {@code wasserstein_heldout}) shares its panel.
 *
 * <p>Long runs stay readable: a series of more than {@value #SMOOTH_ABOVE} points is drawn as its moving average (over
 * about 2% of the run, {@link #smoothingHalfWidth}) over its raw values in a faint band, each reduced to at most
 * {@value #MAX_POINTS} points ({@link #minMaxDownsample} keeps every spike of the raw values). Shorter series, such as
 * the figures measured only at evaluations, are drawn point by point. XChart draws the panels, AWT stacks them; runs
 * headless.
 */
final class Curves {
    /** Series longer than this are smoothed; shorter ones (evaluation points) are drawn as measured. */
    static final int SMOOTH_ABOVE = 200;
    /** Points drawn per layer of a series at most: more than the plot's width in pixels gains nothing. */
    static final int MAX_POINTS = 1000;
    static final int WIDTH = 1000;
    private static final int PANEL_HEIGHT = 240, EVENTS_HEIGHT = 130, EVENT_LEGEND_LINE = 20, TITLE_HEIGHT = 34;
    /** Series colours (matplotlib's "tab10", easy to tell apart and to print). */
    private static final Color[] PALETTE = {new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44), new Color(214, 39, 40),
        new Color(148, 103, 189), new Color(140, 86, 75), new Color(227, 119, 194), new Color(127, 127, 127), new Color(188, 189, 34),
        new Color(23, 190, 207)};
    /** The monitor's event kinds, each its own colour in panel (d). */
    private static final Map<String, Color> EVENT_COLOURS = Map.of(Monitor.Kind.D_LOSS_NEAR_ZERO.id(), new Color(214, 39, 40),
            Monitor.Kind.GRADIENT_NORM.id(), new Color(148, 103, 189), Monitor.Kind.D_LOSS_VARIANCE_SPIKE.id(), new Color(255, 127, 14),
            Monitor.Kind.DIVERSITY_COLLAPSE.id(), new Color(23, 190, 207));
    private static final Color EVENT_LINE = new Color(200, 60, 60, 90);
    /** Dash patterns telling apart the columns of one run when colours tell the runs apart; null is a solid line. */
    private static final float[][] DASHES = {null, {7f, 4f}, {2f, 3f}, {8f, 3f, 2f, 3f}};
    private static final String LOSS_D = "loss_d", LOSS_G = "loss_g", GRAD_D = "grad_norm_d", GRAD_G = "grad_norm_g";

    /**
     * What a metrics file holds besides its numbers: the column of the x axis, the column (or null) whose text names
     * the run a row belongs to, when one file holds several (gaussians' {@code scheme}), and columns not to draw
     * (counters, constants).
     */
    record Layout(String x, String group, Set<String> hidden) {
        Layout {
            hidden = Set.copyOf(hidden);
        }
    }

    /** {@code jgan images}' metrics.csv: one run, one row per iteration. */
    static final Layout IMAGES = new Layout("iteration", null, Set.of("d_steps", "g_steps"));
    /** {@code jgan gaussians}' metrics.csv: a row per scheme and evaluation; {@code modes} is the constant total of {@code modes_covered}. */
    static final Layout GAUSSIANS = new Layout("step", "scheme", Set.of("modes"));

    /**
     * A metrics CSV read by its header: every column's cells as numbers (NaN for an empty or non-numeric cell), and
     * the group column's text. A last line without its newline (a row being written) is left out.
     */
    record Table(List<String> columns, Map<String, double[]> numbers, String[] groups) {
        int rows() {
            return groups.length;
        }

        double[] column(String name) {
            return numbers.get(name);
        }
    }

    /** An event of the failure monitor: the iteration it fired at and its kind's id ({@code gradient_norm}, ...). */
    record Event(long iteration, String kind) {}

    /** A panel: a title, a y-axis name, whether its axis is logarithmic, and the columns it draws. */
    record Panel(String title, String yAxis, boolean log, List<String> columns) {}

    private Curves() {}

    // ---------------------------------------------------------------- reading

    static Table readMetrics(Path csv, Layout layout) throws IOException {
        List<String> lines = completeLines(csv);
        if (lines.isEmpty()) throw new IOException(csv + " has no complete header line");
        List<String> columns = List.of(lines.get(0).strip().split(",", -1));
        if (!columns.contains(layout.x())) throw new IOException(csv + " has no column '" + layout.x() + "': its header is " + lines.get(0));
        int rows = lines.size() - 1, group = layout.group() == null ? -1 : columns.indexOf(layout.group());
        Map<String, double[]> numbers = new LinkedHashMap<>();
        for (String c : columns) {
            double[] v = new double[rows];
            Arrays.fill(v, Double.NaN);
            numbers.put(c, v);
        }
        String[] groups = new String[rows];
        for (int r = 0; r < rows; r++) {
            String[] cells = lines.get(r + 1).strip().split(",", -1);
            groups[r] = group >= 0 && group < cells.length ? cells[group] : "";
            for (int c = 0; c < Math.min(cells.length, columns.size()); c++) numbers.get(columns.get(c))[r] = number(cells[c]);
        }
        return new Table(columns, numbers, groups);
    }

    /** The file's lines that end in a newline: a last line without one is a row still being written. */
    private static List<String> completeLines(Path file) throws IOException {
        List<String> lines = new ArrayList<>(Arrays.asList(Files.readString(file, StandardCharsets.UTF_8).split("\n", -1)));
        lines.remove(lines.size() - 1); // what follows the last newline: "" or a row still being written
        return lines;
    }

    /** A cell as a number: empty or not a number (a group's name) gives NaN. */
    private static double number(String cell) {
        if (cell.isEmpty()) return Double.NaN;
        try {
            return Double.parseDouble(cell);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** The monitor's events (one per iteration and kind; its file has a row per figure of an event), or none when the file does not exist. */
    static List<Event> readEvents(Path csv) throws IOException {
        if (!Files.exists(csv)) return List.of();
        Set<Event> events = new LinkedHashSet<>();
        List<String> lines = completeLines(csv);
        for (int k = 1; k < lines.size(); k++) {
            String[] cells = lines.get(k).strip().split(",", -1);
            if (cells.length < 2) continue;
            try {
                events.add(new Event(Long.parseLong(cells[0]), cells[1]));
            } catch (NumberFormatException e) {
                // not a row of events: skipped, as a figure is no place to fail a run
            }
        }
        return List.copyOf(events);
    }

    // ---------------------------------------------------------------- preparing the series

    /**
     * The centred moving average with half-width {@code h}: the mean of {@code y[i - h .. i + h]}, the window cut at
     * both ends of the series (so the first value is the mean of the first h + 1). Summed in double.
     */
    static double[] movingAverage(double[] y, int h) {
        if (h < 0) throw new IllegalArgumentException("Curves.movingAverage: half-width must be >= 0, got " + h);
        double[] prefix = new double[y.length + 1];
        for (int i = 0; i < y.length; i++) prefix[i + 1] = prefix[i] + y[i];
        double[] out = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            int lo = Math.max(0, i - h), hi = Math.min(y.length - 1, i + h);
            out[i] = (prefix[hi + 1] - prefix[lo]) / (hi - lo + 1);
        }
        return out;
    }

    /** The half-width of the moving average of {@code n} points: a window of about 2% of them, none up to {@value #SMOOTH_ABOVE}. */
    static int smoothingHalfWidth(int n) {
        return n <= SMOOTH_ABOVE ? 0 : Math.max(1, n / 100);
    }

    /**
     * At most {@code 2 * buckets} of the points (x, y), in order: the points split into {@code buckets} runs of equal
     * length, and of each run its lowest and its highest point, so a spike of one iteration survives. Series of at
     * most {@code 2 * buckets} points are returned as they are. Returns {x, y}.
     */
    static double[][] minMaxDownsample(double[] x, double[] y, int buckets) {
        int n = x.length;
        if (n <= 2 * buckets) return new double[][] {x.clone(), y.clone()};
        double[] ox = new double[2 * buckets], oy = new double[2 * buckets];
        for (int b = 0; b < buckets; b++) {
            int from = (int) ((long) b * n / buckets), to = (int) ((long) (b + 1) * n / buckets);
            int lo = from, hi = from;
            for (int i = from; i < to; i++) {
                if (y[i] < y[lo]) lo = i;
                if (y[i] > y[hi]) hi = i;
            }
            int first = Math.min(lo, hi), second = Math.max(lo, hi);
            ox[2 * b] = x[first];
            oy[2 * b] = y[first];
            ox[2 * b + 1] = x[second];
            oy[2 * b + 1] = y[second];
        }
        return new double[][] {ox, oy};
    }

    /** Every k-th point, k the smallest step giving at most {@code max} points, and the last point. Returns {x, y}. */
    static double[][] thin(double[] x, double[] y, int max) {
        int n = x.length;
        if (n <= max) return new double[][] {x.clone(), y.clone()};
        int step = (n - 1 + max - 2) / (max - 1); // ceil((n - 1) / (max - 1)): then the points 0, step, ... and n - 1 are at most max
        int m = (n - 2) / step + 2; // 0, step, ..., the last multiple below n - 1, then n - 1
        double[] ox = new double[m], oy = new double[m];
        for (int k = 0; k < m; k++) {
            int i = k == m - 1 ? n - 1 : k * step;
            ox[k] = x[i];
            oy[k] = y[i];
        }
        return new double[][] {ox, oy};
    }

    /**
     * The panels for a table: losses and gradient norms when present, then one per family of the remaining columns
     * that hold a number somewhere: columns whose names share the first word ({@code energy_real}, {@code energy_fake})
     * form a family when there are two or more of them.
     */
    static List<Panel> panels(Table t, Layout layout) {
        List<Panel> panels = new ArrayList<>();
        Set<String> fixed = Set.of(LOSS_D, LOSS_G, GRAD_D, GRAD_G);
        List<String> losses = t.columns().stream().filter(c -> c.equals(LOSS_D) || c.equals(LOSS_G)).toList();
        List<String> grads = t.columns().stream().filter(c -> c.equals(GRAD_D) || c.equals(GRAD_G)).toList();
        if (!losses.isEmpty()) panels.add(new Panel("losses", "loss", false, losses));
        if (!grads.isEmpty()) panels.add(new Panel("gradient norms (global L2 norm of the parameters' gradients, log scale)", "|grad|", true, grads));
        List<String> rest = new ArrayList<>();
        for (String c : t.columns())
            if (!fixed.contains(c) && !c.equals(layout.x()) && !c.equals(layout.group()) && !layout.hidden().contains(c) && anyFinite(t.column(c)))
                rest.add(c);
        Map<String, List<String>> families = new LinkedHashMap<>();
        for (String c : rest) {
            String word = firstWord(c);
            boolean shared = rest.stream().filter(o -> firstWord(o).equals(word)).count() > 1;
            families.computeIfAbsent(shared ? word : c, k -> new ArrayList<>()).add(c);
        }
        families.forEach((name, cols) -> panels.add(new Panel(name.replace('_', ' '), name.replace('_', ' '), false, cols)));
        return panels;
    }

    private static String firstWord(String column) {
        int u = column.indexOf('_');
        return u < 0 ? column : column.substring(0, u);
    }

    private static boolean anyFinite(double[] v) {
        for (double d : v) if (Double.isFinite(d)) return true;
        return false;
    }

    // ---------------------------------------------------------------- drawing

    /** Reads {@code metrics} (and {@code monitor} when not null) and writes the figure to {@code png}. */
    static void write(Path metrics, Path monitor, Layout layout, String title, Path png) throws IOException {
        Table table = readMetrics(metrics, layout);
        List<Event> events = monitor == null ? null : readEvents(monitor);
        Png.write(draw(table, layout, events, title), png);
    }

    /**
     * The figure: the title, then the panels of {@link #panels}, then, when {@code events} is not null (the run had a
     * monitor), the events panel. Every panel spans the same iterations, its plot area aligned with the others'.
     */
    static BufferedImage draw(Table t, Layout layout, List<Event> events, String title) {
        double[] x = t.column(layout.x());
        double xMin = Double.POSITIVE_INFINITY, xMax = Double.NEGATIVE_INFINITY;
        for (double v : x)
            if (Double.isFinite(v)) {
                xMin = Math.min(xMin, v);
                xMax = Math.max(xMax, v);
            }
        if (xMin > xMax) { // no rows yet
            xMin = 0;
            xMax = 1;
        } else if (xMin == xMax) {
            xMin -= 0.5;
            xMax += 0.5;
        }
        List<String> groups = new ArrayList<>(new LinkedHashSet<>(Arrays.asList(t.groups())));
        List<Panel> panels = panels(t, layout);
        List<XYChart> charts = new ArrayList<>();
        char letter = 'a';
        for (Panel p : panels) {
            XYChart c = chart("(" + letter++ + ") " + p.title(), p.yAxis(), PANEL_HEIGHT, xMin, xMax);
            c.getStyler().setYAxisLogarithmic(p.log());
            int n = 0;
            for (int gi = 0; gi < groups.size(); gi++)
                for (int ci = 0; ci < p.columns().size(); ci++) {
                    String column = p.columns().get(ci);
                    // One run: a colour per column. Several (gaussians' schemes): a colour per run, a line style per column.
                    Color colour = groups.size() > 1 ? PALETTE[gi % PALETTE.length] : PALETTE[ci % PALETTE.length];
                    float[] dash = groups.size() > 1 ? DASHES[ci % DASHES.length] : null;
                    String name = (groups.size() > 1 ? groups.get(gi) + " " : "") + label(column);
                    n += addSeries(c, t, layout, groups.get(gi), column, p.log(), name, colour, dash);
                }
            if (n == 0) continue; // e.g. a log panel whose norms are all 0 or not finite
            if (events != null) for (Event e : events) c.addAnnotation(new AnnotationLine(e.iteration(), true, false));
            charts.add(c);
        }
        if (events != null) charts.add(eventsChart("(" + letter + ") failure monitor", events, xMin, xMax));
        if (charts.isEmpty()) charts.add(chart("no metrics yet", "", PANEL_HEIGHT, xMin, xMax));
        charts.get(charts.size() - 1).getStyler().setXAxisTitleVisible(true);
        return stack(charts, title);
    }

    /** A series name for a column: "D" and "G" in the fixed panels, else the column's name. */
    private static String label(String column) {
        return switch (column) {
            case LOSS_D, GRAD_D -> "D";
            case LOSS_G, GRAD_G -> "G";
            default -> column;
        };
    }

    /** Adds one column of one group to the chart, smoothed when long; returns the number of series added (0 when it has no points). */
    private static int addSeries(XYChart c, Table t, Layout layout, String group, String column, boolean log, String name, Color colour,
                                 float[] dash) {
        double[] xs = t.column(layout.x()), ys = t.column(column);
        String[] gs = t.groups();
        int n = 0;
        double[] px = new double[xs.length], py = new double[xs.length];
        for (int i = 0; i < xs.length; i++)
            if (gs[i].equals(group) && Double.isFinite(xs[i]) && Double.isFinite(ys[i]) && (!log || ys[i] > 0)) {
                px[n] = xs[i];
                py[n++] = ys[i];
            }
        if (n == 0) return 0;
        px = Arrays.copyOf(px, n);
        py = Arrays.copyOf(py, n);
        int h = smoothingHalfWidth(n);
        if (h == 0) {
            XYSeries s = c.addSeries(name, px, py);
            style(s, colour, dash, 2f);
            s.setMarker(n <= 60 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
            s.setMarkerColor(colour);
            return 1;
        }
        double[][] raw = minMaxDownsample(px, py, MAX_POINTS / 2);
        XYSeries band = c.addSeries(name + " (each iteration)", raw[0], raw[1]);
        style(band, new Color(colour.getRed(), colour.getGreen(), colour.getBlue(), 60), null, 1f);
        band.setShowInLegend(false);
        // A log panel averages the logarithms: the mean of norms spanning decades would follow the largest alone.
        double[] smoothed = log ? exp10(movingAverage(log10(py), h)) : movingAverage(py, h);
        double[][] thinned = thin(px, smoothed, MAX_POINTS);
        XYSeries s = c.addSeries(String.format(Locale.ROOT, "%s (moving average of %,d)", name, 2 * h + 1), thinned[0], thinned[1]);
        style(s, colour, dash, 2f);
        return 2;
    }

    private static void style(XYSeries s, Color colour, float[] dash, float width) {
        s.setLineColor(colour);
        s.setLineStyle(dash == null ? new BasicStroke(width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND)
                : new BasicStroke(width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, dash, 0f));
        s.setMarker(SeriesMarkers.NONE);
    }

    private static double[] log10(double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) out[i] = Math.log10(v[i]);
        return out;
    }

    private static double[] exp10(double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) out[i] = Math.pow(10, v[i]);
        return out;
    }

    /** The events panel: a vertical line per event, a colour per kind, the kind's meaning and count in the legend. */
    private static XYChart eventsChart(String title, List<Event> events, double xMin, double xMax) {
        Map<String, List<Long>> byKind = new LinkedHashMap<>();
        for (Event e : events) byKind.computeIfAbsent(e.kind(), k -> new ArrayList<>()).add(e.iteration());
        XYChart c = chart(title + (events.isEmpty() ? ": no events" : String.format(Locale.ROOT, ": %d events", events.size())), "", EVENTS_HEIGHT
                + EVENT_LEGEND_LINE * byKind.size(), xMin, xMax);
        c.getStyler().setYAxisMin(0.0).setYAxisMax(1.0).setYAxisTicksVisible(false).setPlotGridHorizontalLinesVisible(false);
        c.getStyler().setLegendLayout(LegendLayout.Vertical); // a kind's meaning is a sentence: one per line
        if (byKind.isEmpty()) {
            // XChart needs a series to lay out the axes; this one is not drawn.
            XYSeries s = c.addSeries("no events", new double[] {xMin, xMax}, new double[] {Double.NaN, Double.NaN});
            s.setShowInLegend(false);
            s.setMarker(SeriesMarkers.NONE);
            return c;
        }
        int k = 0;
        for (Map.Entry<String, List<Long>> e : byKind.entrySet()) {
            // One series per kind: a vertical segment per event, the NaN between two segments breaks the line.
            List<Long> at = e.getValue();
            double[] sx = new double[3 * at.size()], sy = new double[3 * at.size()];
            for (int i = 0; i < at.size(); i++) {
                sx[3 * i] = sx[3 * i + 1] = sx[3 * i + 2] = at.get(i);
                sy[3 * i] = 0.02;
                sy[3 * i + 1] = 0.98;
                sy[3 * i + 2] = Double.NaN;
            }
            Color colour = EVENT_COLOURS.getOrDefault(e.getKey(), PALETTE[(4 + k++) % PALETTE.length]);
            XYSeries s = c.addSeries(String.format(Locale.ROOT, "%s x%d: %s", e.getKey(), at.size(), meaning(e.getKey())), sx, sy);
            style(s, colour, null, 2f);
        }
        return c;
    }

    /** What an event kind means, from the monitor's own description; a kind this build does not know is its id. */
    private static String meaning(String kind) {
        for (Monitor.Kind k : Monitor.Kind.values()) if (k.id().equals(kind)) return k.meaning();
        return kind;
    }

    private static XYChart chart(String title, String yAxis, int height, double xMin, double xMax) {
        XYChart c = new XYChart(WIDTH, height);
        c.setTitle(title);
        c.setXAxisTitle("iteration");
        c.setYAxisTitle(yAxis);
        var st = c.getStyler();
        st.setChartBackgroundColor(Color.WHITE);
        st.setPlotBackgroundColor(Color.WHITE);
        st.setPlotBorderColor(new Color(90, 90, 90));
        st.setPlotGridLinesColor(new Color(225, 225, 225));
        st.setChartTitleBoxVisible(false);
        st.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        st.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        st.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        st.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        // Below the plot, so that every panel's plot area ends at the same x and the panels share one iteration axis.
        st.setLegendPosition(LegendPosition.OutsideS);
        st.setLegendLayout(LegendLayout.Horizontal);
        st.setLegendBorderColor(Color.WHITE);
        st.setXAxisMin(xMin).setXAxisMax(xMax);
        st.setXAxisTitleVisible(false); // only the bottom panel names the shared axis
        st.setAnnotationLineColor(EVENT_LINE);
        st.setAnnotationLineStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {4f, 3f}, 0f));
        st.setAntiAlias(true);
        st.setMarkerSize(5);
        st.setChartPadding(8);
        return c;
    }

    /**
     * The charts one under another below the title. The widest y axis sets every chart's left margin (XChart's width
     * hint), so the plot areas line up and a vertical line through the figure is one iteration in every panel.
     */
    private static BufferedImage stack(List<XYChart> charts, String title) {
        double axis = 0;
        // Painting lays a chart out, which measures its y axis; on a 1 x 1 image the drawing itself costs next to nothing.
        Graphics2D scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
        for (XYChart c : charts) {
            c.paint(scratch, c.getWidth(), c.getHeight());
            axis = Math.max(axis, c.getYAxisLeftWidth());
        }
        scratch.dispose();
        int height = TITLE_HEIGHT;
        for (XYChart c : charts) {
            c.getStyler().setYAxisLeftWidthHint((int) Math.ceil(axis));
            height += c.getHeight();
        }
        BufferedImage image = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, 12, 24);
        int y = TITLE_HEIGHT;
        for (XYChart c : charts) {
            g.drawImage(BitmapEncoder.getBufferedImage(c), 0, y, null);
            y += c.getHeight();
        }
        g.dispose();
        return image;
    }
}
