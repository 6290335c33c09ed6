/*
 * spikedet's neuron steps as single fused loops over the state (CPU).
 *
 * Each function is the exact float arithmetic of the eager kernel of the
 * same name in spikedet/neurons/kernels.py, in the same order, so the
 * spikes, emitted values and membranes are bit-identical (the build uses
 * -ffp-contract=off and no fast-math; tests/test_neurons/test_native.py
 * checks it over 64 steps). Where eager makes four or more passes over
 * memory, a fused step makes one: it reads its state and the input once
 * and writes its state and the emitted value.
 *
 * Layouts: every tensor is either planar, contiguous [outer, channels,
 * inner] (NCHW: a row of ``inner`` elements shares one channel), or
 * interleaved, contiguous [outer, channels] with the channel innermost
 * (channels-last NHWC: a row is one position's ``channels`` elements). A
 * threshold is one value per channel (stride 1) or, planar only, one
 * scalar (stride 0). The rows are shared between threads with OpenMP,
 * linked against the runtime torch already loaded (libgomp.so.1).
 */
#include <math.h>
#include <omp.h>
#include <stdint.h>

/*
 * x86-64: each loop is compiled for AVX-512, for AVX2 and for the baseline
 * (SSE2), and the loader picks the widest the CPU has (GCC / Clang
 * function multi-versioning); the same operations either way, so the same
 * bits. floor() inlines as one rounding instruction from SSE4.1 on, so
 * the AVX loops vectorize whole; the baseline's floor is a library call.
 */
#if defined(__x86_64__) && defined(__GNUC__)
#define WIDEST __attribute__((target_clones("avx512f", "avx2", "default")))
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
 * Each step is an element update (a BODY macro: element ``i`` at its
 * channel's parameters), a row function that runs it over rows
 * [begin, end) of either layout, and an exported entry point that shares
 * the rows between a team of ``threads`` (one thread below
 * PARALLEL_GRAIN). ``interleaved`` rows take ``channels`` elements with
 * per-element parameters (stride 1); planar rows ``inner`` elements at
 * the row's channel.
 */
#define ROWS(LOAD, BODY)                                                    \
    for (int64_t row = begin; row < end; ++row) {                           \
        if (interleaved) {                                                  \
            const int64_t base = row * channels;                            \
            for (int64_t ch = 0; ch < channels; ++ch) {                     \
                const int64_t c = ch, i = base + ch;                        \
                LOAD BODY                                                   \
            }                                                               \
        } else {                                                            \
            const int64_t c = (row % channels) * theta_stride;              \
            LOAD                                                            \
            const int64_t stop = (row + 1) * inner;                         \
            for (int64_t i = row * inner; i < stop; ++i) BODY               \
        }                                                                   \
    }

#define ENTRY(NAME, PARAMS, ARGS)                                           \
void NAME PARAMS                                                            \
{                                                                           \
    const int64_t rows = interleaved ? outer : outer * channels;            \
    const int big = outer * channels * inner >= PARALLEL_GRAIN;             \
    _Pragma("omp parallel num_threads(threads) if (big)")                   \
    {                                                                       \
        int64_t begin, end;                                                 \
        team_share(rows, &begin, &end);                                     \
        NAME##_rows ARGS;                                                   \
    }                                                                       \
}

#define LAYOUT_PARAMS                                                       \
    int64_t outer, int64_t channels, int64_t inner, int64_t theta_stride,   \
    int64_t interleaved
#define ROW_PARAMS                                                          \
    int64_t begin, int64_t end, int64_t channels, int64_t inner,            \
    int64_t theta_stride, int64_t interleaved
#define ROW_ARGS begin, end, channels, inner, theta_stride, interleaved

/*
 * The emitted value goes to ``value``, or, where that is NULL, over the
 * input ``x`` (the caller owns ``x`` and no longer needs it: an in-place
 * activation's input): one stream fewer and no fresh block to fault in.
 * Each row function is expanded once per destination, so both loops keep
 * their ``restrict`` pointers. The IF steps write no spikes: they follow
 * from the value (see the Python wrappers).
 */
#define INTO(ROWS_NAME, ARGS_FRESH, ARGS_INPLACE)                            \
    if (value) ROWS_NAME##_fresh ARGS_FRESH;                                \
    else ROWS_NAME##_inplace ARGS_INPLACE;

/* A comma inside one macro argument (an optional parameter). */
#define COMMA ,

/* IF with reset by subtraction (kernels.if_subtract), into OUT. */
#define IF_SUBTRACT_ROWS(NAME, T, FLOOR, X_QUAL, OUT_DECL, OUT)               \
static WIDEST void NAME(                                                    \
    ROW_PARAMS, T *restrict v, X_QUAL T *restrict x, const T *theta         \
    OUT_DECL, int64_t max_spikes)                                           \
{                                                                           \
    const T cap = (T)max_spikes;                                            \
    if (max_spikes == 1) {                                                  \
        ROWS(const T th = theta[c];, {                                      \
            const T u = v[i] + x[i];                                        \
            const T s = u >= th ? (T)1 : (T)0;                              \
            const T e = s * th;                                             \
            v[i] = u - e;                                                   \
            OUT[i] = e;                                                     \
        })                                                                  \
    } else {                                                                \
        ROWS(const T th = theta[c];, {                                      \
            const T u = v[i] + x[i];                                        \
            T s = FLOOR(u / th);                                            \
            s = s < (T)0 ? (T)0 : (s > cap ? cap : s);                      \
            const T e = s * th;                                             \
            v[i] = u - e;                                                   \
            OUT[i] = e;                                                     \
        })                                                                  \
    }                                                                       \
}

#define IF_SUBTRACT(NAME, T, FLOOR)                                          \
IF_SUBTRACT_ROWS(NAME##_rows_fresh, T, FLOOR, const,                        \
                 COMMA T *restrict value, value)                            \
IF_SUBTRACT_ROWS(NAME##_rows_inplace, T, FLOOR, , , x)                      \
static void NAME##_rows(ROW_PARAMS, T *v, T *x, const T *theta, T *value,   \
                        int64_t max_spikes)                                 \
{                                                                           \
    INTO(NAME##_rows,                                                       \
         (ROW_ARGS, v, x, theta, value, max_spikes),                        \
         (ROW_ARGS, v, x, theta, max_spikes))                               \
}                                                                           \
ENTRY(NAME,                                                                 \
      (T *v, T *x, const T *theta, T *value, int64_t max_spikes,            \
       LAYOUT_PARAMS, int64_t threads),                                     \
      (ROW_ARGS, v, x, theta, value, max_spikes))

/* Signed IF with reset by subtraction (kernels.signed_if), into OUT. */
#define SIGNED_IF_ROWS(NAME, T, X_QUAL, OUT_DECL, OUT)                        \
static WIDEST void NAME(                                                    \
    ROW_PARAMS, T *restrict v, X_QUAL T *restrict x, const T *theta,        \
    const T *fire_neg, const T *carry_neg OUT_DECL)                         \
{                                                                           \
    ROWS(const T th = theta[c]; const T fn = fire_neg[c];                  \
         const T cn = carry_neg[c];, {                                     \
        const T u = v[i] + x[i];                                            \
        const T p = u >= th ? (T)1 : (T)0;                                  \
        const T n = u <= fn ? (T)1 : (T)0;                                  \
        const T e = p * th;                                                 \
        v[i] = (u - e) + (-n) * fn;                                         \
        OUT[i] = e + n * cn;                                                \
    })                                                                      \
}

#define SIGNED_IF(NAME, T)                                                   \
SIGNED_IF_ROWS(NAME##_rows_fresh, T, const, COMMA T *restrict value, value) \
SIGNED_IF_ROWS(NAME##_rows_inplace, T, , , x)                               \
static void NAME##_rows(ROW_PARAMS, T *v, T *x, const T *theta,             \
                        const T *fire_neg, const T *carry_neg, T *value)    \
{                                                                           \
    INTO(NAME##_rows,                                                       \
         (ROW_ARGS, v, x, theta, fire_neg, carry_neg, value),               \
         (ROW_ARGS, v, x, theta, fire_neg, carry_neg))                      \
}                                                                           \
ENTRY(NAME,                                                                 \
      (T *v, T *x, const T *theta, const T *fire_neg, const T *carry_neg,   \
       T *value, LAYOUT_PARAMS, int64_t threads),                           \
      (ROW_ARGS, v, x, theta, fire_neg, carry_neg, value))

/*
 * CASC's consistent IF (kernels.consistent_if): the count-bounded clamp;
 * writes the value only (the spikes are value / theta).
 */
#define CONSISTENT_IF(NAME, T, FLOOR)                                        \
static WIDEST void NAME##_rows(                                             \
    ROW_PARAMS, T *restrict v, T *restrict count, const T *restrict x,      \
    const T *theta, T *restrict value, int64_t wake_steps,                  \
    int64_t max_spikes)                                                     \
{                                                                           \
    const T wake = (T)wake_steps, cap = (T)max_spikes;                      \
    ROWS(const T th = theta[c];, {                                          \
        const T u = v[i] + x[i];                                            \
        const T n = count[i];                                               \
        const T low = -(n > cap ? cap : n);                                 \
        T high = wake - n;                                                  \
        high = high > cap ? cap : high;                                     \
        T s = FLOOR(u / th);                                                \
        s = s < low ? low : s;                                              \
        s = s > high ? high : s;                                            \
        count[i] = n + s;                                                   \
        const T e = s * th;                                                 \
        v[i] = u - e;                                                       \
        value[i] = e;                                                       \
    })                                                                      \
}                                                                           \
ENTRY(NAME,                                                                 \
      (T *v, T *count, const T *x, const T *theta, T *value,                \
       int64_t wake_steps, int64_t max_spikes, LAYOUT_PARAMS,               \
       int64_t threads),                                                    \
      (ROW_ARGS, v, count, x, theta, value, wake_steps, max_spikes))

/*
 * The signed consistent IF (kernels.signed_consistent_if): writes the
 * spikes, E(S) and the emitted E(S) - E(S before).
 */
#define SIGNED_CONSISTENT_IF(NAME, T, FLOOR, ABS, COPYSIGN)                  \
static WIDEST void NAME##_rows(                                             \
    ROW_PARAMS, T *restrict v, T *restrict count,                           \
    const T *restrict count_value, const T *restrict x, const T *theta,     \
    const T *theta_neg, T *restrict spikes, T *restrict value,              \
    T *restrict emitted, double shift, int64_t wake_steps,                  \
    int64_t max_spikes)                                                     \
{                                                                           \
    const T wake = (T)wake_steps, cap = (T)max_spikes, sh = (T)shift;       \
    ROWS(const T tp = theta[c]; const T tn = theta_neg[c];, {              \
        const T u = v[i] + x[i];                                            \
        v[i] = u;                                                           \
        T level = FLOOR(ABS(u) / (u >= (T)0 ? tp : tn) + sh);               \
        level = level > wake ? wake : level;                                \
        T s = COPYSIGN(level, u) - count[i];                                \
        s = s < -cap ? -cap : (s > cap ? cap : s);                          \
        const T n = count[i] + s;                                           \
        count[i] = n;                                                       \
        const T e = (n > (T)0 ? tp : tn) * n;                               \
        spikes[i] = s;                                                      \
        value[i] = e;                                                       \
        emitted[i] = e - count_value[i];                                    \
    })                                                                      \
}                                                                           \
ENTRY(NAME,                                                                 \
      (T *v, T *count, const T *count_value, const T *x, const T *theta,    \
       const T *theta_neg, T *spikes, T *value, T *emitted, double shift,   \
       int64_t wake_steps, int64_t max_spikes, LAYOUT_PARAMS,               \
       int64_t threads),                                                    \
      (ROW_ARGS, v, count, count_value, x, theta, theta_neg, spikes, value, \
       emitted, shift, wake_steps, max_spikes))

IF_SUBTRACT(if_subtract_f32, float, floorf)
IF_SUBTRACT(if_subtract_f64, double, floor)
SIGNED_IF(signed_if_f32, float)
SIGNED_IF(signed_if_f64, double)
CONSISTENT_IF(consistent_if_f32, float, floorf)
CONSISTENT_IF(consistent_if_f64, double, floor)
SIGNED_CONSISTENT_IF(signed_consistent_if_f32, float, floorf, fabsf,
                     copysignf)
SIGNED_CONSISTENT_IF(signed_consistent_if_f64, double, floor, fabs, copysign)
