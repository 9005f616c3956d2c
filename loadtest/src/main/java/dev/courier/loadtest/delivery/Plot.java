package dev.courier.loadtest.delivery;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import org.HdrHistogram.Histogram;

/** Small PNG line charts with Java2D (headless), so the report needs no plotting tool. */
final class Plot {

    private static final int W = 900;
    private static final int H = 500;
    private static final int LEFT = 70;
    private static final int RIGHT = 150;
    private static final int TOP = 40;
    private static final int BOTTOM = 50;
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0x2ca02c), new Color(0xff7f0e), new Color(0xd62728)};

    private Plot() {
    }

    /** p50, p90, p99 and max of each one-second interval. */
    static void percentilesOverTime(List<Histogram> seconds, String title, Path file) throws IOException {
        double[][] series = new double[4][seconds.size()];
        for (int i = 0; i < seconds.size(); i++) {
            Histogram h = seconds.get(i);
            if (h.getTotalCount() == 0) {
                // Nothing arrived in that second: a gap in the lines, not a fall to zero.
                for (double[] s : series) {
                    s[i] = Double.NaN;
                }
                continue;
            }
            series[0][i] = h.getValueAtPercentile(50) / 1e6;
            series[1][i] = h.getValueAtPercentile(90) / 1e6;
            series[2][i] = h.getValueAtPercentile(99) / 1e6;
            series[3][i] = h.getMaxValue() / 1e6;
        }
        double[] x = new double[seconds.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = i + 1;
        }
        draw(title, "second of the measurement", x, series, new String[]{"p50", "p90", "p99", "max"}, file);
    }

    /** Latency by percentile, the percentile axis stretched towards the tail (as HdrHistogram's plotter). */
    static void percentileDistribution(Histogram h, String title, Path file) throws IOException {
        int n = 200;
        double[] x = new double[n];
        double[][] y = new double[1][n];
        for (int i = 0; i < n; i++) {
            double nines = 5.0 * i / (n - 1); // 0 .. 99.999%
            double percentile = 100.0 * (1 - Math.pow(10, -nines));
            x[i] = nines;
            y[0][i] = h.getValueAtPercentile(percentile) / 1e6;
        }
        draw(title, "percentile (0 = p0, 1 = p90, 2 = p99, 3 = p99.9, 4 = p99.99)", x, y, new String[]{"latency"}, file);
    }

    private static void draw(String title, String xLabel, double[] x, double[][] series, String[] names, Path file) throws IOException {
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        double xMax = 1;
        double yMax = 0.001;
        for (double v : x) {
            xMax = Math.max(xMax, v);
        }
        for (double[] s : series) {
            for (double v : s) {
                if (!Double.isNaN(v)) {
                    yMax = Math.max(yMax, v);
                }
            }
        }
        yMax = niceCeiling(yMax);
        int pw = W - LEFT - RIGHT;
        int ph = H - TOP - BOTTOM;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setColor(new Color(0xdddddd));
        for (int i = 0; i <= 5; i++) {
            int yy = TOP + ph - ph * i / 5;
            g.drawLine(LEFT, yy, LEFT + pw, yy);
        }
        g.setColor(Color.BLACK);
        g.drawRect(LEFT, TOP, pw, ph);
        for (int i = 0; i <= 5; i++) {
            int yy = TOP + ph - ph * i / 5;
            double value = yMax * i / 5;
            String label = yMax >= 10 ? String.format("%,.0f", value) : String.format("%.2f", value);
            g.drawString(label, LEFT - 8 - g.getFontMetrics().stringWidth(label), yy + 4);
            String xl = String.format("%.0f", xMax * i / 5);
            int xx = LEFT + pw * i / 5;
            g.drawString(xl, xx - g.getFontMetrics().stringWidth(xl) / 2, TOP + ph + 16);
        }
        g.drawString(xLabel, LEFT + pw / 2 - g.getFontMetrics().stringWidth(xLabel) / 2, H - 12);
        g.drawString("ms", 10, TOP + ph / 2);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, LEFT, 24);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setStroke(new BasicStroke(2f));
        for (int s = 0; s < series.length; s++) {
            g.setColor(COLORS[s % COLORS.length]);
            for (int i = 1; i < x.length; i++) {
                if (Double.isNaN(series[s][i - 1]) || Double.isNaN(series[s][i])) {
                    continue;
                }
                int x1 = LEFT + (int) (pw * x[i - 1] / xMax);
                int x2 = LEFT + (int) (pw * x[i] / xMax);
                int y1 = TOP + ph - (int) (ph * series[s][i - 1] / yMax);
                int y2 = TOP + ph - (int) (ph * series[s][i] / yMax);
                g.drawLine(x1, y1, x2, y2);
            }
            g.fillRect(LEFT + pw + 15, TOP + 10 + s * 20, 14, 4);
            g.drawString(names[s], LEFT + pw + 35, TOP + 16 + s * 20);
        }
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }

    private static double niceCeiling(double v) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(v)));
        for (double step : new double[]{1, 2, 2.5, 5, 10}) {
            if (step * magnitude >= v) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }
}
