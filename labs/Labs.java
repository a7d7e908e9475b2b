///usr/bin/env jbang "$0" "$@" ; exit $?

/*M:100 How a lab works.  A lab is real code taken out of the tree for you to
 * write back.  The code stays where it always was, between two marker lines:
 *
 *   // LAB(hypercalls) { throw new UnsupportedOperationException("lab hypercalls: ...");
 *   ... the code you will write ...
 *   // LAB(hypercalls) }
 *
 * Everything after the opening brace on the first line is the stub: what
 * `make lab hypercalls` puts where the code was.  The stub compiles, so the
 * whole tree still builds, and it fails loudly, naming the lab and the
 * sections to read, the first time anything runs into it.  The book never
 * shows the marker lines, so the story reads the same with or without labs.
 *
 * Each lab has a file labs/NAME.lab that says what it is about, how hard it
 * is, which sections to read and which grader marks it; the grader is a
 * JUnit class under src/test/java/lguest/labs.  labs/Labs.java (this file)
 * is the whole of the lab machinery outside the graders, and like the
 * extractor it needs nothing but a JDK:
 *
 *   make labs              list the labs
 *   make lab NAME          take the code out (refused if those files have uncommitted changes)
 *   make grade NAME        run the grader: each test with its points, and a total
 *   make lab-reset NAME    put the original code back :*/

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The lab machinery. Usage:
 * <pre>
 *   java labs/Labs.java list                   the labs, one line each
 *   java labs/Labs.java lab NAME               stub the lab's regions in the working tree
 *   java labs/Labs.java reset NAME             restore them
 *   java labs/Labs.java stub NAME --root DIR   stub a copy of the tree (no questions asked)
 *   java labs/Labs.java get NAME KEY           one field of labs/NAME.lab (for the Makefile)
 *   java labs/Labs.java check                  every lab file and marker is well formed
 * </pre>
 */
public class Labs {

    /** A lab file: its name and its "key: value" fields. */
    record Lab(String name, Map<String, String> fields) {
        String get(String key) { return fields.getOrDefault(key, ""); }
    }

    /** One marked region: the file, the marker lines (0-based) and the stub text. */
    record Region(Path file, int begin, int end, String stub) {}

    static final List<String> KEYS = List.of("title", "part", "kind", "difficulty", "time", "read", "grader", "guest");
    static final List<String> EXTENSIONS = List.of(".java", ".c", ".h", ".S");
    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");
    // Spelled with a character class so that this file does not mark itself.
    static final Pattern BEGIN = Pattern.compile("LAB[(]([a-z0-9-]+)[)] [{](.*)$");
    static final Pattern END = Pattern.compile("LAB[(]([a-z0-9-]+)[)] [}]");

    static final class LabError extends Exception {
        LabError(String message) { super(message); }
    }

    public static void main(String[] args) {
        System.exit(run(args, Paths.get("."), System.out, System.err));
    }

    static int run(String[] args, Path root, PrintStream out, PrintStream err) {
        List<String> rest = new ArrayList<>(List.of(args));
        int r = rest.indexOf("--root");
        if (r >= 0 && r + 1 < rest.size()) {
            root = Paths.get(rest.get(r + 1));
            rest.remove(r + 1);
            rest.remove(r);
        }
        String cmd = rest.isEmpty() ? "" : rest.get(0);
        try {
            switch (cmd) {
                case "list" -> list(root, out);
                case "check" -> check(root, out);
                case "lab" -> takeOut(lab(root, arg(rest, 1)), root, true, out);
                case "stub" -> takeOut(lab(root, arg(rest, 1)), root, false, out);
                case "reset" -> reset(lab(root, arg(rest, 1)), root, out);
                case "get" -> out.println(lab(root, arg(rest, 1)).get(arg(rest, 2)));
                default -> throw new LabError("usage: Labs list | lab NAME | grade NAME | reset NAME | check");
            }
            return 0;
        } catch (LabError e) {
            err.println("lab: " + e.getMessage());
            return 1;
        } catch (UncheckedIOException e) {
            err.println("lab: " + e.getCause().getMessage());
            return 1;
        }
    }

    private static String arg(List<String> args, int i) throws LabError {
        if (i >= args.size()) throw new LabError("name a lab (make labs lists them)");
        return args.get(i);
    }

    // ---- lab files -------------------------------------------------------------

    static List<Lab> all(Path root) throws LabError {
        List<Lab> labs = new ArrayList<>();
        try (Stream<Path> files = Files.list(root.resolve("labs"))) {
            for (Path f : (Iterable<Path>) files.sorted()::iterator) {
                String n = f.getFileName().toString();
                if (n.endsWith(".lab")) labs.add(read(f, n.substring(0, n.length() - 4)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return labs;
    }

    static Lab lab(Path root, String name) throws LabError {
        Path f = root.resolve("labs").resolve(name + ".lab");
        if (!NAME.matcher(name).matches() || !Files.isRegularFile(f)) {
            throw new LabError("no lab '" + name + "' (make labs lists them)");
        }
        return read(f, name);
    }

    private static Lab read(Path f, String name) throws LabError {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : lines(f)) {
            String l = line.replaceFirst("\\s+#.*$", "").strip();
            if (l.isEmpty() || l.startsWith("#")) continue;
            int colon = l.indexOf(':');
            if (colon < 0) throw new LabError(f + ": not a 'key: value' line: " + line);
            fields.put(l.substring(0, colon).strip(), l.substring(colon + 1).strip());
        }
        for (String k : KEYS) {
            if (!fields.containsKey(k)) throw new LabError(f + ": missing '" + k + ":'");
        }
        return new Lab(name, fields);
    }

    /*M:110 `make labs` is the course's table of contents: one line a lab,
     * with the part it belongs to, how hard it is and how long it should take.
     * A "build" lab is one where the tree holds a reference solution to
     * something lguest never had, and its stub leaves the tree working wherever
     * the new thing is not asked for.  lru-eviction's stub is the simpler thing
     * that was there before, so the Guest runs, only less well, and the grader
     * measures the difference; block-snapshot's and block-readahead's stop with
     * the lab's name the moment a disk opened with `,snapshot` is used or a
     * Guest booted with `readahead` reads its disk. */
    static void list(Path root, PrintStream out) throws LabError {
        List<Lab> labs = all(root);
        out.printf("%-18s %-9s %-8s %-7s %-5s %s%n", "LAB", "PART", "KIND", "LEVEL", "TIME", "TITLE");
        for (Lab l : labs) {
            out.printf("%-18s %-9s %-8s %-7s %-5s %s%n", l.name(), l.get("part"), l.get("kind"),
                    l.get("difficulty"), l.get("time"), l.get("title"));
        }
        out.println(labs.size() + " labs.  make lab NAME  /  make grade NAME  /  make lab-reset NAME");
    }
    /*:*/

    // ---- regions ---------------------------------------------------------------

    /*M:120 Finding a lab's code is a walk over the sources looking for its
     * markers.  Markers must pair up within one file, in order, and a lab with
     * no region at all is refused: a lab that takes nothing out could only be
     * graded full marks on an empty answer, which is the one thing the lab
     * tests exist to rule out. */
    static List<Region> regions(Path root, String lab) throws LabError {
        List<Region> found = new ArrayList<>();
        for (Path file : sources(root)) {
            List<String> lines = lines(file);
            int open = -1;
            String stub = null;
            for (int i = 0; i < lines.size(); i++) {
                Matcher b = BEGIN.matcher(lines.get(i));
                Matcher e = END.matcher(lines.get(i));
                if (b.find() && b.group(1).equals(lab)) {
                    if (open >= 0) throw new LabError(where(root, file, i) + ": LAB(" + lab + ") opened twice");
                    open = i;
                    stub = stubOf(b.group(2));
                } else if (e.find() && e.group(1).equals(lab)) {
                    if (open < 0) throw new LabError(where(root, file, i) + ": LAB(" + lab + ") closed but never opened");
                    found.add(new Region(root.relativize(file), open, i, stub));
                    open = -1;
                }
            }
            if (open >= 0) throw new LabError(where(root, file, open) + ": LAB(" + lab + ") never closed");
        }
        if (found.isEmpty()) throw new LabError("lab " + lab + " marks no code (no LAB(" + lab + ") { line)");
        return found;
    }
    /*:*/

    /** The stub is the rest of the marker line, without a C comment's closing. */
    private static String stubOf(String rest) {
        String s = rest.strip();
        if (s.endsWith("*/")) s = s.substring(0, s.length() - 2).strip();
        return s;
    }

    private static String where(Path root, Path file, int line) {
        return root.relativize(file) + ":" + (line + 1);
    }

    static List<Path> sources(Path root) {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> all = Files.walk(root.resolve("src"))) {
            all.filter(p -> EXTENSIONS.stream().anyMatch(x -> p.toString().endsWith(x)))
               .filter(Files::isRegularFile).sorted().forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    // ---- taking code out and putting it back -------------------------------------

    /*M:130 Taking the code out.  In a student's tree (`make lab`) the files
     * must have no uncommitted changes, and their originals are kept under
     * target/labs/NAME before anything is touched: otherwise a second
     * `make lab` on a half-finished answer would throw away the only copy of
     * the real code, and `make lab-reset` would have nothing to restore.  The
     * stub is written with the indentation of its marker, so the stubbed file
     * still reads like code somebody meant. */
    static void takeOut(Lab lab, Path root, boolean studentTree, PrintStream out) throws LabError {
        Map<Path, List<Region>> byFile = new TreeMap<>();
        for (Region r : regions(root, lab.name())) byFile.computeIfAbsent(r.file(), f -> new ArrayList<>()).add(r);
        if (studentTree) {
            refuseUncommitted(root, byFile.keySet());
            Path keep = root.resolve("target/labs").resolve(lab.name());
            for (Path f : byFile.keySet()) copy(root.resolve(f), keep.resolve(f));
        }
        int taken = 0;
        for (Map.Entry<Path, List<Region>> e : byFile.entrySet()) {
            List<String> src = lines(root.resolve(e.getKey()));
            List<String> stubbed = new ArrayList<>();
            int next = 0;
            for (Region r : e.getValue()) {
                stubbed.addAll(src.subList(next, r.begin() + 1));
                String line = src.get(r.begin());
                String indent = line.substring(0, line.length() - line.stripLeading().length());
                stubbed.add(indent + r.stub());
                taken += r.end() - r.begin() - 1;
                next = r.end();
            }
            stubbed.addAll(src.subList(next, src.size()));
            write(root.resolve(e.getKey()), stubbed);
        }
        if (studentTree) {
            out.println("lab " + lab.name() + ": " + lab.get("title"));
            out.println("  took out " + taken + " lines in " + String.join(", ",
                    byFile.keySet().stream().map(Labs::slashes).toList()));
            out.println("  read first: " + lab.get("read") + "   (the statement: make Mastery)");
            out.println("  then: make grade " + lab.name() + "     (make lab-reset " + lab.name()
                    + " puts the original back)");
        }
    }
    /*:*/

    private static void refuseUncommitted(Path root, Iterable<Path> files) throws LabError {
        List<String> cmd = new ArrayList<>(List.of("git", "status", "--porcelain", "--"));
        for (Path f : files) cmd.add(slashes(f));
        String changed = git(root, cmd);
        if (!changed.isBlank()) {
            throw new LabError("these files have uncommitted changes; commit or stash them first:\n"
                    + changed.stripTrailing());
        }
    }

    /** Puts the originals back: the copies kept by `make lab`, or else the committed files. */
    static void reset(Lab lab, Path root, PrintStream out) throws LabError {
        Path keep = root.resolve("target/labs").resolve(lab.name());
        List<Path> restored = new ArrayList<>();
        if (Files.isDirectory(keep)) {
            try (Stream<Path> kept = Files.walk(keep)) {
                for (Path k : (Iterable<Path>) kept.filter(Files::isRegularFile)::iterator) {
                    Path rel = keep.relativize(k);
                    copy(k, root.resolve(rel));
                    restored.add(rel);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            deleteTree(keep);
        } else {
            List<String> cmd = new ArrayList<>(List.of("git", "checkout", "HEAD", "--"));
            for (Region r : regions(root, lab.name())) {
                if (!restored.contains(r.file())) restored.add(r.file());
            }
            restored.forEach(f -> cmd.add(slashes(f)));
            git(root, cmd);
        }
        out.println("lab " + lab.name() + ": restored " + String.join(", ", restored.stream().map(Labs::slashes).toList()));
    }

    /** Every lab is well formed: its file, its grader's source, its regions. */
    static void check(Path root, PrintStream out) throws LabError {
        List<Lab> labs = all(root);
        for (Lab l : labs) {
            String grader = l.get("grader");
            Path src = root.resolve("src/test/java").resolve(grader.replace('.', '/') + ".java");
            if (!Files.isRegularFile(src)) throw new LabError("lab " + l.name() + ": no grader " + src);
            if (!List.of("yes", "no").contains(l.get("guest"))) {
                throw new LabError("lab " + l.name() + ": 'guest:' must be yes or no");
            }
            regions(root, l.name());
        }
        out.println(labs.size() + " labs, all well formed");
    }

    // ---- files ---------------------------------------------------------------

    static List<String> lines(Path f) {
        try {
            return Files.readAllLines(f, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException(f + ": cannot read (" + e.getMessage() + ")"));
        }
    }

    private static void write(Path f, List<String> lines) {
        try {
            Files.write(f, lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copy(Path from, Path to) {
        try {
            Files.createDirectories(to.getParent());
            Files.copy(from, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all.sorted(java.util.Comparator.reverseOrder())::iterator) Files.delete(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String git(Path root, List<String> cmd) throws LabError {
        try {
            Process p = new ProcessBuilder(cmd).directory(root.toFile()).redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) throw new LabError(String.join(" ", cmd) + ": " + text.strip());
            return text;
        } catch (IOException e) {
            throw new LabError("cannot run git (" + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabError("interrupted");
        }
    }

    private static String slashes(Path p) { return p.toString().replace('\\', '/'); }
}
