import ClipTestSupport
import Foundation
import Testing

@testable import ClipMedia

/// `--color-match first` measures each clip once: the join and the seam report take the same measurements.
struct ColorMeasurementsTests {
    /// A first clip and a warmer continuation.
    static func clips(in directory: TemporaryDirectory) throws -> [String] {
        let pair = try ChainFixtures.tintedPair(in: directory)
        return [pair.first, pair.warmer]
    }

    @Test func sharedMeasurementsGiveTheJoinAndReportEachMakesAlone() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clips = try Self.clips(in: directory)
        let options = JoinOptions(seam: .drop, colorMatch: .first)
        let colors = try ColorMeasurements.measure(clips: clips)

        let alone = try ClipJoiner.join(inputs: clips, output: directory.file("alone.mp4"), options: options)
        let shared = try ClipJoiner.join(inputs: clips, output: directory.file("shared.mp4"), options: options, colors: colors)
        #expect(alone.segments.map(\.frameCount) == shared.segments.map(\.frameCount))
        let frames = { (path: String) in try ChainFixtures.frames(path, width: 320, height: 180).map(\.pixels) }
        #expect(try frames(directory.file("alone.mp4")) == frames(directory.file("shared.mp4")))
        let analyzer = SeamAnalyzer()
        #expect(try analyzer.analyze(clips: clips, colorMatch: .first) == analyzer.analyze(clips: clips, colorMatch: .first, colors: colors))
    }

    @Test func theJoinAndReportUseTheMeasurementsTheyAreGivenForTheirClipsOnly() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clips = try Self.clips(in: directory)
        let options = JoinOptions(seam: .drop, colorMatch: .first)
        let measured = try ColorMeasurements.measure(clips: clips)
        // The clips' measurements in the other order, labelled as these clips: the correction now warms the
        // first clip's colours instead, so a join or report that uses what it is given shows it.
        let swapped = ColorMeasurements(
            paths: clips, clips: measured.clips.reversed(), fullRange: measured.fullRange.reversed())
        let analyzer = SeamAnalyzer()
        let own = try analyzer.analyze(clips: clips, colorMatch: .first)
        let given = try analyzer.analyze(clips: clips, colorMatch: .first, colors: swapped)
        #expect(given.segments[1].correctedDrift != own.segments[1].correctedDrift)
        try ClipJoiner.join(inputs: clips, output: directory.file("own.mp4"), options: options)
        try ClipJoiner.join(inputs: clips, output: directory.file("given.mp4"), options: options, colors: swapped)
        let frames = { (path: String) in try ChainFixtures.frames(path, width: 320, height: 180).map(\.pixels) }
        #expect(try frames(directory.file("own.mp4")) != frames(directory.file("given.mp4")))

        // Measurements of other clips are not used.
        let other = ColorMeasurements(paths: clips.reversed(), clips: swapped.clips, fullRange: swapped.fullRange)
        #expect(try analyzer.analyze(clips: clips, colorMatch: .first, colors: other) == own)
        try ClipJoiner.join(inputs: clips, output: directory.file("other.mp4"), options: options, colors: other)
        #expect(try frames(directory.file("own.mp4")) == frames(directory.file("other.mp4")))
    }
}
