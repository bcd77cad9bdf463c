TOOLS += recommend
recommend_SRCS := recommend/recommend.c recommend/opts.c recommend/data.c \
	recommend/input.c recommend/als.c recommend/kernel.c \
	recommend/model.c recommend/metrics.c recommend/gen.c
recommend_LDLIBS := $(LIBBSON)
# recommend/ builds with -Wconversion (issue 12; libbson's headers are
# system headers here, so their own conversions are not ours).
REC_CFLAGS = $(subst -I,-isystem ,$(CFLAGS_BSON)) -Wconversion
$(B)/obj/recommend/%.o: CFLAGS_EXTRA = $(REC_CFLAGS)
# The update kernels may fuse multiply-adds (kernel.c explains the trade).
$(B)/obj/recommend/kernel.o: CFLAGS_EXTRA = $(REC_CFLAGS) -ffp-contract=fast
