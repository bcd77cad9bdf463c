/* NVML through dlopen: the few entry points sysheat needs, declared here
 * from NVML's documented C API so that nothing of NVIDIA's is needed at
 * build time. */
#include "nvml.h"

#include <dlfcn.h>
#include <math.h>
#include <string.h>

/* nvmlReturn_t is an enum (NVML_SUCCESS = 0); nvmlDevice_t is a pointer to
 * an opaque struct. */
typedef int nvml_ret;
typedef void *nvml_dev;

#define NVML_SUCCESS		0
#define NVML_TEMPERATURE_GPU	0

typedef nvml_ret (*nvml_init_fn)(void);
typedef nvml_ret (*nvml_count_fn)(unsigned int *);
typedef nvml_ret (*nvml_handle_fn)(unsigned int, nvml_dev *);
typedef nvml_ret (*nvml_temp_fn)(nvml_dev, int, unsigned int *);
typedef nvml_ret (*nvml_shutdown_fn)(void);

enum { NV_INIT, NV_COUNT, NV_HANDLE, NV_TEMP, NV_SHUTDOWN };

static const char *const nv_names[] = {
	[NV_INIT] = "nvmlInit_v2",
	[NV_COUNT] = "nvmlDeviceGetCount_v2",
	[NV_HANDLE] = "nvmlDeviceGetHandleByIndex_v2",
	[NV_TEMP] = "nvmlDeviceGetTemperature",
	[NV_SHUTDOWN] = "nvmlShutdown",
};

/* dlsym returns an object pointer; copy it into a function pointer
 * without the conversion ISO C leaves undefined. */
#define NV_FN(nv, i, type, var) \
	type var; memcpy(&var, &(nv)->fn[i], sizeof(var))

int
nv_open(struct nv *nv, char *errstr, size_t errlen)
{
	unsigned int count = 0, i;
	nvml_ret r;
	size_t k;
	void *sym;
	int broken = 0;

	memset(nv, 0, sizeof(*nv));
	if ((nv->lib = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL)) ==
	    NULL) {
		snprintf(errstr, errlen, "nvml: %s", dlerror());
		return -1;
	}
	for (k = 0; k < sizeof(nv_names) / sizeof(nv_names[0]); k++) {
		if ((sym = dlsym(nv->lib, nv_names[k])) == NULL) {
			snprintf(errstr, errlen, "nvml: %s: no such symbol",
			    nv_names[k]);
			goto fail;
		}
		nv->fn[k] = sym;
	}
	{
		NV_FN(nv, NV_INIT, nvml_init_fn, init);
		if ((r = init()) != NVML_SUCCESS) {
			snprintf(errstr, errlen, "nvml: nvmlInit_v2: error %d",
			    r);
			broken = 1;
			goto fail;
		}
	}
	{
		NV_FN(nv, NV_COUNT, nvml_count_fn, getcount);
		NV_FN(nv, NV_HANDLE, nvml_handle_fn, gethandle);

		if ((r = getcount(&count)) != NVML_SUCCESS) {
			snprintf(errstr, errlen,
			    "nvml: nvmlDeviceGetCount_v2: error %d", r);
			nv_close(nv);
			nv->broken = 1;
			return -1;
		}
		for (i = 0; i < count && nv->ndev < NV_MAXDEV; i++) {
			nvml_dev d = NULL;

			if (gethandle(i, &d) == NVML_SUCCESS && d != NULL)
				nv->dev[nv->ndev++] = d;
		}
	}
	return (int)nv->ndev;
fail:
	dlclose(nv->lib);
	memset(nv, 0, sizeof(*nv));
	nv->broken = broken;
	return -1;
}

/* Temperature of device i, NAN when NVML cannot say. */
static double
nv_temp(struct nv *nv, unsigned i)
{
	NV_FN(nv, NV_TEMP, nvml_temp_fn, gettemp);
	unsigned int t;

	if (gettemp(nv->dev[i], NVML_TEMPERATURE_GPU, &t) != NVML_SUCCESS)
		return NAN;
	return (double)t;
}

double
nv_read(struct nv *nv)
{
	double v, best = NAN;
	unsigned i;

	for (i = 0; i < nv->ndev; i++) {
		v = nv_temp(nv, i);
		if (!isnan(v) && (isnan(best) || v > best))
			best = v;
	}
	return best;
}

int
nv_list(struct nv *nv, FILE *fp)
{
	char num[64];
	unsigned i;
	double v;

	for (i = 0; i < nv->ndev; i++) {
		num[0] = '\0';
		if (!isnan(v = nv_temp(nv, i)))
			snprintf(num, sizeof(num), "%.3f", v);
		if (fprintf(fp, "nvml-gpu%u,gpu,GPU,temp,%s,gpu\n", i, num) < 0)
			return -1;
	}
	return 0;
}

void
nv_close(struct nv *nv)
{
	if (nv->lib != NULL) {
		NV_FN(nv, NV_SHUTDOWN, nvml_shutdown_fn, nvshutdown);
		if (nvshutdown != NULL)
			nvshutdown();
		dlclose(nv->lib);
	}
	memset(nv, 0, sizeof(*nv));
}
