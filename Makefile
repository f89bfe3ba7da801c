# lispd-bpf build. Everything lands in $(BUILD) (default: build/, ignored by git).
#
#   make              BPF objects, skeletons, liblispd.a, programs
#   make check        unit, interop and wire (tshark) tests, BPF and netns tests
#   make check-layers every #include inside its part's layers (scripts/check-layers.sh)
#   make check-asan   unit and interop tests under AddressSanitizer + UBSan
#   make check-asan-e2e  lispd, lispd-bpf, lig under ASan + UBSan through some e2e tests
#   make check-asan-e2e-all  the same through every e2e test (long; not in CI)
#   make fuzz         libFuzzer targets, each for FUZZ_SECONDS (default 60)
#   make fuzz-smoke   the same, FUZZ_SMOKE_SECONDS (default 10) each; fails on a crash
#   make bench        data-plane timings in BPF_PROG_TEST_RUN, namespace throughput and
#                     handover outage over 20 moves, soft (make-before-break) handover
#                     between two interfaces over 10 (root), Map-Server scale
#                     (10 vs 50000 sites; BENCH_MS=0 skips it), ITR map-cache scale
#                     (10 vs 16384 entries; BENCH_MC=0 skips it)
#                     -> build/bench/results.txt
#   make vmtest KERNEL=6.1   BPF tests + one end-to-end scenario in a VM with that kernel
#                     (6.1, 6.12, a version under build/vm/kernels/ or an unpacked
#                     kernel package directory; vng when installed, else QEMU/TCG)
#   make vmtest-full KERNEL=...  unit, BPF and end-to-end tests in the VM
#   make vmtest-matrix  vmtest for each of VM_KERNELS (6.1 6.12; the e2e scenario only on
#                     VM_SMOKE_KERNELS, 6.1), then tests/vm/test_*.sh
#                     (5.10: a too-old kernel gives a named error)
#   make deps         install the Debian 12 packages (as root; quiet when all is there)
#   make vmlinux      regenerate vmlinux.h from the running kernel's BTF
#   make install      PREFIX (/usr/local) and DESTDIR honoured; the systemd unit goes to
#                     SYSTEMD_UNIT_DIR ($(PREFIX)/lib/systemd/system)

BUILD ?= build
PREFIX ?= /usr/local
DESTDIR ?=
CC ?= gcc
CLANG ?= clang
BPFTOOL ?= bpftool
PKG_CONFIG ?= pkg-config

PKGS := libbpf libconfuse libnl-3.0 libnl-route-3.0 openssl
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wno-missing-field-initializers
CFLAGS ?= -O2 -g
# What each part may include (docs/ARCHITECTURE.md): a header outside its
# part's paths does not compile. scripts/check-layers.sh (make check-layers)
# checks what paths cannot say: roles never include each other, the core no
# role, and no relative path goes around the rule.
INC_lib := -Ilib -Ibpf -I$(BUILD)/skel
INC_ctl := -Ilib -Ictl
INC_tools := -Ilib
INC_tests := -Ilib -Ictl -Ibpf -I$(BUILD)/skel
INC = $(INC_tests)
$(BUILD)/obj/lib/%.o: INC = $(INC_lib)
$(BUILD)/obj/ctl/%.o: INC = $(INC_ctl)
$(BUILD)/obj/tools/%.o: INC = $(INC_tools)
ALL_CFLAGS = -std=gnu11 $(WARN) $(CFLAGS) $(EXTRA_CFLAGS) -D_GNU_SOURCE \
	$(INC) $(PKG_CFLAGS) -MMD -MP
ALL_LDFLAGS := $(LDFLAGS) $(EXTRA_LDFLAGS)

ARCH := $(shell uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/')
BPF_CFLAGS := -O2 -g -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror -Ibpf -I. \
	-fno-stack-protector

# ---- sources ---------------------------------------------------------------
LIB_SRCS := $(sort $(wildcard lib/*.c))
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
LIB_A := $(BUILD)/liblispd.a

BPF_SRCS := $(sort $(wildcard bpf/*.bpf.c))
BPF_OBJS := $(BPF_SRCS:bpf/%.bpf.c=$(BUILD)/bpf/%.bpf.o)
SKELS := $(BPF_SRCS:bpf/%.bpf.c=$(BUILD)/skel/%.skel.h)

# Programs: ctl/ builds lispd; each tools/<name>/ with C files builds <name>.
# Code shared by several programs lives in lib/ (no daemon, no CLI) or in
# ctl/core (daemon only).
CTL_SRCS := $(sort $(shell find ctl -name '*.c' 2>/dev/null))
CTL_MAIN := ctl/lispd_main.c
# Everything of lispd but main() goes into libctl.a, so unit tests can link it.
CTL_LIB_SRCS := $(filter-out $(CTL_MAIN),$(CTL_SRCS))
CTL_A := $(BUILD)/libctl.a
TOOL_DIRS := $(sort $(patsubst %/,%,$(dir $(wildcard tools/*/*.c))))
TOOLS := $(notdir $(TOOL_DIRS))
SBIN_PROGS := $(if $(CTL_SRCS),$(BUILD)/lispd) $(filter $(BUILD)/lispd-bpf,$(TOOLS:%=$(BUILD)/%))
BIN_PROGS := $(filter-out $(BUILD)/lispd-bpf,$(TOOLS:%=$(BUILD)/%))
PROGS := $(SBIN_PROGS) $(BIN_PROGS)

TEST_COMMON_SRCS := $(sort $(wildcard tests/common/*.c))
TEST_COMMON_OBJS := $(TEST_COMMON_SRCS:%.c=$(BUILD)/obj/%.o)
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

FUZZ_SRCS := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS := $(FUZZ_SRCS:tests/fuzz/%.c=$(BUILD)/fuzz/%)
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 10

.PHONY: all lib bpf progs tests check check-layers check-unit check-asan check-asan-e2e check-asan-e2e-all fuzz fuzz-build fuzz-smoke \
	bench deps vmlinux install uninstall clean vmtest vmtest-full vmtest-matrix
.DEFAULT_GOAL := all
# Keep intermediate objects (fuzz library objects would be rebuilt every run).
.SECONDARY:

all: bpf lib progs tests

lib: $(LIB_A)
bpf: $(BPF_OBJS) $(SKELS)
progs: $(PROGS)
# bench_ms and bench_mapcache need no root: built with the tests so -Werror
# sees them every time.
tests: $(UNIT_BINS) $(BUILD)/bench/bench_ms $(BUILD)/bench/bench_mapcache $(BUILD)/tests/missflood

$(BUILD)/obj/%.o: %.c | $(SKELS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(LIB_A): $(LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/bpf/%.bpf.o: bpf/%.bpf.c vmlinux.h $(wildcard bpf/*.h bpf/lib/*.h)
	@mkdir -p $(@D)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/skel/%.skel.h: $(BUILD)/bpf/%.bpf.o
	@mkdir -p $(@D)
	$(BPFTOOL) gen skeleton $< name $(subst -,_,$*) > $@.tmp
	mv $@.tmp $@

$(CTL_A): $(CTL_LIB_SRCS:%.c=$(BUILD)/obj/%.o)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/lispd: $(CTL_MAIN:%.c=$(BUILD)/obj/%.o) $(CTL_A) $(LIB_A)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

define tool_rule
$(BUILD)/$(1): $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard tools/$(1)/*.c)) $(LIB_A)
	$$(CC) $$(ALL_LDFLAGS) -o $$@ $$^ $$(PKG_LIBS)
endef
$(foreach t,$(TOOLS),$(eval $(call tool_rule,$(t))))

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(TEST_COMMON_OBJS) $(CTL_A) $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) -lcmocka

# A sender of the e2e flood test (sendmmsg: a million datagrams in seconds).
$(BUILD)/tests/missflood: tests/e2e/missflood.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $<

# ---- tests -----------------------------------------------------------------
check: all
	BUILD=$(abspath $(BUILD)) tests/run.sh

# Every include inside its part's layers (docs/ARCHITECTURE.md).
check-layers:
	scripts/check-layers.sh

check-unit: tests
	BUILD=$(abspath $(BUILD)) tests/run.sh unit

SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
check-asan:
	$(MAKE) BUILD=$(BUILD)/asan EXTRA_CFLAGS="$(SAN_FLAGS)" EXTRA_LDFLAGS="$(SAN_FLAGS)" \
		lib tests progs
	BUILD=$(abspath $(BUILD))/asan ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 tests/run.sh unit interop

# lispd, lispd-bpf and lig built with ASan + UBSan, through a subset of the
# end-to-end tests (every role: start, register, resolve, reload, stop).
# Reports go to files under $(BUILD)/asan/san-logs; any file there fails.
ASAN_E2E_TESTS ?= test_pxtr|test_privs|test_rtr
SAN_LOGS = $(abspath $(BUILD))/asan/san-logs
check-asan-e2e:
	$(MAKE) BUILD=$(BUILD)/asan EXTRA_CFLAGS="$(SAN_FLAGS)" EXTRA_LDFLAGS="$(SAN_FLAGS)" \
		progs $(BUILD)/asan/tests/missflood
	rm -rf $(SAN_LOGS) && mkdir -p $(SAN_LOGS)
	@rc=0; BUILD=$(abspath $(BUILD))/asan TEST_FILTER='$(ASAN_E2E_TESTS)' \
		ASAN_OPTIONS=detect_leaks=1:log_path=$(SAN_LOGS)/asan \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:log_path=$(SAN_LOGS)/ubsan \
		tests/run.sh e2e || rc=$$?; \
	if [ -n "$$(ls -A $(SAN_LOGS))" ]; then \
		echo "sanitizer reports:"; head -n 40 $(SAN_LOGS)/*; \
		echo "tests: 0 passed, 1 failed"; exit 1; fi; \
	echo "no sanitizer report"; exit $$rc

# Every e2e test with the ASan + UBSan daemons (too long for CI: run by hand,
# result in docs/SECURITY.md). Excluded, and why: test_valgrind runs the
# daemons under valgrind, which cannot run ASan binaries; test_unit runs
# them under strace, where LeakSanitizer cannot work (it stops with a fatal
# error of its own, which would fail the run).
ASAN_E2E_EXCLUDE ?= test_valgrind|test_unit
check-asan-e2e-all:
	$(MAKE) check-asan-e2e \
		ASAN_E2E_TESTS="$$(ls tests/e2e/test_*.sh | xargs -n1 basename | grep -vE '$(ASAN_E2E_EXCLUDE)' | paste -sd'|')"

# ---- kernels in VMs (tests/vm/) ----------------------------------------------
KERNEL ?= 6.1
VM_KERNELS ?= 6.1 6.12
# Kernels of the matrix that also run the end-to-end scenario (~2 min each
# under TCG); the others run the BPF tests only (the verifier is what
# differs most between kernels). CI's 20-minute budget decides.
VM_SMOKE_KERNELS ?= 6.1
VM_RUN := BUILD=$(abspath $(BUILD)) tests/vm/run.sh

vmtest: all
	$(VM_RUN) $(KERNEL) -- tests/vm/check.sh smoke

vmtest-full: all
	$(VM_RUN) $(KERNEL) -- tests/vm/check.sh full

# Then tests/vm/test_*.sh on the host: each boots its own VM (a kernel
# below the supported range must give a named error).
vmtest-matrix: all
	@rc=0; for k in $(VM_KERNELS); do \
		echo "==> vmtest $$k"; \
		mode=bpf; case " $(VM_SMOKE_KERNELS) " in *" $$k "*) mode=smoke ;; esac; \
		$(VM_RUN) $$k -- tests/vm/check.sh $$mode || rc=1; \
	done; \
	echo "==> tests/vm"; \
	BUILD=$(abspath $(BUILD)) LOGDIR=$(abspath $(BUILD))/vm/logs tests/run.sh vm || rc=1; \
	exit $$rc

# ---- benchmark (tests/bench/) ------------------------------------------------
# One program per file: bench_dp (BPF, root), bench_ms (Map-Server scale) and
# bench_mapcache (ITR map-cache scale), both user space only, linked with
# libctl.a.
$(BUILD)/bench/bench_dp: $(BUILD)/obj/tests/bench/bench_dp.o $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/bench/bench_ms: $(BUILD)/obj/tests/bench/bench_ms.o $(CTL_A) $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/bench/bench_mapcache: $(BUILD)/obj/tests/bench/bench_mapcache.o $(CTL_A) $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

bench: bpf $(BUILD)/bench/bench_dp $(BUILD)/bench/bench_ms $(BUILD)/bench/bench_mapcache \
		$(BUILD)/lispd-bpf $(BUILD)/lispd
	BUILD=$(abspath $(BUILD)) tests/bench/run.sh

# ---- fuzzing (clang + libFuzzer) --------------------------------------------
FUZZ_SAN := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
# -MMD: a header change rebuilds the fuzz objects too (their layout must match).
FUZZ_CFLAGS := -std=gnu11 -O1 -g -D_GNU_SOURCE -Ilib -I$(BUILD)/skel -Ibpf $(PKG_CFLAGS) $(FUZZ_SAN) \
	-MMD -MP
FUZZ_LIB_OBJS := $(LIB_SRCS:lib/%.c=$(BUILD)/fuzz/lib/%.o)

$(BUILD)/fuzz/lib/%.o: lib/%.c | $(SKELS)
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_CFLAGS) -c $< -o $@

$(BUILD)/fuzz/%: tests/fuzz/%.c $(FUZZ_LIB_OBJS)
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $(filter %.c %.o,$^) $(PKG_LIBS)

# The BPF harness embeds both skeletons and reuses the BPF tests' builders.
$(BUILD)/fuzz/fuzz_bpf: $(SKELS) $(wildcard tests/fuzz/*.h) tests/unit/bpf_object.h tests/unit/bpf_frame.h

fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	BUILD=$(abspath $(BUILD)) tests/fuzz/run.sh $(FUZZ_SECONDS)

fuzz-smoke: fuzz-build
	BUILD=$(abspath $(BUILD)) tests/fuzz/run.sh $(FUZZ_SMOKE_SECONDS)

# ---- housekeeping ------------------------------------------------------------
deps:
	@scripts/deps.sh

vmlinux:
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > vmlinux.h.tmp
	mv vmlinux.h.tmp vmlinux.h

# The systemd unit names lispd where PREFIX puts it: rendered on every use.
SYSTEMD_UNIT_DIR ?= $(PREFIX)/lib/systemd/system
$(BUILD)/lispd.service: dist/lispd.service.in FORCE
	@mkdir -p $(@D)
	sed 's|@SBINDIR@|$(PREFIX)/sbin|g' $< > $@
FORCE:

install: all $(BUILD)/lispd.service
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/bin \
		$(DESTDIR)$(PREFIX)/share/man/man8 $(DESTDIR)$(PREFIX)/share/doc/lispd-bpf \
		$(DESTDIR)$(SYSTEMD_UNIT_DIR)
	install -m 0644 $(BUILD)/lispd.service $(DESTDIR)$(SYSTEMD_UNIT_DIR)/
	$(if $(SBIN_PROGS),install -m 0755 $(SBIN_PROGS) $(DESTDIR)$(PREFIX)/sbin/)
	$(if $(BIN_PROGS),install -m 0755 $(BIN_PROGS) $(DESTDIR)$(PREFIX)/bin/)
	install -m 0644 $(wildcard docs/man/*.8) $(DESTDIR)$(PREFIX)/share/man/man8/
	install -m 0644 lispd.conf.example README.md $(DESTDIR)$(PREFIX)/share/doc/lispd-bpf/

uninstall:
	rm -f $(SBIN_PROGS:$(BUILD)/%=$(DESTDIR)$(PREFIX)/sbin/%) \
		$(BIN_PROGS:$(BUILD)/%=$(DESTDIR)$(PREFIX)/bin/%) \
		$(patsubst docs/man/%,$(DESTDIR)$(PREFIX)/share/man/man8/%,$(wildcard docs/man/*.8))
	rm -rf $(DESTDIR)$(PREFIX)/share/doc/lispd-bpf
	rm -f $(DESTDIR)$(SYSTEMD_UNIT_DIR)/lispd.service

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
