#ifndef SYSHEAT_NVML_H
#define SYSHEAT_NVML_H
/* NVIDIA GPU temperatures through NVML, loaded at run time with
 * dlopen("libnvidia-ml.so.1"): no build-time dependency, and a machine
 * without the NVIDIA driver simply has no NVML GPUs. */
#include <stddef.h>
#include <stdio.h>

#define NV_MAXDEV	64

struct nv {
	void *lib;		/* dlopen handle, NULL when NVML is absent */
	void *fn[5];		/* the entry points, see nvml.c */
	void *dev[NV_MAXDEV];	/* nvmlDevice_t handles */
	unsigned ndev;
	int broken;		/* the driver is there but failed to start or
				   to count its GPUs: not "no GPU" */
};

/* Load NVML and find its GPUs.  Returns the number of GPUs (0 or more),
 * or -1 with a reason in errstr when the library is missing, lacks an
 * entry point or fails to initialise; nv is then usable and empty, with
 * broken set when the library was complete but nvmlInit_v2 or
 * nvmlDeviceGetCount_v2 failed (a GPU may be there, unreadable). */
int nv_open(struct nv *nv, char *errstr, size_t errlen);

/* The hottest GPU core temperature in degrees Celsius, NAN when none. */
double nv_read(struct nv *nv);

/* Write "nvml-gpuN,gpu,GPU,temp,VALUE,gpu" rows in hw_list's format.
 * Returns 0, or -1 on a write error. */
int nv_list(struct nv *nv, FILE *fp);

/* Shut NVML down and unload it.  Safe on a failed or unopened nv. */
void nv_close(struct nv *nv);

#endif
