import CFFmpeg

/// An owned `AVPacket`, freed with the wrapper.
final class Packet {
    let pointer: UnsafeMutablePointer<AVPacket>

    init() throws(FFmpegError) {
        pointer = try allocated(av_packet_alloc(), "av_packet_alloc")
    }

    deinit {
        var packet: UnsafeMutablePointer<AVPacket>? = pointer
        av_packet_free(&packet)
    }

    /// A new packet that shares this one's reference-counted data.
    func reference() throws(FFmpegError) -> Packet {
        let copy = try Packet()
        try check(av_packet_ref(copy.pointer, pointer), "av_packet_ref")
        return copy
    }

    func unref() { av_packet_unref(pointer) }

    var streamIndex: Int32 { pointer.pointee.stream_index }
    var pts: Int64 { pointer.pointee.pts }
    var dts: Int64 { pointer.pointee.dts }
    var duration: Int64 { pointer.pointee.duration }
    var size: Int32 { pointer.pointee.size }
    var position: Int64 { pointer.pointee.pos }
    var isKeyframe: Bool { pointer.pointee.flags & AV_PKT_FLAG_KEY != 0 }
    /// Decoded but never presented (outside an MP4 edit list).
    var isDiscarded: Bool { pointer.pointee.flags & AV_PKT_FLAG_DISCARD != 0 }
    var isCorrupt: Bool { pointer.pointee.flags & AV_PKT_FLAG_CORRUPT != 0 }
}

@available(*, unavailable)
extension Packet: Sendable {}
