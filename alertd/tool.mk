TOOLS += alertd
alertd_SRCS := alertd/alertd.c alertd/alert.c alertd/snap.c alertd/input.c alertd/statefile.c alertd/rule.c alertd/state.c alertd/table.c \
	alertd/inventory.c alertd/hook.c alertd/num.c \
	alertd/outfmt.c alertd/eval.c
alertd_LDLIBS :=
