import CFFmpeg

/// Completes a file's stream parameters from its headers alone when they say enough, so a probe
/// reads no packets and decodes no frames.
///
/// `avformat_find_stream_info` learns the pixel format, profile and colour signal of an H.264
/// stream by decoding frames: that was four fifths of a probe's time. An MP4's `moov` already holds
/// the sample table (frame count, keyframes, duration, frame rate) and the `avcC` box with the
/// sequence parameter set, which says the rest. Anything else (fragmented files, other containers
/// and codecs, an SPS sent only in-band) still goes through `avformat_find_stream_info`.
enum HeaderParameters {
    /// Fills what the headers say into the streams' parameters and the format's bit rate.
    /// - Returns: whether every stream a probe reports is fully described; when false, the caller
    ///   reads stream info (and nothing written here is in its way: it is what the decoder finds too).
    static func complete(_ demuxer: Demuxer, fragmented: Bool) -> Bool {
        let format = demuxer.context.pointee
        guard demuxer.formatName.hasPrefix("mov,mp4"), !fragmented, format.duration > 0 else { return false }
        if let audio = demuxer.bestStream(AVMEDIA_TYPE_AUDIO) {
            let parameters = demuxer.stream(audio).pointee.codecpar.pointee
            guard parameters.sample_rate > 0, parameters.ch_layout.nb_channels > 0 else { return false }
        }
        guard let video = demuxer.bestStream(AVMEDIA_TYPE_VIDEO) else { return false }
        let stream = demuxer.stream(video).pointee
        let parameters = stream.codecpar!
        guard parameters.pointee.codec_id == AV_CODEC_ID_H264,
            stream.avg_frame_rate.num > 0, stream.avg_frame_rate.den > 0,
            let extradata = parameters.pointee.extradata, parameters.pointee.extradata_size > 0,
            let sps = H264SequenceParameters(
                extradata: Array(UnsafeBufferPointer(start: extradata, count: Int(parameters.pointee.extradata_size)))),
            sps.apply(to: parameters)
        else { return false }
        if format.bit_rate <= 0 {
            // As avformat's update_stream_timings: the file's size over its duration.
            let size = avio_size(format.pb)
            if size > 0, format.duration > 0 {
                demuxer.context.pointee.bit_rate = Int64(min(9e18, Double(size) * 8 * Double(AV_TIME_BASE) / Double(format.duration)))
            }
        }
        return true
    }
}
