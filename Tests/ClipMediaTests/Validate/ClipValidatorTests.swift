import ClipMedia
import ClipTestSupport
import Foundation
import Testing

/// ClipValidator on clips made at test time, one per fault, with ffmpeg's filters as the oracle for times.
struct ClipValidatorTests {
    /// What a Ray 2 "5 s" 16:9 clip should be, at the fixtures' small size.
    static let generatorLike = ClipExpectations(
        duration: DurationExpectation(seconds: 121.0 / 24),
        aspect: AspectExpectation([Ratio(16, 9)]),
        resolution: ResolutionExpectation(width: 320, height: 180),
        fps: FrameRateExpectation(fps: 24),
        codec: CodecExpectation(["h264"]),
        audio: AudioExpectation(present: false))

    func validate(_ path: String, _ expectations: ClipExpectations = generatorLike) -> ValidationReport {
        ClipValidator(expectations: expectations).validate(path: path)
    }

    @Test func passesAGoodClipWithEveryCheckNamedInOrder() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try FixtureFactory.makeQAClip(at: directory.file("good.mp4")) { _ in .moving }
        let report = validate(path)
        #expect(report.verdict == .pass, "\(report.checks.filter { $0.status != .pass })")
        #expect(report.checks.map(\.name) == CheckName.allCases.filter { $0 != .seams })
        #expect(report[.decodes]?.actual == "121 frames decoded")
        #expect(report[.duration]?.actual == "5.042 s")
        #expect(report[.resolution]?.actual == "320x180")
        #expect(report.blackSegments.isEmpty && report.frozenSegments.isEmpty)
    }

    @Test(.enabled(if: ReferenceTools.available))
    func countsTheFramesFfprobeCounts() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try FixtureFactory.makeQAClip(at: directory.file("b.mp4"), frames: 97, configure: { $0.bFrames = 3 }) { _ in .moving }
        let report = validate(path, .none)
        #expect(report[.decodes]?.status == .pass)
        #expect(report[.decodes]?.actual == "\(try ReferenceTools.packetCount(path)) frames decoded")
    }

    @Test(.enabled(if: ReferenceTools.available))
    func failsABlackClipWithTheStretchFfmpegReports() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try FixtureFactory.makeQAClip(at: directory.file("black.mp4")) { _ in .black }
        let report = validate(path)
        #expect(report.verdict == .fail)
        #expect(report[.black]?.status == .fail)
        #expect(report[.black]?.message == "the whole clip is black")
        let segment = try #require(report.blackSegments.first)
        #expect(report.blackSegments.count == 1)
        #expect(segment.start == 0 && abs(segment.end - 121.0 / 24) < 0.001)
        let oracle = try DetectionOracle.run(path)
        #expect(oracle.black.count == 1)
        #expect(abs(oracle.black[0].start - segment.start) <= 0.1 && abs(oracle.black[0].end - segment.end) <= 0.1)
    }

    @Test(.enabled(if: ReferenceTools.available))
    func warnsOfHalfASecondOfBlackAtTheStart() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try FixtureFactory.makeQAClip(at: directory.file("fade.mp4")) { $0 < 12 ? .black : .moving }
        let report = validate(path)
        #expect(report.verdict == .warn)
        #expect(report[.black]?.status == .warn)
        #expect(report.blackSegments.count == 1)
        #expect(report.blackSegments.first.map { $0.isClose(to: TimeSegment(start: 0, end: 0.5), within: 0.001) } == true)
        let oracle = try DetectionOracle.run(path)
        #expect(oracle.black.count == 1)
        #expect(oracle.black.first.map { $0.isClose(to: report.blackSegments[0], within: 0.1) } == true)
    }

    @Test(.enabled(if: ReferenceTools.available))
    func failsAFrozenTailFromWhereFfmpegSeesItStart() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // Frames 72...120 (3.0 s to the end) repeat frame 72.
        let path = try FixtureFactory.makeQAClip(at: directory.file("tail.mp4")) { $0 < 72 ? .moving : .still(72) }
        let report = validate(path)
        #expect(report.verdict == .fail)
        #expect(report[.frozen]?.status == .fail)
        let segment = try #require(report.frozenSegments.first)
        #expect(report.frozenSegments.count == 1)
        #expect(abs(segment.start - 3.0) < 0.05)
        #expect(abs(segment.end - 121.0 / 24) < 0.001)
        let oracle = try DetectionOracle.run(path)
        #expect(oracle.frozen.count == 1)
        #expect(abs((oracle.frozen.first?.start ?? -1) - segment.start) <= 0.1)
        #expect(oracle.frozen.first?.end == nil, "ffmpeg reports no end for a freeze that lasts to the end")
    }

    @Test(.enabled(if: ReferenceTools.available))
    func failsAStillImageAsVideo() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try FixtureFactory.makeQAClip(at: directory.file("still.mp4")) { _ in .still(0) }
        let report = validate(path)
        #expect(report.verdict == .fail)
        #expect(report[.frozen]?.message == "the whole clip is frozen")
        #expect(report[.black]?.status == .pass)
        #expect(report.frozenSegments.count == 1 && report.frozenSegments.first?.start == 0)
        let oracle = try DetectionOracle.run(path)
        #expect(oracle.frozen.count == 1 && abs((oracle.frozen.first?.start ?? -1) - 0) <= 0.1)
    }

    @Test(.enabled(if: ReferenceTools.available))
    func agreesWithFfmpegOnASubsampled720pClip() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // Black for 0.5 s, moving until 3 s, then frozen: rows are sampled, not every pixel.
        let path = try FixtureFactory.makeQAClip(at: directory.file("hd.mp4"), width: 1280, height: 720) { index in
            index < 12 ? .black : index < 72 ? .moving : .still(72)
        }
        let report = validate(path, .none)
        let oracle = try DetectionOracle.run(path)
        #expect(report.blackSegments.count == oracle.black.count)
        for (ours, theirs) in zip(report.blackSegments, oracle.black) {
            #expect(abs(ours.start - theirs.start) <= 0.1 && abs(ours.end - theirs.end) <= 0.1)
        }
        #expect(report.frozenSegments.count == oracle.frozen.count)
        for (ours, theirs) in zip(report.frozenSegments, oracle.frozen) {
            #expect(abs(ours.start - theirs.start) <= 0.1)
            if let end = theirs.end { #expect(abs(ours.end - end) <= 0.1) }
        }
        #expect(report.blackSegments.first.map { $0.isClose(to: TimeSegment(start: 0, end: 0.5), within: 0.001) } == true)
    }

    @Test func failsAClipOfTheWrongDuration() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try FixtureFactory.makeQAClip(at: directory.file("short.mp4"), frames: 73) { _ in .moving }
        let report = validate(path)
        #expect(report.verdict == .fail)
        #expect(report[.duration]?.status == .fail)
        #expect(report[.duration]?.actual == "3.042 s")
        #expect(report[.duration]?.message.contains("shorter") == true)
        #expect(report[.decodes]?.status == .pass)
    }

    @Test func acceptsTheExtraFrameGeneratorsDeliver() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try FixtureFactory.makeQAClip(at: directory.file("five.mp4")) { _ in .moving }
        var expectations = Self.generatorLike
        expectations.duration = DurationExpectation(seconds: 5)  // what was asked for, not 121/24
        #expect(validate(path, expectations)[.duration]?.status == .pass)
    }

    @Test func failsAClipOfTheWrongAspect() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try FixtureFactory.makeQAClip(at: directory.file("square.mp4"), width: 240, height: 240) { _ in .moving }
        let report = validate(path)
        #expect(report.verdict == .fail)
        #expect(report[.aspect]?.status == .fail)
        #expect(report[.aspect]?.message == "displays as ~1:1, not 16:9")
    }

    @Test func measuresTheAspectAfterNonSquarePixels() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // 240x180 stored with 4:3 pixels displays as 320x180 (16:9).
        let path = try FixtureFactory.makeQAClip(
            at: directory.file("anamorphic.mp4"), width: 240, height: 180, frames: 24,
            configure: { $0.sampleAspectRatio = Ratio(4, 3) }) { _ in .moving }
        let report = validate(path, ClipExpectations(aspect: AspectExpectation([Ratio(16, 9)])))
        #expect(report[.aspect]?.status == .pass)
        #expect(report[.resolution]?.actual == "320x180 (stored 240x180)")
    }

    @Test func failsATruncatedDownloadInDecodes() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try FixtureFactory.makeQAClip(at: directory.file("cut.mp4")) { _ in .moving }
        try FixtureFactory.truncate(path, keeping: 0.6)
        let report = validate(path)
        #expect(report[.readable]?.status == .pass)
        #expect(report[.decodes]?.status == .fail)
        #expect(report[.decodes]?.expected == "121 frames (as the container lists)")
        #expect(report.verdict == .fail)
    }

    @Test func reportsAZeroByteFileAsUnreadable() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("empty.mp4")
        try Data().write(to: URL(fileURLWithPath: path))
        let report = validate(path)
        #expect(report.verdict == .fail)
        #expect(report.checks.map(\.name) == [.readable])
        #expect(report[.readable]?.message == "file is empty (0 bytes)")
    }

    @Test func reportsAnHTMLPageAsUnreadable() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try FixtureFactory.makeErrorPage(at: directory.file("clip.mp4"))
        let report = validate(path)
        #expect(report.verdict == .fail)
        #expect(report[.readable]?.status == .fail)
        #expect(report[.readable]?.message.contains("HTML") == true)
    }

    @Test func reportsAMissingFileAsUnreadable() {
        let report = validate("/nonexistent/clip.mp4")
        #expect(report[.readable]?.status == .fail)
        #expect(report[.readable]?.message == "no such file")
    }

    @Test func checksWhetherAudioIsPresent() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try FixtureFactory.makeQAClip(at: directory.file("sound.mp4"), frames: 48, configure: { $0.audio = true }) { _ in .moving }
        let absent = validate(path, ClipExpectations(audio: AudioExpectation(present: false, severity: .warn)))
        #expect(absent[.audio]?.status == .warn)
        #expect(absent.verdict == .warn)
        #expect(validate(path, ClipExpectations(audio: AudioExpectation(present: true)))[.audio]?.status == .pass)
    }

    @Test func encodesTheReportInTheDocumentedShape() throws {
        let report = ValidationReport(
            path: "a.mp4", checks: [CheckResult(.black, .warn, expected: "none", actual: "0.500 s", "black 0.00 s–0.50 s")],
            blackSegments: [TimeSegment(start: 0, end: 0.5)])
        let object = try #require(JSONSerialization.jsonObject(with: JSONEncoder().encode(report)) as? [String: Any])
        #expect(Set(object.keys) == ["path", "verdict", "checks", "black_segments", "frozen_segments"])
        #expect(object["verdict"] as? String == "warn")
        let check = try #require((object["checks"] as? [[String: Any]])?.first)
        #expect(Set(check.keys) == ["name", "status", "expected", "actual", "message"])
        let segment = try #require((object["black_segments"] as? [[String: Any]])?.first)
        #expect(segment["start_s"] as? Double == 0 && segment["end_s"] as? Double == 0.5)
    }

    @Test func writesFailedChecksAsJUnitFailures() {
        let report = ValidationReport(
            path: "a&b.mp4",
            checks: [
                CheckResult(.readable, .pass, expected: nil, actual: nil, "ok"),
                CheckResult(.duration, .fail, expected: "5 s", actual: "3 s", "3 s is <2 s> shorter"),
            ])
        let xml = JUnitReport.xml(for: [report])
        #expect(xml.contains(#"<testsuites name="clipkit check" tests="2" failures="1""#))
        #expect(xml.contains(#"<testsuite name="a&amp;b.mp4""#))
        #expect(xml.contains(#"<failure message="3 s is &lt;2 s&gt; shorter" type="duration">"#))
    }

    @Test func readsNoiseInDecibelsOrAsARatio() {
        #expect(abs((FreezeDetection.noise(parsing: "-60dB") ?? 0) - 0.001) < 1e-12)
        #expect(FreezeDetection.noise(parsing: "0.003") == 0.003)
        #expect(FreezeDetection.noise(parsing: "loud") == nil)
    }
}

extension TimeSegment {
    func isClose(to other: TimeSegment, within tolerance: Double) -> Bool {
        abs(start - other.start) <= tolerance && abs(end - other.end) <= tolerance
    }
}
