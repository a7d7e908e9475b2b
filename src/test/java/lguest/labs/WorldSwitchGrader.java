package lguest.labs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lguest.host.Host;
import lguest.host.TestGuests;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/*M:330 Lab world-switch: into the Guest and back again.  (Switcher, hard, about three
 * hours.)
 *
 * Everything else in the Host is bookkeeping around two moments: the one where
 * the CPU stops being the Host's and becomes the Guest's, and the one where a
 * trap gives it back.  The lab takes out both.  In runGuestOnce, after
 * copy_in_guest_info, goes the loading of the CPU as switcher.S loads it; in
 * comeBack, after the checks that the CPU really stopped at a stub, goes the work
 * the stub did: the rest of struct lguest_regs, pushed into the register page.
 * `make lab world-switch` leaves both throwing.
 *
 * Read S:020 and S:030 (where the Switcher's pages are, and why the registers
 * end exactly at the end of one), S:040 (the bytes that leave for the Guest),
 * S:070 (the TSS) and then S:080 and S:090, whose prose still tells you what the
 * code did.  X:500 says what the CPU does with a trap; H:410 says which
 * shadow page directory CR3 must hold.  Hints for the way in: the
 * order matters, and the CPU has its own opinion on some of it.  LTR refuses a
 * TSS whose descriptor is already marked busy, and the copy in the read-only
 * page was busy after the last entry; CR0.WP is what makes the read-only pages
 * read-only for the Guest's kernel, and for the CPU itself, whose LTR writes the
 * busy bit back into that very page; the CPU must start at switch_to_guest in
 * ring 0 with the register page as its stack and interrupts off.  Everything
 * the CPU needs is public on Cpu (setCr3, setCr0, loadGdtr, loadIdtr,
 * loadTaskRegister, loadLdt after it when the LDT changed, setEflags, farJump
 * and loadSegment, which load CS and SS from
 * their descriptors in the GDT just as lguest's far call into the Switcher did,
 * run).  For the way back: the CPU
 * has pushed SS, ESP, EFLAGS, CS, EIP and, for some vectors only, an error code
 * (Traps.hasErr knows which); you push what a stub would, in lguest_regs order
 * read backwards, and remember CR2 for a page fault before anything can change
 * it.
 *
 * Graded by running guests through the whole Host and Launcher: the smallest
 * test guest must say hello and power off with its status; a guest that fills
 * every register with its own pattern must find them intact after a hundred
 * hypercalls and every clock interrupt the Host throws at it; page faults must
 * come back with their error code and CR2, the Guest's own ones reflected to
 * it; ring 3 must run under the Guest's GDT and IDT; and the project's Guest
 * kernel must boot to its power-off. :*/

/** Grader of lab world-switch (labs/world-switch.lab): Switcher.runGuestOnce and comeBack. */
class WorldSwitchGrader {
    @TempDir
    Path tmp;

    /**
     * Seven registers in lockstep (EBX = 2 EAX, ECX = 3 EAX, ... EBP = 7 EAX), FS and GS
     * holding selectors of their own and DF set, checked after every step, while a
     * hypercall is made every 16 steps and the clock interrupts whenever it likes.
     */
    private static final String SURVIVOR = """
            #include "common.S"
            .macro check reg, k
            \tpushl %eax
            \timull $\\k, %eax, %eax
            \tcmpl %eax, \\reg
            \tpopl %eax
            \tmovl $\\k, %ss:which
            \tjne bad
            .endm
            \t.text
            main:
            \tmovl $tick, %eax
            \tmovl %eax, %ebx
            \tandl $0xFFFF, %ebx
            \tandl $0xFFFF0000, %eax
            \torl $0x8E00, %eax
            \thcall LHCALL_LOAD_IDT_ENTRY, $32, %ebx, %eax
            \tmovl $0, lguest_data + 4
            \tmovl $0x200, lguest_data
            \thcall LHCALL_SET_CLOCKEVENT, $1000000
            \tmovw $LGUEST_KERNEL_DS, %ax
            \tmovw %ax, %fs
            \txorl %eax, %eax
            \tmovw %ax, %gs
            \txorl %ebx, %ebx
            \txorl %ecx, %ecx
            \txorl %edx, %edx
            \txorl %esi, %esi
            \txorl %edi, %edi
            \txorl %ebp, %ebp
            \tstd
            step:
            \tincl %eax
            \taddl $2, %ebx
            \taddl $3, %ecx
            \taddl $4, %edx
            \taddl $5, %esi
            \taddl $6, %edi
            \taddl $7, %ebp
            \tcheck %ebx, 2
            \tcheck %ecx, 3
            \tcheck %edx, 4
            \tcheck %esi, 5
            \tcheck %edi, 6
            \tcheck %ebp, 7
            \tmovl $8, %ss:which
            \tpushl %eax
            \tmovw %fs, %ax
            \tcmpw $LGUEST_KERNEL_DS, %ax
            \tjne 2f
            \tmovw %gs, %ax
            \tcmpw $0, %ax
            2:\tpopl %eax
            \tjne bad
            \tmovl $9, %ss:which
            \tpushl %eax
            \tpushfl
            \tpopl %eax
            \ttestl $0x400, %eax
            \tpopl %eax
            \tjz bad
            \ttestl $15, %eax
            \tjnz 1f
            \tpushl %eax
            \tpushl %ebx
            \tpushl %ecx
            \tpushl %edx
            \thcall LHCALL_FLUSH_ASYNC
            \tincl %ss:hypercalls
            \tpopl %edx
            \tpopl %ecx
            \tpopl %ebx
            \tpopl %eax
            1:\tcmpl $100, %ss:hypercalls
            \tjb step
            \tcmpl $20, %ss:ticks
            \tjb step
            \tcld
            \tsay "registers intact"
            \tmovl $0, %eax
            \tret
            bad:\tcld
            \tmovl %ss:which, %eax
            \tpushl %eax
            \tsay "a register changed behind the Guest's back"
            \tpopl %eax
            \tret
            tick:\tpushal
            \tincl %ss:ticks
            \thcall LHCALL_SET_CLOCKEVENT, $1000000
            \tpopal
            \tjmp irq_ret_start
            \t.data
            which:\t.long 0
            ticks:\t.long 0
            hypercalls:\t.long 0
            """;

    private Path survivor() throws IOException, InterruptedException {
        Path src = tmp.resolve("survivor.S"), out = tmp.resolve("survivor");
        Files.writeString(src, SURVIVOR);
        Path guests = Path.of("src/test/guests").toAbsolutePath();
        List<String> cmd = List.of("gcc", "-m32", "-nostdlib", "-static", "-no-pie", "-fno-pic", "-Wl,--build-id=none",
                "-Wl,-T," + guests.resolve("guest.lds"), "-I", guests.toString(), "-o", out.toString(), src.toString());
        TestGuests.gcc(cmd, "the register-checking guest");
        return out;
    }

    @Test
    @Points(1)
    @DisplayName("The smallest guest gets in, says hello through a hypercall and powers off with its status")
    void helloAndPowerOff() {
        TestGuests.Run r = TestGuests.launch(new Host(), "4m", TestGuests.build("hello").toString());
        assertThat(r.out()).as(r.err()).isEqualTo("hello from the guest\n");
        assertThat(r.status()).isZero();
        r = TestGuests.launch(new Host(), "4m", TestGuests.build("hello", "EXIT_STATUS=3").toString());
        assertThat(r.out()).as(r.err()).isEqualTo("hello from the guest\n");
        assertThat(r.status()).isEqualTo(3);
    }

    @Test
    @Points(2)
    @DisplayName("Every register, FS, GS and DF survive 100 hypercalls and twenty clock interrupts")
    void registersSurviveTheRoundTrip() throws Exception {
        TestGuests.Run r = TestGuests.launch(new Host(), "4m", survivor().toString(), "--stats");
        assertThat(r.out()).as("what the guest said, and its exit status " + r.status()
                + " (2..7: EBX..EBP changed, 8: FS or GS, 9: DF); " + r.err()).isEqualTo("registers intact\n");
        assertThat(r.status()).isZero();
        assertThat(r.err()).containsPattern("interrupts injected: [1-9]");
    }

    @Test
    @Points(2)
    @DisplayName("Page faults come back with their error code and CR2: the Host fills some, the Guest's own are reflected")
    void pageFaultsComeBackWithErrorCodeAndCr2() {
        TestGuests.Run r = TestGuests.launch(new Host(), "4m", TestGuests.build("pagefault").toString(), "--stats");
        assertThat(r.out()).as(r.err()).isEqualTo("pf filled ok\nreflected ok\n");
        assertThat(r.status()).isZero();
        Matcher m = Pattern.compile("page faults: (\\d+) filled by the Host, (\\d+) reflected").matcher(r.err());
        assertThat(m.find()).as(r.err()).isTrue();
        assertThat(Long.parseLong(m.group(1))).isPositive();
        assertThat(Long.parseLong(m.group(2))).isEqualTo(1);
    }

    @Test
    @Points(1)
    @DisplayName("Ring 3 runs under the Guest's GDT and IDT: direct system calls, and a clock interrupt from user mode")
    void ringThreeUnderTheGuestsTables() {
        TestGuests.Run r = TestGuests.launch(new Host(), "4m", TestGuests.build("ring3").toString(), "--stats");
        assertThat(r.out()).as(r.err()).contains("ring 3 interrupted after 1000 direct system calls");
        assertThat(r.status()).isZero();
        assertThat(r.err()).doesNotContain("#128=").containsPattern("interrupts injected: [1-9]");
    }

    @Test
    @Points(2)
    @DisplayName("The project's Guest kernel boots, runs its user program and powers off")
    void theGuestKernelBoots() {
        Path kernel = TestGuests.built("kernel");
        TestGuests.Run r = TestGuests.launch(new Host(), "64m", kernel.toString());
        assertThat(r.out()).as(r.err()).contains("hello from user space");
        assertThat(r.status()).as(r.out() + r.err()).isZero();
    }
}
