TOOLS += recommend
recommend_SRCS := recommend/recommend.c recommend/data.c recommend/input.c \
	recommend/als.c recommend/kernel.c recommend/model.c \
	recommend/metrics.c recommend/gen.c
recommend_LDLIBS := $(LIBBSON)
# The update kernels may fuse multiply-adds (kernel.c explains the trade).
$(B)/obj/recommend/kernel.o: CFLAGS_EXTRA = $(CFLAGS_BSON) -ffp-contract=fast
