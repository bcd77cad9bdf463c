/*
 * A stand-in libnvidia-ml.so.1 for tests/e2e/sysheat_nvml.sh.
 *
 * This is a fake, and it is used ONLY because the machines that run the
 * tests have no NVIDIA GPU and no NVIDIA driver, so the real NVML cannot be
 * loaded there.  It lets the test exercise sysheat's real dlopen/dlsym path
 * and its handling of NVML return codes; it says nothing about real GPUs.
 * The e2e test builds it with "cc -shared -fPIC" into a directory on
 * LD_LIBRARY_PATH.  It lives in a subdirectory so that the Makefile does
 * not build it as a helper program.
 *
 * Environment:
 *   FAKE_NVML_TEMPS  comma-separated core temperatures, one per GPU
 *                    ("65,72"); "x" makes that GPU's read fail; default one
 *                    GPU at 50; "none": no GPU
 *   FAKE_NVML_INIT   return code of nvmlInit_v2 (default 0, success)
 *   FAKE_NVML_LOG    file that gets one line per call, for the test
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NVML_SUCCESS			0
#define NVML_ERROR_UNINITIALIZED	1
#define NVML_ERROR_INVALID_ARGUMENT	2
#define NVML_ERROR_GPU_IS_LOST		15

int nvmlInit_v2(void);
int nvmlDeviceGetCount_v2(unsigned int *);
int nvmlDeviceGetHandleByIndex_v2(unsigned int, void **);
int nvmlDeviceGetTemperature(void *, int, unsigned int *);
int nvmlShutdown(void);

static int inited;
static char slots[16];	/* device handles point into this */

static void
logcall(const char *what)
{
	const char *path = getenv("FAKE_NVML_LOG");
	FILE *fp;

	if (path == NULL || (fp = fopen(path, "a")) == NULL)
		return;
	fprintf(fp, "%s\n", what);
	fclose(fp);
}

/* The i-th entry of FAKE_NVML_TEMPS: 1 with *t set, 0 for "x", -1 when
 * there is no such entry. */
static int
temp_of(unsigned i, unsigned *t)
{
	const char *s = getenv("FAKE_NVML_TEMPS");
	unsigned k = 0;

	if (s == NULL)
		s = "50";
	if (strcmp(s, "none") == 0)
		return -1;	/* no GPU at all */
	for (;;) {
		if (k == i) {
			if (*s == 'x')
				return 0;
			*t = (unsigned)strtoul(s, NULL, 10);
			return 1;
		}
		if ((s = strchr(s, ',')) == NULL)
			return -1;
		s++;
		k++;
	}
}

int
nvmlInit_v2(void)
{
	const char *rc = getenv("FAKE_NVML_INIT");

	logcall("nvmlInit_v2");
	if (rc != NULL && atoi(rc) != 0)
		return atoi(rc);
	inited = 1;
	return NVML_SUCCESS;
}

int
nvmlDeviceGetCount_v2(unsigned int *n)
{
	unsigned t, k = 0;

	logcall("nvmlDeviceGetCount_v2");
	if (!inited)
		return NVML_ERROR_UNINITIALIZED;
	while (k < sizeof(slots) && temp_of(k, &t) != -1)
		k++;
	*n = k;
	return NVML_SUCCESS;
}

int
nvmlDeviceGetHandleByIndex_v2(unsigned int i, void **dev)
{
	if (!inited)
		return NVML_ERROR_UNINITIALIZED;
	if (i >= sizeof(slots))
		return NVML_ERROR_INVALID_ARGUMENT;
	*dev = &slots[i];
	return NVML_SUCCESS;
}

int
nvmlDeviceGetTemperature(void *dev, int sensor, unsigned int *temp)
{
	unsigned i;

	if (!inited)
		return NVML_ERROR_UNINITIALIZED;
	/* NVML_TEMPERATURE_GPU is the only sensor type NVML defines. */
	if (sensor != 0 || dev == NULL)
		return NVML_ERROR_INVALID_ARGUMENT;
	i = (unsigned)((char *)dev - slots);
	switch (temp_of(i, temp)) {
	case 1:
		return NVML_SUCCESS;
	case 0:
		return NVML_ERROR_GPU_IS_LOST;
	default:
		return NVML_ERROR_INVALID_ARGUMENT;
	}
}

int
nvmlShutdown(void)
{
	logcall("nvmlShutdown");
	inited = 0;
	return NVML_SUCCESS;
}
