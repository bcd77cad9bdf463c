# Unit tests of recommend's private modules.
REC_MODS := recommend/data.c recommend/input.c recommend/als.c \
	recommend/kernel.c \
	recommend/model.c recommend/metrics.c recommend/gen.c
test_recommend_als_SRCS := $(REC_MODS)
test_recommend_als_LDLIBS := $(LIBBSON)
test_recommend_data_SRCS := $(REC_MODS)
test_recommend_data_LDLIBS := $(LIBBSON)
test_recommend_model_SRCS := $(REC_MODS)
test_recommend_model_LDLIBS := $(LIBBSON)
