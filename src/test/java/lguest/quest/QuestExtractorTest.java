package lguest.quest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Golden tests of extract-tool/Quest.java on small fixture trees. */
class QuestExtractorTest {

    private static String expected(String fixture, String file) throws Exception {
        return Files.readString(QuestTool.fixture(fixture).resolve(file));
    }

    @Test
    void sectionsAreOrderedByNumberAcrossFilesWithAPathLineWhenTheFileChanges() throws Exception {
        QuestTool.Result r = QuestTool.run("--root", QuestTool.fixture("ordering").toString(), "Preparation");
        assertThat(r.status()).isZero();
        assertThat(r.out()).isEqualTo(expected("ordering", "expected-preparation.txt"));
    }

    @Test
    void codeBetweenTheCommentAndTheClosingLineComesIntoTheStory() throws Exception {
        QuestTool.Result r = QuestTool.run("--root", QuestTool.fixture("ordering").toString(), "Host");
        assertThat(r.status()).isZero();
        assertThat(r.out()).isEqualTo(expected("ordering", "expected-host.txt"))
                .doesNotContain("notInTheStory").doesNotContain("g(void)");
    }

    @Test
    void eachSectionIsPrintedUnderItsLabelSoThatAReferenceCanBeSearchedFor() throws Exception {
        QuestTool.Result r = QuestTool.run("--root", QuestTool.fixture("ordering").toString(), "--beer");
        assertThat(r.status()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).contains("[P:010]", "[H:050]", "[H:100]", "[X:010]", "[U:010]");
        assertThat(lines.get(lines.indexOf("[H:100]") + 1)).isEqualTo("/* Code from C. */");
    }

    @Test
    void theBangFormOfAPartNameIsTheSamePart() throws Exception {
        QuestTool.Result plain = QuestTool.run("--root", QuestTool.fixture("ordering").toString(), "Preparation");
        QuestTool.Result bang = QuestTool.run("--root", QuestTool.fixture("ordering").toString(), "Preparation!");
        assertThat(bang.out()).isEqualTo(plain.out());
    }

    @Test
    void buildOutputIsSkipped() throws Exception {
        QuestTool.Result r = QuestTool.run("--root", QuestTool.fixture("ordering").toString(), "Preparation");
        assertThat(r.out()).doesNotContain("Build output");
    }

    @Test
    void aFolderMarkedQuestSkipIsLeftOutButNotWhenItIsTheRoot() throws Exception {
        QuestTool.Result fromAbove = QuestTool.run("--root", QuestTool.fixture("skipped").toString(), "Preparation");
        assertThat(fromAbove.status()).isZero();
        assertThat(fromAbove.out()).contains("Seen.").doesNotContain("Only seen");
        QuestTool.Result asRoot = QuestTool.run("--root", QuestTool.fixture("skipped/fixtures").toString(), "Preparation");
        assertThat(asRoot.out()).contains("Only seen when this folder is the root.");
    }

    @Test
    void beerPrintsEveryPartUnderItsBannerInOrder() throws Exception {
        QuestTool.Result r = QuestTool.run("--root", QuestTool.fixture("ordering").toString(), "--beer");
        assertThat(r.status()).isZero();
        List<String> banners = r.out().lines().filter(l -> l.startsWith("{==-")).toList();
        assertThat(banners).containsExactly("{==- Preparation -==}", "{==- Guest -==}", "{==- Drivers -==}",
                "{==- Launcher -==}", "{==- Host -==}", "{==- Switcher -==}", "{==- Mastery -==}",
                "{==- Appendix: Silicon -==}", "{==- Appendix: Unix -==}", "{==-==}");
        assertThat(r.out()).contains("An appendix section").contains("The Unix appendix");
    }

    @Test
    void theUnixAppendixPrintsOnItsOwn() throws Exception {
        QuestTool.Result r = QuestTool.run("--root", QuestTool.fixture("ordering").toString(), "Unix");
        assertThat(r.status()).isZero();
        assertThat(r.out()).contains("The Unix appendix").doesNotContain("An appendix section");
    }

    @Test
    void aDuplicateNumberStopsItNamingBothFilesAndLines() throws Exception {
        QuestTool.Result r = QuestTool.run("--root", QuestTool.fixture("duplicate").toString(), "Host");
        assertThat(r.status()).isNotZero();
        assertThat(r.err()).contains("H:100").contains("one.c:1").contains("two.h:2");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aSectionThatIsNeverClosedStopsIt() throws Exception {
        QuestTool.Result r = QuestTool.run("--root", QuestTool.fixture("unclosed").toString(), "Launcher");
        assertThat(r.status()).isNotZero();
        assertThat(r.err()).contains("open.java:2").contains("L:100").contains("never closed");
    }

    @Test
    void aMalformedNumberStopsIt() throws Exception {
        QuestTool.Result r = QuestTool.run("--root", QuestTool.fixture("malformed").toString(), "Host");
        assertThat(r.status()).isNotZero();
        assertThat(r.err()).contains("bad.c:1").contains("H:20");
    }

    @Test
    void aMarkerOfAnotherPartInsideAnOpenSectionStopsIt() throws Exception {
        QuestTool.Result r = QuestTool.run("--root", QuestTool.fixture("foreign").toString(), "Guest");
        assertThat(r.status()).isNotZero();
        assertThat(r.err()).contains("mixed.c:3").contains("G:010").contains("H:100");
    }

    @Test
    void anUnknownPartGetsOneLineAndStatusTwo() throws Exception {
        QuestTool.Result r = QuestTool.run("Chapter9");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err().lines().count()).isEqualTo(1);
    }

    @Test
    void theSiteGetsOneAsciiDocFilePerPartIncludingExactlyTheSectionsCodeLines(@TempDir Path out) throws Exception {
        Path root = QuestTool.fixture("ordering");
        QuestTool.Result r = QuestTool.run("--root", root.toString(), "--adoc", out.toString());
        assertThat(r.status()).isZero();
        for (String part : List.of("preparation", "guest", "drivers", "launcher", "host", "switcher", "mastery",
                "silicon", "unix")) {
            assertThat(out.resolve("_part-" + part + ".adoc")).exists();
        }
        String host = Files.readString(out.resolve("_part-host.adoc"));
        Matcher m = Pattern.compile("include::\\{quest-root}/(\\S+)\\[lines=\"(\\d+)\\.\\.(\\d+)\"").matcher(host);
        assertThat(m.find()).isTrue();
        assertThat(m.group(1)).isEqualTo("b.java");
        List<String> lines = Files.readAllLines(root.resolve("b.java"))
                .subList(Integer.parseInt(m.group(2)) - 1, Integer.parseInt(m.group(3)));
        assertThat(lines).extracting(String::strip).containsExactly("int x = 1;", "int y = 2;");
        assertThat(m.find()).isTrue();
        assertThat(m.group(1)).isEqualTo("sub/a.c");
        assertThat(Files.readAllLines(root.resolve("sub/a.c")).get(Integer.parseInt(m.group(2)) - 1))
                .isEqualTo("int f(void) { return 42; }");
        assertThat(host).contains("[#H050.quest-section]").contains("Code from C.");
    }

    @Test
    void referencesToExistingSectionsPassAndThingsThatOnlyLookLikeThemAreLeftAlone() throws Exception {
        QuestTool.Result r = QuestTool.run("--root", QuestTool.fixture("references").toString(), "Host");
        assertThat(r.err()).isEmpty();
        assertThat(r.status()).isZero();
        assertThat(r.out()).contains("0x10:200, 12:30:45");
    }

    @Test
    void aReferenceToASectionThatDoesNotExistStopsItNamingFileLineAndLabel() throws Exception {
        QuestTool.Result r = QuestTool.run("--root", QuestTool.fixture("dangling").toString(), "Host");
        assertThat(r.status()).isNotZero();
        assertThat(r.err()).contains("refs.c:3").contains("G:815").doesNotContain("H:100,");
        assertThat(r.out()).isEmpty();
        QuestTool.Result site = QuestTool.run("--root", QuestTool.fixture("dangling").toString(), "--beer");
        assertThat(site.status()).isNotZero();
    }

    @Test
    void aSectionShowingMoreThanEightyLinesOfCodeStopsItNamingSectionFileAndSize() throws Exception {
        QuestTool.Result r = QuestTool.run("--root", QuestTool.fixture("oversize").toString(), "Host");
        assertThat(r.status()).isNotZero();
        assertThat(r.err()).contains("H:100").contains("big.c").contains("81 lines");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void sizesListsEverySectionsCodeLargestFirstAndMarksThoseOverTheLimit() throws Exception {
        QuestTool.Result r = QuestTool.run("--root", QuestTool.fixture("oversize").toString(), "--sizes");
        assertThat(r.status()).isZero();
        List<String> lines = r.out().lines().map(String::strip).toList();
        assertThat(lines).containsExactly("81  H:100  big.c:1  over 80", "1  H:200  big.c:84");
    }

    @Test
    void labMarkerLinesAreNeitherShownNorCountedInTextOrOnTheSite(@TempDir Path out) throws Exception {
        Path root = QuestTool.fixture("labs");
        QuestTool.Result r = QuestTool.run("--root", root.toString(), "Host");
        assertThat(r.err()).isEmpty();
        assertThat(r.status()).isZero();
        assertThat(r.out()).doesNotContain("LAB(").contains("int v0 = 0;").contains("int v79 = 79;");
        assertThat(r.out().lines().filter(l -> l.startsWith("int v")).count()).isEqualTo(80);

        assertThat(QuestTool.run("--root", root.toString(), "--adoc", out.toString()).status()).isZero();
        String host = Files.readString(out.resolve("_part-host.adoc"));
        // lab.c: line 1 opens the section, 2..31 code, 32 a marker, 33..62 code, 63 a marker, 64..83 code.
        assertThat(host).contains("lines=\"2..31;33..62;64..83\"").contains("lab.c, lines 2–83");
    }

    @Test
    void onTheSiteReferencesLinkToTheirSectionsAndCodeTitlesToTheLinesOfTheFile(@TempDir Path out) throws Exception {
        Path root = QuestTool.fixture("references");
        assertThat(QuestTool.run("--root", root.toString(), "--adoc", out.toString()).status()).isZero();
        String host = Files.readString(out.resolve("_part-host.adoc"));
        assertThat(host).contains("Refers back to (xref:H100[H:100]), across to xref:guest.adoc#G010[G:010]")
                .contains("xref:H100[H:100]–xref:H110[H:110]")
                .contains("0x10:200, 12:30:45").contains("AX:100, H:10, H:1000, h:100")
                .contains(".link:source/refs.c.html#L5[refs.c, lines 5–5]");

        String page = Files.readString(out.resolve("source/refs.c.html"));
        assertThat(page).startsWith("<!DOCTYPE html>")
                .contains("<div class=\"l q\" id=\"L5\"><a class=\"n\" href=\"#L5\">5</a>int x;</div>")
                .contains("<a class=\"s\" href=\"../host.html#H110\">H:110</a>")
                .contains("<a class=\"s\" href=\"../guest.html#G010\">G:010</a>")
                .contains("href=\"../index.html\"")
                .doesNotContain("http:").doesNotContain("https:").doesNotContain("<script");
        assertThat(page.lines().filter(l -> l.startsWith("<div class=\"l")).count())
                .isEqualTo(Files.readAllLines(root.resolve("refs.c")).size());
    }

    @Test
    void aLabRegionThatRunsPastTheEndOfItsSectionStopsIt() throws Exception {
        QuestTool.Result r = QuestTool.run("--root", QuestTool.fixture("labacross").toString(), "Host");
        assertThat(r.status()).isNotZero();
        assertThat(r.err()).contains("across.c:3").contains("demo").contains("H:100");
        assertThat(r.out()).isEmpty();
    }
}
