@testable import ClipMedia
import CFFmpeg
import ClipTestSupport
import Foundation
import Testing

/// Probing an H.264 MP4 reads the SPS instead of decoding frames; whatever it reports must be what
/// `avformat_find_stream_info` (ffprobe's way) reports for the same file.
struct HeaderParametersTests {
    @Test(arguments: ["plain", "ten-bit", "anamorphic", "rotated", "audio"])
    func libraryMadeClipsProbeAsStreamInfoWould(shape: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try Fixtures.clip("\(shape).mp4", in: directory, frames: 30) { settings in
            switch shape {
            case "ten-bit": settings.tenBit = true
            case "anamorphic": settings.sampleAspectRatio = Ratio(4, 3)
            case "rotated": settings.rotation = 90
            case "audio": settings.audio = true
            default: break
            }
        }
        try expectHeadersSuffice(path)
    }

    /// SPS shapes x264 writes through the ffmpeg CLI: other profiles, chroma formats and bit depths,
    /// full range with a colour description, interlacing.
    static let encodings: [(String, [String])] = [
        ("constrained-baseline", ["-profile:v", "baseline", "-pix_fmt", "yuv420p"]),
        ("full-range-bt2020-pq", [
            "-pix_fmt", "yuv420p", "-color_range", "pc", "-colorspace", "bt2020nc", "-color_primaries", "bt2020",
            "-color_trc", "smpte2084",
        ]),
        ("high-422-10bit", ["-pix_fmt", "yuv422p10le"]),
        ("high-444", ["-pix_fmt", "yuv444p"]),
        ("high-444-rgb", ["-pix_fmt", "yuv444p", "-colorspace", "rgb"]),
        ("interlaced", ["-pix_fmt", "yuv420p", "-flags", "+ildct+ilme", "-x264-params", "tff=1"]),
        ("monochrome-is-420", ["-pix_fmt", "gray"]),
    ]

    @Test(.enabled(if: ReferenceTools.available), arguments: encodings.indices)
    func x264SequenceParametersProbeAsStreamInfoWould(index: Int) throws {
        let (name, options) = Self.encodings[index]
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("\(name).mp4")
        try ReferenceTools.run(
            "ffmpeg",
            ["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=s=192x108:r=24", "-frames:v", "12", "-c:v", "libx264"]
                + options + [path])
        try #require(FileManager.default.fileExists(atPath: path), "ffmpeg could not make \(name)")
        try expectHeadersSuffice(path)
    }

    @Test func fragmentedAndNonH264FilesStillReadStreamInfo() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let fragmented = try Fixtures.clip("fragmented.mp4", in: directory, frames: 24) { $0.layout = .fragmented }
        let vp9 = try Fixtures.clip("vp9.webm", in: directory, frames: 12) { $0.codec = .vp9 }
        for path in [fragmented, vp9] {
            #expect(!HeaderParameters.complete(try Demuxer(path: path), fragmented: path == fragmented))
            #expect(try MediaProbe.probe(path: path).video?.pixelFormat == "yuv420p")
        }
    }

    @Test func readsExpGolombCodesAcrossEmulationPrevention() throws {
        // 00 00 03 01: the 03 is an escape, so the payload is 00 00 01 FF FF FF: 23 zero bits, a one,
        // 23 ones (the code's value), then a lone 1 bit (ue 0).
        var reader = BitReader(escaped: [0x00, 0x00, 0x03, 0x01, 0xFF, 0xFF, 0xFF, 0b0100_1100, 0b1000_0000])
        #expect(try reader.golomb() == (1 << 24) - 2)
        #expect(try reader.golomb() == 0)  // 1
        #expect(try reader.golomb() == 1)  // 010
        #expect(try reader.signedGolomb() == -1)  // 011: ue 2 is -1
        #expect(try reader.signedGolomb() == 2)  // 00100: ue 3 is +2
        #expect(throws: BitReader.OutOfData.self) { try reader.bits(8) }
    }

    /// The join renumbers spliced parameter sets, so it reads their ids with the same reader.
    @Test func readsParameterSetIDsForTheJoin() {
        var sps = BitWriter()
        sps.golomb(17)  // seq_parameter_set_id, after profile, constraint flags and level
        sps.golomb(0)
        #expect(NALUnit.sequenceParameterSetID([0x67, 100, 0, 31] + sps.escapedBytes) == 17)
        var pps = BitWriter()
        pps.golomb(5)  // pic_parameter_set_id
        pps.golomb(17)  // seq_parameter_set_id
        let ids = NALUnit.pictureParameterSetIDs([0x68] + pps.escapedBytes)
        #expect(ids?.pps == 5 && ids?.sps == 17)
        #expect(NALUnit.pictureParameterSetIDs([0x67] + pps.escapedBytes) == nil)  // an SPS is not a PPS
        #expect(NALUnit.sequenceParameterSetID([0x67, 100, 0, 31, 0]) == nil)  // no id before the data ends
    }

    /// x264 puts custom matrices in the PPS, so an SPS with scaling lists, a type-1 picture order and
    /// cropping is written here bit by bit (H.264 §7.3.2.1.1); the VUI after them must still read right.
    @Test func readsPastScalingListsToTheVUI() throws {
        var sps = BitWriter()
        sps.bits(0x67, 8)  // NAL header: SPS
        sps.bits(122, 8)  // profile_idc: High 4:2:2
        sps.bits(0b000100, 6)  // constraint_set3_flag: intra
        sps.bits(0, 2)
        sps.bits(40, 8)  // level_idc
        sps.golomb(0)  // seq_parameter_set_id
        sps.golomb(2)  // chroma_format_idc 4:2:2
        sps.golomb(2)  // bit_depth_luma_minus8: 10
        sps.golomb(2)  // bit_depth_chroma_minus8
        sps.bits(0, 1)  // qpprime_y_zero_transform_bypass_flag
        sps.bits(1, 1)  // seq_scaling_matrix_present_flag
        for list in 0..<8 {
            let present = list == 0 || list == 6
            sps.bits(present ? 1 : 0, 1)
            guard present else { continue }
            // Delta-coded scale factors: a ramp, then 0 ("use the last scale from here on") for the 8x8 list.
            let size = list < 6 ? 16 : 64
            var last = 8
            for index in 0..<size {
                if list == 6 && index == 10 {
                    sps.signedGolomb(-last)  // next scale 0 ends the list
                    break
                }
                let scale = 16 + index % 24
                sps.signedGolomb((scale - last + 128 + 256) % 256 - 128)
                last = scale
            }
        }
        sps.golomb(0)  // log2_max_frame_num_minus4
        sps.golomb(1)  // pic_order_cnt_type 1
        sps.bits(0, 1)  // delta_pic_order_always_zero_flag
        sps.signedGolomb(-2)  // offset_for_non_ref_pic
        sps.signedGolomb(1)  // offset_for_top_to_bottom_field
        sps.golomb(2)  // num_ref_frames_in_pic_order_cnt_cycle
        sps.signedGolomb(3)
        sps.signedGolomb(-3)
        sps.golomb(4)  // max_num_ref_frames
        sps.bits(0, 1)  // gaps_in_frame_num_value_allowed_flag
        sps.golomb(119)  // pic_width_in_mbs_minus1: 1920
        sps.golomb(33)  // pic_height_in_map_units_minus1: 1088 / 2 (fields)
        sps.bits(0, 1)  // frame_mbs_only_flag: interlaced
        sps.bits(1, 1)  // mb_adaptive_frame_field_flag
        sps.bits(1, 1)  // direct_8x8_inference_flag
        sps.bits(1, 1)  // frame_cropping_flag
        for offset in [0, 0, 0, 4] { sps.golomb(offset) }
        sps.bits(1, 1)  // vui_parameters_present_flag
        sps.bits(1, 1)  // aspect_ratio_info_present_flag
        sps.bits(255, 8)  // Extended_SAR
        sps.bits(4, 16)
        sps.bits(3, 16)
        sps.bits(0, 1)  // overscan_info_present_flag
        sps.bits(1, 1)  // video_signal_type_present_flag
        sps.bits(5, 3)  // video_format
        sps.bits(1, 1)  // video_full_range_flag
        sps.bits(1, 1)  // colour_description_present_flag
        sps.bits(9, 8)  // BT.2020
        sps.bits(16, 8)  // PQ
        sps.bits(200, 8)  // no such matrix: unspecified, as FFmpeg reads it
        sps.bits(1, 1)  // rbsp_stop_one_bit

        let parsed = try #require(H264SequenceParameters(nal: sps.escapedBytes[...]))
        #expect(parsed.profile == 122 | 1 << 11)  // High 4:2:2 Intra
        #expect(parsed.levelIDC == 40)
        #expect(parsed.chromaFormat == 2 && parsed.bitDepthLuma == 10 && parsed.bitDepthChroma == 10)
        #expect(parsed.sampleAspectRatio?.num == 4 && parsed.sampleAspectRatio?.den == 3)
        let signal = try #require(parsed.signal)
        #expect(signal.fullRange && signal.primaries == 9 && signal.transfer == 16 && signal.matrix == 200)
        #expect(parsed.pixelFormat(range: AVCOL_RANGE_JPEG, space: AVCOL_SPC_UNSPECIFIED) == AV_PIX_FMT_YUV422P10LE)

        // The same SPS found in Annex B extradata (as MPEG-TS and raw .h264 carry it), after an AUD.
        let annexB: [UInt8] = [0, 0, 0, 1, 0x09, 0xF0, 0, 0, 0, 1] + sps.escapedBytes + [0, 0, 1, 0x68, 0xCE, 0x38, 0x80]
        #expect(H264SequenceParameters(extradata: annexB)?.profile == parsed.profile)
        #expect(H264SequenceParameters(extradata: annexB)?.signal == parsed.signal)
    }

    private func expectHeadersSuffice(_ path: String) throws {
        #expect(HeaderParameters.complete(try Demuxer(path: path), fragmented: false), "the SPS should describe \(path)")
        let fromHeaders = try MediaProbe.probe(path: path, streamInfo: .whenHeadersFallShort)
        let fromDecoding = try MediaProbe.probe(path: path, streamInfo: .always)
        #expect(fromHeaders == fromDecoding)
    }

    private static func ramp(_ count: Int) -> String {
        (0..<count).map { String(16 + $0 % 24) }.joined(separator: ",")
    }
}

/// Writes bits most significant first, with Exp-Golomb codes and emulation prevention, to make
/// parameter sets no encoder at hand writes.
private struct BitWriter {
    private var bitsWritten: [Bool] = []

    mutating func bits(_ value: Int, _ count: Int) {
        for shift in stride(from: count - 1, through: 0, by: -1) { bitsWritten.append(value >> shift & 1 == 1) }
    }

    mutating func golomb(_ value: Int) {
        let code = value + 1
        let length = Int.bitWidth - code.leadingZeroBitCount
        bits(0, length - 1)
        bits(code, length)
    }

    mutating func signedGolomb(_ value: Int) {
        golomb(value > 0 ? 2 * value - 1 : -2 * value)
    }

    /// The bytes, zero-padded, with 03 inserted after each 00 00 that precedes a byte below 4.
    var escapedBytes: [UInt8] {
        var raw: [UInt8] = []
        for start in stride(from: 0, to: bitsWritten.count, by: 8) {
            var byte: UInt8 = 0
            for offset in 0..<8 {
                byte = byte << 1 | (start + offset < bitsWritten.count && bitsWritten[start + offset] ? 1 : 0)
            }
            raw.append(byte)
        }
        var escaped: [UInt8] = []
        var zeros = 0
        for byte in raw {
            if zeros >= 2 && byte <= 3 {
                escaped.append(3)
                zeros = 0
            }
            escaped.append(byte)
            zeros = byte == 0 ? zeros + 1 : 0
        }
        return escaped
    }
}
