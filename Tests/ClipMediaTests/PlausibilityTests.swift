import ClipMedia
import ClipTestSupport
import Foundation
import Testing

/// Values a damaged header claims and no real clip has: probe lists them, and check fails them
/// with no expectations at all (the `default` preset asks for nothing about them).
struct PlausibilityTests {
    static func damaged(_ mutant: String, in directory: TemporaryDirectory) throws -> String {
        let clip = try Fixtures.clip("clip.mp4", in: directory, frames: 25, width: 96, height: 54) {
            $0.sampleAspectRatio = Ratio(1, 1)
        }
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: clip)))
        let chosen = try #require(MediaMutator.isoMutants(bytes).first { $0.name == mutant })
        let path = directory.file("damaged.mp4")
        try Data(chosen.bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func aCleanClipHasNothingImplausible() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clip = try Fixtures.clip("clip.mp4", in: directory, frames: 25, width: 96, height: 54)
        #expect(try MediaProbe.probe(path: clip).video?.implausible == nil)
        #expect(ClipValidator().validate(path: clip).verdict == .pass)
    }

    @Test func aStretchedPixelAspectIsMarkedAndFailsTheAspectCheck() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try Self.damaged("pasp 52:1", in: directory)
        let marks = try #require(try MediaProbe.probe(path: path).video?.implausible)
        #expect(marks.contains { $0.contains("display") }, "\(marks)")
        let report = ClipValidator().validate(path: path)
        let aspect = try #require(report.checks.first { $0.name == .aspect })
        #expect(aspect.status == .fail && aspect.message.hasPrefix("cannot be right"), "\(aspect.message)")
        #expect(report.verdict == .fail)
    }

    @Test func anImpossibleFrameDurationIsMarkedAndFailsCheck() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try Self.damaged("stts delta max", in: directory)
        let marks = try #require(try MediaProbe.probe(path: path).video?.implausible)
        #expect(marks.contains { $0.contains("frame rate") || $0.contains("duration") }, "\(marks)")
        let report = ClipValidator().validate(path: path)
        let failed = report.checks.filter { $0.status == .fail && $0.message.hasPrefix("cannot be right") }
        #expect(failed.contains { $0.name == .fps || $0.name == .duration }, "\(report.checks.map(\.message))")
    }

    @Test func anAbsurdPictureSizeIsMarked() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try Self.damaged("avc1 width/height 65535", in: directory)
        let marks = try #require(try MediaProbe.probe(path: path).video?.implausible)
        #expect(marks.contains { $0.contains("picture size 65535x65535") }, "\(marks)")
        #expect(ClipValidator().validate(path: path).verdict == .fail)
    }
}
