# alertd's private modules under unit test.
test_alertd_rule_SRCS := alertd/rule.c alertd/num.c
test_alertd_state_SRCS := alertd/state.c
test_alertd_inventory_SRCS := alertd/inventory.c alertd/num.c
test_alertd_num_SRCS := alertd/num.c
test_alertd_outfmt_SRCS := alertd/outfmt.c
