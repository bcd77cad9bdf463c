# alertd's private modules under unit test.
test_alertd_rule_SRCS := alertd/rule.c
test_alertd_state_SRCS := alertd/state.c
test_alertd_inventory_SRCS := alertd/inventory.c
