import CFFmpeg

/// Sends `frame` (nil flushes) to an opened encoder and passes every packet that comes out to `body`:
/// the one send/receive loop every ClipKit encoder (video, audio tone, join) shares.
func encode(
    _ frame: Frame?, with context: UnsafeMutablePointer<AVCodecContext>, reusing packet: Packet,
    into body: (Packet) throws -> Void
) throws {
    try check(avcodec_send_frame(context, frame?.pointer), "avcodec_send_frame")
    while true {
        let code = avcodec_receive_packet(context, packet.pointer)
        if code == cffmpeg_error_again || code == cffmpeg_error_eof { return }
        try check(code, "avcodec_receive_packet")
        defer { packet.unref() }
        try body(packet)
    }
}
