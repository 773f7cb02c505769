# SPDX-License-Identifier: ISC
#
# hcp: plain make.  Sources are found by wildcard: src/*.c goes into
# libhcp.a (src/render*.c into librender.a, linked only into the tools
# that draw), cmd/hcp*.c are the tools, tests/unit/*.c the unit tests.
#
#   make            build everything into $(O)/
#   make check      install missing Debian packages, build, run the tests
#   make demo       install missing Debian packages, run the sample station
#   make check SANITIZE=1   the same tests under ASan+UBSan (in build-asan/)

VERSION = 0.2.0

PREFIX = /usr/local
BINDIR = $(PREFIX)/bin
MANPREFIX = $(PREFIX)/share/man
DATADIR = $(PREFIX)/share/hcp
LOCALEDIR = $(PREFIX)/share/locale
COMPLETIONDIR = $(PREFIX)/share/bash-completion/completions
DESTDIR =

PKG_CONFIG = pkg-config
PROVE = prove

SANITIZE =
O = build
OPT = -O2 -g
ifeq ($(SANITIZE),1)
O = build-asan
SANFLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
# Unoptimised, so that what a tool still holds when it exits on an error
# (errx) stays in a live frame, where LeakSanitizer finds it on every
# run: at -O2 a pointer no longer used after a noreturn call may be left
# in a register that is overwritten or not, and one run passes where the
# next reports a leak.
OPT = -O0 -g
endif

LIB_PC = sqlite3 zlib libqrencode libcrypto libgcrypt libarchive expat \
	xlsxwriter libpq
DRAW_PC = pangocairo cairo
DRAW_TOOLS = hcp-qr hcp-form hcp-review hcp-report hcp-scan
# Reading scans (src/scan*.c, libscan.a): linked only into hcp-scan.
SCAN_PC = lept poppler-glib zbar
SCAN_TOOLS = hcp-scan

WARNINGS = -Wall -Wextra -Wpedantic -Wformat=2 -Wstrict-prototypes \
	-Wmissing-prototypes -Wshadow -Wvla -Wwrite-strings

# The user's CFLAGS, CPPFLAGS and LDFLAGS are appended, never replaced.
HCP_CPPFLAGS = -D_GNU_SOURCE -Isrc \
	-DHCP_VERSION='"$(VERSION)"' -DHCP_DATADIR='"$(DATADIR)"' \
	-DHCP_LOCALEDIR='"$(LOCALEDIR)"'
HCP_CFLAGS = -std=c11 $(OPT) $(WARNINGS) $(SANFLAGS) -pthread \
	$(shell $(PKG_CONFIG) --cflags $(LIB_PC))
DRAW_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(DRAW_PC))
HCP_LDFLAGS = $(SANFLAGS) -pthread
LIB_LIBS = $(shell $(PKG_CONFIG) --libs $(LIB_PC)) -lcsv -lm
DRAW_LIBS = $(shell $(PKG_CONFIG) --libs $(DRAW_PC))
SCAN_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(SCAN_PC))
SCAN_LIBS = $(shell $(PKG_CONFIG) --libs $(SCAN_PC))

ALL_CPPFLAGS = $(HCP_CPPFLAGS) $(CPPFLAGS)
ALL_CFLAGS = $(HCP_CFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(HCP_LDFLAGS) $(LDFLAGS)

DRAW_SRC = $(wildcard src/render*.c)
SCAN_SRC = $(wildcard src/scan*.c)
LIB_SRC = $(filter-out $(DRAW_SRC) $(SCAN_SRC),$(wildcard src/*.c))
CMD_SRC = $(wildcard cmd/hcp*.c)
UNIT_SRC = $(wildcard tests/unit/*.c)
FUZZ_SRC = $(wildcard tests/fuzz/*.c)
TOOLS = $(patsubst cmd/%.c,%,$(CMD_SRC))
PLAIN_TOOLS = $(filter-out $(DRAW_TOOLS),$(TOOLS))
HAVE_DRAW_TOOLS = $(filter-out $(SCAN_TOOLS),$(filter $(DRAW_TOOLS),$(TOOLS)))
HAVE_SCAN_TOOLS = $(filter $(SCAN_TOOLS),$(TOOLS))
MANPAGES = $(wildcard man/*.[1-8])
PO = $(wildcard share/po/*.po)
MO = $(patsubst share/po/%.po,share/locale/%/LC_MESSAGES/hcp.mo,$(PO))

LIB = $(O)/libhcp.a
DRAWLIB = $(O)/librender.a
BINS = $(addprefix $(O)/bin/,$(TOOLS))
UNITS = $(patsubst tests/unit/%.c,$(O)/unit/%,$(UNIT_SRC))
LIB_OBJ = $(patsubst src/%.c,$(O)/src/%.o,$(LIB_SRC))
DRAW_OBJ = $(patsubst src/%.c,$(O)/src/%.o,$(DRAW_SRC))
SCANLIB = $(O)/libscan.a
SCAN_OBJ = $(patsubst src/%.c,$(O)/src/%.o,$(SCAN_SRC))
# The test corpus generator (tests/scan/*.c), not a tool.
SCANGEN_SRC = $(wildcard tests/scan/*.c)
SCANGEN = $(patsubst tests/scan/%.c,$(O)/scan/%,$(SCANGEN_SRC))

# Debian packages the build, the tests and the demo need.
DEBS = build-essential pkg-config libsqlite3-dev libcsv-dev zlib1g-dev \
	libqrencode-dev libpango1.0-dev libcairo2-dev fonts-wqy-microhei \
	libssl-dev libgcrypt20-dev libarchive-dev gettext poppler-utils \
	zbar-tools mandoc sqlite3 locales qrencode clang curl nginx-light \
	libnginx-mod-http-dav-ext libexpat1-dev libxlsxwriter-dev postgresql \
	libpq-dev libleptonica-dev libpoppler-glib-dev libzbar-dev \
	python3-openpyxl debhelper dpkg-dev fakeroot

.PHONY: all check test check-build demo deps install uninstall clean lint \
	format bench po fuzz deb tools FORCE
.SUFFIXES:

all: $(BINS) $(UNITS) $(MO) $(SCANGEN)

# What is installed: the tools and the message catalogues (no unit tests).
tools: $(BINS) $(MO)

# The paths compiled into the tools, recorded: a build with another
# PREFIX, DATADIR or LOCALEDIR rewrites the file, and what uses them is
# compiled again (make install PREFIX=/usr after make with the default).
$(O)/build.conf: FORCE
	@mkdir -p $(@D)
	@printf 'VERSION=%s\nDATADIR=%s\nLOCALEDIR=%s\n' '$(VERSION)' \
		'$(DATADIR)' '$(LOCALEDIR)' >$@.new
	@if cmp -s $@.new $@; then rm -f $@.new; else mv -f $@.new $@; fi

$(O)/src/cli.o: $(O)/build.conf

FORCE:

$(O)/src/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(DRAW_CFLAGS) -MMD -MP -c -o $@ $<

$(O)/src/scan%.o: src/scan%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(DRAW_CFLAGS) $(SCAN_CFLAGS) \
		-MMD -MP -c -o $@ $<

$(O)/cmd/%.o: cmd/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(DRAW_CFLAGS) -MMD -MP -c -o $@ $<

$(O)/unit/%.o: tests/unit/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(DRAW_CFLAGS) -Itests/unit \
		-MMD -MP -c -o $@ $<

$(LIB): $(LIB_OBJ)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $(LIB_OBJ)

$(DRAWLIB): $(DRAW_OBJ) $(LIB)
	rm -f $@
	$(AR) rcs $@ $(DRAW_OBJ)

$(addprefix $(O)/bin/,$(PLAIN_TOOLS)): $(O)/bin/%: $(O)/cmd/%.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(LIB_LIBS)

$(addprefix $(O)/bin/,$(HAVE_DRAW_TOOLS)): $(O)/bin/%: $(O)/cmd/%.o $(DRAWLIB) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(DRAWLIB) $(LIB) $(DRAW_LIBS) $(LIB_LIBS)

$(SCANLIB): $(SCAN_OBJ) $(LIB)
	rm -f $@
	$(AR) rcs $@ $(SCAN_OBJ)

$(addprefix $(O)/bin/,$(HAVE_SCAN_TOOLS)): $(O)/bin/%: $(O)/cmd/%.o $(SCANLIB) $(DRAWLIB) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(SCANLIB) $(DRAWLIB) $(LIB) $(SCAN_LIBS) \
		$(DRAW_LIBS) $(LIB_LIBS)

$(O)/scan/%: tests/scan/%.c $(SCANLIB) $(DRAWLIB) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(DRAW_CFLAGS) $(SCAN_CFLAGS) \
		$(ALL_LDFLAGS) -o $@ $< $(SCANLIB) $(DRAWLIB) $(LIB) \
		$(SCAN_LIBS) $(DRAW_LIBS) $(LIB_LIBS)

$(O)/unit/%: $(O)/unit/%.o $(DRAWLIB) $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(DRAWLIB) $(LIB) $(DRAW_LIBS) $(LIB_LIBS)

share/locale/%/LC_MESSAGES/hcp.mo: share/po/%.po
	@mkdir -p $(@D)
	msgfmt --check -o $@ $<

-include $(wildcard $(O)/*/*.d)

# make check: the whole set-up on a fresh Debian machine, then the tests.
check: deps
	+$(MAKE) test

test: all
	PATH="$(CURDIR)/$(O)/bin:$$PATH" HCP_DATADIR="$(CURDIR)/share" \
	HCP_BUILD="$(CURDIR)/$(O)" HCP_SRC="$(CURDIR)" HCP_SANITIZE="$(SANITIZE)" \
		$(PROVE) -j2 $(UNITS) tests/t*.t

demo: deps
	+$(MAKE) all
	PATH="$(CURDIR)/$(O)/bin:$$PATH" HCP_DATADIR="$(CURDIR)/share" \
		sh share/examples/demo.sh $(O)/demo

bench: all
	PATH="$(CURDIR)/$(O)/bin:$$PATH" HCP_DATADIR="$(CURDIR)/share" \
		sh tests/bench/run.sh $(O)/bench

# Installs the Debian packages that are missing; runs apt-get update once.
# A service a package brings (nginx, which the upload test runs on its
# own, on 127.0.0.1, from a configuration in a temporary directory;
# postgresql, whose servers the intake tests start as an unprivileged
# user in a temporary directory) is
# neither started (policy-rc.d for the time of the install, when the
# system has none) nor left enabled when this installed it.
SERVICES = nginx postgresql
deps:
	@missing=; for p in $(DEBS); do \
		dpkg-query -W -f='$${Status}\n' "$$p" 2>/dev/null | \
		grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		policy=; if [ ! -e /usr/sbin/policy-rc.d ]; then \
			printf '#!/bin/sh\nexit 101\n' | \
			$$SUDO tee /usr/sbin/policy-rc.d >/dev/null && \
			$$SUDO chmod 755 /usr/sbin/policy-rc.d && policy=1; \
		fi; \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
			--no-install-recommends $$missing >/dev/null; rc=$$?; \
		[ -z "$$policy" ] || $$SUDO rm -f /usr/sbin/policy-rc.d; \
		for s in $(SERVICES); do \
			case "$$missing " in *" $$s"[-\ ]*) \
			if command -v systemctl >/dev/null && \
			    [ -d /run/systemd/system ]; then \
				$$SUDO systemctl disable --now "$$s" \
					>/dev/null 2>&1; \
			fi; \
			$$SUDO update-rc.d "$$s" disable >/dev/null 2>&1; \
			esac; \
		done; \
		[ $$rc = 0 ] || exit $$rc; \
	fi
	@if ! locale -a 2>/dev/null | grep -qi '^zh_CN\.utf-\?8$$'; then \
		SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		echo "generating locale zh_CN.UTF-8"; \
		$$SUDO sh -c 'grep -q "^zh_CN.UTF-8" /etc/locale.gen || \
			echo "zh_CN.UTF-8 UTF-8" >>/etc/locale.gen; \
			locale-gen >/dev/null'; \
	fi

install: tools
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANPREFIX)/man1 \
		$(DESTDIR)$(MANPREFIX)/man5 $(DESTDIR)$(MANPREFIX)/man7 \
		$(DESTDIR)$(DATADIR)
	cp -f $(BINS) $(DESTDIR)$(BINDIR)/
	for m in $(MANPAGES); do \
		s=$${m##*.}; cp -f $$m $(DESTDIR)$(MANPREFIX)/man$$s/; done
	for d in schema intake forms sample examples; do \
		[ -d share/$$d ] && cp -Rf share/$$d $(DESTDIR)$(DATADIR)/; \
	done; true
	for mo in $(MO); do \
		l=$${mo#share/locale/}; mkdir -p $(DESTDIR)$(LOCALEDIR)/$${l%/*}; \
		cp -f $$mo $(DESTDIR)$(LOCALEDIR)/$$l; done
	mkdir -p $(DESTDIR)$(COMPLETIONDIR)
	cp -f share/completion/hcp $(DESTDIR)$(COMPLETIONDIR)/hcp
	for t in $(filter-out hcp,$(TOOLS)); do \
		ln -sf hcp $(DESTDIR)$(COMPLETIONDIR)/$$t; done

uninstall:
	for t in $(TOOLS); do rm -f $(DESTDIR)$(BINDIR)/$$t; done
	for m in $(MANPAGES); do \
		s=$${m##*.}; rm -f $(DESTDIR)$(MANPREFIX)/man$$s/$${m#man/}; done
	rm -rf $(DESTDIR)$(DATADIR)
	for mo in $(MO); do rm -f $(DESTDIR)$(LOCALEDIR)/$${mo#share/locale/}; done
	for t in $(TOOLS); do rm -f $(DESTDIR)$(COMPLETIONDIR)/$$t; done

clean:
	rm -rf build build-asan build-clang build-fuzz share/locale

# A Debian package, built from a copy of the tree in $(O)/deb so that
# nothing is written beside the source: $(O)/deb/hcp_VERSION_ARCH.deb.
# The tests are "make check"'s, not the package build's (nocheck); the
# tools compile in parallel.  DEB_OPTIONS="nocheck parallel=2
# noautodbgsym" leaves out the -dbgsym package (tests/t0611 does).
DEB_OPTIONS = nocheck parallel=2
deb:
	rm -rf $(O)/deb && mkdir -p $(O)/deb/hcp-$(VERSION)
	git ls-files -z | xargs -0 cp --parents -t $(O)/deb/hcp-$(VERSION)
	cd $(O)/deb/hcp-$(VERSION) && \
		DEB_BUILD_OPTIONS="$(DEB_OPTIONS)" dpkg-buildpackage -us -uc \
		-b -rfakeroot >../build.log 2>&1 || \
		{ tail -n 30 ../build.log; exit 1; }
	@ls $(O)/deb/*.deb

# Fuzz harnesses (libFuzzer, clang): make fuzz FUZZTIME=60 runs each.
FUZZTIME = 30
FUZZ_CFLAGS = -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined
fuzz:
	@mkdir -p build-fuzz
	for f in $(FUZZ_SRC); do \
		n=$$(basename $$f .c); \
		clang $(HCP_CPPFLAGS) $(FUZZ_CFLAGS) $(DRAW_CFLAGS) \
			$(SCAN_CFLAGS) \
			$(shell $(PKG_CONFIG) --cflags $(LIB_PC)) \
			-o build-fuzz/$$n $$f $(LIB_SRC) $(SCAN_SRC) $(DRAW_SRC) \
			$(SCAN_LIBS) $(DRAW_LIBS) $(LIB_LIBS) || exit 1; \
		mkdir -p build-fuzz/$$n.corpus; \
		if [ -f tests/fuzz/$$n.seeds ]; then \
			sh tests/fuzz/$$n.seeds build-fuzz/$$n.corpus || exit 1; \
		fi; \
		build-fuzz/$$n -max_total_time=$(FUZZTIME) \
			build-fuzz/$$n.corpus || exit 1; \
	done

# Refreshes share/po/hcp.pot from the sources and merges it into every
# translation; new or changed messages then show as untranslated or fuzzy.
po:
	xgettext --from-code=UTF-8 --language=C -k_ -kN_ --add-comments=TRANSLATORS \
		--package-name=hcp --package-version=$(VERSION) \
		--msgid-bugs-address= --sort-by-file -o share/po/hcp.pot \
		$(sort $(LIB_SRC) $(DRAW_SRC) $(CMD_SRC))
	for po in $(PO); do msgmerge -q --update --backup=none $$po share/po/hcp.pot; done

# .clang-format is KNF as near as clang-format gets (it cannot keep the
# tab-aligned comments of style(9)), so only the lines changed since the
# last commit are checked and formatted, never the whole tree.
CLANG_FORMAT_FILES = --extensions c,h HEAD -- src cmd tests/unit

lint:
	mandoc -Tlint -Wwarning $(MANPAGES)
	@out=$$(git clang-format --diff $(CLANG_FORMAT_FILES)); \
	case "$$out" in \
	"no modified files"*|*"did not modify"*) ;; \
	*) printf '%s\n' "$$out"; exit 1 ;; \
	esac

format:
	git clang-format $(CLANG_FORMAT_FILES)
