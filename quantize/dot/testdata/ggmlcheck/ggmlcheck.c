// ggmlcheck runs ggml-cpu's own activation quantizers and vec_dot kernels
// on data from stdin, for TestAgainstGGML (quantize/dot). Build against a
// llama.cpp checkout (b10470 checked) in $R, ggml-cpu with the flags of
// ggml's GGML_AVX2 build, ggml-base (ggml-quants.c) without them:
//
//	R=.../llama.cpp/ggml; F="-O3 -DNDEBUG -mavx -mavx2 -mfma -mf16c -I$R/include -I$R/src -I$R/src/ggml-cpu"
//	gcc $F -c $R/src/ggml-cpu/arch/x86/quants.c -o x86quants.o
//	gcc $F -ffp-contract=off -c $R/src/ggml-cpu/quants.c -o quants.o
//	gcc -O3 -DNDEBUG -I$R/include -I$R/src -c $R/src/ggml-quants.c -o ggml-quants.o
//	g++ $F -c $R/src/ggml-cpu/vec.cpp -o vec.o
//	gcc $F ggmlcheck.c x86quants.o quants.o ggml-quants.o vec.o -lm -lstdc++ -o ggmlcheck
//
// (quants.c, the generic kernels, without FMA contraction: the pure-Go
// kernels follow unfused C.)
//
// Usage, types as ggml_type numbers:
//
//	ggmlcheck act T N           N floats in, the row of type T out
//	ggmlcheck dot W N ROWS      ROWS weight rows and one activation row in, ROWS floats out
//	ggmlcheck generic W N ROWS  the same with the *_generic kernels
//	ggmlcheck bench W N ROWS    the same, timed: prints the best ns per pass of 20
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <immintrin.h>

#include "ggml.h"
#include "ggml-impl.h"
#include "ggml-cpu/quants.h"
#include "ggml-cpu/vec.h"

typedef void (*dot_fn)(int, float *, size_t, const void *, size_t, const void *, size_t, int);

static void vdot_f32(int n, float *s, size_t bs, const void *x, size_t bx, const void *y, size_t by, int nrc) {
	ggml_vec_dot_f32(n, s, bs, (const float *)x, bx, (const float *)y, by, nrc);
}
static void vdot_f16(int n, float *s, size_t bs, const void *x, size_t bx, const void *y, size_t by, int nrc) {
	ggml_vec_dot_f16(n, s, bs, (ggml_fp16_t *)x, bx, (ggml_fp16_t *)y, by, nrc);
}
static void vdot_bf16(int n, float *s, size_t bs, const void *x, size_t bx, const void *y, size_t by, int nrc) {
	ggml_vec_dot_bf16(n, s, bs, (ggml_bf16_t *)x, bx, (ggml_bf16_t *)y, by, nrc);
}

struct tinfo { int bs, ts, act; dot_fn dot, generic; };

static struct tinfo info(int t) {
	switch (t) {
	case GGML_TYPE_F32: return (struct tinfo){1, 4, GGML_TYPE_F32, vdot_f32, 0};
	case GGML_TYPE_F16: return (struct tinfo){1, 2, GGML_TYPE_F16, vdot_f16, 0};
	case GGML_TYPE_BF16: return (struct tinfo){1, 2, GGML_TYPE_BF16, vdot_bf16, 0};
	case GGML_TYPE_Q4_0: return (struct tinfo){32, 18, GGML_TYPE_Q8_0, ggml_vec_dot_q4_0_q8_0, ggml_vec_dot_q4_0_q8_0_generic};
	case GGML_TYPE_Q4_1: return (struct tinfo){32, 20, GGML_TYPE_Q8_1, ggml_vec_dot_q4_1_q8_1, ggml_vec_dot_q4_1_q8_1_generic};
	case GGML_TYPE_Q5_0: return (struct tinfo){32, 22, GGML_TYPE_Q8_0, ggml_vec_dot_q5_0_q8_0, ggml_vec_dot_q5_0_q8_0_generic};
	case GGML_TYPE_Q5_1: return (struct tinfo){32, 24, GGML_TYPE_Q8_1, ggml_vec_dot_q5_1_q8_1, ggml_vec_dot_q5_1_q8_1_generic};
	case GGML_TYPE_Q8_0: return (struct tinfo){32, 34, GGML_TYPE_Q8_0, ggml_vec_dot_q8_0_q8_0, ggml_vec_dot_q8_0_q8_0_generic};
	case GGML_TYPE_Q8_1: return (struct tinfo){32, 36, GGML_TYPE_Q8_1, 0, 0};
	case GGML_TYPE_Q2_K: return (struct tinfo){256, 84, GGML_TYPE_Q8_K, ggml_vec_dot_q2_K_q8_K, ggml_vec_dot_q2_K_q8_K_generic};
	case GGML_TYPE_Q3_K: return (struct tinfo){256, 110, GGML_TYPE_Q8_K, ggml_vec_dot_q3_K_q8_K, ggml_vec_dot_q3_K_q8_K_generic};
	case GGML_TYPE_Q4_K: return (struct tinfo){256, 144, GGML_TYPE_Q8_K, ggml_vec_dot_q4_K_q8_K, ggml_vec_dot_q4_K_q8_K_generic};
	case GGML_TYPE_Q5_K: return (struct tinfo){256, 176, GGML_TYPE_Q8_K, ggml_vec_dot_q5_K_q8_K, ggml_vec_dot_q5_K_q8_K_generic};
	case GGML_TYPE_Q6_K: return (struct tinfo){256, 210, GGML_TYPE_Q8_K, ggml_vec_dot_q6_K_q8_K, ggml_vec_dot_q6_K_q8_K_generic};
	case GGML_TYPE_Q8_K: return (struct tinfo){256, 292, GGML_TYPE_Q8_K, 0, 0};
	}
	fprintf(stderr, "type %d?\n", t);
	exit(2);
}

static void *readall(size_t n) {
	void *p = malloc(n ? n : 1);
	if (fread(p, 1, n, stdin) != n) {
		fprintf(stderr, "short input\n");
		exit(2);
	}
	return p;
}

// ggml_cpu_fp32_to_fp16 (F16C path; the scalar tail is GGML_CPU_FP32_TO_FP16,
// which on x86 is ggml_compute_fp32_to_fp16, not F16C).
static void to_f16(const float *x, ggml_fp16_t *y, int64_t n) {
	int64_t i = 0;
	for (; i + 7 < n; i += 8) {
		_mm_storeu_si128((__m128i *)(y + i), _mm256_cvtps_ph(_mm256_loadu_ps(x + i), _MM_FROUND_TO_NEAREST_INT));
	}
	for (; i + 3 < n; i += 4) {
		_mm_storel_epi64((__m128i *)(y + i), _mm_cvtps_ph(_mm_loadu_ps(x + i), _MM_FROUND_TO_NEAREST_INT));
	}
	for (; i < n; ++i) {
		y[i] = GGML_CPU_FP32_TO_FP16(x[i]);
	}
}

// What the test needs of ggml.c and ggml-cpu.c.
float ggml_table_f32_f16[1 << 16];
float ggml_table_f32_e8m0_half[1 << 8];
float ggml_table_f32_ue4m3[1 << 8];
void ggml_abort(const char *file, int line, const char *fmt, ...) {
	fprintf(stderr, "abort %s:%d %s\n", file, line, fmt);
	abort();
}
size_t ggml_row_size(enum ggml_type type, int64_t ne) { abort(); }
const char *ggml_type_name(enum ggml_type type) { abort(); }
size_t ggml_type_size(enum ggml_type type) { abort(); }

static double now(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv) {
	if (argc < 4) {
		fprintf(stderr, "usage\n");
		return 2;
	}
	for (int i = 0; i < (1 << 16); i++) {
		ggml_table_f32_f16[i] = GGML_COMPUTE_FP16_TO_FP32((ggml_fp16_t)i);
	}
	int t = atoi(argv[2]);
	int n = atoi(argv[3]);
	struct tinfo ti = info(t);
	if (!strcmp(argv[1], "act")) {
		float *x = readall((size_t)n * 4);
		size_t sz = (size_t)n / ti.bs * ti.ts;
		void *y = calloc(1, sz);
		switch (t) {
		case GGML_TYPE_Q8_0: quantize_row_q8_0(x, y, n); break;
		case GGML_TYPE_Q8_1: quantize_row_q8_1(x, y, n); break;
		case GGML_TYPE_Q8_K: quantize_row_q8_K(x, y, n); break;
		case GGML_TYPE_F16: to_f16(x, y, n); break;
		case GGML_TYPE_BF16:
			for (int i = 0; i < n; i++) ((ggml_bf16_t *)y)[i] = GGML_FP32_TO_BF16(x[i]);
			break;
		case GGML_TYPE_F32: memcpy(y, x, sz); break;
		default: return 2;
		}
		fwrite(y, 1, sz, stdout);
		return 0;
	}
	int rows = atoi(argv[4]);
	struct tinfo ai = info(ti.act);
	size_t wsz = (size_t)n / ti.bs * ti.ts, asz = (size_t)n / ai.bs * ai.ts;
	char *w = readall(wsz * rows);
	char *a = readall(asz);
	float *out = malloc(sizeof(float) * rows);
	dot_fn f = strcmp(argv[1], "generic") ? ti.dot : ti.generic;
	if (!f) return 2;
	int passes = strcmp(argv[1], "bench") ? 1 : 20;
	double best = 1e30;
	for (int p = 0; p < passes; p++) {
		double t0 = now();
		for (int r = 0; r < rows; r++) f(n, &out[r], 0, w + r * wsz, 0, a, 0, 1);
		double dt = now() - t0;
		if (dt < best) best = dt;
	}
	if (passes > 1) {
		printf("%.0f\n", best);
		return 0;
	}
	fwrite(out, sizeof(float), rows, stdout);
	return 0;
}
