TOOLS += recommend
recommend_SRCS := recommend/recommend.c recommend/data.c recommend/input.c \
	recommend/als.c recommend/model.c recommend/metrics.c recommend/gen.c
recommend_LDLIBS := $(LIBBSON)
