import CFFmpeg

/// The FFmpeg libraries ClipMedia runs with (asked at run time) and the headers it was built against.
public struct LibraryVersions: Sendable, Hashable, Codable {
    /// One library: `libavformat 59.27.100`.
    public struct Library: Sendable, Hashable, Codable {
        public var name: String
        /// `major.minor.micro` of the shared library loaded now (`avformat_version()` and friends).
        public var runtime: String
        /// `major.minor.micro` of the headers ClipKit was compiled with.
        public var builtAgainst: String

        enum CodingKeys: String, CodingKey {
            case name, runtime
            case builtAgainst = "built_against"
        }
    }

    /// FFmpeg's own release string (`av_version_info()`), e.g. `5.1.6-0+deb12u1`.
    public var ffmpeg: String
    public var libraries: [Library]

    /// The versions of the libraries linked into this process.
    public static var current: LibraryVersions {
        func dotted(_ packed: UInt32) -> String { "\(packed >> 16).\((packed >> 8) & 0xFF).\(packed & 0xFF)" }
        func dotted(_ major: Int32, _ minor: Int32, _ micro: Int32) -> String { "\(major).\(minor).\(micro)" }
        return LibraryVersions(
            ffmpeg: av_version_info().map { String(cString: $0) } ?? "unknown",
            libraries: [
                Library(
                    name: "libavformat", runtime: dotted(avformat_version()),
                    builtAgainst: dotted(LIBAVFORMAT_VERSION_MAJOR, LIBAVFORMAT_VERSION_MINOR, LIBAVFORMAT_VERSION_MICRO)),
                Library(
                    name: "libavcodec", runtime: dotted(avcodec_version()),
                    builtAgainst: dotted(LIBAVCODEC_VERSION_MAJOR, LIBAVCODEC_VERSION_MINOR, LIBAVCODEC_VERSION_MICRO)),
                Library(
                    name: "libavutil", runtime: dotted(avutil_version()),
                    builtAgainst: dotted(LIBAVUTIL_VERSION_MAJOR, LIBAVUTIL_VERSION_MINOR, LIBAVUTIL_VERSION_MICRO)),
                Library(
                    name: "libswscale", runtime: dotted(swscale_version()),
                    builtAgainst: dotted(LIBSWSCALE_VERSION_MAJOR, LIBSWSCALE_VERSION_MINOR, LIBSWSCALE_VERSION_MICRO)),
            ])
    }
}
