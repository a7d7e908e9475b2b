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
 * tag like "H:20", or another part's marker turning up inside an open section
 * each stop it with the file and line to blame.  A book that will not build is
 * annoying; a book that silently drops a chapter is worse. :*/

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Quest extractor. Usage:
 * <pre>
 *   java extract-tool/Quest.java [--root DIR] PART...      print parts (Preparation, Guest, ...)
 *   java extract-tool/Quest.java [--root DIR] --beer       print every part under its banner
 *   java extract-tool/Quest.java [--root DIR] --adoc OUT   write OUT/_part-NAME.adoc for the site
 * </pre>
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
     * One numbered section: its narrative (the comment, tag removed) and, if it
     * brings code into the story, the code lines and where they are.
     */
    record Section(Part part, int number, Path file, int line,
                   List<String> narrative, List<String> code, int codeFirstLine) {
        String label() { return part.prefix + ":" + String.format("%03d", number); }
        String where() { return file + ":" + line; }
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

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** The whole program, without System.exit, so tests can call it. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Path root = Paths.get(".");
        Path adocDir = null;
        boolean beer = false;
        List<Part> parts = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--root") && i + 1 < args.length) root = Paths.get(args[++i]);
            else if (a.equals("--adoc") && i + 1 < args.length) adocDir = Paths.get(args[++i]);
            else if (a.equals("--beer")) beer = true;
            else if (Part.byName(a) != null) parts.add(Part.byName(a));
            else {
                err.println("Quest: unknown part or option '" + a + "' (parts: Preparation Guest Drivers"
                        + " Launcher Host Switcher Mastery Silicon Unix; options: --root DIR, --beer, --adoc DIR)");
                return 2;
            }
        }
        if (!beer && adocDir == null && parts.isEmpty()) {
            err.println("Quest: name a part to print (e.g. Preparation), or --beer, or --adoc DIR");
            return 2;
        }
        try {
            Map<Part, List<Section>> story = gather(root);
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
        Part part = null;
        int number = 0, openedAt = 0, codeFrom = 0;
        List<String> words = null, code = null;

        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int lineNo = i + 1;
            Matcher m = MARKER.matcher(line);
            boolean hasMarker = m.find();
            if (state != State.OUTSIDE && hasMarker) {
                throw new QuestError(file + ":" + lineNo + ": marker " + m.group(1) + ":" + m.group(2)
                        + " inside section " + part.prefix + ":" + String.format("%03d", number)
                        + ", which is still open (opened at line " + openedAt + ")");
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
                    part = Part.byPrefix(m.group(1).charAt(0));
                    number = Integer.parseInt(m.group(2));
                    openedAt = lineNo;
                    words = new ArrayList<>();
                    code = new ArrayList<>();
                    String indent = line.substring(0, m.start()).replaceAll("\\S", " ");
                    String rest = indent + "/*" + line.substring(m.end());
                    state = takeWords(rest, words);
                    if (state == State.OUTSIDE) {
                        found.add(new Section(part, number, file, openedAt, words, List.of(), 0));
                    } else if (state == State.CODE) {
                        codeFrom = lineNo + 1;
                    }
                }
                case WORDS -> {
                    state = takeWords(line, words);
                    if (state == State.OUTSIDE) {
                        found.add(new Section(part, number, file, openedAt, words, List.of(), 0));
                    } else if (state == State.CODE) {
                        codeFrom = lineNo + 1;
                    }
                }
                case CODE -> {
                    Matcher c = CLOSE.matcher(line);
                    if (c.find()) {
                        String before = line.substring(0, c.start());
                        if (!before.isBlank()) code.add(before);
                        int lead = 0;
                        while (lead < code.size() && code.get(lead).isBlank()) lead++;
                        int end = code.size();
                        while (end > lead && code.get(end - 1).isBlank()) end--;
                        found.add(new Section(part, number, file, openedAt, words,
                                new ArrayList<>(code.subList(lead, end)), codeFrom + lead));
                        state = State.OUTSIDE;
                    } else {
                        code.add(line);
                    }
                }
            }
        }
        if (state != State.OUTSIDE) {
            throw new QuestError(file + ":" + openedAt + ": section " + part.prefix + ":"
                    + String.format("%03d", number) + " is never closed"
                    + (state == State.CODE ? " (its code needs a closing /" + "*:*" + "/ line)" : ""));
        }
        return found;
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

    /**
     * Prints a part as lguest did, with a "[ path ]" line whenever the file
     * changes, and one thing lguest's did not: each section under its label in
     * square brackets, so that a reader who meets "(G:815)" can search for
     * "[G:815]" and land on it.
     */
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

    /*M:920 The web site does not copy the code into the book: for each section
     * it writes an AsciiDoc include of the very lines the section covers.  If a
     * file moves or shrinks, Asciidoctor complains, and the site build (which
     * treats every warning as an error) fails, so the site cannot drift from
     * the sources. :*/
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
                    b.append("[#").append(s.part().prefix).append(String.format("%03d", s.number()))
                            .append(".quest-section]\n");
                    b.append("[.quest-label]#").append(s.label()).append("#\n\n");
                    for (String para : paragraphs(s.narrative())) b.append(para).append("\n\n");
                    if (!s.code().isEmpty()) {
                        int first = s.codeFirstLine();
                        int lastLine = first + s.code().size() - 1;
                        b.append(".").append(slashes(s.file())).append(", lines ").append(first)
                                .append("–").append(lastLine).append('\n');
                        b.append("[source,").append(language(s.file())).append("]\n----\n");
                        b.append("include::{quest-root}/").append(slashes(s.file()))
                                .append("[lines=").append(first).append("..").append(lastLine)
                                .append(",indent=0]\n----\n\n");
                    }
                }
                if (e.getValue().isEmpty()) b.append("_This part has no sections yet._\n");
                Files.writeString(outDir.resolve("_part-" + e.getKey().title.toLowerCase() + ".adoc"), b.toString());
            }
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static String slashes(Path p) { return p.toString().replace('\\', '/'); }

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
