package dev.jgan.examples;

import dev.jgan.autodiff.Tensor;
import dev.jgan.gan.eval.Sampling;
import dev.jgan.nn.Module;
import java.awt.Color;
import java.util.ArrayList;
import java.util.List;

/**
 * D's output over the plotting window {@code [-L, L]^2} of a toy figure, as in figures 1 and 2 of the WGAN-GP paper
 * (Gulrajani et al. 2017, "Improved Training of Wasserstein GANs"): the critic's value surface, or for the standard
 * and Unrolled GAN D's logit. The window is cut into {@code n x n} square cells and D is evaluated at each cell's
 * centre: {@code values[r * n + c]} is D at
 * <pre>
 *   x = -L + (c + 0.5) 2L / n,   y = L - (r + 0.5) 2L / n      (row 0 at the top, as an image)
 * </pre>
 */
record CriticField(int resolution, float extent, float[] values) {
    /**
     * Cells on a side: 16,384 points, one batch forward of the toy critic per evaluation (about 0.1 s on the vector
     * kernels, several times that on the scalar ones), cells of under 2 pixels in a 220-pixel panel, where the
     * contours interpolate between cell centres anyway; 200 looked no different and cost 2.4 times as much.
     */
    static final int DEFAULT_RESOLUTION = 128;
    /** Contour levels: the tenths of a panel's range. */
    static final int LEVELS = 10;

    CriticField {
        if (resolution < 2) throw new IllegalArgumentException("CriticField: resolution must be >= 2, got " + resolution);
        if (values.length != resolution * resolution)
            throw new IllegalArgumentException("CriticField: " + resolution + "^2 values expected, got " + values.length);
    }

    /**
     * Evaluates {@code critic} (a network [N, 2] to [N, 1]) at the cell centres of the window of half-width
     * {@code extent}, in evaluation mode and without recording a graph ({@link Sampling#inEvaluation}): a critic with
     * batch norm uses its running statistics, and the run's modules, graph and random streams stay as they were.
     */
    static CriticField evaluate(Module critic, float extent, int resolution) {
        float[] points = new float[2 * resolution * resolution];
        for (int r = 0; r < resolution; r++)
            for (int c = 0; c < resolution; c++) {
                points[2 * (r * resolution + c)] = centre(c, extent, resolution);
                points[2 * (r * resolution + c) + 1] = -centre(r, extent, resolution);
            }
        Tensor x = Tensor.of(points, resolution * resolution, 2);
        float[] d = Sampling.inEvaluation(critic, () -> critic.forward(x)).toArray();
        if (d.length != resolution * resolution)
            throw new IllegalArgumentException("CriticField: the critic must give one value per point, got " + d.length + " for "
                    + resolution * resolution + " points");
        return new CriticField(resolution, extent, d);
    }

    /** The coordinate of cell {@code k}'s centre along x (or -y): {@code -L + (k + 0.5) 2L / n}. */
    static float centre(int k, float extent, int resolution) {
        return (float) (-extent + (k + 0.5) * 2.0 * extent / resolution);
    }

    float at(int row, int column) {
        return values[row * resolution + column];
    }

    /** The lowest finite value (NaN when there is none). */
    float min() {
        float m = Float.NaN;
        for (float v : values) if (Float.isFinite(v) && !(v >= m)) m = v;
        return m;
    }

    /** The highest finite value (NaN when there is none). */
    float max() {
        float m = Float.NaN;
        for (float v : values) if (Float.isFinite(v) && !(v <= m)) m = v;
        return m;
    }

    /**
     * The contour line of {@code level} by marching squares: straight segments {x0, y0, x1, y1} in cell units (cell
     * centre (c, r) is the point (c, r)), each crossing of a square of four neighbouring centres placed by linear
     * interpolation between them. A saddle square (diagonal corners on one side) is resolved by the mean of its four
     * corners; a square with a value that is not finite has no line.
     */
    List<double[]> contour(double level) {
        List<double[]> segments = new ArrayList<>();
        int n = resolution;
        for (int r = 0; r + 1 < n; r++)
            for (int c = 0; c + 1 < n; c++) {
                double tl = at(r, c), tr = at(r, c + 1), br = at(r + 1, c + 1), bl = at(r + 1, c);
                if (!Double.isFinite(tl + tr + br + bl)) continue;
                // crossings of the top, right, bottom and left edges, null where the level does not cross
                double[] top = crossing(tl, tr, level, c, r, c + 1, r), right = crossing(tr, br, level, c + 1, r, c + 1, r + 1);
                double[] bottom = crossing(bl, br, level, c, r + 1, c + 1, r + 1), left = crossing(tl, bl, level, c, r, c, r + 1);
                List<double[]> at = new ArrayList<>(4);
                for (double[] p : new double[][] {top, right, bottom, left}) if (p != null) at.add(p);
                if (at.size() == 2) segments.add(new double[] {at.get(0)[0], at.get(0)[1], at.get(1)[0], at.get(1)[1]});
                else if (at.size() == 4) {
                    boolean centreWithTopLeft = ((tl + tr + br + bl) / 4 >= level) == (tl >= level);
                    // the top-left and bottom-right corners join through the centre: the line cuts off the other two, and conversely
                    double[][] pairs = centreWithTopLeft ? new double[][] {top, right, bottom, left} : new double[][] {top, left, bottom, right};
                    segments.add(new double[] {pairs[0][0], pairs[0][1], pairs[1][0], pairs[1][1]});
                    segments.add(new double[] {pairs[2][0], pairs[2][1], pairs[3][0], pairs[3][1]});
                }
            }
        return segments;
    }

    /** Where {@code level} crosses the edge from (x0, y0) of value a to (x1, y1) of value b, or null when a and b are on one side. */
    private static double[] crossing(double a, double b, double level, double x0, double y0, double x1, double y1) {
        if ((a >= level) == (b >= level)) return null;
        double t = (level - a) / (b - a);
        return new double[] {x0 + t * (x1 - x0), y0 + t * (y1 - y0)};
    }

    // ---------------------------------------------------------------- the colour map

    /**
     * Anchors of viridis (van der Walt and Smith, matplotlib's default map), low to high, linearly interpolated:
     * perceptually uniform and readable in grey, so equal steps of D look like equal steps of colour.
     */
    private static final int[][] VIRIDIS = {{68, 1, 84}, {72, 40, 120}, {62, 74, 137}, {49, 104, 142}, {38, 130, 142}, {31, 158, 137},
        {53, 183, 121}, {109, 205, 89}, {180, 222, 44}, {253, 231, 37}};

    /** The colour of {@code t} in [0, 1] (clamped; NaN gives grey): 0 the bottom of the map, 1 its top. */
    static Color colour(double t) {
        if (Double.isNaN(t)) return Color.GRAY;
        double u = Math.max(0, Math.min(1, t)) * (VIRIDIS.length - 1);
        int k = Math.min((int) u, VIRIDIS.length - 2);
        double f = u - k;
        int[] a = VIRIDIS[k], b = VIRIDIS[k + 1];
        return new Color((int) Math.round(a[0] + f * (b[0] - a[0])), (int) Math.round(a[1] + f * (b[1] - a[1])),
                (int) Math.round(a[2] + f * (b[2] - a[2])));
    }
}
