# libFuzzer harnesses (tests/fuzz/fuzz_*.c), built by `make fuzz` with clang
# into $(B)/fuzz/ under ASan+UBSan.  Each harness names the private modules
# it links (never a file holding main()) and its libraries:
#   fuzz_NAME_SRCS   := tool/module.c ...
#   fuzz_NAME_INC    := -Itool
#   fuzz_NAME_LDLIBS := $(LIBCSV) ...
# docs/fuzzing.md says how to run them.

FUZZ_CC      ?= clang
FUZZ_SAN      = -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS   = -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link \
	$(FUZZ_SAN) -std=c17 -Wall -Wextra -Wno-unused-parameter
FUZZ_LDFLAGS  = -fsanitize=fuzzer $(FUZZ_SAN)

fuzz_csvio_SRCS :=
fuzz_csvio_diff_SRCS := tests/common/csvref.c
fuzz_csvio_diff_LDLIBS := $(LIBCSV)
fuzz_money_SRCS :=
fuzz_timefield_SRCS :=
fuzz_reduce_spec_SRCS := reduce/spec.c reduce/spec_win.c
fuzz_reduce_spec_INC := -Ireduce
fuzz_reduce_state_SRCS := reduce/spec.c reduce/spec_win.c reduce/agg.c reduce/aggsetup.c \
	reduce/state.c reduce/snapshot.c reduce/window.c reduce/wincsv.c reduce/winstate.c reduce/pop.c
fuzz_reduce_state_INC := -Ireduce
fuzz_alertd_rule_SRCS := alertd/rule.c alertd/num.c
fuzz_alertd_rule_INC := -Ialertd
fuzz_alertd_writers_SRCS := alertd/outfmt.c
fuzz_alertd_writers_INC := -Ialertd
fuzz_alertd_eval_SRCS := alertd/rule.c alertd/num.c alertd/eval.c \
	alertd/table.c alertd/inventory.c alertd/outfmt.c
fuzz_alertd_eval_INC := -Ialertd
fuzz_replay_mqttwire_SRCS := replay/mqttwire.c
fuzz_replay_mqttwire_INC := -Ireplay
fuzz_render_layout_SRCS := render/layout.c render/alerts.c render/chart.c \
	render/bars.c render/plot.c render/series.c render/table.c \
	render/canvas.c render/data.c render/fmt.c render/heat.c
fuzz_render_layout_INC := -Irender
fuzz_render_data_SRCS := render/data.c render/fmt.c
fuzz_render_data_INC := -Irender
fuzz_render_draw_SRCS := render/dash.c render/layout.c render/alerts.c \
	render/chart.c render/bars.c render/plot.c render/series.c \
	render/table.c render/canvas.c render/data.c render/fmt.c render/heat.c
# The harness's own checks need no comparison tracing (it was a fifth
# of the time); the modules under test keep it.
fuzz_render_draw_INC := -Irender -fno-sanitize-coverage=trace-cmp
fuzz_render_gfx_SRCS := render/gfx.c render/layout.c render/alerts.c \
	render/chart.c render/bars.c render/plot.c render/series.c \
	render/table.c render/canvas.c render/data.c render/fmt.c render/heat.c
fuzz_render_gfx_INC := -Irender $(CFLAGS_RENDER_GFX)
fuzz_render_gfx_LDLIBS := $(render_LDLIBS)
$(B)/fuzz/obj/render/gfx.o: FUZZ_INC = $(CFLAGS_RENDER_GFX)
FUZZ_REC_MODS := recommend/data.c recommend/input.c recommend/als.c \
	recommend/kernel.c recommend/model.c recommend/metrics.c recommend/gen.c
# clang 14 leaves target_clones symbols undefined: one plain kernel here.
$(B)/fuzz/obj/recommend/kernel.o: FUZZ_INC = -DREC_NO_CLONES
fuzz_recommend_model_SRCS := $(FUZZ_REC_MODS)
fuzz_recommend_model_INC := -Irecommend
fuzz_recommend_model_LDLIBS := $(LIBBSON)
fuzz_recommend_input_SRCS := $(FUZZ_REC_MODS)
fuzz_recommend_input_INC := -Irecommend
fuzz_recommend_input_LDLIBS := $(LIBBSON)

FUZZ_NAMES := $(notdir $(basename $(sort $(wildcard tests/fuzz/fuzz_*.c))))
FUZZ_BINS  := $(FUZZ_NAMES:%=$(B)/fuzz/%)
FUZZ_LIB   := $(B)/fuzz/libcommon.a

$(B)/fuzz/obj/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS) $(CFLAGS_BSON) $(FUZZ_INC) $(FUZZ_CFLAGS) \
		-MMD -MP -c -o $@ $<

$(FUZZ_LIB): $(LIB_SRCS:%.c=$(B)/fuzz/obj/%.o)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

define fuzz_rule
$(B)/fuzz/obj/tests/fuzz/$(1).o: FUZZ_INC = $$($(1)_INC) -Itests/fuzz
$(1)_OBJS := $(B)/fuzz/obj/tests/fuzz/$(1).o $$($(1)_SRCS:%.c=$(B)/fuzz/obj/%.o)
$(B)/fuzz/$(1): $$($(1)_OBJS) $(FUZZ_LIB)
	$(FUZZ_CC) $(FUZZ_LDFLAGS) -o $$@ $$($(1)_OBJS) $(FUZZ_LIB) \
		$$($(1)_LDLIBS) $(LDLIBS_BASE)
endef
$(foreach f,$(FUZZ_NAMES),$(eval $(call fuzz_rule,$(f))))

fuzz: $(FUZZ_BINS)

-include $(shell find $(B)/fuzz/obj -name '*.d' 2>/dev/null)
