// The one umbrella header of the CFFmpeg module: FFmpeg 5.1's public headers, plus static inline
// wrappers for what Swift cannot import (function-like macros, MKTAG-based constants, compound literals).
// Every symbol defined here is prefixed `cffmpeg_`.
#ifndef CFFMPEG_SHIM_H
#define CFFMPEG_SHIM_H

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>
#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libavutil/avutil.h>
#include <libavutil/display.h>
#include <libavutil/error.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>

/// AVERROR(e) is a function-like macro.
static inline int cffmpeg_averror(int posix_error) { return AVERROR(posix_error); }

/// AVERROR(EAGAIN): the codec wants input (or output) before it can go on.
static const int cffmpeg_error_again = AVERROR(EAGAIN);
/// AVERROR_EOF is built with FFERRTAG/MKTAG, which Swift cannot import.
static const int cffmpeg_error_eof = AVERROR_EOF;
/// AVERROR_INVALIDDATA, likewise built with FFERRTAG.
static const int cffmpeg_error_invalid_data = AVERROR_INVALIDDATA;
/// AVERROR_DECODER_NOT_FOUND, likewise.
static const int cffmpeg_error_decoder_not_found = AVERROR_DECODER_NOT_FOUND;
/// AVERROR_ENCODER_NOT_FOUND, likewise.
static const int cffmpeg_error_encoder_not_found = AVERROR_ENCODER_NOT_FOUND;
/// AVERROR_STREAM_NOT_FOUND, likewise.
static const int cffmpeg_error_stream_not_found = AVERROR_STREAM_NOT_FOUND;
/// AVERROR(ENOMEM), used when an av_*_alloc returns NULL.
static const int cffmpeg_error_no_memory = AVERROR(ENOMEM);

/// AVSEEK_SIZE: a custom AVIO seek callback is asked for the stream's size, not to move.
static const int cffmpeg_avseek_size = AVSEEK_SIZE;
/// AVSEEK_FORCE: a flag OR'ed into `whence` that a custom AVIO seek callback may ignore.
static const int cffmpeg_avseek_force = AVSEEK_FORCE;

/// AV_NOPTS_VALUE is a cast expression Swift does not import.
static const int64_t cffmpeg_nopts_value = AV_NOPTS_VALUE;
/// AV_TIME_BASE_Q is a compound literal.
static inline AVRational cffmpeg_time_base_q(void) { return (AVRational){1, AV_TIME_BASE}; }

/// The rotation (degrees, counter-clockwise as libavutil reports it) of a stream's display matrix,
/// or NAN when the stream carries none. FFmpeg 5.1 keeps it in the stream's side data.
static inline double cffmpeg_stream_rotation(const AVStream *stream) {
    size_t size = 0;
    const uint8_t *matrix = av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, &size);
    if (matrix == NULL || size < 9 * sizeof(int32_t)) return NAN;
    return av_display_rotation_get((const int32_t *)matrix);
}

/// Writes a display matrix for `degrees` (counter-clockwise) into a stream's side data, so a muxer
/// stores it (tkhd matrix in MP4). Returns 0 or a negative AVERROR.
static inline int cffmpeg_stream_set_rotation(AVStream *stream, double degrees) {
    uint8_t *data = av_stream_new_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, 9 * sizeof(int32_t));
    if (data == NULL) return AVERROR(ENOMEM);
    av_display_rotation_set((int32_t *)data, degrees);
    return 0;
}

/// av_opt_set_int on an object's private options (AV_OPT_SEARCH_CHILDREN is a macro-built flag).
static inline int cffmpeg_opt_set(void *object, const char *name, const char *value) {
    return av_opt_set(object, name, value, AV_OPT_SEARCH_CHILDREN);
}

/// av_opt_set_int with AV_OPT_SEARCH_CHILDREN.
static inline int cffmpeg_opt_set_int(void *object, const char *name, int64_t value) {
    return av_opt_set_int(object, name, value, AV_OPT_SEARCH_CHILDREN);
}

/// FFmpeg's own logging goes to stderr by default; ClipKit reports errors itself.
static inline void cffmpeg_set_log_level(int level) { av_log_set_level(level); }

/// The log callback ClipKit installs: counts the errors (AV_LOG_ERROR and worse, what
/// `ffmpeg -v error` prints) that a codec logs, then hands every message to libav's default logger
/// (which prints it only when the log level allows). A codec context opts in by pointing its
/// `opaque` at an int counter (ClipMedia's CodecContext does); the frame-thread copies libavcodec
/// makes of a context keep that pointer, so their errors count too. A decoder that conceals damage
/// logs it here ("concealing N DC, N AC, N MV errors") even when its frames carry no error flag.
static void cffmpeg_counting_log_callback(void *avcl, int level, const char *format, va_list arguments) {
    if (level <= AV_LOG_ERROR && avcl != NULL) {
        const AVClass *class = *(const AVClass **)avcl;
        if (class != NULL && class->class_name != NULL && strcmp(class->class_name, "AVCodecContext") == 0) {
            int *counter = (int *)((AVCodecContext *)avcl)->opaque;
            if (counter != NULL) __atomic_fetch_add(counter, 1, __ATOMIC_RELAXED);
        }
    }
    av_log_default_callback(avcl, level, format, arguments);
}

/// Installs cffmpeg_counting_log_callback (once per process, from FFmpegLogging).
static inline void cffmpeg_install_counting_log_callback(void) { av_log_set_callback(cffmpeg_counting_log_callback); }

/// Reads a counter the log callback may be incrementing on another thread.
static inline int cffmpeg_counter_load(const int *counter) { return __atomic_load_n(counter, __ATOMIC_RELAXED); }

/// O_TMPFILE (Linux) is built from two macros Swift does not import as one constant; 0 elsewhere.
/// Used by ClipMedia's OutputFile to write files that have no name until they are complete.
#if defined(O_TMPFILE)
static const int cffmpeg_o_tmpfile = O_TMPFILE;
#elif defined(__linux__) && (defined(__x86_64__) || defined(__aarch64__))
/* fcntl.h hides O_TMPFILE without _GNU_SOURCE; __O_TMPFILE is 020000000 on these architectures. */
static const int cffmpeg_o_tmpfile = 020000000 | O_DIRECTORY;
#else
static const int cffmpeg_o_tmpfile = 0;
#endif
/// AT_SYMLINK_FOLLOW, for linkat(2) of an O_TMPFILE descriptor through /proc/self/fd.
static const int cffmpeg_at_symlink_follow = AT_SYMLINK_FOLLOW;

#endif
