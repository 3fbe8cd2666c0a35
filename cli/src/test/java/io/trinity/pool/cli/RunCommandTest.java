package io.trinity.pool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunCommandTest {

    @TempDir
    Path dir;

    private static JsonNode ok(Cli.Result r) throws IOException {
        assertThat(r.code()).as(r.toString()).isZero();
        return new ObjectMapper().readTree(r.out());
    }

    @Test
    void dataStatsAndGroupByOnACsvFile() throws IOException {
        Path csv = dir.resolve("t.csv");
        Files.writeString(csv, "region,units\nnorth,3\nsouth,5\nnorth,7\n");
        JsonNode stats = ok(Cli.run("run", "data", "--input", csv.toString())).get("result");
        assertThat(stats.get("rows").asInt()).isEqualTo(3);
        assertThat(stats.get("columns").get(1).get("sum").asDouble()).isEqualTo(15.0);
        JsonNode groups = ok(Cli.run("run", "data", "--input", csv.toString(), "--op", "group-by", "-p", "by=region",
                "--json", "{\"aggregates\":[{\"column\":\"units\",\"fn\":\"sum\",\"as\":\"total\"}]}")).get("result").get("groups");
        assertThat(groups.get(0).get("region").asText()).isEqualTo("north");
        assertThat(groups.get(0).get("total").asDouble()).isEqualTo(10.0);
    }

    @Test
    void visionThumbnailIsSaved() throws IOException {
        Path png = dir.resolve("photo.png");
        Files.write(png, DemoInputs.png(400, 300, 1));
        Path out = dir.resolve("out");
        JsonNode doc = ok(Cli.run("run", "vision", "--input", png.toString(), "--op", "thumbnail", "--width", "64",
                "--save", out.toString()));
        assertThat(doc.get("result").get("width").asInt()).isEqualTo(400);
        assertThat(doc.get("attachments").get("image").get("mediaType").asText()).isEqualTo("image/png");
        BufferedImage thumb = ImageIO.read(out.resolve("image.png").toFile());
        assertThat(thumb.getWidth()).isEqualTo(64);
        assertThat(thumb.getHeight()).isEqualTo(48);
    }

    @Test
    void codeAndVoiceOnFiles() throws IOException {
        Path java = dir.resolve("Hello.java");
        Files.writeString(java, "public class Hello {\n    public static void main(String[] a) {\n        System.out.println(a.length);\n    }\n}\n");
        JsonNode code = ok(Cli.run("run", "code", "--input", java.toString())).get("result");
        assertThat(code.get("compiled").asBoolean()).isTrue();
        assertThat(code.get("methods").asInt()).isEqualTo(1);
        Path wav = dir.resolve("clip.wav");
        Files.write(wav, DemoInputs.wav(220, 1.0, 16_000));
        JsonNode voice = ok(Cli.run("run", "voice", "--input", wav.toString())).get("result");
        assertThat(voice.toString()).contains("1000"); // a one-second clip
    }

    @Test
    void coordinatorFansOutToOtherBuiltIns() throws IOException {
        JsonNode result = ok(Cli.run("run", "coordinator", "--json", "{\"graph\":["
                + "{\"id\":\"table\",\"type\":\"data\",\"input\":{\"op\":\"stats\",\"csv\":\"a,b\\n1,2\\n3,4\\n\"}},"
                + "{\"id\":\"words\",\"type\":\"generic\",\"after\":[\"table\"],"
                + "\"input\":{\"op\":\"count\",\"text\":\"one two three\"}}]}")).get("result");
        assertThat(result.get("succeeded").asInt()).isEqualTo(2);
        assertThat(result.get("finishOrder").toString()).isEqualTo("[\"table\",\"words\"]");
        assertThat(result.get("subtasks").get("table").get("output").get("rows").asInt()).isEqualTo(2);
    }

    @Test
    void badInputIsAUsageErrorWithTheAgentsReason() {
        Cli.Result r = Cli.run("run", "data", "--json", "{\"op\":\"stats\"}");
        assertThat(r.code()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("tri run data: task failed:").contains("no data given");
        Cli.Result j = Cli.run("run", "data", "--json", "{nope");
        assertThat(j.code()).isEqualTo(2);
        assertThat(j.err()).contains("--json: not a JSON object");
    }
}
