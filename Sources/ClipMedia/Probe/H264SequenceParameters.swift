import CFFmpeg

/// What an H.264 sequence parameter set (ITU-T H.264 §7.3.2.1.1) says about the pictures a decoder
/// will produce: profile, level, chroma format, bit depth, pixel shape and colour signal.
///
/// These are the facts `avformat_find_stream_info` decodes frames to learn; reading them from the
/// SPS in the `avcC` box costs microseconds instead. ``apply(to:)`` fills them in the way FFmpeg's
/// H.264 decoder would (`h264_slice.c`, `get_pixel_format` and `h264_init_ps`).
struct H264SequenceParameters {
    var profileIDC: Int
    /// constraint_set0_flag in bit 0 up to constraint_set5_flag in bit 5, as FFmpeg keeps them.
    var constraintFlags: Int
    var levelIDC: Int
    /// 0 monochrome, 1 4:2:0, 2 4:2:2, 3 4:4:4.
    var chromaFormat: Int
    var bitDepthLuma: Int
    var bitDepthChroma: Int
    /// The VUI's sample aspect ratio; nil when the SPS does not give one.
    var sampleAspectRatio: AVRational?
    var signal: VideoSignal?

    /// Parses an SPS NAL unit, header byte included.
    init?(nal: ArraySlice<UInt8>) {
        guard let header = nal.first, header & 0x1F == NALUnit.sequenceParameterSet else { return nil }
        var reader = BitReader(escaped: nal.dropFirst())
        do throws(BitReader.OutOfData) {
            try self.init(reading: &reader)
        } catch {
            return nil
        }
    }

    /// The first SPS in a stream's extradata: an `avcC` record (MP4, Matroska) or Annex B start codes.
    init?(extradata: [UInt8]) {
        let units = AVCConfiguration(avcC: extradata).map { $0.sequenceParameterSets.map { $0[...] } }
            ?? extradata.withUnsafeBufferPointer(NALUnit.splitAnnexB)
        for nal in units where nal.first.map({ $0 & 0x1F == NALUnit.sequenceParameterSet }) == true {
            if let parsed = H264SequenceParameters(nal: nal) {
                self = parsed
                return
            }
        }
        return nil
    }

    private init(reading reader: inout BitReader) throws(BitReader.OutOfData) {
        profileIDC = Int(try reader.bits(8))
        constraintFlags = 0
        for bit in 0..<6 where try reader.flag() { constraintFlags |= 1 << bit }
        try reader.skip(2)
        levelIDC = Int(try reader.bits(8))
        _ = try reader.golomb()  // seq_parameter_set_id
        chromaFormat = 1
        bitDepthLuma = 8
        bitDepthChroma = 8
        if Self.highProfiles.contains(profileIDC) {
            chromaFormat = Int(try reader.golomb())
            if chromaFormat == 3 { try reader.skip(1) }  // separate_colour_plane_flag
            bitDepthLuma = Int(try reader.golomb()) + 8
            bitDepthChroma = Int(try reader.golomb()) + 8
            try reader.skip(1)  // qpprime_y_zero_transform_bypass_flag
            if try reader.flag() {  // seq_scaling_matrix_present_flag
                for list in 0..<(chromaFormat == 3 ? 12 : 8) where try reader.flag() {
                    try Self.skipScalingList(&reader, size: list < 6 ? 16 : 64)
                }
            }
        }
        _ = try reader.golomb()  // log2_max_frame_num_minus4
        switch try reader.golomb() {  // pic_order_cnt_type
        case 0:
            _ = try reader.golomb()  // log2_max_pic_order_cnt_lsb_minus4
        case 1:
            try reader.skip(1)  // delta_pic_order_always_zero_flag
            _ = try reader.signedGolomb()  // offset_for_non_ref_pic
            _ = try reader.signedGolomb()  // offset_for_top_to_bottom_field
            for _ in 0..<min(try reader.golomb(), 255) { _ = try reader.signedGolomb() }
        default:
            break
        }
        _ = try reader.golomb()  // max_num_ref_frames
        try reader.skip(1)  // gaps_in_frame_num_value_allowed_flag
        _ = try reader.golomb()  // pic_width_in_mbs_minus1
        _ = try reader.golomb()  // pic_height_in_map_units_minus1
        if try !reader.flag() { try reader.skip(1) }  // frame_mbs_only_flag, mb_adaptive_frame_field_flag
        try reader.skip(1)  // direct_8x8_inference_flag
        if try reader.flag() {  // frame_cropping_flag
            for _ in 0..<4 { _ = try reader.golomb() }
        }
        guard try reader.flag() else { return }  // vui_parameters_present_flag
        if try reader.flag() {  // aspect_ratio_info_present_flag
            let index = Int(try reader.bits(8))
            if index == 255 {
                sampleAspectRatio = AVRational(num: Int32(try reader.bits(16)), den: Int32(try reader.bits(16)))
            } else if index < Self.pixelAspect.count {
                sampleAspectRatio = Self.pixelAspect[index]
            }
        }
        if try reader.flag() { try reader.skip(1) }  // overscan_info_present_flag, overscan_appropriate_flag
        signal = try VideoSignal(reading: &reader)
    }

    /// FFmpeg's profile number: the profile_idc, marked constrained or intra by the constraint flags.
    var profile: Int32 {
        var profile = Int32(profileIDC)
        if profileIDC == 66, constraintFlags & 1 << 1 != 0 { profile |= 1 << 9 }  // FF_PROFILE_H264_CONSTRAINED
        if [110, 122, 244].contains(profileIDC), constraintFlags & 1 << 3 != 0 { profile |= 1 << 11 }  // FF_PROFILE_H264_INTRA
        return profile
    }

    /// The pixel format FFmpeg's decoder outputs for this SPS (`get_pixel_format`, software path);
    /// nil for what it would refuse.
    func pixelFormat(range: AVColorRange, space: AVColorSpace) -> AVPixelFormat? {
        guard bitDepthLuma == bitDepthChroma, [8, 9, 10, 12, 14].contains(bitDepthLuma), (0...3).contains(chromaFormat)
        else { return nil }
        let depth = bitDepthLuma == 8 ? "" : "\(bitDepthLuma)\(PixelFormatName.nativeEndian)"
        if chromaFormat == 3 && space == AVCOL_SPC_RGB { return PixelFormatName.lookup("gbrp\(depth)") }
        let subsampling = ["420", "420", "422", "444"][chromaFormat]
        let full = bitDepthLuma == 8 && range == AVCOL_RANGE_JPEG ? "j" : ""
        return PixelFormatName.lookup("yuv\(full)\(subsampling)p\(depth)")
    }

    /// Writes what the SPS says into a stream's parameters, as a decoder would report it: the
    /// bitstream's colour description wins over the container's, the container's pixel shape over
    /// the bitstream's.
    /// - Returns: false when the SPS describes pictures FFmpeg would not decode.
    func apply(to parameters: UnsafeMutablePointer<AVCodecParameters>) -> Bool {
        signal?.apply(to: parameters)
        guard let format = pixelFormat(range: parameters.pointee.color_range, space: parameters.pointee.color_space)
        else { return false }
        parameters.pointee.format = format.rawValue
        parameters.pointee.profile = profile
        parameters.pointee.level = Int32(levelIDC)
        if parameters.pointee.sample_aspect_ratio.num == 0, let sampleAspectRatio {
            parameters.pointee.sample_aspect_ratio = sampleAspectRatio
        }
        return true
    }

    /// Profiles whose SPS carries chroma format, bit depth and scaling matrices (and whose `avcC`
    /// records them after the parameter sets).
    static let highProfiles: Set<Int> = [100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135, 144]

    /// Table E-1: aspect_ratio_idc 0...16.
    private static let pixelAspect: [AVRational] = [
        (0, 1), (1, 1), (12, 11), (10, 11), (16, 11), (40, 33), (24, 11), (20, 11), (32, 11), (80, 33),
        (18, 11), (15, 11), (64, 33), (160, 99), (4, 3), (3, 2), (2, 1),
    ].map { AVRational(num: $0.0, den: $0.1) }

    /// §7.3.2.1.1.1: delta-coded scale factors, ending early when the next scale is 0.
    private static func skipScalingList(_ reader: inout BitReader, size: Int) throws(BitReader.OutOfData) {
        var last: Int64 = 8
        var next: Int64 = 8
        for _ in 0..<size {
            if next != 0 {
                next = (last + (try reader.signedGolomb()) + 256) % 256
            }
            last = next == 0 ? last : next
        }
    }
}

/// The VUI's video signal type (H.264 Annex E, HEVC Annex E): range and colour description.
struct VideoSignal: Equatable {
    var fullRange: Bool
    /// colour_primaries, transfer_characteristics, matrix_coeffs; nil when not described.
    var primaries: UInt32?
    var transfer: UInt32?
    var matrix: UInt32?

    /// Reads `video_signal_type_present_flag` and what follows it; nil when the flag is off.
    init?(reading reader: inout BitReader) throws(BitReader.OutOfData) {
        guard try reader.flag() else { return nil }
        try reader.skip(3)  // video_format
        fullRange = try reader.flag()
        if try reader.flag() {  // colour_description_present_flag
            primaries = try reader.bits(8)
            transfer = try reader.bits(8)
            matrix = try reader.bits(8)
        }
    }

    /// As FFmpeg's `ff_h2645_decode_common_vui_params` and the decoders do: values libavutil has no
    /// name for become unspecified.
    func apply(to parameters: UnsafeMutablePointer<AVCodecParameters>) {
        parameters.pointee.color_range = fullRange ? AVCOL_RANGE_JPEG : AVCOL_RANGE_MPEG
        guard let primaries, let transfer, let matrix else { return }
        let namedPrimaries = AVColorPrimaries(rawValue: primaries)
        let namedTransfer = AVColorTransferCharacteristic(rawValue: transfer)
        let namedMatrix = AVColorSpace(rawValue: matrix)
        parameters.pointee.color_primaries = av_color_primaries_name(namedPrimaries) != nil ? namedPrimaries : AVCOL_PRI_UNSPECIFIED
        parameters.pointee.color_trc = av_color_transfer_name(namedTransfer) != nil ? namedTransfer : AVCOL_TRC_UNSPECIFIED
        parameters.pointee.color_space = av_color_space_name(namedMatrix) != nil ? namedMatrix : AVCOL_SPC_UNSPECIFIED
    }
}

/// libavutil pixel formats by name.
enum PixelFormatName {
    #if _endian(little)
    static let nativeEndian = "le"
    #else
    static let nativeEndian = "be"
    #endif

    static func lookup(_ name: String) -> AVPixelFormat? {
        let format = av_get_pix_fmt(name)
        return format == AV_PIX_FMT_NONE ? nil : format
    }
}
