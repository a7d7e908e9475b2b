# lguest in Java.  `make run` boots the Guest from its root disk (`make demo` shows its
# roll-call instead); `make test` runs every test;
# `make Preparation!` (and Guest, Drivers, Launcher, Host, Switcher, Mastery, Silicon, Unix)
# prints one part of the Quest; `make Beer` prints all of it; `make docs` renders the site.

MVN     ?= mvn -B -q -Dstyle.color=never
QUEST   := java extract-tool/Quest.java
PARTS   := Preparation Guest Drivers Launcher Host Switcher Mastery Silicon Unix
SITESRC := target/quest-src

# Each of run, test and bench first makes sure the machine can do it (bin/setup:
# installs what a fresh Debian lacks, or says in one line what to run).
.PHONY: setup-run setup-test setup-bench all build guest busybox rootfs shell demo run test docs clean bench bench-cpu bench-guest bench-net Beer $(PARTS) \
	labs lab grade lab-reset

all: build

# ---- the Quest ---------------------------------------------------------------
# As in lguest, "Preparation!" is the way in.  GNU make is happy with the "!".
Preparation!: Preparation

$(PARTS):
	@$(QUEST) $@

Beer:
	@$(QUEST) --beer

# ---- building and running ------------------------------------------------------
build: guest
	$(MVN) compile

# The Guest kernel (and the hostile guests the tests throw at the Host), in C.
guest:
	@if [ -f src/guest/Makefile ]; then $(MAKE) -s -C src/guest O=$(CURDIR)/target/guest; fi

# The demonstration: the Guest kernel with no initrd and no root= runs a
# roll-call (G:702) with a small ext2 disk as /dev/lgba.  The Guest prints a
# CRC-32 of the disk's first 16 sectors; the last line is the same sum computed
# here on the host, for you to compare.
DISK   := target/guest/disk.img
MKE2FS ?= $(firstword $(wildcard /sbin/mke2fs /usr/sbin/mke2fs) mke2fs)

$(DISK):
	@mkdir -p $(dir $@)
	@rm -f $@
	@$(MKE2FS) -q -t ext2 -L lgba -d chapters -F $@ 1024 >/dev/null
	@echo "made $@ (1 MiB ext2, holding the chapter frames of the Quest)"

setup-run setup-test setup-bench:
	@bin/setup $(@:setup-%=%)

demo: setup-run build $(DISK)
	bin/lguest 64m target/guest/kernel --block=$(DISK) --stats hello from make demo
	@printf 'host: crc32(sectors 0-15) = %s\n' \
	  "$$(head -c 8192 $(DISK) | gzip -c | tail -c 8 | od -An -tx4 -N4 | tr -d ' ')"

# Debian's unmodified static i386 busybox, the Guest's first real program (see
# BusyboxTest).  The .deb is kept beside it and reused; apt-get needs the i386
# architecture in dpkg, which bin/setup test adds.
BUSYBOX := target/busybox/busybox

busybox: $(BUSYBOX)

$(BUSYBOX): | setup-test
	@mkdir -p $(dir $@)
	@set -e; cd $(dir $@); \
	deb=$$(ls busybox-static_*_i386.deb 2>/dev/null | head -n 1); \
	if [ -z "$$deb" ]; then \
	  apt-get download busybox-static:i386 >/dev/null 2>apt.log || { cat apt.log >&2; \
	    echo "busybox: cannot download busybox-static:i386 (dpkg --add-architecture i386; apt-get update)" >&2; \
	    exit 1; }; \
	  deb=$$(ls busybox-static_*_i386.deb | head -n 1); \
	fi; \
	rm -rf x; dpkg-deb -x "$$deb" x; cp x/bin/busybox busybox.new; rm -rf x apt.log; mv busybox.new busybox
	@echo "made $@ from $$(cd $(dir $@) && ls busybox-static_*_i386.deb | head -n 1)"

# A root file system for busybox, to boot from (make run) or to mount beside an
# initrd (make shell): /bin/busybox with a link for every applet where Debian
# puts it (/bin, /sbin, /usr/bin, /usr/sbin), busybox init's /etc/inittab and
# /etc/init.d/rcS, empty /proc, /dev, /tmp and /root, and the chapters of the
# Quest to read in /usr/share/quest.  src/guest/rootfs/ holds the files of /etc.
ROOTFS := target/guest/root.img
ROOTDIR := target/guest/rootfs

$(ROOTFS): $(BUSYBOX) $(wildcard src/guest/rootfs/etc/* src/guest/rootfs/etc/*/*)
	@rm -rf $(ROOTDIR) && mkdir -p $(ROOTDIR)/bin $(ROOTDIR)/sbin $(ROOTDIR)/usr/bin \
	  $(ROOTDIR)/usr/sbin $(ROOTDIR)/proc $(ROOTDIR)/dev $(ROOTDIR)/tmp $(ROOTDIR)/root \
	  $(ROOTDIR)/mnt $(ROOTDIR)/usr/share/quest
	@cp $(BUSYBOX) $(ROOTDIR)/bin/busybox
	@for a in $$($(BUSYBOX) --list-full); do [ "$$a" = bin/busybox ] || ln -sf /bin/busybox $(ROOTDIR)/$$a; done
	@cp -r src/guest/rootfs/etc $(ROOTDIR)/
	@chmod 755 $(ROOTDIR)/etc/init.d/rcS $(ROOTDIR)/etc/init.d/console $(ROOTDIR)/etc/udhcpc/default.script \
	  && chmod 1777 $(ROOTDIR)/tmp
	@cp chapters/*.adoc $(ROOTDIR)/usr/share/quest/
	@rm -f $@
	@$(MKE2FS) -q -t ext2 -L root -d $(ROOTDIR) -F $@ 16384 >/dev/null
	@echo "made $@ (16 MiB ext2: busybox, its applets, init and its /etc)"

rootfs: $(ROOTFS)

# The system: boot from the root disk of `make rootfs` as Linux does
# (root=/dev/lgba, U:760), with busybox init, its inittab and rcS.  A terminal
# gets an interactive login shell; piped commands are run by that shell
# instead.  Either way, when the shell ends, init powers the Guest off and
# the Launcher exits with status 0.  The kernel is quiet: dmesg has its lines.
run: setup-run build $(ROOTFS)
	@bin/lguest 64m target/guest/kernel --block=$(ROOTFS) root=/dev/lgba quiet

# An interactive busybox shell on the root disk, for a human at a terminal: the
# Launcher sees its input is a terminal and the Guest's console becomes a tty
# with echo, line editing and ^C (U:800).  Leave with exit or ^D.
shell: setup-run build $(ROOTFS)
	bin/lguest 64m target/guest/kernel --initrd=$(BUSYBOX) --block=$(ROOTFS) quiet -- sh -i

# ---- tests -------------------------------------------------------------------
# The site is rendered first, because one of the tests opens it in a real browser.
test: setup-test docs guest busybox rootfs
	@$(MAKE) -s -C src/guest O=$(CURDIR)/target/guest check selftest
	$(MVN) test -Dlguest.strict=true -Dquest.site=$(CURDIR)/target/docs-site -Dlguest.guest.dir=$(CURDIR)/target/guest

# ---- attacking ourselves ----------------------------------------------------------
# `make fuzz` runs every *FuzzTest for longer than `make test` does: SEEDS seeds each,
# from SEED, starting no new seed after SECONDS seconds (the hypercall fuzzer runs two
# at a time beside a healthy companion; see HypercallFuzzTest).  `make stress` keeps
# 16 guests in one JVM and separate bin/lguest processes busy with busybox for MINUTES.
.PHONY: fuzz stress third-party
SEEDS   ?= 400
SECONDS ?= 1200
SEED    ?= 1
MINUTES ?= 3
FUZZ_PROPS := -Dfuzz.seeds=$(SEEDS) -Dfuzz.seconds=$(SECONDS) -Dfuzz.seed=$(SEED)
# These run for as long as they are told to: the hang watchdog and fork timeout of `make test` stay out.
LONG_PROPS := -Dlguest.watchdog.seconds=0 -Dlguest.fork.timeout=0

fuzz: setup-test guest busybox
	$(MVN) test -Dtest='*FuzzTest' -Dsurefire.failIfNoSpecifiedTests=false -Dlguest.strict=true \
	  -Dlguest.guest.dir=$(CURDIR)/target/guest $(FUZZ_PROPS) $(LONG_PROPS)

stress: setup-test guest busybox
	$(MVN) test -Dtest=StressTest -Dsurefire.failIfNoSpecifiedTests=false -Dlguest.strict=true \
	  -Dlguest.guest.dir=$(CURDIR)/target/guest -Dstress.minutes=$(MINUTES) $(LONG_PROPS)

# `make third-party`: QEMU's and valgrind's x86 test programs, natively and in a Guest on
# both back ends, outputs compared (src/test/third-party/run.sh says which and why).
third-party: setup-test guest
	bash src/test/third-party/run.sh

# ---- labs (Mastery) -------------------------------------------------------------
# `make lab NAME` takes the lab's code out of the tree, `make grade NAME` marks
# your answer, `make lab-reset NAME` puts the original back; `make labs` lists
# them.  The word after lab/grade/lab-reset is the lab's name, not a target.
LABS := java labs/Labs.java
ifneq ($(filter lab grade lab-reset,$(firstword $(MAKECMDGOALS))),)
LAB := $(word 2,$(MAKECMDGOALS))
ifneq ($(LAB),)
$(eval $(LAB):;@:)
endif
endif

labs:
	@$(LABS) list

lab:
	@$(LABS) lab $(LAB)

lab-reset:
	@$(LABS) reset $(LAB)

# The grader runs on what you wrote: the Guest kernel is rebuilt (always: a
# kernel left stubbed by another lab would fail this one's grader), the Java is
# compiled, then the grader prints each test and a score.
grade:
	@$(LABS) get $(LAB) grader >/dev/null
	@$(MAKE) -s guest
	@$(MVN) test-compile
	@java -Xss16m -cp target/test-classes:target/classes:$$(cat target/test-classpath.txt) \
	  -Dlguest.root=$(CURDIR) -Dlguest.guest.dir=$(CURDIR)/target/guest lguest.labs.GradeRunner $(LAB)

# ---- the site ------------------------------------------------------------------
# The figures are PlantUML sources in docs-site/figures, drawn at render time by
# Asciidoctor Diagram, all in Java and offline; the map of the address spaces is
# written first, by lguest.tools.AddressSpaceFigure, from the Guest of `make demo`
# (the same kernel and disk) booted for the purpose (H:720).
docs: build $(DISK)
	@rm -rf $(SITESRC) target/docs-site
	@mkdir -p $(SITESRC)/figures
	@cp docs-site/*.adoc docs-site/docinfo.html chapters/*.adoc $(SITESRC)/
	@cp docs-site/figures/*.puml $(SITESRC)/figures/
	@$(QUEST) --adoc $(SITESRC)
	@java -XX:+UseSerialGC -Xss16m -cp target/classes lguest.tools.AddressSpaceFigure \
	  $(SITESRC)/figures/address-spaces.puml 64m target/guest/kernel --block=$(DISK) hello from make run
	$(MVN) -Pdocs generate-resources
	@test -f target/docs-site/index.html && echo "Quest site: target/docs-site/index.html"

# ---- benchmarks ------------------------------------------------------------------
bench: setup-bench build busybox
	bash bench/all.sh

bench-cpu: setup-bench build
	bash bench/cpu.sh

# Busybox inside a whole lguest guest, beside qemu-i386 and native.
bench-guest: setup-bench build busybox
	bash bench/guest.sh

# TCP between two guests on --sharenet, beside the same over this machine's loopback.
bench-net: setup-bench build busybox
	bash bench/net.sh

clean:
	$(MVN) clean
