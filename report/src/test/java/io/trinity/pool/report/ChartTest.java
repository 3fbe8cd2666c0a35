package io.trinity.pool.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartTest {

    @TempDir
    Path dir;

    @Test
    void scatterAndBarsWriteAPngWithTheSeriesColours() throws IOException {
        List<Chart.Series> series = List.of(
                new Chart.Series("a", List.of(new Chart.Point(1, 2, "one"))),
                new Chart.Series("b", List.of(new Chart.Point(3, 4, null))));
        Chart.scatter(dir.resolve("s.png"), "title", "x", "y", series);
        Chart.bars(dir.resolve("b.png"), "title", "y", List.of("c1"), series);

        BufferedImage scatter = ImageIO.read(dir.resolve("s.png").toFile());
        assertThat(scatter.getWidth()).isEqualTo(900);
        assertThat(colours(scatter)).contains(0xD62728, 0x1F77B4);
        assertThat(colours(ImageIO.read(dir.resolve("b.png").toFile()))).contains(0xD62728, 0x1F77B4);
    }

    @Test
    void panelChartLaysOutThreePanelsARowAndALegend() throws IOException {
        Map<String, List<PanelChart.Mark>> panels = new LinkedHashMap<>();
        for (String w : List.of("w1", "w2", "w3", "w4")) {
            panels.put(w, List.of(new PanelChart.Mark(10, 100, "warm", "rr"), new PanelChart.Mark(5, 50, "clone", "p2c")));
        }
        Path file = dir.resolve("p.png");
        PanelChart.write(file, new PanelChart.Labels("agent-seconds", "p99 (ms)", "strategy", "balancer"), panels);

        BufferedImage img = ImageIO.read(file.toFile());
        assertThat(img.getWidth()).isEqualTo(3 * 420);
        assertThat(img.getHeight()).isEqualTo(2 * 300 + 70);
        assertThat(colours(img)).contains(0x1f77b4, 0xd62728);
    }

    @Test
    void aFileThatCannotBeWrittenNamesTheFile() {
        Path file = dir.resolve("missing/folder/c.png");
        assertThatThrownBy(() -> Chart.scatter(file, "t", "x", "y", List.of()))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(file.toString());
    }

    @Test
    void axisMaximaAreRound() {
        assertThat(Png.nice(0)).isEqualTo(1);
        assertThat(Png.nice(3.2)).isEqualTo(5);
        assertThat(Png.nice(120)).isEqualTo(200);
        assertThat(Png.nice(1000)).isEqualTo(1000);
    }

    private static Set<Integer> colours(BufferedImage img) {
        Set<Integer> seen = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                seen.add(img.getRGB(x, y) & 0xFFFFFF);
            }
        }
        return seen;
    }
}
