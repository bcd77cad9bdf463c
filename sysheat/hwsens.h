#ifndef SYSHEAT_HWSENS_H
#define SYSHEAT_HWSENS_H
/* Temperatures through libsensors: which inputs stand for the CPU and the
 * GPU, reading them, and listing everything libsensors sees. */
#include <stddef.h>
#include <stdio.h>

enum hw_role {
	HW_NONE = 0,		/* not a CPU or GPU temperature */
	HW_CPU,
	HW_GPU,
	HW_NROLES
};

/*
 * Classify one temperature input by its chip's prefix (the driver name:
 * "k10temp", "coretemp", "amdgpu") and its label ("Tctl", "Package id 0",
 * "edge").  Returns the role and sets *rank, 0 being the best match:
 *   CPU 0  k10temp/zenpower Tdie, coretemp "Package id N"/"Physical id N"
 *   CPU 1  k10temp/zenpower Tctl
 *   CPU 2  other inputs of those chips (Tccd1, Core 0)
 *   CPU 3  any other chip's input, except disks, Wi-Fi and GPUs
 *   GPU 0  amdgpu/radeon/nouveau "edge"
 *   GPU 1  other inputs of those chips (junction, mem, temp1)
 * A role's value is the hottest of its inputs of the best rank present.
 * label may be NULL.
 */
enum hw_role hw_classify(const char *prefix, const char *label, int *rank);

struct hw_cand;

struct hw {
	int inited;		/* sensors_init succeeded */
	struct hw_cand *cand;	/* temperature inputs (owned) */
	size_t ncand;
	int best[HW_NROLES];	/* best rank present per role, or -1 */
};

/* Initialise libsensors with its default configuration and pick the
 * inputs.  Returns 0; 1 with the first configuration file error in errstr
 * (libsensors goes on without that statement); or -1 with a reason in
 * errstr when libsensors could not start, h then being usable and
 * reporting nothing.  None of these is fatal. */
int hw_open(struct hw *h, char *errstr, size_t errlen);

/* Current CPU and GPU temperatures in degrees Celsius, NAN when unknown. */
void hw_read(struct hw *h, double *cpu, double *gpu);

/* Write a CSV row "chip,feature,label,type,value,use" for every feature
 * of every chip libsensors sees (value empty when unreadable; use "cpu" or
 * "gpu" for the inputs sysheat reads).  Returns 0, or -1 on a write error. */
int hw_list(struct hw *h, FILE *fp);

/* Free what hw_open made and clean up libsensors.  Safe after a failure. */
void hw_close(struct hw *h);

#endif
