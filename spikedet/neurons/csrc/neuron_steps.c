/*
 * spikedet's neuron steps as single fused loops over the state (CPU).
 *
 * Each function is the exact float arithmetic of the eager kernel of the
 * same name in spikedet/neurons/kernels.py, in the same order, so the
 * spikes, emitted values and membranes are bit-identical (the build uses
 * -ffp-contract=off and no fast-math; tests/test_neurons/test_native.py
 * checks it over 64 steps). Where eager makes four or more passes over
 * memory, a fused step makes one: it reads the membrane and the input
 * once and writes the membrane, the spikes and the emitted value.
 *
 * Layout: every tensor is contiguous [outer, channels, inner]; a
 * threshold is one value per channel (stride 1) or one scalar (stride 0).
 * The loop over outer x channels is shared between threads with OpenMP,
 * linked against the runtime torch already loaded (libgomp.so.1).
 */
#include <math.h>
#include <omp.h>
#include <stdint.h>

/*
 * x86-64: each loop is compiled for AVX2 and for the baseline (SSE2), and
 * the loader picks the widest the CPU has (GCC / Clang function
 * multi-versioning); the same operations either way, so the same bits.
 */
#if defined(__x86_64__) && defined(__GNUC__)
#define WIDEST __attribute__((target_clones("avx2", "default")))
#else
#define WIDEST
#endif

/* Rows [*begin, *end) of ``rows`` for the calling thread of a team. */
static inline void team_share(int64_t rows, int64_t *begin, int64_t *end)
{
    const int64_t team = omp_get_num_threads(), me = omp_get_thread_num();
    const int64_t size = rows / team, extra = rows % team;
    *begin = me * size + (me < extra ? me : extra);
    *end = *begin + size + (me < extra ? 1 : 0);
}

/* Below this many elements one thread does the whole step. */
#define PARALLEL_GRAIN 32768

/*
 * floorf, bit for bit, in operations that SSE2 vectorizes (floorf itself
 * is a library call without SSE4.1): below 2^23 in magnitude, truncate
 * through int32 and step down where truncation rounded up; from 2^23 on
 * (and for NaN) a float is its own floor. copysign keeps floorf's signed
 * zero (floorf(-0.0f) is -0.0f, and so is floorf(-0.5f) + 0 ... -1).
 */
static inline float floor_f32(float a)
{
    const int small = fabsf(a) < 8388608.0f;
    const float t = (float)(int32_t)(small ? a : 0.0f);
    const float f = t - (a < t ? 1.0f : 0.0f);
    return small ? copysignf(f, a) : a;
}

/*
 * Each step is a row function (rows of ``inner`` elements, one threshold
 * per row's channel) and an exported entry point that shares the rows
 * between a team of ``threads`` (one thread below PARALLEL_GRAIN).
 */
#define ENTRY(NAME, PARAMS, ARGS)                                           \
void NAME PARAMS                                                            \
{                                                                           \
    const int64_t rows = outer * channels;                                  \
    const int big = rows * inner >= PARALLEL_GRAIN;                         \
    _Pragma("omp parallel num_threads(threads) if (big)")                   \
    {                                                                       \
        int64_t begin, end;                                                 \
        team_share(rows, &begin, &end);                                     \
        NAME##_rows ARGS;                                                   \
    }                                                                       \
}

#define IF_SUBTRACT(NAME, T, FLOOR)                                          \
static WIDEST void NAME##_rows(                                             \
    int64_t begin, int64_t end, T *restrict v, const T *restrict x,         \
    const T *theta, int64_t theta_stride, T *restrict spikes,               \
    T *restrict value, int64_t channels, int64_t inner, int64_t max_spikes) \
{                                                                           \
    const T cap = (T)max_spikes;                                            \
    for (int64_t row = begin; row < end; ++row) {                           \
        const T th = theta[(row % channels) * theta_stride];                \
        const int64_t stop = (row + 1) * inner;                             \
        if (max_spikes == 1) {                                              \
            for (int64_t i = row * inner; i < stop; ++i) {                  \
                const T u = v[i] + x[i];                                    \
                const T s = u >= th ? (T)1 : (T)0;                          \
                const T e = s * th;                                         \
                v[i] = u - e;                                               \
                spikes[i] = s;                                              \
                value[i] = e;                                               \
            }                                                               \
        } else {                                                            \
            for (int64_t i = row * inner; i < stop; ++i) {                  \
                const T u = v[i] + x[i];                                    \
                T s = FLOOR(u / th);                                        \
                s = s < (T)0 ? (T)0 : (s > cap ? cap : s);                  \
                const T e = s * th;                                         \
                v[i] = u - e;                                               \
                spikes[i] = s;                                              \
                value[i] = e;                                               \
            }                                                               \
        }                                                                   \
    }                                                                       \
}                                                                           \
ENTRY(NAME,                                                                 \
      (T *v, const T *x, const T *theta, int64_t theta_stride, T *spikes,   \
       T *value, int64_t outer, int64_t channels, int64_t inner,            \
       int64_t max_spikes, int64_t threads),                                \
      (begin, end, v, x, theta, theta_stride, spikes, value, channels,      \
       inner, max_spikes))

#define SIGNED_IF(NAME, T)                                                   \
static WIDEST void NAME##_rows(                                             \
    int64_t begin, int64_t end, T *restrict v, const T *restrict x,         \
    const T *theta, const T *fire_neg, const T *carry_neg,                  \
    int64_t theta_stride, T *restrict spikes, T *restrict value,            \
    int64_t channels, int64_t inner)                                        \
{                                                                           \
    for (int64_t row = begin; row < end; ++row) {                           \
        const int64_t c = (row % channels) * theta_stride;                  \
        const T th = theta[c], fn = fire_neg[c], cn = carry_neg[c];         \
        const int64_t stop = (row + 1) * inner;                             \
        for (int64_t i = row * inner; i < stop; ++i) {                      \
            const T u = v[i] + x[i];                                        \
            const T p = u >= th ? (T)1 : (T)0;                              \
            const T n = u <= fn ? (T)1 : (T)0;                              \
            const T e = p * th;                                             \
            v[i] = (u - e) + (-n) * fn;                                     \
            value[i] = e + n * cn;                                          \
            spikes[i] = p - n;                                              \
        }                                                                   \
    }                                                                       \
}                                                                           \
ENTRY(NAME,                                                                 \
      (T *v, const T *x, const T *theta, const T *fire_neg,                 \
       const T *carry_neg, int64_t theta_stride, T *spikes, T *value,       \
       int64_t outer, int64_t channels, int64_t inner, int64_t threads),    \
      (begin, end, v, x, theta, fire_neg, carry_neg, theta_stride, spikes,  \
       value, channels, inner))

#define CONSISTENT_IF(NAME, T, FLOOR)                                        \
static WIDEST void NAME##_rows(                                             \
    int64_t begin, int64_t end, T *restrict v, T *restrict count,           \
    const T *restrict x, const T *theta, int64_t theta_stride,              \
    T *restrict spikes, T *restrict value, int64_t channels,                \
    int64_t inner, int64_t wake_steps, int64_t max_spikes)                  \
{                                                                           \
    const T wake = (T)wake_steps, cap = (T)max_spikes;                      \
    for (int64_t row = begin; row < end; ++row) {                           \
        const T th = theta[(row % channels) * theta_stride];                \
        const int64_t stop = (row + 1) * inner;                             \
        for (int64_t i = row * inner; i < stop; ++i) {                      \
            const T u = v[i] + x[i];                                        \
            const T n = count[i];                                           \
            const T low = -(n > cap ? cap : n);                             \
            T high = wake - n;                                              \
            high = high > cap ? cap : high;                                 \
            T s = FLOOR(u / th);                                            \
            s = s < low ? low : s;                                          \
            s = s > high ? high : s;                                        \
            count[i] = n + s;                                               \
            const T e = s * th;                                             \
            v[i] = u - e;                                                   \
            spikes[i] = s;                                                  \
            value[i] = e;                                                   \
        }                                                                   \
    }                                                                       \
}                                                                           \
ENTRY(NAME,                                                                 \
      (T *v, T *count, const T *x, const T *theta, int64_t theta_stride,    \
       T *spikes, T *value, int64_t outer, int64_t channels, int64_t inner, \
       int64_t wake_steps, int64_t max_spikes, int64_t threads),            \
      (begin, end, v, count, x, theta, theta_stride, spikes, value,         \
       channels, inner, wake_steps, max_spikes))

#define SIGNED_CONSISTENT_IF(NAME, T, FLOOR, ABS, COPYSIGN)                  \
static WIDEST void NAME##_rows(                                             \
    int64_t begin, int64_t end, T *restrict v, T *restrict count,           \
    const T *restrict count_value, const T *restrict x, const T *theta,     \
    const T *theta_neg, int64_t theta_stride, double shift,                 \
    T *restrict spikes, T *restrict value, T *restrict emitted,             \
    int64_t channels, int64_t inner, int64_t wake_steps,                    \
    int64_t max_spikes)                                                     \
{                                                                           \
    const T wake = (T)wake_steps, cap = (T)max_spikes, sh = (T)shift;       \
    for (int64_t row = begin; row < end; ++row) {                           \
        const int64_t c = (row % channels) * theta_stride;                  \
        const T tp = theta[c], tn = theta_neg[c];                           \
        const int64_t stop = (row + 1) * inner;                             \
        for (int64_t i = row * inner; i < stop; ++i) {                      \
            const T u = v[i] + x[i];                                        \
            v[i] = u;                                                       \
            T level = FLOOR(ABS(u) / (u >= (T)0 ? tp : tn) + sh);           \
            level = level > wake ? wake : level;                            \
            T s = COPYSIGN(level, u) - count[i];                            \
            s = s < -cap ? -cap : (s > cap ? cap : s);                      \
            const T n = count[i] + s;                                       \
            count[i] = n;                                                   \
            const T e = (n > (T)0 ? tp : tn) * n;                           \
            spikes[i] = s;                                                  \
            value[i] = e;                                                   \
            emitted[i] = e - count_value[i];                                \
        }                                                                   \
    }                                                                       \
}                                                                           \
ENTRY(NAME,                                                                 \
      (T *v, T *count, const T *count_value, const T *x, const T *theta,    \
       const T *theta_neg, int64_t theta_stride, double shift, T *spikes,   \
       T *value, T *emitted, int64_t outer, int64_t channels,               \
       int64_t inner, int64_t wake_steps, int64_t max_spikes,               \
       int64_t threads),                                                    \
      (begin, end, v, count, count_value, x, theta, theta_neg,              \
       theta_stride, shift, spikes, value, emitted, channels, inner,        \
       wake_steps, max_spikes))

IF_SUBTRACT(if_subtract_f32, float, floor_f32)
IF_SUBTRACT(if_subtract_f64, double, floor)
SIGNED_IF(signed_if_f32, float)
SIGNED_IF(signed_if_f64, double)
CONSISTENT_IF(consistent_if_f32, float, floor_f32)
CONSISTENT_IF(consistent_if_f64, double, floor)
SIGNED_CONSISTENT_IF(signed_consistent_if_f32, float, floor_f32, fabsf,
                     copysignf)
SIGNED_CONSISTENT_IF(signed_consistent_if_f64, double, floor, fabs, copysign)
