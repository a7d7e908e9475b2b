# lguest in Java.  `make run` boots the default guest; `make test` runs every test;
# `make Preparation!` (and Guest, Drivers, Launcher, Host, Switcher, Mastery, Silicon)
# prints one part of the Quest; `make Beer` prints all of it; `make docs` renders the site.

MVN     ?= mvn -B -q
QUEST   := java extract-tool/Quest.java
PARTS   := Preparation Guest Drivers Launcher Host Switcher Mastery Silicon
SITESRC := target/quest-src

.PHONY: all build guest run test docs clean bench bench-cpu Beer $(PARTS)

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

# Until there is a guest to boot, running the project means reading its first part.
run: build
	@$(QUEST) Preparation

# ---- tests -------------------------------------------------------------------
# The site is rendered first, because one of the tests opens it in a real browser.
test: docs guest
	@$(MAKE) -s -C src/guest O=$(CURDIR)/target/guest check selftest
	$(MVN) test -Dquest.site=$(CURDIR)/target/docs-site

# ---- the site ------------------------------------------------------------------
docs:
	@rm -rf $(SITESRC) target/docs-site
	@mkdir -p $(SITESRC)
	@cp docs-site/*.adoc docs-site/docinfo.html chapters/*.adoc $(SITESRC)/
	@$(QUEST) --adoc $(SITESRC)
	$(MVN) -Pdocs generate-resources
	@test -f target/docs-site/index.html && echo "Quest site: target/docs-site/index.html"

# ---- benchmarks ------------------------------------------------------------------
bench: bench-cpu

bench-cpu: build
	bash bench/cpu.sh

clean:
	$(MVN) clean
