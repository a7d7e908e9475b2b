package lguest.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * /proc and /dev, which the kernel makes up (U:780 to U:792), on a root that has neither: a
 * disk of busybox and /bin/sh alone.  Each busybox tool that reads them must say what Linux
 * would, in the format it parses, and with numbers that are this Guest's own.
 */
class ProcDevTest {
    private static String run(Path tmp, String script) throws Exception {
        Path img = RootBootTest.bareRoot(tmp, 8192);
        RootBootTest.Boot b = RootBootTest.boot(script, false, "--block=" + img, "root=/dev/lgba", "init=/bin/sh", "quiet");
        assertThat(b.status()).as(b.out()).isZero();
        RootBootTest.fsck(img);
        return b.out();
    }

    private static String section(String out, String name) {
        int i = out.indexOf("== " + name + "\n");
        assertThat(i).as("section " + name + " in\n" + out).isGreaterThanOrEqualTo(0);
        int j = out.indexOf("== ", i + 3);
        return out.substring(i + name.length() + 4, j < 0 ? out.length() : j);
    }

    @Test
    void processesAsPsTopAndKillSeeThem(@TempDir Path tmp) throws Exception {
        String out = run(tmp, String.join("\n",
                /* the child may not have exec'd sleep yet when ps looks: give it a moment */
                "sleep 30 & for i in 1 2 3 4 5 6 7 8 9 10; do grep -q sleep /proc/$!/comm && break; sleep 0.1; done",
                "echo == ps; ps; echo == stat; cat /proc/$!/stat",
                "echo == cmdline; tr '\\0' ' ' < /proc/$!/cmdline; echo",
                "echo == status; grep -E '^(Name|State|PPid):' /proc/$!/status",
                "echo == kill; kill $!; wait $!; echo \"status $?\"",
                "echo == top; top -bn1 | head -n 4",
                "echo == self; readlink /proc/self; readlink /proc/self/exe; ls -l /proc/self/fd/0 | sed 's/.*-> //'",
                "echo == ls; ls /proc | grep '^[0-9]' | head -n 1; ls -d /proc/1 /proc/self /proc/meminfo",
                "echo == slash; ls -ld /proc/self/ /proc/self | cut -c1-10; cat /proc/uptime/ 2>&1 || true",
                "echo == cd; cd /proc/1 && cat comm && cd fd && ls 0 && cd /proc/net && head -c 6 dev; echo",
                "cat /proc/1/../1/comm /proc/1/fd/../comm; cd /proc/1/comm 2>&1 | sed 's/.*: //'; cd /", ""));
        assertThat(section(out, "ps")).startsWith("PID   USER     COMMAND\n")
                .contains("    1 0        /bin/sh\n").containsPattern("\\n +\\d+ 0 +sleep 30\\n");
        /* pid (comm) state ppid pgrp session ..., 52 fields as Linux writes them */
        String stat = section(out, "stat").trim();
        assertThat(stat).matches("\\d+ \\(sleep\\) S 1 1 1 0 -1 .*");
        assertThat(stat.split(" ")).hasSize(52);
        assertThat(section(out, "cmdline")).isEqualTo("sleep 30 \n");
        assertThat(section(out, "status")).isEqualTo("Name:\tsleep\nState:\tS (sleeping)\nPPid:\t1\n");
        /* ash says "Terminated" only if its wait reaps the job, not if the child died first, as
         * when the shell's time slice ended between kill and wait (natively: sleep 0.1 between) */
        assertThat(section(out, "kill")).matches("(Terminated\n)?status 143\n");
        assertThat(section(out, "top")).startsWith("Mem: ").contains("\nCPU:").contains("\nLoad average: ")
                .contains("  PID  PPID USER     STAT   VSZ %VSZ %CPU COMMAND");
        /* exe is the name execve() was given (readlink is a NOEXEC applet: the shell's own) */
        assertThat(section(out, "self")).matches("\\d+\\n/bin/sh\\n/dev/console\\n");
        assertThat(section(out, "ls")).isEqualTo("1\n/proc/1\n/proc/meminfo\n/proc/self\n");
        /* a slash at the end follows the link, as lstat() does natively; it was the link itself */
        assertThat(section(out, "slash")).isEqualTo("lrwxrwxrwx\ndr-xr-xr-x\ncat: can't open '/proc/uptime/': Not a directory\n");
        /* a working directory below /proc (it was EACCES), and ".." inside /proc's names (ENOENT) */
        assertThat(section(out, "cd")).isEqualTo("sh\n0\nInter-\nsh\nsh\nNot a directory\n");
    }

    @Test
    void memoryTimeAndLoadAsFreeUptimeAndProcSayThem(@TempDir Path tmp) throws Exception {
        String out = run(tmp, String.join("\n",
                "echo == free; free", "echo == meminfo; cat /proc/meminfo",
                "echo == uptime; uptime", "echo == procuptime; cat /proc/uptime", "echo == loadavg; cat /proc/loadavg",
                "echo == cpuinfo; grep -E '^(processor|vendor_id|flags)' /proc/cpuinfo",
                "echo == version; cat /proc/version", ""));
        /* 64 MiB of RAM: free and /proc/meminfo agree on it, and on what is free */
        Matcher free = Pattern.compile("Mem: +(\\d+) +(\\d+) +(\\d+)").matcher(section(out, "free"));
        assertThat(free.find()).as(out).isTrue();
        assertThat(free.group(1)).isEqualTo("65536");
        String meminfo = section(out, "meminfo");
        assertThat(meminfo).startsWith("MemTotal:          65536 kB\nMemFree:        ").contains("\nSwapTotal:             0 kB\n");
        long memFree = Long.parseLong(meminfo.replaceAll("(?s).*MemFree: +(\\d+) kB.*", "$1"));
        assertThat(memFree).isBetween(40_000L, 65_536L);
        assertThat(section(out, "uptime")).matches(" \\d\\d:\\d\\d:\\d\\d up 0 min,  0 users,  load average: \\d+\\.\\d\\d, \\d+\\.\\d\\d, \\d+\\.\\d\\d\\n");
        assertThat(section(out, "procuptime")).matches("\\d+\\.\\d\\d \\d+\\.\\d\\d\\n");
        assertThat(section(out, "loadavg")).matches("\\d+\\.\\d\\d \\d+\\.\\d\\d \\d+\\.\\d\\d [12]/[2-4] \\d+\\n");
        assertThat(section(out, "cpuinfo")).startsWith("processor\t: 0\nvendor_id\t: ").contains("flags\t\t: fpu");
        assertThat(section(out, "version")).startsWith("Linux version 2.6.23");
    }

    @Test
    void mountsDisksAndTheLogAsMountDfAndDmesgShowThem(@TempDir Path tmp) throws Exception {
        String out = run(tmp, String.join("\n",
                "echo == mount; mount -t proc proc /proc && mount", "echo == df; df / | tail -n 1",
                "echo == dmesg; dmesg | grep -c 'VFS: mounted root'",
                "echo == hostname; hostname; hostname box; hostname; uname -n",
                "echo == deep; mkdir -p /a/b/c/d/e/f/g && cd /a/b/c/d/e/f/g && pwd && cd / && rm -r /a", ""));
        assertThat(section(out, "mount")).isEqualTo("/dev/lgba on / type ext2 (rw)\nproc on /proc type proc (rw)\n"
                + "devtmpfs on /dev type devtmpfs (rw)\n");
        /* an 8 MiB image of 1 KiB blocks: 8191 blocks after the boot block, busybox's 2 MiB used */
        assertThat(section(out, "df")).matches("/dev/lgba +8191 +2\\d\\d\\d +\\d+ +\\d+% /\\n");
        assertThat(section(out, "dmesg")).as("quiet or not, the log has it").isEqualTo("1\n");
        assertThat(section(out, "hostname")).isEqualTo("lguest\nbox\nbox\n");
        /* a path deeper than any of /proc's is still the disk's (HostileDiskTest found it) */
        assertThat(section(out, "deep")).isEqualTo("/a/b/c/d/e/f/g\n");
    }

    @Test
    void devicesAreThereWithoutADevOnTheDisk(@TempDir Path tmp) throws Exception {
        String out = run(tmp, String.join("\n",
                "echo == ls; ls -l /dev | awk '{ print $1, $5, $6, $NF }'",
                "echo == null; echo gone > /dev/null; wc -c < /dev/null",
                "echo == zero; head -c 5 /dev/zero | od -An -tx1",
                "echo == urandom; head -c 4096 /dev/urandom | od -An -tx1 | tr ' ' '\\n' | sort -u | grep -c .",
                "echo == lgba; dd if=/dev/lgba bs=1024 skip=1 count=1 2>/dev/null | od -An -tx1 -j56 -N2",
                "echo == write; echo x > /dev/lgba; echo \"status $?\"", ""));
        assertThat(section(out, "ls")).isEqualTo("total   0\ncrw--w---- 5, 1 console\nbrw-rw---- 254, 0 lgba\n"
                + "crw-rw-rw- 1, 3 null\ncrw-rw-rw- 1, 8 random\ncrw-r--r-- 252, 0 rtc\ncrw-r--r-- 252, 0 rtc0\n"
                + "crw--w---- 5, 0 tty\ncrw-rw-rw- 1, 9 urandom\n"
                + "crw-rw-rw- 1, 5 zero\n");
        assertThat(section(out, "null")).isEqualTo("0\n");
        assertThat(section(out, "zero")).isEqualTo(" 00 00 00 00 00\n");
        assertThat(Integer.parseInt(section(out, "urandom").trim())).as("distinct byte values in 4 KiB").isGreaterThan(200);
        assertThat(section(out, "lgba")).as("ext2's magic, read through /dev/lgba").isEqualTo(" 53 ef\n");
        assertThat(section(out, "write")).contains("status 1");
    }

    @Test
    void onlyTheKernelMakesNamesInProcAndDev(@TempDir Path tmp) throws Exception {
        // they went to the disk's own /dev and /proc, hidden beneath, unseen: busybox's
        // mount -o loop made /dev/loop0, 1, 2, ... until the inodes ran out (U:787)
        String out = run(tmp, String.join("\n",
                "echo == make; mkdir -p /tmp /mnt; touch /tmp/used; df -i / | tail -n 1 | awk '{ print $3 }' > /tmp/used",
                "mknod /dev/loop9 b 7 9 2>&1; mkdir /proc/x 2>&1; mkdir /proc/1 2>&1; echo hi > /tmp/f",
                "mv /tmp/f /dev/f 2>&1; cd /dev && ln -s /tmp l 2>&1; cd /",
                "dd if=/dev/zero of=/tmp/img bs=1k count=64 2>/dev/null; mount -o loop /tmp/img /mnt 2>&1; rm /tmp/img /tmp/f",
                "echo inodes in use: $(cat /tmp/used) $(df -i / | tail -n 1 | awk '{ print $3 }'); ls /dev | wc -l", ""));
        assertThat(section(out, "make")).matches("mknod: /dev/loop9: Operation not permitted\n"
                + "mkdir: can't create directory '/proc/x': No such file or directory\n"
                + "mkdir: can't create directory '/proc/1': File exists\n"
                + "mv: can't rename '/tmp/f': Operation not permitted\nln: l: Operation not permitted\n"
                + "mount: permission denied \\(are you root\\?\\)\ninodes in use: (\\d+) \\1\n9\n");
    }

    @Test
    void syslogdHearsLoggerThroughDevLog(@TempDir Path tmp) throws Exception {
        // glibc's syslog() sends to the AF_UNIX datagram socket syslogd bound as /dev/log
        // (U:877); syslogd said "socket: Address family not supported by protocol". Forty
        // lines at once are more than a socket's queue holds: the sender waits, none is lost.
        String out = run(tmp, String.join("\n",
                "syslogd -n -O /messages & sleep 0.5; logger -p local0.err -t me hello there",
                "seq 40 | logger -t many; sleep 0.5; echo == netstat; netstat -x | tail -n +3; kill $!; wait $!",
                "echo == log; grep -c many: /messages; grep -o 'local0.err me: hello there' /messages", ""));
        assertThat(section(out, "log")).isEqualTo("40\nlocal0.err me: hello there\n");
        /* /proc/net/unix lists the bound name, as Linux does */
        assertThat(section(out, "netstat")).matches("unix +2 +\\[ \\] +DGRAM +\\d+ /dev/log\n(Terminated\n)?");
    }

    /* /proc/PID/maps (U:797): each range as Linux prints it, the heap and the stack named, and
       syslogd -C's log a shared segment named by its key. */
    @Test
    void mapsListsAProcesssRanges(@TempDir Path tmp) throws Exception {
        String out = run(tmp, String.join("\n",
                "mkdir -p /tmp; syslogd -n -C16 & for i in 1 2 3 4 5 6 7 8 9 10; do logread > /dev/null 2>&1 && break; sleep 0.2; done",
                "echo == self; cat /proc/self/maps > /tmp/maps; grep -c '' /tmp/maps; grep -E '\\[(heap|stack)\\]' /tmp/maps",
                "echo == form; grep -cvE '^[0-9a-f]{8}-[0-9a-f]{8} [r-][w-][x-][ps] [0-9a-f]{8} 00:00 0( +[^ ].*)?$' /tmp/maps",
                "echo == shared; grep -o ' rw-s 00000000 00:00 0 *.*' /proc/$!/maps",
                "kill %1; wait", ""));
        assertThat(section(out, "self")).matches("\\d+\n[0-9a-f]{8}-[0-9a-f]{8} rw-p 00000000 00:00 0 {34}\\[heap\\]\n"
                + "bf800000-c0000000 rw-p 00000000 00:00 0 {34}\\[stack\\]\n");
        assertThat(section(out, "form")).isEqualTo("0\n");
        assertThat(section(out, "shared")).isEqualTo(" rw-s 00000000 00:00 0" + " ".repeat(34) + "/SYSV414e4547 (deleted)\n");
    }

    /* klogd takes the kernel's messages as they come, with syslog(SYSLOG_ACTION_READ), and
       hands them to syslogd (U:790, U:792): the call was EINVAL, and klogd exited at once.
       syslogd first: klogd's messages before /dev/log is bound would go nowhere. */
    @Test
    void klogdHandsTheKernelsMessagesToSyslogd(@TempDir Path tmp) throws Exception {
        String out = run(tmp, String.join("\n",
                "mkdir -p /tmp; syslogd -n -O /tmp/messages & sleep 0.5; klogd -n & sleep 0.5",
                "echo == log; grep -c 'kernel: lguest guest kernel' /tmp/messages; grep -o 'kern.info kernel: lgba: .*' /tmp/messages",
                "echo == dmesg; dmesg | grep -c 'lguest guest kernel'; dmesg -c > /dev/null; dmesg | wc -c",
                "kill %1 %2; wait", ""));
        assertThat(section(out, "log")).isEqualTo("1\nkern.info kernel: lgba: 16384 sectors (8192 KiB), irq 2\n");
        assertThat(section(out, "dmesg")).isEqualTo("1\n0\n");
    }

    /* sysctl reads and sets /proc/sys (U:793): "can't change directory to '/proc/sys'" before. */
    @Test
    void sysctlReadsAndSetsTheKernelsTunables(@TempDir Path tmp) throws Exception {
        String out = run(tmp, String.join("\n",
                "echo == read; sysctl kernel.ostype net.ipv4.ip_forward vm.overcommit_memory",
                "echo == set; sysctl -w kernel.hostname=guest1 kernel.domainname=lab; uname -n; cat /proc/sys/kernel/domainname",
                "echo == refused; sysctl -w net.ipv4.ip_forward=1 2>&1; echo x > /proc/sys/kernel/ostype 2>&1",
                "echo == all; sysctl -a | wc -l; cd /proc/sys/net/ipv4 && pwd && ls", ""));
        assertThat(section(out, "read")).isEqualTo("kernel.ostype = Linux\nnet.ipv4.ip_forward = 0\nvm.overcommit_memory = 1\n");
        assertThat(section(out, "set")).isEqualTo("kernel.hostname = guest1\nkernel.domainname = lab\nguest1\nlab\n");
        assertThat(section(out, "refused")).isEqualTo("sysctl: error setting key 'net.ipv4.ip_forward': Permission denied\n"
                + "/bin/sh: can't create /proc/sys/kernel/ostype: Permission denied\n");
        assertThat(section(out, "all")).isEqualTo("7\n/proc/sys/net/ipv4\nip_forward\n");
    }

    /* fdisk -l reads /proc/partitions to learn which disks there are; busybox's died of a
       SIGSEGV when the file was missing (U:784). */
    @Test
    void fdiskFindsTheDiskInProcPartitions(@TempDir Path tmp) throws Exception {
        String out = run(tmp, String.join("\n",
                "echo == partitions; cat /proc/partitions",
                "echo == fdisk; fdisk -l 2>&1 | head -n 1", ""));
        assertThat(section(out, "partitions")).isEqualTo("major minor  #blocks  name\n\n 254        0       8192 lgba\n");
        assertThat(section(out, "fdisk")).isEqualTo("Disk /dev/lgba: 8 MB, 8388608 bytes, 16384 sectors\n");
    }

    /* syslogd -C keeps its log in a System V segment guarded by semaphores, and logread,
       another process, reads it there (U:181 to U:199): ipc() was ENOSYS, so syslogd -C
       could not start and logread said "can't find syslogd buffer". logread -f sleeps in
       semop() until syslogd adds a line. */
    @Test
    void logreadReadsTheLogSyslogdKeepsInSharedMemory(@TempDir Path tmp) throws Exception {
        String out = run(tmp, String.join("\n",
                "mkdir -p /tmp; syslogd -n -C16 & for i in 1 2 3 4 5 6 7 8 9 10; do logread > /dev/null 2>&1 && break; sleep 0.2; done",
                "logread -f > /tmp/follow & sleep 0.5",
                "logger -t me one; seq 200 | logger -t many; logger -t me two; sleep 0.5",
                "echo == logread; logread | grep -c many: ; logread | grep -o 'me: .*'",
                "echo == follow; grep -c many: /tmp/follow; grep -o 'me: .*' /tmp/follow",
                "kill %1 %2; wait; echo == gone; logread 2>&1; echo status $?", ""));
        assertThat(section(out, "logread")).isEqualTo("200\nme: one\nme: two\n");
        assertThat(section(out, "follow")).isEqualTo("200\nme: one\nme: two\n");
        assertThat(section(out, "gone")).isEqualTo("logread: can't find syslogd buffer: No such file or directory\nstatus 1\n");
    }

    /* date -s and hwclock (U:262, U:263): both were ENOSYS or "can't open '/dev/misc/rtc'". */
    @Test
    void dateAndHwclockSetTheGuestsClocks(@TempDir Path tmp) throws Exception {
        String out = run(tmp, String.join("\n",
                "echo == rtc; hwclock -r -u | awk '{ print $5 }'",
                "echo == set; date -s '2030-01-02 03:04:05' > /dev/null; date -u +%Y-%m-%d; touch /stamp; date -r /stamp +%Y",
                "echo == write; hwclock -w -u; hwclock -r -u | cut -c1-24",
                "echo == back; date -s '1999-12-31 23:59:58' > /dev/null; date +%Y; hwclock -s -u; date +%Y-%m-%d",
                "echo == dev; ls -l /dev/rtc0 | awk '{ print $1, $5, $6 }'", ""));
        assertThat(section(out, "rtc")).isEqualTo(java.time.LocalDate.now(java.time.ZoneOffset.UTC).getYear() + "\n");
        assertThat(section(out, "set")).isEqualTo("2030-01-02\n2030\n");
        assertThat(section(out, "write")).isEqualTo("Wed Jan  2 03:04:05 2030\n");
        assertThat(section(out, "back")).isEqualTo("1999\n2030-01-02\n");
        assertThat(section(out, "dev")).isEqualTo("crw-r--r-- 252, 0\n");
    }

    /* adjtimex (U:268, U:269): it was ENOSYS ("adjtimex: (null): Function not implemented").
       The values an NTP daemon sets are kept and clamped as Linux does; a single-shot offset
       steps the clock at once. */
    @Test
    void adjtimexKeepsTheDisciplineAndStepsTheClock(@TempDir Path tmp) throws Exception {
        String out = run(tmp, String.join("\n",
                "echo == read; adjtimex | grep -E 'status|return value|tick'",
                "echo == set; adjtimex -q -f 6553600 -p 3; adjtimex | grep -E 'freq|timeconstant'",
                "adjtimex -q -f 99999999; adjtimex | grep freq",
                "echo == step; a=$(date +%s); adjtimex -q -o 100000000; echo $(( $(date +%s) - a ))",
                "echo == bad; adjtimex -t 20000 2>&1; echo status $?", ""));
        assertThat(section(out, "read")).isEqualTo("    status:       64 (UNSYNC)\n-t  tick:         10000 us\n"
                + "    return value: 5 (clock not synchronized)\n");
        assertThat(section(out, "set")).isEqualTo("-f  freq.adjust:  6553600 (65536 = 1ppm)\n-p  timeconstant: 7\n"
                + "-f  freq.adjust:  32768000 (65536 = 1ppm)\n");
        assertThat(section(out, "step")).matches("10[01]\n");
        assertThat(section(out, "bad")).isEqualTo("adjtimex: (null): Invalid argument\nstatus 1\n");
    }

    /* ifconfig reads the counters from /proc/net/dev; without it, it said so on every call. */
    @Test
    void interfaceCountsAsIfconfigShowsThem(@TempDir Path tmp) throws Exception {
        String out = run(tmp, String.join("\n",
                "echo == ping; ping -c 2 127.0.0.1 > /dev/null; echo \"status $?\"; echo == ifconfig;"
                        + " ifconfig lo 2>&1 | grep -E 'packets|bytes|proc'",
                "echo == netdev; tail -n +3 /proc/net/dev | awk '{ print $1, $2, $3, $10, $11 }'",
                "echo == ls; ls /proc/net; ls -d /proc/net /proc/self", ""));
        assertThat(section(out, "ping")).isEqualTo("status 0\n");
        assertThat(section(out, "ifconfig")).as("two echo requests and two replies, 84 bytes each")
                .isEqualTo("          RX packets:4 errors:0 dropped:0 overruns:0 frame:0\n"
                        + "          TX packets:4 errors:0 dropped:0 overruns:0 carrier:0\n"
                        + "          RX bytes:336 (336.0 B)  TX bytes:336 (336.0 B)\n");
        assertThat(section(out, "netdev")).as("no eth0 without a network device").isEqualTo("lo: 336 4 336 4\n");
        assertThat(section(out, "ls")).isEqualTo("arp\ndev\nraw\nroute\ntcp\nudp\nunix\n/proc/net\n/proc/self\n");
    }

    /* ttyname(): readlink of /proc/self/fd/0, then a stat of the answer compared with fstat(0). */
    @Test
    void ttyNamesTheConsoleWhenItIsATerminal(@TempDir Path tmp) throws Exception {
        Path img = RootBootTest.bareRoot(tmp, 4096);
        RootBootTest.Boot b = RootBootTest.boot("tty\nexit\n", true, "--block=" + img, "root=/dev/lgba",
                "init=/bin/sh", "quiet");
        assertThat(b.out()).contains("/dev/console\r\n");
        b = RootBootTest.boot("tty\n", false, "--block=" + img, "root=/dev/lgba", "init=/bin/sh", "quiet");
        assertThat(b.out()).isEqualTo("not a tty\n");
    }
}
