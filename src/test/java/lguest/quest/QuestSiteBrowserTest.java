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
}
