package lguest.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import lguest.host.Host;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The IDE launch configurations checked into the tree (.run/ for IntelliJ IDEA, .vscode/
 * for VS Code): well-formed, and naming only classes, options, tasks, configurations and
 * make targets that exist; the methods the README suggests as first breakpoints exist; and
 * bin/gdb-guest, which both IDEs use to attach gdb, waits for the stub as it says.
 */
class IdeConfigurationsTest {
    private static final Path ROOT = Path.of(System.getProperty("lguest.root", ".")).toAbsolutePath().normalize();
    /** Options that other branches of this project add (the gdb stub, the interpreter switch). */

    /** IntelliJ: configuration name to its element, from every .run/*.run.xml. */
    private static final Map<String, Element> idea = new LinkedHashMap<>();
    private static Map<String, Object> launch, tasks;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void read() throws Exception {
        try (Stream<Path> files = Files.list(ROOT.resolve(".run"))) {
            for (Path f : files.sorted().toList()) {
                assertThat(f.getFileName().toString()).endsWith(".run.xml");
                Document d = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(f.toFile());
                Element root = d.getDocumentElement();
                assertThat(root.getTagName()).as(f.toString()).isEqualTo("component");
                assertThat(root.getAttribute("name")).as(f.toString()).isEqualTo("ProjectRunConfigurationManager");
                NodeList cs = root.getElementsByTagName("configuration");
                assertThat(cs.getLength()).as(f + ": one configuration").isEqualTo(1);
                Element c = (Element) cs.item(0);
                assertThat(idea.put(c.getAttribute("name"), c)).as("two configurations named " + c.getAttribute("name")).isNull();
            }
        }
        launch = (Map<String, Object>) StrictJson.parse(Files.readString(ROOT.resolve(".vscode/launch.json")));
        tasks = (Map<String, Object>) StrictJson.parse(Files.readString(ROOT.resolve(".vscode/tasks.json")));
    }

    private static String option(Element c, String name) {
        NodeList os = c.getElementsByTagName("option");
        for (int i = 0; i < os.getLength(); i++) {
            Element o = (Element) os.item(i);
            if (o.getAttribute("name").equals(name) && o.getParentNode() == c) return o.getAttribute("value");
        }
        return null;
    }

    private static String artifactId() throws Exception {
        Matcher m = Pattern.compile("<artifactId>([^<]+)</artifactId>").matcher(Files.readString(ROOT.resolve("pom.xml")));
        assertThat(m.find()).as("pom.xml names its artifact").isTrue();
        return m.group(1).trim();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Map<String, Object> m, String key) {
        return (List<Map<String, Object>>) m.get(key);
    }

    private static void isAMainClass(String name) throws Exception {
        Method main = Class.forName(name).getMethod("main", String[].class);
        assertThat(Modifier.isStatic(main.getModifiers())).as(name + ".main is static").isTrue();
    }

    /** The Launcher's options among a command line's words: those before a bare "--". */
    private static List<String> options(List<String> args) {
        List<String> out = new ArrayList<>();
        for (String a : args) {
            if (a.equals("--")) break;
            if (a.startsWith("--")) out.add(a);
        }
        return out;
    }

    /** Whether the Launcher takes this option: it says "unknown option" at once if not. */
    private static boolean launcherKnows(String option) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Launcher.run(new Host(), new String[] {"64m", "/nonexistent/kernel", option}, InputStream.nullInputStream(),
                new ByteArrayOutputStream(), new PrintStream(err, true, StandardCharsets.UTF_8));
        return !err.toString(StandardCharsets.UTF_8).contains("unknown option");
    }

    private static List<String> allOptions() {
        List<String> all = new ArrayList<>();
        for (Element c : idea.values())
            if (c.getAttribute("type").equals("Application"))
                all.addAll(options(Arrays.asList(option(c, "PROGRAM_PARAMETERS").split(" +"))));
        for (Map<String, Object> c : list(launch, "configurations"))
            if ("java".equals(c.get("type"))) {
                @SuppressWarnings("unchecked") List<String> args = (List<String>) c.get("args");
                all.addAll(options(args));
            }
        return all;
    }

    private static String name(String option) {
        int eq = option.indexOf('=');
        return eq < 0 ? option : option.substring(0, eq);
    }

    @Test
    void intellijConfigurationsNameWhatExists() throws Exception {
        String module = artifactId();
        assertThat(idea.keySet()).contains("Boot demo guest", "Boot demo guest (interpreter)",
                "Boot demo guest (gdb waits)", "gdb on the guest kernel", "Java debugger + gdb");
        for (Element c : idea.values()) {
            String type = c.getAttribute("type");
            assertThat(type).isIn("Application", "ShConfigurationType", "CompoundRunConfigurationType");
            if (type.equals("Application")) {
                isAMainClass(option(c, "MAIN_CLASS_NAME"));
                assertThat(((Element) c.getElementsByTagName("module").item(0)).getAttribute("name")).isEqualTo(module);
                assertThat(option(c, "WORKING_DIRECTORY")).isEqualTo("$PROJECT_DIR$");
            }
            if (type.equals("ShConfigurationType")) {
                assertThat(option(c, "EXECUTE_SCRIPT_FILE")).isEqualTo("false");
                assertCommandExists(option(c, "SCRIPT_TEXT"));
            }
            NodeList before = c.getElementsByTagName("option");
            for (int i = 0; i < before.getLength(); i++) {
                Element o = (Element) before.item(i);
                if (!o.getAttribute("name").equals("RunConfigurationTask")) continue;
                Element task = idea.get(o.getAttribute("run_configuration_name"));
                assertThat(task).as(c.getAttribute("name") + " runs first " + o.getAttribute("run_configuration_name")).isNotNull();
                assertThat(task.getAttribute("type")).isEqualTo(o.getAttribute("run_configuration_type"));
            }
            NodeList runs = c.getElementsByTagName("toRun");
            for (int i = 0; i < runs.getLength(); i++) {
                Element r = (Element) runs.item(i);
                Element target = idea.get(r.getAttribute("name"));
                assertThat(target).as(c.getAttribute("name") + " starts " + r.getAttribute("name")).isNotNull();
                assertThat(target.getAttribute("type")).isEqualTo(r.getAttribute("type"));
            }
        }
    }

    @Test
    void vscodeConfigurationsNameWhatExists() throws Exception {
        assertThat(launch.get("version")).isEqualTo("0.2.0");
        assertThat(tasks.get("version")).isEqualTo("2.0.0");
        Set<String> labels = new TreeSet<>();
        for (Map<String, Object> t : list(tasks, "tasks")) {
            assertThat(labels.add((String) t.get("label"))).isTrue();
            assertThat(t.get("type")).isEqualTo("shell");
            assertCommandExists((String) t.get("command"));
        }
        Map<String, Map<String, Object>> byName = new LinkedHashMap<>();
        for (Map<String, Object> c : list(launch, "configurations")) {
            assertThat(byName.put((String) c.get("name"), c)).isNull();
            if (c.get("preLaunchTask") != null) assertThat(labels).contains((String) c.get("preLaunchTask"));
            assertThat(c.get("request")).isEqualTo("launch");
            if ("java".equals(c.get("type"))) {
                isAMainClass((String) c.get("mainClass"));
                assertThat(c.get("projectName")).isEqualTo(artifactId());
                assertThat(c.get("cwd")).isEqualTo("${workspaceFolder}");
            } else {
                assertThat(c.get("type")).isEqualTo("cppdbg");
                assertThat(c.get("program")).isEqualTo("${workspaceFolder}/target/guest/kernel");
                assertThat(c.get("MIMode")).isEqualTo("gdb");
            }
        }
        assertThat(byName).containsKeys("Boot demo guest", "Boot demo guest (interpreter)", "Boot demo guest (gdb waits)",
                "gdb on the guest kernel");
        List<Map<String, Object>> compounds = list(launch, "compounds");
        assertThat(compounds).hasSize(1);
        @SuppressWarnings("unchecked") List<String> both = (List<String>) compounds.get(0).get("configurations");
        assertThat(byName.keySet()).containsAll(both);
        // The Java side's stub and the gdb side's address name one port.
        String java = both.stream().filter(n -> "java".equals(byName.get(n).get("type"))).findFirst().orElseThrow();
        String gdb = both.stream().filter(n -> "cppdbg".equals(byName.get(n).get("type"))).findFirst().orElseThrow();
        @SuppressWarnings("unchecked") List<String> args = (List<String>) byName.get(java).get("args");
        assertThat(args).contains("--gdb-wait");
        String port = args.stream().filter(a -> a.startsWith("--gdb=")).findFirst().orElseThrow().substring(6);
        assertThat(byName.get(gdb).get("miDebuggerServerAddress")).isEqualTo("localhost:" + port);
    }

    /** A task's command: a make run whose targets exist (make -n), or a script of this tree. */
    private static void assertCommandExists(String command) throws Exception {
        List<String> words = new ArrayList<>(Arrays.asList(command.trim().split(" +")));
        if (words.get(0).equals("make")) {
            words.add(1, "-n");
            Process p = new ProcessBuilder(words).directory(ROOT.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as(command + "\n" + out).isZero();
        } else {
            assertThat(ROOT.resolve(words.get(0))).as(command).isExecutable();
        }
    }

    @Test
    void theOptionsTheyPassAreTheLaunchers() {
        List<String> all = allOptions();
        assertThat(all).contains("--trace=syscalls,irqs", "--block=target/guest/disk.img");
        for (String o : all) assertThat(launcherKnows(o)).as("the Launcher takes " + o).isTrue();
    }

    @Test
    void theReadmeSuggestsBreakpointsThatExist() throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"));
        int from = readme.indexOf("## Opening it in an IDE");
        assertThat(from).isNotNegative();
        int to = readme.indexOf("\n## ", from + 3);
        String section = readme.substring(from, to < 0 ? readme.length() : to);
        Matcher m = Pattern.compile("`(lguest(?:\\.[a-z]+)+\\.[A-Z]\\w*)#(\\w+)`").matcher(section);
        int found = 0;
        while (m.find()) {
            found++;
            String method = m.group(2);
            boolean declared = Arrays.stream(Class.forName(m.group(1)).getDeclaredMethods())
                    .anyMatch(x -> x.getName().equals(method));
            assertThat(declared).as(m.group(1) + " has a method " + method).isTrue();
        }
        assertThat(found).as("breakpoints suggested").isGreaterThanOrEqualTo(2);
        for (String name : idea.keySet()) assertThat(section).as("the README names " + name).contains(name);
        for (Map<String, Object> c : list(launch, "configurations")) assertThat(section).contains((String) c.get("name"));
    }

    @Test
    void gdbGuestWaitsForAListeningStubAndGivesUp() throws Exception {
        Path script = ROOT.resolve("bin/gdb-guest");
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Process p = new ProcessBuilder(script.toString(), "--wait", String.valueOf(s.getLocalPort()))
                    .redirectErrorStream(true).start();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("it saw the socket listen").isTrue();
            assertThat(p.exitValue()).isZero();
        }
        int free;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            free = s.getLocalPort();
        }
        ProcessBuilder pb = new ProcessBuilder(script.toString(), "--wait", String.valueOf(free)).redirectErrorStream(true);
        pb.environment().put("GDB_GUEST_TIMEOUT", "1");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(1);
        assertThat(out).isEqualTo("gdb-guest: nothing listens on port " + free
                + " after 1s (start the Launcher with --gdb=" + free + " --gdb-wait)\n");
    }
}
