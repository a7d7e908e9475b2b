package lguest.machine;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.invoke.MethodHandles;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The interpreter's copies of the semantics (X:146): every table row's method can be
 * copied, and the copy passes the verifier. A row that silently fell back on the shared
 * StepTemplate would still run correctly, only slowly, so nothing else would notice.
 * The known exceptions are the string instructions that hand a method reference of
 * their own (an invokedynamic) to Strings.repeat: INS, OUTS, CMPS, LODS and SCAS.
 */
class StepCopyTest {
    @Test
    void everyRowIsCopiedAndVerifies() throws Exception {
        List<String> refused = new ArrayList<>();
        List<Form> rows = Stream.of(OneByteMap.ROWS, TwoByteMap.ROWS, X87Map.ROWS, Bcd.ROWS, Strings.ROWS, SelectorQueries.ROWS)
                .flatMap(List::stream).toList();
        for (Form f : rows) {
            byte[] copy = StepCopy.of(f.op(), Map.of("size", 4, "form.a", f.a(), "form.b", f.b(), "ra", -1, "rb", -1));
            if (copy == null) { refused.add(f.toString()); continue; }
            Class<?> k = MethodHandles.lookup().defineHiddenClass(copy, true).lookupClass();
            assertThat(Step.class.isAssignableFrom(k)).as(f.toString()).isTrue();
        }
        assertThat(rows).hasSizeGreaterThan(500);
        assertThat(refused).hasSize(10)
                .allMatch(r -> r.matches("..  (INS|OUTS|CMPS|LODS|SCAS)(B|W/D)"), "a string instruction that passes a method reference");
    }

    @Test
    void aLambdaThatIsNotAMethodReferenceIsNotCopied() {
        int[] seen = {0};
        Semantics capturing = (c, i) -> seen[0]++;
        assertThat(StepCopy.of(capturing, Map.of())).isNull();
    }
}
