package lguest.quest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The real book, extracted from the real tree the way a reader does it: through make. */
class QuestBookTest {

    private static QuestTool.Result make(String target) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("make", "-s", target).directory(QuestTool.ROOT.toFile()).start();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new QuestTool.Result(p.exitValue(), new String(out, StandardCharsets.UTF_8),
                new String(err, StandardCharsets.UTF_8));
    }

    @Test
    void preparationStartsWithTheOverview() throws Exception {
        QuestTool.Result r = make("Preparation!");
        assertThat(r.status()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(0)).isEqualTo("[ src/main/java/lguest/package-info.java ]");
        assertThat(lines.get(1)).isEqualTo("[P:010]");
        assertThat(lines.get(2)).startsWith("/* Welcome");
        for (String part : List.of("Preparation", "Guest", "Drivers", "Launcher", "Host", "Switcher", "Mastery")) {
            assertThat(r.out()).as("the overview names part " + part).contains(part);
        }
    }

    @Test
    void beerPrintsTheSevenPartsInOrderNoneEmptyThenTheAppendix() throws Exception {
        QuestTool.Result r = make("Beer");
        assertThat(r.status()).as(r.err()).isZero();
        List<String> banners = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        for (String line : r.out().lines().toList()) {
            if (line.startsWith("{==-")) {
                banners.add(line);
                sizes.add(0);
            } else if (!line.isBlank()) {
                sizes.set(sizes.size() - 1, sizes.get(sizes.size() - 1) + 1);
            }
        }
        assertThat(banners).containsExactly("{==- Preparation -==}", "{==- Guest -==}", "{==- Drivers -==}",
                "{==- Launcher -==}", "{==- Host -==}", "{==- Switcher -==}", "{==- Mastery -==}",
                "{==- Appendix: Silicon -==}", "{==- Appendix: Unix -==}", "{==-==}");
        for (int i = 0; i < banners.size() - 1; i++) {
            assertThat(sizes.get(i)).as(banners.get(i) + " has lines").isGreaterThan(0);
        }
    }

    @Test
    void theExtractorRunsAsAPlainSingleFileJavaProgram() throws Exception {
        Process p = new ProcessBuilder(java(), "extract-tool/Quest.java", "Switcher")
                .directory(QuestTool.ROOT.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).startsWith("[ ").contains("Switcher");
    }

    private static String java() {
        return java.nio.file.Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    }
}
