package lguest.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import lguest.HostPrerequisite;

/**
 * The Java mirror against the single source of truth: a C program compiled against
 * src/guest/include/lguest.h with gcc -m32 -S writes every number and offset into its
 * assembly, and each must equal the constant in {@link Abi} (or, for its address, in Switcher).
 */
class AbiTest {
    /** C expression (in the header's terms) → the value the Java side uses. */
    private static Map<String, Integer> javaSide() {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("LHCALL_FLUSH_ASYNC", Abi.LHCALL_FLUSH_ASYNC);
        m.put("LHCALL_LGUEST_INIT", Abi.LHCALL_LGUEST_INIT);
        m.put("LHCALL_CRASH", Abi.LHCALL_CRASH);
        m.put("LHCALL_LOAD_GDT", Abi.LHCALL_LOAD_GDT);
        m.put("LHCALL_NEW_PGTABLE", Abi.LHCALL_NEW_PGTABLE);
        m.put("LHCALL_FLUSH_TLB", Abi.LHCALL_FLUSH_TLB);
        m.put("LHCALL_LOAD_IDT_ENTRY", Abi.LHCALL_LOAD_IDT_ENTRY);
        m.put("LHCALL_SET_STACK", Abi.LHCALL_SET_STACK);
        m.put("LHCALL_TS", Abi.LHCALL_TS);
        m.put("LHCALL_SET_CLOCKEVENT", Abi.LHCALL_SET_CLOCKEVENT);
        m.put("LHCALL_HALT", Abi.LHCALL_HALT);
        m.put("LHCALL_BIND_DMA", Abi.LHCALL_BIND_DMA);
        m.put("LHCALL_SEND_DMA", Abi.LHCALL_SEND_DMA);
        m.put("LHCALL_SET_PTE", Abi.LHCALL_SET_PTE);
        m.put("LHCALL_SET_PMD", Abi.LHCALL_SET_PMD);
        m.put("LHCALL_LOAD_TLS", Abi.LHCALL_LOAD_TLS);
        m.put("LHCALL_LOAD_LDT", Abi.LHCALL_LOAD_LDT);
        m.put("LGUEST_LDT_ENTRIES", Abi.LDT_ENTRIES);
        m.put("LGUEST_GDT_ENTRY_LDT", Abi.GDT_ENTRY_LDT);
        m.put("LGUEST_GDT_ENTRIES", Abi.GDT_ENTRIES);
        m.put("LGUEST_TLS_MIN", Abi.GDT_ENTRY_TLS_MIN);
        m.put("LGUEST_TLS_ENTRIES", Abi.GDT_ENTRY_TLS_ENTRIES);
        m.put("LGUEST_HOST_CS", Abi.LGUEST_CS);
        m.put("LGUEST_HOST_DS", Abi.LGUEST_DS);
        m.put("LGUEST_KERNEL_CS", Abi.KERNEL_CS | Abi.GUEST_PL);
        m.put("LGUEST_KERNEL_DS", Abi.KERNEL_DS | Abi.GUEST_PL);
        m.put("LGUEST_SWITCHER_ADDR", Switcher.SWITCHER_ADDR);
        m.put("LGUEST_SYSCALL_VECTOR", Abi.SYSCALL_VECTOR);
        m.put("LGUEST_TRAP_ENTRY", Abi.LGUEST_TRAP_ENTRY);
        m.put("LHCALL_RING_SIZE", Abi.LHCALL_RING_SIZE);
        m.put("sizeof(struct hcall_args)", Abi.HCALL_ARGS_SIZE);
        m.put("offsetof(struct lguest_data, irq_enabled)", Abi.LD_IRQ_ENABLED);
        m.put("offsetof(struct lguest_data, blocked_interrupts)", Abi.LD_BLOCKED_INTERRUPTS);
        m.put("offsetof(struct lguest_data, cr2)", Abi.LD_CR2);
        m.put("offsetof(struct lguest_data, time)", Abi.LD_TIME);
        m.put("offsetof(struct lguest_data, hcall_status)", Abi.LD_HCALL_STATUS);
        m.put("offsetof(struct lguest_data, hcalls)", Abi.LD_HCALLS);
        m.put("offsetof(struct lguest_data, reserve_mem)", Abi.LD_RESERVE_MEM);
        m.put("offsetof(struct lguest_data, guestid)", Abi.LD_GUESTID);
        m.put("offsetof(struct lguest_data, tsc_khz)", Abi.LD_TSC_KHZ);
        m.put("offsetof(struct lguest_data, noirq_start)", Abi.LD_NOIRQ_START);
        m.put("offsetof(struct lguest_data, noirq_end)", Abi.LD_NOIRQ_END);
        m.put("sizeof(struct lguest_data)", Abi.LD_SIZE);
        m.put("LGUEST_MAX_DMA_SECTIONS", Abi.LGUEST_MAX_DMA_SECTIONS);
        m.put("offsetof(struct lguest_dma, used_len)", Abi.DMA_USED_LEN);
        m.put("offsetof(struct lguest_dma, addr)", Abi.DMA_ADDR);
        m.put("offsetof(struct lguest_dma, len)", Abi.DMA_LEN);
        m.put("sizeof(struct lguest_dma)", Abi.DMA_SIZE);
        m.put("LGUEST_MAX_DEVICES", Abi.LGUEST_MAX_DEVICES);
        m.put("LGUEST_DEVICE_T_CONSOLE", Abi.LGUEST_DEVICE_T_CONSOLE);
        m.put("LGUEST_DEVICE_T_NET", Abi.LGUEST_DEVICE_T_NET);
        m.put("LGUEST_DEVICE_T_BLOCK", Abi.LGUEST_DEVICE_T_BLOCK);
        m.put("LGUEST_DEVICE_S_ACKNOWLEDGE", Abi.LGUEST_DEVICE_S_ACKNOWLEDGE);
        m.put("LGUEST_DEVICE_S_DRIVER", Abi.LGUEST_DEVICE_S_DRIVER);
        m.put("LGUEST_DEVICE_S_DRIVER_OK", Abi.LGUEST_DEVICE_S_DRIVER_OK);
        m.put("LGUEST_DEVICE_S_REMOVED", Abi.LGUEST_DEVICE_S_REMOVED);
        m.put("LGUEST_DEVICE_S_REMOVED_ACK", Abi.LGUEST_DEVICE_S_REMOVED_ACK);
        m.put("LGUEST_DEVICE_S_FAILED", Abi.LGUEST_DEVICE_S_FAILED);
        m.put("LGUEST_DEVICE_F_RANDOMNESS", Abi.LGUEST_DEVICE_F_RANDOMNESS);
        m.put("LGUEST_DEVICE_F_TTY", Abi.LGUEST_DEVICE_F_TTY);
        m.put("offsetof(struct lguest_device_desc, type)", Abi.DESC_TYPE);
        m.put("offsetof(struct lguest_device_desc, features)", Abi.DESC_FEATURES);
        m.put("offsetof(struct lguest_device_desc, status)", Abi.DESC_STATUS);
        m.put("offsetof(struct lguest_device_desc, num_pages)", Abi.DESC_NUM_PAGES);
        m.put("offsetof(struct lguest_device_desc, pfn)", Abi.DESC_PFN);
        m.put("sizeof(struct lguest_device_desc)", Abi.DESC_SIZE);
        m.put("LGUEST_CONSOLE_DMA_KEY", Abi.LGUEST_CONSOLE_DMA_KEY);
        m.put("offsetof(struct lguest_block_page, type)", Abi.BLK_TYPE);
        m.put("offsetof(struct lguest_block_page, sector)", Abi.BLK_SECTOR);
        m.put("offsetof(struct lguest_block_page, bytes)", Abi.BLK_BYTES);
        m.put("offsetof(struct lguest_block_page, result)", Abi.BLK_RESULT);
        m.put("offsetof(struct lguest_block_page, num_sectors)", Abi.BLK_NUM_SECTORS);
        m.put("LGUEST_BOOT_E820_ENTRIES", Abi.BOOT_E820_ENTRIES);
        m.put("LGUEST_BOOT_RAMDISK_IMAGE", Abi.BOOT_RAMDISK_IMAGE);
        m.put("LGUEST_BOOT_RAMDISK_SIZE", Abi.BOOT_RAMDISK_SIZE);
        m.put("LGUEST_BOOT_CMD_LINE_PTR", Abi.BOOT_CMD_LINE_PTR);
        m.put("LGUEST_BOOT_SUBARCH", Abi.BOOT_SUBARCH);
        m.put("LGUEST_BOOT_E820_MAP", Abi.BOOT_E820_MAP);
        m.put("LGUEST_BOOT_CMD_LINE", Abi.BOOT_CMD_LINE);
        m.put("LGUEST_E820_RAM", Abi.E820_RAM);
        m.put("LGUEST_COMMAND_LINE_SIZE", Abi.COMMAND_LINE_SIZE);
        m.put("LGUEST_MAX_RAM", Abi.MAX_RAM);
        return m;
    }

    /*
     * The host may have gcc -m32 without a 32-bit C library, so the program is never run:
     * each value becomes an initialised global, and gcc -S writes it out as ".long N"
     * (or ".zero 4" for a zero) under the global's label, which is all there is to read.
     */
    @Test
    void everyNumberAndOffsetMatchesTheHeader(@TempDir Path tmp) throws IOException, InterruptedException {
        Map<String, Integer> java = javaSide();
        List<String> names = new ArrayList<>(java.keySet());
        StringBuilder c = new StringBuilder("#define offsetof(t, m) __builtin_offsetof(t, m)\n#include \"lguest.h\"\n");
        for (int i = 0; i < names.size(); i++) c.append("long abi_value_").append(i).append(" = (long)(").append(names.get(i)).append(");\n");
        Path src = tmp.resolve("abi.c"), asm = tmp.resolve("abi.s");
        Files.writeString(src, c);
        Path include = Path.of("src/guest/include").toAbsolutePath();
        Process cc;
        try {
            cc = new ProcessBuilder("gcc", "-m32", "-ffreestanding", "-nostdinc", "-fno-zero-initialized-in-bss", "-O0", "-S", "-I" + include,
                    "-o", asm.toString(), src.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            HostPrerequisite.require(false, "no gcc");
            return;
        }
        String log = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(cc.waitFor()).as(log).isZero();
        Map<String, Integer> fromC = new LinkedHashMap<>();
        Matcher m = Pattern.compile("^abi_value_(\\d+):\\s*\\n\\s*\\.(long|zero)\\s+(-?\\d+)", Pattern.MULTILINE)
                .matcher(Files.readString(asm));
        Map<Integer, Integer> byIndex = new java.util.TreeMap<>();
        while (m.find()) byIndex.put(Integer.parseInt(m.group(1)), m.group(2).equals("zero") ? 0 : Integer.parseInt(m.group(3)));
        for (int i = 0; i < names.size(); i++) fromC.put(names.get(i), byIndex.get(i));
        assertThat(fromC).containsExactlyEntriesOf(java);
    }
}
