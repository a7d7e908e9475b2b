///usr/bin/env jbang "$0" "$@" ; exit $?

/*P:900 extract-tool/Quest.java is how this book gets out of the code.  The
 * story lives in numbered comments scattered over every source file, the way
 * lguest's did; this one file gathers the comments of a part, sorts them by
 * number and prints them, or writes them as AsciiDoc for the web site.  It has
 * no dependencies, so it runs with a bare JDK as `java extract-tool/Quest.java`
 * and, thanks to its first line, as a JBang script too.
 *
 * It is stricter than lguest's original `extract`, which would happily print a
 * story with a hole in it.  A number used twice, a section nobody closes, a
 * tag like "H:20", another part's marker turning up inside an open section, a
 * reference to a section that does not exist, or a section showing more code
 * than fits in a reader's head each stop it with the file and line to blame.
 * A book that will not build is annoying; a book that silently drops a
 * chapter, or sends its reader to one that is not there, is worse. :*/

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Quest extractor. Usage:
 * <pre>
 *   java extract-tool/Quest.java [--root DIR] PART...      print parts (Preparation, Guest, ...)
 *   java extract-tool/Quest.java [--root DIR] --beer       print every part under its banner
 *   java extract-tool/Quest.java [--root DIR] --adoc OUT   write OUT/_part-NAME.adoc and
 *                                                          OUT/source/PATH.html for the site
 *   java extract-tool/Quest.java [--root DIR] --sizes      every section's lines of code, largest first
 * </pre>
 * A dangling reference or a section over {@value #MOST_CODE} lines of code stops the first
 * three; {@code --lenient} reports them and goes on, for a tree in the middle of a change.
 */
public class Quest {

    /**
     * The parts in reading order: the seven of lguest, then our two appendices,
     * the machine beneath the Host and the small Unix beneath busybox.
     */
    enum Part {
        PREPARATION('P', "Preparation"), GUEST('G', "Guest"), DRIVERS('D', "Drivers"),
        LAUNCHER('L', "Launcher"), HOST('H', "Host"), SWITCHER('S', "Switcher"),
        MASTERY('M', "Mastery"), SILICON('X', "Silicon"), UNIX('U', "Unix");

        final char prefix;
        final String title;

        Part(char prefix, String title) {
            this.prefix = prefix;
            this.title = title;
        }

        static Part byPrefix(char c) {
            for (Part p : values()) if (p.prefix == c) return p;
            return null;
        }

        static Part byName(String name) {
            String n = name.endsWith("!") ? name.substring(0, name.length() - 1) : name;
            for (Part p : values()) if (p.title.equalsIgnoreCase(n)) return p;
            return null;
        }

        boolean isAppendix() { return this == SILICON || this == UNIX; }
    }

    /** A stopped extraction: the message already names the file and line. */
    static final class QuestError extends Exception {
        QuestError(String message) { super(message); }
    }

    /**
     * One numbered section: its narrative (the comment, tag removed, one entry
     * per source line from {@code line} on) and, if it brings code into the
     * story, the code lines shown and the line number of each in its file.
     */
    record Section(Part part, int number, Path file, int line,
                   List<String> narrative, List<String> code, List<Integer> codeLines) {
        String label() { return part.prefix + ":" + String.format("%03d", number); }
        String where() { return file + ":" + line; }

        /** The shown code as runs of consecutive source lines, {first, last} each. */
        List<int[]> codeRanges() {
            List<int[]> runs = new ArrayList<>();
            for (int n : codeLines) {
                if (!runs.isEmpty() && runs.get(runs.size() - 1)[1] == n - 1) runs.get(runs.size() - 1)[1] = n;
                else runs.add(new int[] {n, n});
            }
            return runs;
        }
    }

    /** Where the reader of one file is: between sections, in a section's words, or in its code. */
    enum State { OUTSIDE, WORDS, CODE }

    static final List<String> EXTENSIONS = List.of(".java", ".c", ".h", ".S");
    static final List<String> SKIPPED_DIRS = List.of("target", "build", ".git", "node_modules", ".idea", "out");
    /** A directory holding this file (below the root) is left out, as test fixtures are. */
    static final String SKIP_MARKER = ".quest-skip";

    // A marker is a comment opener followed by a part letter and a colon.  The
    // pattern is spelled with a character class so that this file's own source
    // does not look like a marker to itself.
    static final Pattern MARKER = Pattern.compile("/[*]([PGDLHSMXU]):(\\S*)");
    static final Pattern CLOSE = Pattern.compile("/[*]:[*]/");
    static final Pattern NUMBER = Pattern.compile("[0-9]{3}");
    /** A reference in the narrative: a part letter on a word boundary, a colon, three digits. */
    static final Pattern REFERENCE = Pattern.compile("(?<![\\w])([PGDLHSMXU]):([0-9]{3})(?![0-9])");
    /** A line that starts or ends a lab's region (labs/FORMAT.md); spelled so as not to be one. */
    static final Pattern LAB_MARKER = Pattern.compile("LAB[(]([a-z0-9-]+)[)] *([{}])");
    /** The most code one section may bring into the story. */
    static final int MOST_CODE = 80;

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** The whole program, without System.exit, so tests can call it. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Path root = Paths.get(".");
        Path adocDir = null;
        boolean beer = false, sizes = false, lenient = false;
        List<Part> parts = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--root") && i + 1 < args.length) root = Paths.get(args[++i]);
            else if (a.equals("--adoc") && i + 1 < args.length) adocDir = Paths.get(args[++i]);
            else if (a.equals("--beer")) beer = true;
            else if (a.equals("--sizes")) sizes = true;
            else if (a.equals("--lenient")) lenient = true;
            else if (Part.byName(a) != null) parts.add(Part.byName(a));
            else {
                err.println("Quest: unknown part or option '" + a + "' (parts: Preparation Guest Drivers"
                        + " Launcher Host Switcher Mastery Silicon Unix; options: --root DIR, --beer, --adoc DIR,"
                        + " --sizes, --lenient)");
                return 2;
            }
        }
        if (!beer && !sizes && adocDir == null && parts.isEmpty()) {
            err.println("Quest: name a part to print (e.g. Preparation), or --beer, --sizes, or --adoc DIR");
            return 2;
        }
        try {
            Map<Part, List<Section>> story = gather(root);
            if (sizes) {
                printSizes(story, out);
                out.flush();
                return 0;
            }
            List<String> problems = problems(story);
            for (String p : problems) err.println("Quest: " + p + (lenient ? " (let through: --lenient)" : ""));
            if (!problems.isEmpty() && !lenient) {
                err.println("Quest: " + problems.size() + " problem(s); no book until they are fixed"
                        + " (java extract-tool/Quest.java --sizes lists every section's code size)");
                return 1;
            }
            if (adocDir != null) writeAdoc(story, root, adocDir);
            if (beer) {
                for (Part p : Part.values()) {
                    out.println(p.isAppendix() ? "{==- Appendix: " + p.title + " -==}" : "{==- " + p.title + " -==}");
                    print(story.get(p), out);
                }
                out.println("{==-==}");
            } else {
                for (Part p : parts) print(story.get(p), out);
            }
            out.flush();
            return 0;
        } catch (QuestError e) {
            err.println("Quest: " + e.getMessage());
            return 1;
        } catch (UncheckedIOException e) {
            err.println("Quest: " + e.getCause().getMessage());
            return 1;
        }
    }

    /*M:900 The rules of the book are enforced where the book is made.  Every
     * file is read once; every section is filed under its part and number, and a
     * second claim on a number is refused with both claimants named, because
     * "which of these two did the author mean to come first?" is a question only
     * the author can answer. */
    static Map<Part, List<Section>> gather(Path root) throws QuestError {
        Map<Part, Map<Integer, Section>> byNumber = new LinkedHashMap<>();
        for (Part p : Part.values()) byNumber.put(p, new TreeMap<>());
        for (Path file : sourceFiles(root)) {
            for (Section s : sectionsOf(root.relativize(file), readLines(file))) {
                Section before = byNumber.get(s.part()).putIfAbsent(s.number(), s);
                if (before != null) {
                    throw new QuestError(s.where() + ": duplicate section " + s.label()
                            + ", already at " + before.where());
                }
            }
        }
        Map<Part, List<Section>> story = new LinkedHashMap<>();
        byNumber.forEach((p, m) -> story.put(p, new ArrayList<>(m.values())));
        return story;
    }
    /*:*/

    /*M:930 Two more rules are checked once the whole book is gathered, since
     * neither can be judged from one file.  A reference in a section's words,
     * such as (H:200), must name a section that exists: a reader who follows it
     * and finds nothing has been lied to, and renumbering makes such lies easy
     * to tell by accident.  The pattern wants a part letter that does not
     * continue a word, so 0x10:200 or a register named like AX:100 pass
     * untouched; a range names two sections, and both ends must exist.  And no
     * section may show more code than a reader can hold at once: eighty lines,
     * not counting the lab markers that are not shown anyway (M:920).  Every
     * problem is listed, not just the first, so one run tells an author the
     * whole bill; `--sizes` shows where each section stands. */
    static List<String> problems(Map<Part, List<Section>> story) {
        Set<String> labels = new HashSet<>();
        story.values().forEach(ss -> ss.forEach(s -> labels.add(s.label())));
        List<String> problems = new ArrayList<>();
        for (List<Section> sections : story.values()) {
            for (Section s : sections) {
                for (int i = 0; i < s.narrative().size(); i++) {
                    Matcher m = REFERENCE.matcher(s.narrative().get(i));
                    while (m.find()) {
                        if (!labels.contains(m.group())) {
                            problems.add(s.file() + ":" + (s.line() + i) + ": section " + s.label()
                                    + " refers to " + m.group() + ", which is no section of the book");
                        }
                    }
                }
                if (s.code().size() > MOST_CODE) {
                    problems.add(s.where() + ": section " + s.label() + " shows " + s.code().size()
                            + " lines of code, more than " + MOST_CODE);
                }
            }
        }
        return problems;
    }
    /*:*/

    /** Every section that shows code, largest first: lines, label, where, and a mark on those over the limit. */
    static void printSizes(Map<Part, List<Section>> story, PrintStream out) {
        List<Section> all = new ArrayList<>();
        story.values().forEach(all::addAll);
        all.removeIf(s -> s.code().isEmpty());
        all.sort(Comparator.comparingInt((Section s) -> -s.code().size()).thenComparing(Section::label));
        for (Section s : all) {
            out.printf("%5d  %s  %s%s%n", s.code().size(), s.label(), slashes(s.file()) + ":" + s.line(),
                    s.code().size() > MOST_CODE ? "  over " + MOST_CODE : "");
        }
    }

    static List<Path> sourceFiles(Path root) {
        List<Path> files = new ArrayList<>();
        walk(root, root, files);
        files.sort(Comparator.comparing(Path::toString));
        return files;
    }

    private static void walk(Path dir, Path root, List<Path> into) {
        if (!dir.equals(root) && Files.exists(dir.resolve(SKIP_MARKER))) return;
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path p : (Iterable<Path>) entries::iterator) {
                String name = p.getFileName().toString();
                if (Files.isDirectory(p)) {
                    if (!SKIPPED_DIRS.contains(name)) walk(p, root, into);
                } else if (EXTENSIONS.stream().anyMatch(name::endsWith)) {
                    into.add(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException(file + ": cannot read (" + e.getMessage() + ")"));
        }
    }

    /*M:910 Reading one file is a three-state machine.  Outside any section we
     * look for a marker.  Inside a section's comment we collect its words until
     * the comment ends.  If a colon comes just before the end of the comment,
     * the section was words only; a plain end means the code below belongs to
     * the story too, down to the line holding the closing marker.  Another
     * marker turning up before that means somebody forgot to close a section,
     * and we would rather say so than swallow half a file into the book. */
    static List<Section> sectionsOf(Path file, List<String> lines) throws QuestError {
        List<Section> found = new ArrayList<>();
        State state = State.OUTSIDE;
        Opened open = null;

        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int lineNo = i + 1;
            Matcher m = MARKER.matcher(line);
            boolean hasMarker = m.find();
            if (state != State.OUTSIDE && hasMarker) {
                throw new QuestError(file + ":" + lineNo + ": marker " + m.group(1) + ":" + m.group(2)
                        + " inside section " + open.label() + ", which is still open (opened at line "
                        + open.line + ")");
            }
            switch (state) {
                case OUTSIDE -> {
                    if (!hasMarker) {
                        if (CLOSE.matcher(line).find())
                            throw new QuestError(file + ":" + lineNo + ": closing marker with no open section");
                        continue;
                    }
                    if (!NUMBER.matcher(m.group(2)).matches()) {
                        throw new QuestError(file + ":" + lineNo + ": malformed section number '"
                                + m.group(1) + ":" + m.group(2) + "' (want a letter, a colon and three digits)");
                    }
                    open = new Opened(file, Part.byPrefix(m.group(1).charAt(0)), Integer.parseInt(m.group(2)), lineNo);
                    String indent = line.substring(0, m.start()).replaceAll("\\S", " ");
                    state = takeWords(indent + "/*" + line.substring(m.end()), open.words);
                    if (state == State.OUTSIDE) found.add(open.close());
                }
                case WORDS -> {
                    state = takeWords(line, open.words);
                    if (state == State.OUTSIDE) found.add(open.close());
                }
                case CODE -> {
                    Matcher c = CLOSE.matcher(line);
                    if (!c.find()) {
                        open.take(line, lineNo);
                        continue;
                    }
                    String before = line.substring(0, c.start());
                    if (!before.isBlank()) open.take(before, lineNo);
                    found.add(open.close());
                    state = State.OUTSIDE;
                }
            }
        }
        if (state != State.OUTSIDE) {
            throw new QuestError(file + ":" + open.line + ": section " + open.label() + " is never closed"
                    + (state == State.CODE ? " (its code needs a closing /" + "*:*" + "/ line)" : ""));
        }
        return found;
    }
    /*:*/

    /*M:920 What a section shows of its code is not quite what lies between
     * its comment and its closing line.  Blank lines at either end go, and so do
     * the lines that mark a lab's region (labs/FORMAT.md): they are
     * scaffolding for `make lab`, and a reader who met `LAB(...)` in the middle
     * of a function would rightly wonder what it does.  Each line kept remembers
     * its number in the file, because the site includes the very same lines and
     * a hidden marker splits one range into two.  Since the markers pass
     * through here anyway, this is also where a region is made to open and
     * close inside one section: `make lab` replaces everything between the two,
     * and a region running past its section's closing line would take a piece
     * of the next section with it. */
    static final class Opened {
        final Path file;
        final Part part;
        final int number, line;
        final List<String> words = new ArrayList<>(), code = new ArrayList<>();
        final List<Integer> codeLines = new ArrayList<>();
        String lab;
        int labLine;

        Opened(Path file, Part part, int number, int line) {
            this.file = file;
            this.part = part;
            this.number = number;
            this.line = line;
        }

        String label() { return part.prefix + ":" + String.format("%03d", number); }

        void take(String text, int lineNo) throws QuestError {
            Matcher m = LAB_MARKER.matcher(text);
            if (!m.find()) {
                code.add(text);
                codeLines.add(lineNo);
            } else if (m.group(2).equals("{") && lab == null) {
                lab = m.group(1);
                labLine = lineNo;
            } else if (m.group(2).equals("}") && m.group(1).equals(lab)) {
                lab = null;
            } else {
                throw new QuestError(file + ":" + lineNo + ": lab marker " + m.group() + " in section " + label()
                        + (lab == null ? " closes no region" : " while lab " + lab + " is open (line " + labLine + ")"));
            }
        }

        Section close() throws QuestError {
            if (lab != null) {
                throw new QuestError(file + ":" + labLine + ": lab " + lab + "'s region is still open at the end"
                        + " of section " + label() + " (a region lies inside one section's code)");
            }
            int lead = 0, end = code.size();
            while (lead < end && code.get(lead).isBlank()) lead++;
            while (end > lead && code.get(end - 1).isBlank()) end--;
            return new Section(part, number, file, line, words, new ArrayList<>(code.subList(lead, end)),
                    new ArrayList<>(codeLines.subList(lead, end)));
        }
    }
    /*:*/

    /**
     * Adds one line of a section's comment to its narrative and says what comes
     * next: more words, code (the comment ended with a plain end-of-comment), or
     * nothing (it ended with the colon form, a narrative-only section).
     */
    private static State takeWords(String line, List<String> words) {
        int wordsOnly = line.indexOf(":*/");
        int end = line.indexOf("*/");
        if (wordsOnly >= 0 && wordsOnly + 1 == end) {
            words.add(line.substring(0, wordsOnly).stripTrailing() + " */");
            return State.OUTSIDE;
        }
        if (end >= 0) {
            words.add(line.substring(0, end + 2));
            return State.CODE;
        }
        words.add(line);
        return State.WORDS;
    }

    /*M:940 In a terminal the book looks as lguest's did: a "[ path ]" line
     * whenever the file changes, then each section's words and code, set back
     * to the left margin together.  And one thing lguest's did not have: each
     * section under its label in square brackets, because a book that says
     * "(H:200)" should let its reader find H:200 by searching, and "[H:200]"
     * is found only where the section itself begins. */
    static void print(List<Section> sections, PrintStream out) {
        Path last = null;
        for (Section s : sections) {
            if (!s.file().equals(last)) {
                out.println("[ " + s.file().toString().replace('\\', '/') + " ]");
                last = s.file();
            }
            out.println("[" + s.label() + "]");
            List<String> block = new ArrayList<>(s.narrative());
            block.addAll(s.code());
            for (String l : dedent(block)) out.println(l);
            out.println();
        }
    }
    /*:*/

    static List<String> dedent(List<String> lines) {
        int min = Integer.MAX_VALUE;
        for (String l : lines) {
            if (l.isBlank()) continue;
            int n = 0;
            while (n < l.length() && l.charAt(n) == ' ') n++;
            min = Math.min(min, n);
        }
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            String s = l.isBlank() ? "" : l.substring(Math.min(min, l.length()));
            out.add(s.stripTrailing());
        }
        return out;
    }

    // ---- AsciiDoc for the site ------------------------------------------------

    /*M:950 The web site does not copy the code into the book: for each section
     * it writes an AsciiDoc include of the very lines the section covers (a
     * hidden lab marker splits them into several ranges).  If a file moves or
     * shrinks, Asciidoctor complains, and the site build (which treats every
     * warning as an error) fails, so the site cannot drift from the sources.
     * Two kinds of link make the site something to move around in rather than
     * scroll: every reference in the words becomes a link to its section, and
     * every code region's title a link to the very lines in a page showing the
     * whole file (M:960). */
    static void writeAdoc(Map<Part, List<Section>> story, Path root, Path outDir) {
        try {
            Files.createDirectories(outDir);
            for (Map.Entry<Part, List<Section>> e : story.entrySet()) {
                StringBuilder b = new StringBuilder();
                b.append("// Generated by extract-tool/Quest.java from the sources. Do not edit.\n\n");
                Path last = null;
                for (Section s : e.getValue()) {
                    if (!s.file().equals(last)) {
                        b.append("[.quest-file]\n`").append(slashes(s.file())).append("`\n\n");
                        last = s.file();
                    }
                    b.append("[#").append(anchor(s.label())).append(".quest-section]\n");
                    b.append("[.quest-label]#").append(s.label()).append("#\n\n");
                    for (String para : paragraphs(s.narrative())) b.append(linked(para, s.part())).append("\n\n");
                    if (!s.code().isEmpty()) {
                        List<int[]> runs = s.codeRanges();
                        int first = runs.get(0)[0], lastLine = runs.get(runs.size() - 1)[1];
                        StringBuilder lines = new StringBuilder();
                        for (int[] r : runs) lines.append(lines.length() > 0 ? ";" : "").append(r[0]).append("..").append(r[1]);
                        b.append(".link:").append(sourcePage(s.file())).append("#L").append(first).append('[')
                                .append(slashes(s.file())).append(", lines ").append(first)
                                .append("–").append(lastLine).append("]\n");
                        b.append("[source,").append(language(s.file())).append("]\n----\n");
                        b.append("include::{quest-root}/").append(slashes(s.file()))
                                .append("[lines=\"").append(lines).append("\",indent=0]\n----\n\n");
                    }
                }
                if (e.getValue().isEmpty()) b.append("_This part has no sections yet._\n");
                Files.writeString(outDir.resolve("_part-" + e.getKey().title.toLowerCase() + ".adoc"), b.toString());
            }
            writeSourcePages(story, root, outDir);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
    /*:*/

    /** "G:815" → "G815", the id of the section's block on its page. */
    static String anchor(String label) { return label.replace(":", ""); }

    /** Where the site keeps the page showing a whole source file, relative to the site's root. */
    static String sourcePage(Path file) { return "source/" + slashes(file) + ".html"; }

    /**
     * A paragraph with each reference made a cross-reference: to the block on
     * this page when the section is in the same part, to the other part's page
     * otherwise.  (problems() has already made sure every one has a target.)
     */
    static String linked(String para, Part here) {
        Matcher m = REFERENCE.matcher(para);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            Part to = Part.byPrefix(m.group(1).charAt(0));
            String id = anchor(m.group());
            String target = to == here ? id : to.title.toLowerCase() + ".adoc#" + id;
            m.appendReplacement(b, Matcher.quoteReplacement("xref:" + target + "[" + m.group() + "]"));
        }
        m.appendTail(b);
        return b.toString();
    }

    /*M:960 A code region on the site is a window onto a file, and sometimes
     * the reader wants the rest of the room: what the function above does, or
     * where a constant comes from.  So each file that shows up in the book gets
     * a page of its own, plain HTML with no script and nothing fetched from
     * elsewhere, every line numbered and anchored (#L120), the lines the book
     * shows shaded, and at the head of each section its label, linked back to
     * the section.  The page sits under source/ in the site's sources, where
     * the site build copies everything that is not AsciiDoc as it is. */
    static void writeSourcePages(Map<Part, List<Section>> story, Path root, Path outDir) throws IOException {
        Map<Path, List<Section>> byFile = new TreeMap<>();
        story.values().forEach(ss -> ss.forEach(s -> byFile.computeIfAbsent(s.file(), f -> new ArrayList<>()).add(s)));
        for (Map.Entry<Path, List<Section>> e : byFile.entrySet()) {
            String up = "../".repeat(slashes(e.getKey()).split("/").length);
            Map<Integer, Section> heads = new TreeMap<>();
            Set<Integer> shown = new HashSet<>();
            for (Section s : e.getValue()) {
                heads.put(s.line(), s);
                shown.addAll(s.codeLines());
            }
            StringBuilder b = new StringBuilder();
            b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
                    .append(html(slashes(e.getKey()))).append("</title>\n<style>\n").append(SOURCE_STYLE)
                    .append("</style>\n</head>\n<body>\n<header><a href=\"").append(up).append("index.html\">The Quest</a>")
                    .append(" &middot; <code>").append(html(slashes(e.getKey()))).append("</code></header>\n<main>\n");
            List<String> lines = readLines(root.resolve(e.getKey()));
            for (int n = 1; n <= lines.size(); n++) {
                b.append("<div class=\"l").append(shown.contains(n) ? " q" : "").append("\" id=\"L").append(n)
                        .append("\"><a class=\"n\" href=\"#L").append(n).append("\">").append(n).append("</a>");
                Section s = heads.get(n);
                if (s != null) {
                    b.append("<a class=\"s\" href=\"").append(up).append(s.part().title.toLowerCase())
                            .append(".html#").append(anchor(s.label())).append("\">").append(s.label()).append("</a>");
                }
                b.append(html(lines.get(n - 1))).append("</div>\n");
            }
            b.append("</main>\n</body>\n</html>\n");
            Path page = outDir.resolve(sourcePage(e.getKey()));
            Files.createDirectories(page.getParent());
            Files.writeString(page, b.toString());
        }
    }
    /*:*/

    static final String SOURCE_STYLE = """
            body { margin: 0; font-family: sans-serif; }
            header { padding: .6em 1em; border-bottom: 1px solid #ddd; background: #fafafa; }
            main { padding: .5em 0; }
            .l { white-space: pre; font: 13px/1.45 monospace; tab-size: 8; min-height: 1.45em; }
            .l.q { background: #f7f3ef; }
            .l:target { background: #fff1a8; }
            .n { display: inline-block; width: 4.5em; padding-right: 1em; text-align: right; color: #999;
                 text-decoration: none; user-select: none; }
            .s { float: right; margin-right: 1em; font-size: .85em; color: #7a2518; }
            """;

    static String html(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    static String slashes(Path p) { return p.toString().replace('\\', '/'); }

    private static String language(Path file) {
        String n = file.getFileName().toString();
        if (n.endsWith(".java")) return "java";
        if (n.endsWith(".S")) return "gas";
        return "c";
    }

    /**
     * Turns a comment into AsciiDoc paragraphs: drops the comment's frame and
     * its leading stars, splits at blank lines, and defuses characters that mean
     * something at the start of an AsciiDoc line.
     */
    static List<String> paragraphs(List<String> comment) {
        List<String> text = new ArrayList<>();
        for (int i = 0; i < comment.size(); i++) {
            String l = comment.get(i).strip();
            if (i == 0 && l.startsWith("/*")) l = l.substring(2);
            if (i == comment.size() - 1 && l.endsWith("*/")) l = l.substring(0, l.length() - 2);
            if (i > 0 && l.startsWith("*")) l = l.substring(1);
            text.add(l.strip());
        }
        List<String> paras = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String l : text) {
            if (l.isEmpty()) {
                if (cur.length() > 0) paras.add(cur.toString());
                cur.setLength(0);
                continue;
            }
            if (cur.length() > 0) cur.append('\n');
            cur.append(defuse(l));
        }
        if (cur.length() > 0) paras.add(cur.toString());
        return paras;
    }

    /**
     * A comment line that starts with "- " or "* " is a list item, in the
     * comment and on the site alike; anything else that AsciiDoc would take as
     * markup at the start of a line (a title, a block delimiter, a numbered list
     * item, a line comment) is made plain text.
     */
    private static String defuse(String line) {
        if (line.matches("[-*] \\S.*")) return line;
        if ("=.*-|[:/+<>'_#".indexOf(line.charAt(0)) >= 0 || line.matches("[A-Za-z0-9]{1,5}[.)]\\s.*")) {
            return "{empty}" + line;
        }
        return line;
    }
}
