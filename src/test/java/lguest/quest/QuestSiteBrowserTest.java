package lguest.quest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.json.Json;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * The rendered Quest site, opened in a real (headless) Chromium: every part is
 * there, every section of the sources is on its page, every section with code
 * shows that code highlighted under its file's name, and the pages load
 * nothing from outside the site.  `make test` renders the site first and names
 * it in the system property quest.site.
 */
class QuestSiteBrowserTest {
    static final List<String> PARTS = List.of("preparation", "guest", "drivers", "launcher", "host", "switcher",
            "mastery", "silicon", "unix");

    static Path site;
    static ChromeDriver browser;
    static final List<String> requests = new ArrayList<>();

    @BeforeAll
    static void openBrowser() throws Exception {
        String where = System.getProperty("quest.site", "");
        Assumptions.assumeFalse(where.isBlank(), "the site test runs under `make test`, which renders it first");
        site = Paths.get(where);
        assertThat(site.resolve("index.html")).as("make docs rendered the site").exists();

        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--user-data-dir=" + Files.createTempDirectory("quest-chromium"));
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.PERFORMANCE, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).build();
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) browser.quit();
    }

    /**
     * Opens a page and records every request made on behalf of one of the site's
     * documents (the browser's own new-tab page makes requests of its own, which
     * are none of our business).
     */
    private static void open(String page) {
        browser.manage().logs().get(LogType.PERFORMANCE);
        browser.get(site.resolve(page).toUri().toString());
        for (LogEntry e : browser.manage().logs().get(LogType.PERFORMANCE)) {
            Map<?, ?> entry = new Json().toType(e.getMessage(), Map.class);
            Map<?, ?> message = (Map<?, ?>) entry.get("message");
            if (!"Network.requestWillBeSent".equals(message.get("method"))) continue;
            Map<?, ?> params = (Map<?, ?>) message.get("params");
            String document = String.valueOf(params.get("documentURL"));
            if (document.startsWith("file:")) {
                requests.add((String) ((Map<?, ?>) params.get("request")).get("url"));
            }
        }
    }

    private static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) n++;
        return n;
    }

    @Test
    void theIndexLinksEveryPartAndEveryPartShowsItsSectionsAndCode() throws Exception {
        open("index.html");
        List<String> links = browser.findElements(By.cssSelector("a")).stream()
                .map(a -> a.getAttribute("href")).filter(h -> h != null && h.startsWith("file:")).toList();
        for (String part : PARTS) {
            assertThat(links).as("index links " + part).anyMatch(h -> h.endsWith("/" + part + ".html"));
        }

        int codeBlocksSeen = 0;
        for (String part : PARTS) {
            open(part + ".html");
            String generated = Files.readString(site.resolveSibling("quest-src").resolve("_part-" + part + ".adoc"));
            int sections = count(generated, "\\.quest-section]");
            int includes = count(generated, "(?m)^include::");
            assertThat(sections).as(part + " has sections in the sources").isGreaterThan(0);

            assertThat(browser.findElement(By.tagName("h1")).getText()).containsIgnoringCase(part);
            assertThat(browser.findElements(By.cssSelector(".quest-section"))).as(part + " sections").hasSize(sections);
            List<WebElement> code = browser.findElements(By.cssSelector(".listingblock"));
            assertThat(code).as(part + " code blocks").hasSize(includes);
            for (WebElement block : code) {
                assertThat(block.findElement(By.cssSelector(".title")).getText()).as("a code block names its file")
                        .matches("\\S+\\.(java|c|h|S), lines \\d+–\\d+");
                assertThat(block.findElement(By.cssSelector("pre")).getAttribute("class")).contains("highlight");
                assertThat(block.findElement(By.cssSelector("pre code")).getText()).as("code is there").isNotBlank();
                assertThat(block.findElements(By.cssSelector("pre code span"))).as("code is highlighted").isNotEmpty();
            }
            codeBlocksSeen += code.size();
        }
        assertThat(codeBlocksSeen).isGreaterThan(0);
        assertThat(requests).as("pages were loaded").isNotEmpty();
        assertThat(requests).as("nothing is loaded from outside the site")
                .allMatch(u -> u.startsWith("file:") || u.startsWith("data:") || u.startsWith("about:"));
    }

    /** Each figure: the page it is on, its anchor, and the image the build drew for it. */
    static final List<List<String>> FIGURES = List.of(
            List.of("preparation", "fig-layers", "layers.svg"),
            List.of("drivers", "fig-dma-transfer", "dma-transfer.svg"),
            List.of("host", "fig-address-spaces", "address-spaces.svg"),
            List.of("switcher", "fig-world-switch", "world-switch.svg"));

    @Test
    void everyFigureIsDrawnLoadedAndReferredTo() throws Exception {
        for (List<String> fig : FIGURES) {
            String page = fig.get(0), id = fig.get(1), image = fig.get(2);
            assertThat(site.resolve(image)).as(image + " drawn by the build").isRegularFile();
            assertThat(Files.readString(site.resolve(image))).as(image + " is an SVG").contains("<svg");
            open(page + ".html");
            WebElement block = browser.findElement(By.id(id));
            WebElement img = block.findElement(By.cssSelector("img"));
            assertThat(img.getAttribute("src")).endsWith("/" + image);
            Object loaded = browser.executeScript(
                    "const i = arguments[0]; return i.complete && i.naturalWidth > 0 && i.naturalHeight > 0;", img);
            assertThat(loaded).as(image + " loaded without error").isEqualTo(Boolean.TRUE);
            assertThat(img.getSize().getWidth()).as(image + " width on the page").isGreaterThan(100);
            assertThat(img.getSize().getHeight()).as(image + " height on the page").isGreaterThan(50);
            assertThat(block.findElement(By.cssSelector(".title")).getText()).as(image + " has a caption")
                    .matches("Figure \\d+\\. \\S.*");
            assertThat(browser.findElements(By.cssSelector("a[href='#" + id + "']"))).as("the text refers to " + id)
                    .isNotEmpty();
        }
    }

    @Test
    void everySectionAFigureNamesIsInTheBook() throws Exception {
        /* A figure tells the story of code the book tells in sections; when a section is
         * renumbered or goes, the figure that cites it has gone stale. */
        Path src = site.resolveSibling("quest-src");
        StringBuilder anchors = new StringBuilder();
        try (var parts = Files.list(src)) {
            for (Path p : parts.filter(f -> f.getFileName().toString().startsWith("_part-")).toList())
                anchors.append(Files.readString(p));
        }
        int cited = 0;
        try (var figures = Files.list(src.resolve("figures"))) {
            for (Path f : figures.toList()) {
                Matcher m = Pattern.compile("\\b([PGDLHSMXU]):(\\d{3})\\b").matcher(Files.readString(f));
                while (m.find()) {
                    cited++;
                    assertThat(anchors.toString()).as(f.getFileName() + " cites " + m.group())
                            .contains("[#" + m.group(1) + m.group(2) + ".quest-section]");
                }
            }
        }
        assertThat(cited).as("the figures cite the sections they draw").isGreaterThan(10);
    }

    @Test
    void theMapOfTheAddressSpacesIsOfTheLiveGuestMakeDocsBooted() throws Exception {
        /* The figure's source was written by AddressSpaceFigure during make docs; the
         * numbers it read off the machine must be in the picture the browser shows. */
        String source = Files.readString(site.resolveSibling("quest-src").resolve("figures/address-spaces.puml"));
        assertThat(source).contains("Drawn by lguest.tools.AddressSpaceFigure");
        Matcher cr3 = Pattern.compile("CR3 = (0x[0-9A-F]{8})").matcher(source);
        assertThat(cr3.find()).as("the figure names CR3").isTrue();
        assertThat(Long.decode(cr3.group(1))).as("CR3 is a Host frame").isGreaterThanOrEqualTo(0xF0000000L);

        open("address-spaces.svg");
        String shown = String.valueOf(browser.executeScript("return document.documentElement.textContent;"));
        assertThat(shown).as("the make run Guest's RAM").contains("RAM: 64 MiB")
                .contains("0x04000000 the device descriptor page").contains("2 devices on the bus")
                .contains("CR3 = " + cr3.group(1)).contains("0xFFC00000 trap stubs")
                .contains("0x08048000");
    }
}
