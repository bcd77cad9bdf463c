/* Tests of sysheat/hwsens.c: which libsensors inputs stand for the CPU
 * and the GPU.  Reading real sensors is tested end to end with libsensors
 * on a fixture /sys/class/hwmon (tests/e2e/sysheat_sensors.sh). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../sysheat/hwsens.h"

static void
test_classify(void **state)
{
	static const struct {
		const char *prefix, *label;
		enum hw_role role;
		int rank;
	} cases[] = {
		{ "k10temp", "Tdie", HW_CPU, 0 },
		{ "k10temp", "Tctl", HW_CPU, 1 },
		{ "k10temp", "Tccd1", HW_CPU, 2 },
		{ "k10temp", NULL, HW_CPU, 2 },
		{ "zenpower", "Tdie", HW_CPU, 0 },
		{ "coretemp", "Package id 0", HW_CPU, 0 },
		{ "coretemp", "Package id 1", HW_CPU, 0 },
		{ "coretemp", "Physical id 0", HW_CPU, 0 },
		{ "coretemp", "Core 3", HW_CPU, 2 },
		{ "acpitz", "temp1", HW_CPU, 3 },
		{ "cpu_thermal", NULL, HW_CPU, 3 },
		{ "nct6775", "SYSTIN", HW_CPU, 3 },
		{ "amdgpu", "edge", HW_GPU, 0 },
		{ "amdgpu", "junction", HW_GPU, 1 },
		{ "amdgpu", "mem", HW_GPU, 1 },
		{ "radeon", "temp1", HW_GPU, 1 },
		{ "nouveau", NULL, HW_GPU, 1 },
		/* Disks and Wi-Fi are never the CPU. */
		{ "nvme", "Composite", HW_NONE, 0 },
		{ "drivetemp", NULL, HW_NONE, 0 },
		{ "iwlwifi_1", NULL, HW_NONE, 0 },
		/* Prefixes match whole driver names only where they should. */
		{ "k10temp2", "Tctl", HW_CPU, 3 },
		{ "amdgpux", "edge", HW_CPU, 3 },
	};
	size_t i;
	int rank;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		rank = -7;
		if (hw_classify(cases[i].prefix, cases[i].label, &rank) !=
		    cases[i].role || rank != cases[i].rank)
			fail_msg("case %zu: %s/%s: rank %d", i,
			    cases[i].prefix, cases[i].label ? cases[i].label :
			    "(null)", rank);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classify),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
