package lguest.machine.conformance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The summary the random program prints: one line per instruction form with its case
 * count and a hash of every defined result, then a total. Also finds, in two verbose runs
 * of one form, the first case where they part ways.
 */
final class FormSummary {

    private static final Pattern LINE = Pattern.compile("form (\\d+) \\| (.*) \\| cases (\\d+) \\| hash ([0-9a-f]{8})");
    private static final Pattern TOTAL = Pattern.compile("total: (\\d+) forms, (\\d+) cases");

    record Form(int index, String name, int cases, String hash) {
    }

    final Map<Integer, Form> forms = new LinkedHashMap<>();
    long totalCases = -1;
    int totalForms = -1;

    static FormSummary parse(String text) {
        FormSummary s = new FormSummary();
        for (String line : text.split("\n")) {
            Matcher m = LINE.matcher(line);
            if (m.matches()) {
                Form f = new Form(Integer.parseInt(m.group(1)), m.group(2), Integer.parseInt(m.group(3)), m.group(4));
                s.forms.put(f.index(), f);
                continue;
            }
            m = TOTAL.matcher(line);
            if (m.matches()) {
                s.totalForms = Integer.parseInt(m.group(1));
                s.totalCases = Long.parseLong(m.group(2));
            }
        }
        return s;
    }

    /** Forms whose hash differs or that one side never reached, in order. */
    static List<Integer> differingForms(FormSummary host, FormSummary other) {
        List<Integer> out = new ArrayList<>();
        for (Form f : host.forms.values()) {
            Form g = other.forms.get(f.index());
            if (g == null || !g.equals(f))
                out.add(f.index());
        }
        return out;
    }

    /**
     * The first case that differs between two verbose runs of a form, as a few readable
     * lines, or null when the two agree. A case is a header line followed by indented
     * "in:" and "out:" lines.
     */
    static String firstDifferingCase(String host, String other) {
        List<String> a = cases(host), b = cases(other);
        for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
            String x = i < a.size() ? a.get(i) : null;
            String y = i < b.size() ? b.get(i) : null;
            if (x != null && x.equals(y))
                continue;
            if (x == null)
                return "the emulated run printed an extra case:\n" + y;
            if (y == null)
                return "the emulated run stopped before this case (crash or exit?):\n" + x;
            String[] xl = x.split("\n"), yl = y.split("\n");
            StringBuilder sb = new StringBuilder();
            sb.append(xl[0]).append('\n');
            for (int k = 1; k < Math.max(xl.length, yl.length); k++) {
                String p = k < xl.length ? xl[k] : "";
                String q = k < yl.length ? yl[k] : "";
                if (p.equals(q)) {
                    sb.append("          ").append(p.strip()).append('\n');
                } else {
                    sb.append("  host:   ").append(p.strip()).append('\n');
                    sb.append("  emul:   ").append(q.strip()).append('\n');
                    sb.append("          ").append(marks(p.strip(), q.strip())).append('\n');
                }
            }
            return sb.toString();
        }
        return null;
    }

    /** Carets under the characters where two lines differ. */
    static String marks(String a, String b) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.max(a.length(), b.length()); i++) {
            char x = i < a.length() ? a.charAt(i) : ' ', y = i < b.length() ? b.charAt(i) : ' ';
            sb.append(x == y ? ' ' : '^');
        }
        return sb.toString().stripTrailing();
    }

    private static List<String> cases(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = null;
        for (String line : text.split("\n")) {
            if (line.startsWith("total:"))
                continue;
            if (!line.startsWith("  ")) {
                if (cur != null)
                    out.add(cur.toString());
                cur = new StringBuilder(line);
            } else if (cur != null) {
                cur.append('\n').append(line);
            }
        }
        if (cur != null && cur.length() > 0)
            out.add(cur.toString());
        return out;
    }
}
