package dev.jgan.examples;

import dev.jgan.autodiff.Rng;
import dev.jgan.gan.data.ToyDistribution;
import dev.jgan.gan.eval.ModeCoverage;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A grid of scatter plots of generated 2-D samples over a toy distribution, one row per scheme and one column
 * per evaluation step, in the manner of figure 1 of the Unrolled GAN paper (Metz et al. 2017). Every panel
 * shows the same square window {@code [-L, L]^2} with ticks (tick labels on the left column and bottom row),
 * the modes marked with a cross and their high-quality disc (radius 3 std, to scale), and the generated
 * samples over them; with a {@link ModeCoverage} it also prints the modes covered and the share of
 * high-quality samples. A distribution without modes (the swiss roll) gets a sample of real data in grey
 * instead. A legend under the grid says what the marks are. Pure AWT and ImageIO: runs headless.
 *
 * <p>{@link #critic} makes the critic figure instead, in the manner of figures 1 and 2 of the WGAN-GP paper
 * (Gulrajani et al. 2017): each panel a heat map of D's output over the window ({@link CriticField}) with contour
 * lines, the real data's samples and G's over it.
 *
 * <pre>{@code
 * SampleGridFigure fig = new SampleGridFigure("8 Gaussians", List.of("standard", "unrolled k=5"), new int[] {1000, 2000}, ring);
 * fig.panel(0, 0, samples.toArray(), ModeCoverage.of(samples, ring));
 * fig.write(Path.of("samples.png"));
 * }</pre>
 */
public final class SampleGridFigure {
    /** The default side of one panel, in pixels. */
    public static final int DEFAULT_PANEL = 220;

    static final Color REAL = new Color(175, 175, 175);
    private static final Color BACKGROUND = Color.WHITE;
    private static final Color SAMPLE = new Color(31, 90, 200, 150);
    private static final Color MODE = new Color(210, 30, 30);
    private static final Color DISC = new Color(210, 30, 30, 60);
    private static final Color FRAME = new Color(90, 90, 90);
    private static final Color GRID = new Color(236, 236, 236);
    /** On the critic's colour map: real data dark, G's samples orange-red, both visible on its dark and light ends. */
    private static final Color REAL_ON_MAP = new Color(20, 20, 20, 150);
    private static final Color SAMPLE_ON_MAP = new Color(255, 80, 40, 190);
    private static final Color CONTOUR = new Color(255, 255, 255, 110);
    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 16);
    private static final Font LABEL = new Font(Font.SANS_SERIF, Font.BOLD, 13);
    private static final Font TEXT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    private static final Font TICK = new Font(Font.SANS_SERIF, Font.PLAIN, 10);
    /** Real samples drawn under the generated ones when the distribution has no modes. */
    private static final int REAL_SAMPLES = 1000;
    private static final int GAP = 14, Y_NAME = 14, TICK_LABEL = 30, TOP = 58, RIGHT = 20, AXIS_NAME = 44, LEGEND_LINE = 17, LEGEND_INDENT = 22;

    /** What a legend line starts with. */
    private enum Marker { SAMPLE, MODE, REAL, COLOUR_BAR, NONE }
    /** The width of the colour bar drawn in the critic figure's legend. */
    private static final int COLOUR_BAR = 90;

    private record LegendLine(Marker marker, String text) {}

    private final ToyDistribution distribution;
    /** Whether the panels show D's output ({@link #critic}): real samples instead of the modes, the map's own colours. */
    private final boolean critic;
    private final float[][] modes;
    private final float[] real;
    private final List<String> rowNames;
    private final int[] columnSteps;
    private final int panel;
    private final float extent;
    private final float tickStep;
    private final int left;
    private final List<LegendLine> legend;
    private final BufferedImage image;
    private final Graphics2D g;

    /** A figure with panels of {@value #DEFAULT_PANEL} pixels. */
    public SampleGridFigure(String title, List<String> rowNames, int[] columnSteps, ToyDistribution distribution) {
        this(title, rowNames, columnSteps, distribution, DEFAULT_PANEL);
    }

    /** A figure of {@code rowNames.size()} x {@code columnSteps.length} panels of {@code panel} pixels (>= 100). */
    public SampleGridFigure(String title, List<String> rowNames, int[] columnSteps, ToyDistribution distribution, int panel) {
        this(title, rowNames, columnSteps, distribution, panel, false);
    }

    /**
     * The critic figure: panels to be filled with {@link #panel(int, int, float[], ModeCoverage, CriticField)}, whose
     * fields must cover {@link #window}{@code (distribution)}. Real data are drawn as samples, also for a distribution
     * with modes.
     */
    public static SampleGridFigure critic(String title, List<String> rowNames, int[] columnSteps, ToyDistribution distribution) {
        return new SampleGridFigure(title, rowNames, columnSteps, distribution, DEFAULT_PANEL, true);
    }

    private SampleGridFigure(String title, List<String> rowNames, int[] columnSteps, ToyDistribution distribution, int panel, boolean critic) {
        // NOTE: not rowNames.contains(null), which throws on List.of(...)
        if (rowNames.isEmpty() || rowNames.stream().anyMatch(Objects::isNull))
            throw new IllegalArgumentException("SampleGridFigure: need at least one row name and no null, got " + rowNames);
        if (columnSteps.length == 0) throw new IllegalArgumentException("SampleGridFigure: need at least one column step");
        if (panel < 100 || panel > 2000) throw new IllegalArgumentException("SampleGridFigure: panel size must be in 100..2000 pixels, got " + panel);
        this.distribution = distribution;
        this.critic = critic;
        this.modes = critic ? new float[0][] : distribution.modes();
        this.real = modes.length == 0 ? realSamples(distribution) : null;
        this.rowNames = List.copyOf(rowNames);
        this.columnSteps = columnSteps.clone();
        this.panel = panel;
        this.extent = window(distribution);
        this.tickStep = tickStep(extent);

        BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D sg = scratch.createGraphics();
        FontMetrics fm = sg.getFontMetrics(LABEL);
        int widest = 0;
        for (String name : rowNames) widest = Math.max(widest, fm.stringWidth(name));
        this.left = 16 + widest + 16 + Y_NAME + TICK_LABEL;
        int width = left + columnSteps.length * panel + (columnSteps.length - 1) * GAP + RIGHT;
        this.legend = legend(sg.getFontMetrics(TEXT), width - 16 - LEGEND_INDENT - RIGHT);
        sg.dispose();

        int height = TOP + rowNames.size() * panel + (rowNames.size() - 1) * GAP + AXIS_NAME + legend.size() * LEGEND_LINE + 12;
        this.image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        this.g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(BACKGROUND);
        g.fillRect(0, 0, width, height);
        drawFrame(title);
        for (int r = 0; r < rowNames.size(); r++)
            for (int c = 0; c < columnSteps.length; c++) drawPanel(r, c, null, null, null);
    }

    /** Draws generated samples (interleaved x, y) into the panel of {@code row} and {@code column}; returns this. */
    public SampleGridFigure panel(int row, int column, float[] xy) {
        return panel(row, column, xy, null);
    }

    /**
     * Draws generated samples (interleaved x, y) into the panel of {@code row} and {@code column}, replacing
     * what it showed, with the coverage line of {@code coverage} when it is not null; returns this. Samples
     * outside the window or not finite are counted in the panel, not drawn.
     */
    public SampleGridFigure panel(int row, int column, float[] xy, ModeCoverage coverage) {
        return panel(row, column, xy, coverage, null);
    }

    /**
     * As {@link #panel(int, int, float[], ModeCoverage)}, over a heat map of D's output when {@code field} is not null
     * (a {@link #critic} figure; the field's window must be this figure's).
     */
    public SampleGridFigure panel(int row, int column, float[] xy, ModeCoverage coverage, CriticField field) {
        if (field != null && (!critic || field.extent() != extent))
            throw new IllegalArgumentException("SampleGridFigure: a critic field needs a critic figure and its window [-" + extent + ", " + extent
                    + "]^2, got " + (critic ? "[-" + field.extent() + ", " + field.extent() + "]^2" : "a samples figure"));
        if (row < 0 || row >= rowNames.size()) throw new IndexOutOfBoundsException("SampleGridFigure: row " + row + " outside 0.." + (rowNames.size() - 1));
        if (column < 0 || column >= columnSteps.length)
            throw new IndexOutOfBoundsException("SampleGridFigure: column " + column + " outside 0.." + (columnSteps.length - 1));
        if (xy.length % 2 != 0) throw new IllegalArgumentException("SampleGridFigure: samples must be x, y pairs, got " + xy.length + " values");
        drawPanel(row, column, xy, coverage, field);
        return this;
    }

    /**
     * Writes the figure as a PNG, atomically: a temporary file in the same directory, then a rename, so a
     * crash leaves the previous figure whole. The file keeps the permissions of the one it replaces, a new one
     * gets rw-r--r-- (on POSIX file systems).
     */
    public void write(Path file) {
        try {
            Png.write(image, file);
        } catch (IOException e) {
            throw new UncheckedIOException("SampleGridFigure: cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** The window's half-width L: the panels show [-L, L]^2. */
    public float extent() {
        return extent;
    }

    BufferedImage image() {
        return image;
    }

    /** The pixels of one panel's plotting area. */
    Rectangle bounds(int row, int column) {
        return new Rectangle(left + column * (panel + GAP), TOP + row * (panel + GAP), panel, panel);
    }

    /** The pixel of data point (x, y) in a panel. */
    int[] pixel(int row, int column, float x, float y) {
        Rectangle b = bounds(row, column);
        return new int[] {b.x + (int) Math.floor((x + extent) / (2 * extent) * panel), b.y + (int) Math.floor((extent - y) / (2 * extent) * panel)};
    }

    // ---------------------------------------------------------------- drawing

    private void drawFrame(String title) {
        g.setColor(Color.BLACK);
        g.setFont(TITLE);
        g.drawString(title, 16, 24);
        g.setFont(LABEL);
        FontMetrics fm = g.getFontMetrics();
        for (int c = 0; c < columnSteps.length; c++) {
            Rectangle b = bounds(0, c);
            String label = String.format(Locale.ROOT, "step %,d", columnSteps[c]);
            g.drawString(label, b.x + (panel - fm.stringWidth(label)) / 2, TOP - 10);
        }
        for (int r = 0; r < rowNames.size(); r++) {
            Rectangle b = bounds(r, 0);
            g.drawString(rowNames.get(r), 16, b.y + panel / 2 + fm.getAscent() / 2);
        }
        // axis names beside the left column and under the bottom row
        g.setFont(TEXT);
        fm = g.getFontMetrics();
        int bottom = bounds(rowNames.size() - 1, 0).y + panel;
        for (int c = 0; c < columnSteps.length; c++) {
            Rectangle b = bounds(rowNames.size() - 1, c);
            g.drawString("x", b.x + (panel - fm.stringWidth("x")) / 2, bottom + 31);
        }
        for (int r = 0; r < rowNames.size(); r++) {
            Rectangle b = bounds(r, 0);
            AffineTransform saved = g.getTransform();
            g.rotate(-Math.PI / 2, left - TICK_LABEL - 2, b.y + panel / 2); // reads bottom to top; the glyph extends left
            g.drawString("y", left - TICK_LABEL - 2, b.y + panel / 2);
            g.setTransform(saved);
        }
        drawLegend(bottom + AXIS_NAME + 4);
    }

    /** The legend's lines, each entry's text wrapped to {@code width} pixels. */
    private List<LegendLine> legend(FontMetrics fm, int width) {
        List<LegendLine> lines = new ArrayList<>();
        wrap(lines, Marker.SAMPLE, "generated sample", fm, width);
        if (critic) {
            wrap(lines, Marker.REAL, "real data (" + REAL_SAMPLES + " samples of " + distribution.name() + ")", fm, width);
            wrap(lines, Marker.COLOUR_BAR, "D(x), the critic's value (for the GAN and Unrolled GAN: D's logit), from each panel's lowest"
                    + " value (left) to its highest (right); the panel says its range. White lines: contours at every tenth of the range.",
                    fm, width - COLOUR_BAR + LEGEND_INDENT);
        } else if (modes.length > 0) {
            wrap(lines, Marker.MODE, String.format(Locale.ROOT, "mode of %s (%d modes) and its disc of radius 3 std = %s, drawn to scale",
                    distribution.name(), modes.length, trim(3 * distribution.std())), fm, width);
            wrap(lines, Marker.NONE, "A sample is of high quality (HQ) when it lies within 3 std of its nearest mode; a mode is covered when"
                    + " at least one sample is a high-quality sample of it. Panel text: modes covered, share of high-quality samples.", fm, width);
        } else {
            wrap(lines, Marker.REAL, "real data (" + REAL_SAMPLES + " samples of " + distribution.name() + ")", fm, width);
        }
        return List.copyOf(lines);
    }

    private static void wrap(List<LegendLine> lines, Marker marker, String text, FontMetrics fm, int width) {
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (line.length() > 0 && fm.stringWidth(line + " " + word) > width) {
                lines.add(new LegendLine(marker, line.toString()));
                marker = Marker.NONE;
                line.setLength(0);
            }
            if (line.length() > 0) line.append(' ');
            line.append(word);
        }
        lines.add(new LegendLine(marker, line.toString()));
    }

    private void drawLegend(int y) {
        g.setFont(TEXT);
        int x = 16;
        for (LegendLine line : legend) {
            switch (line.marker()) {
                case SAMPLE: g.setColor(critic ? SAMPLE_ON_MAP : SAMPLE); g.fillRect(x + 6, y - 8, 5, 5); break;
                case REAL: g.setColor(critic ? REAL_ON_MAP : REAL); g.fillRect(x + 6, y - 8, 5, 5); break;
                case MODE: drawModeMark(x + 8, y - 5, 4); break;
                case COLOUR_BAR:
                    for (int k = 0; k < COLOUR_BAR - 8; k++) {
                        g.setColor(CriticField.colour(k / (COLOUR_BAR - 9.0)));
                        g.fillRect(x + 2 + k, y - 10, 1, 10);
                    }
                    break;
                default: break;
            }
            g.setColor(Color.BLACK);
            g.drawString(line.text(), x + (line.marker() == Marker.COLOUR_BAR ? COLOUR_BAR : LEGEND_INDENT), y);
            y += LEGEND_LINE;
        }
    }

    private void drawPanel(int row, int column, float[] xy, ModeCoverage coverage, CriticField field) {
        Rectangle b = bounds(row, column);
        g.setColor(BACKGROUND);
        g.fillRect(b.x, b.y, b.width, b.height);
        if (field != null) drawField(b, field);
        drawAxes(row, column, b, field == null);

        Shape savedClip = g.getClip();
        g.clipRect(b.x, b.y, b.width, b.height);
        if (real != null) {
            g.setColor(critic ? REAL_ON_MAP : REAL);
            for (int i = 0; i < real.length; i += 2) dot(row, column, real[i], real[i + 1], 2);
        }
        for (float[] m : modes) {
            int[] p = pixel(row, column, m[0], m[1]);
            drawModeMark(p[0], p[1], discRadius());
        }
        int outside = 0, notFinite = 0;
        if (xy != null) {
            g.setColor(critic ? SAMPLE_ON_MAP : SAMPLE);
            for (int i = 0; i < xy.length; i += 2) {
                float x = xy[i], y = xy[i + 1];
                if (!Float.isFinite(x) || !Float.isFinite(y)) notFinite++;
                else if (Math.abs(x) > extent || Math.abs(y) > extent) outside++;
                else dot(row, column, x, y, 3);
            }
            // the discs over the samples, so a covered mode still shows its disc
            for (float[] m : modes) {
                int[] p = pixel(row, column, m[0], m[1]);
                drawDisc(p[0], p[1], discRadius());
            }
        }
        g.setClip(savedClip);

        g.setFont(TEXT);
        int line = b.y + 15;
        if (coverage != null)
            line = note(b, line, String.format(Locale.ROOT, "%d/%d modes, %.0f%% HQ", coverage.modesCovered(), coverage.modes(), 100 * coverage.highQualityShare()));
        if (field != null) line = note(b, line, String.format(Locale.ROOT, "D from %.3g to %.3g", field.min(), field.max()));
        if (xy == null) note(b, line, "no samples");
        if (outside > 0) line = note(b, line, outside + " outside the window");
        if (notFinite > 0) note(b, line, notFinite + " not finite");
    }

    /**
     * The heat map of D over the panel, its colour scaled to the field's own range (a critic is defined up to a
     * constant, and its scale drifts over training, so one scale for all panels would flatten most of them), each
     * cell a block of pixels; then the contour lines at the tenths of the range.
     */
    private void drawField(Rectangle b, CriticField field) {
        int n = field.resolution();
        float lo = field.min(), hi = field.max();
        double span = hi > lo ? hi - lo : 1;
        for (int r = 0; r < n; r++)
            for (int c = 0; c < n; c++) {
                int x0 = b.x + c * b.width / n, x1 = b.x + (c + 1) * b.width / n, y0 = b.y + r * b.height / n, y1 = b.y + (r + 1) * b.height / n;
                g.setColor(CriticField.colour((field.at(r, c) - lo) / span));
                g.fillRect(x0, y0, x1 - x0, y1 - y0);
            }
        if (!(hi > lo)) return;
        g.setColor(CONTOUR);
        g.setStroke(new BasicStroke(1f));
        double cell = (double) b.width / n;
        for (int k = 1; k < CriticField.LEVELS; k++) {
            double level = lo + span * k / CriticField.LEVELS;
            for (double[] seg : field.contour(level))
                g.draw(new java.awt.geom.Line2D.Double(b.x + (seg[0] + 0.5) * cell, b.y + (seg[1] + 0.5) * cell, b.x + (seg[2] + 0.5) * cell,
                        b.y + (seg[3] + 0.5) * cell));
        }
    }

    private int note(Rectangle b, int y, String text) {
        FontMetrics fm = g.getFontMetrics();
        g.setColor(new Color(255, 255, 255, 200));
        g.fillRect(b.x + 3, y - fm.getAscent(), fm.stringWidth(text) + 4, fm.getHeight());
        g.setColor(Color.BLACK);
        g.drawString(text, b.x + 5, y);
        return y + fm.getHeight();
    }

    private void drawAxes(int row, int column, Rectangle b, boolean gridLines) {
        g.setFont(TICK);
        FontMetrics fm = g.getFontMetrics();
        int ticks = (int) Math.floor(extent / tickStep + 1e-6);
        for (int k = -ticks; k <= ticks; k++) {
            float v = k * tickStep;
            int[] p = pixel(row, column, v, v);
            if (gridLines) { // not over a heat map, where they would read as contours
                g.setColor(GRID);
                g.drawLine(p[0], b.y + 1, p[0], b.y + b.height - 2);
                g.drawLine(b.x + 1, p[1], b.x + b.width - 2, p[1]);
            }
            g.setColor(FRAME);
            g.drawLine(p[0], b.y + b.height, p[0], b.y + b.height + 4);
            g.drawLine(b.x - 4, p[1], b.x, p[1]);
            String label = trim(v);
            if (row == rowNames.size() - 1) g.drawString(label, p[0] - fm.stringWidth(label) / 2, b.y + b.height + 15);
            if (column == 0) g.drawString(label, b.x - 6 - fm.stringWidth(label), p[1] + fm.getAscent() / 2 - 1);
        }
        g.setColor(FRAME);
        g.drawRect(b.x, b.y, b.width, b.height);
    }

    private float discRadius() {
        return Math.max(2f, 3 * distribution.std() / (2 * extent) * panel);
    }

    /** A mode: a cross at its centre and its 3-std disc. */
    private void drawModeMark(int x, int y, float radius) {
        g.setColor(MODE);
        g.setStroke(new BasicStroke(1f));
        g.drawLine(x - 6, y, x - 3, y);
        g.drawLine(x + 3, y, x + 6, y);
        g.drawLine(x, y - 6, x, y - 3);
        g.drawLine(x, y + 3, x, y + 6);
        drawDisc(x, y, radius);
    }

    private void drawDisc(int x, int y, float radius) {
        Ellipse2D disc = new Ellipse2D.Float(x + 0.5f - radius, y + 0.5f - radius, 2 * radius, 2 * radius);
        g.setColor(DISC);
        g.fill(disc);
        g.setColor(MODE);
        g.setStroke(new BasicStroke(1.2f));
        g.draw(disc);
    }

    private void dot(int row, int column, float x, float y, int size) {
        int[] p = pixel(row, column, x, y);
        g.fillRect(p[0] - size / 2, p[1] - size / 2, size, size);
    }

    // ---------------------------------------------------------------- scales

    /** The window's half-width L for a distribution: from its modes, or from a sample when it has none. */
    public static float window(ToyDistribution distribution) {
        float[][] m = distribution.modes();
        return extent(m.length > 0 ? flatten(m) : realSamples(distribution));
    }

    /** The real samples drawn in panels: always the same ones, from a generator of their own. */
    private static float[] realSamples(ToyDistribution distribution) {
        return distribution.sample(new Rng(0), REAL_SAMPLES).toArray();
    }

    /** A quarter beyond the largest coordinate, rounded up to a whole unit: 3 for the ring and the swiss roll, 5 for the grid. */
    static float extent(float[] xy) {
        double max = 0;
        for (float v : xy) if (Float.isFinite(v)) max = Math.max(max, Math.abs(v));
        return (float) Math.max(1, Math.ceil(1.25 * max));
    }

    /** The smallest step of 1, 2 or 5 times a power of ten giving at most four ticks on each side of zero. */
    static float tickStep(float extent) {
        double raw = extent / 4;
        double power = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 5, 10}) if (m * power >= raw) return (float) (m * power);
        throw new AssertionError("unreachable: 10 * power >= raw");
    }

    private static float[] flatten(float[][] pairs) {
        float[] xy = new float[2 * pairs.length];
        for (int k = 0; k < pairs.length; k++) {
            xy[2 * k] = pairs[k][0];
            xy[2 * k + 1] = pairs[k][1];
        }
        return xy;
    }

    /** A tick value without a trailing ".0": "2", "-0.5", "0.06". */
    private static String trim(float v) {
        String s = String.format(Locale.ROOT, "%.4f", v).replaceAll("0+$", "");
        if (s.endsWith(".")) s = s.substring(0, s.length() - 1);
        return s.equals("-0") ? "0" : s;
    }
}
