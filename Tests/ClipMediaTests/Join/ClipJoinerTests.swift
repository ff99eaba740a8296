import ClipMedia
import ClipTestSupport
import Foundation
import Testing

@Suite(.enabled(if: ReferenceTools.available, "needs the ffmpeg CLI as an oracle"))
struct ClipJoinerTests {
    @Test func keepStreamCopiesEveryPacketOfClipsThatShareParameters() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clips = try ChainFixtures.chain(3, frames: 30, in: directory)
        let output = directory.file("kept.mp4")
        let result = try ClipJoiner.join(inputs: clips, output: output, seam: .keep)

        #expect(result.frameCount == 90)
        #expect(result.reencodedFrames == 0)
        #expect(result.seamFrames == [30, 60])
        let expected = try clips.flatMap(ChainFixtures.packetHashes)
        #expect(try ChainFixtures.packetHashes(output) == expected)
        #expect(try ReferenceTools.packetCount(output) == 90)
        #expect(try ChainFixtures.decodeErrors(output) == "")
        #expect(try ChainFixtures.decodesStrictlyMonotonic(output))
        #expect(try ChainFixtures.isConstantFrameRate(output))
        #expect(try MediaProbe.probe(path: output).faststart == true)
    }

    @Test func dropRemovesEachContinuationsRepeatedFirstFrame() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let frames = 30
        let clips = try ChainFixtures.chain(3, frames: frames, in: directory)
        let output = directory.file("dropped.mp4")
        let result = try ClipJoiner.join(inputs: clips, output: output, seam: .drop)

        #expect(result.frameCount == 3 * frames - 2)
        #expect(result.seamFrames == [frames, 2 * frames - 1])
        #expect(result.segments.first?.copiedFrames == frames)
        var indices: [Int] = []
        for k in 0..<3 {
            for j in (k == 0 ? 0 : 1)..<frames { indices.append(ChainFixtures.patternIndex(clip: k, frame: j, frames: frames)) }
        }
        #expect(try ChainFixtures.indices(output) == indices)
        // The frame after each seam is the continuation's second frame.
        let decoded = try ChainFixtures.indices(output)
        #expect(decoded[frames] == 101)
        #expect(decoded[2 * frames - 1] == 201)
        #expect(try ReferenceTools.packetCount(output) == 3 * frames - 2)
        #expect(try ChainFixtures.decodeErrors(output) == "")
        #expect(try ChainFixtures.decodesStrictlyMonotonic(output))
        #expect(try ChainFixtures.isConstantFrameRate(output))
        #expect(try MediaProbe.probe(path: output).faststart == true)
        // One avc1 sample entry carries both encoders' parameter sets: the first clip's and the re-encoder's.
        let file = [UInt8](try Data(contentsOf: URL(fileURLWithPath: output)))
        let avcC = try #require(file.indices.dropLast(8).first { Array(file[$0..<$0 + 4]) == Array("avcC".utf8) })
        #expect(file[avcC + 4 + 5] & 0x1F == 2)
    }

    @Test func dropCopiesTheGOPsAfterAContinuationsFirstKeyframe() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let frames = 48
        let clips = try ChainFixtures.chain(2, frames: frames, in: directory) { $0.keyframeInterval = 12 }
        let output = directory.file("spliced.mp4")
        let result = try ClipJoiner.join(inputs: clips, output: output, seam: .drop)

        #expect(result.frameCount == 2 * frames - 1)
        let second = try #require(result.segments.last)
        #expect(second.reencodedFrames < 12)
        #expect(second.copiedFrames >= frames - 12)
        let expected = (0..<frames).map { $0 } + (1..<frames).map { 100 + $0 }
        #expect(try ChainFixtures.indices(output) == expected)
        #expect(try ChainFixtures.decodeErrors(output) == "")
        #expect(try ChainFixtures.decodesStrictlyMonotonic(output))
        #expect(try ChainFixtures.isConstantFrameRate(output))
    }

    @Test func crossfadeShortensEachSeamByTheOverlap() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clips = try ChainFixtures.chain(3, frames: 36, in: directory)
        let output = directory.file("faded.mp4")
        let result = try ClipJoiner.join(inputs: clips, output: output, seam: .crossfade(seconds: 0.25))

        // 0.25 s at 24 fps overlaps 6 frames at each of the two seams.
        #expect(result.frameCount == 3 * 36 - 12)
        #expect(try ReferenceTools.packetCount(output) == 3 * 36 - 12)
        #expect(abs(result.durationSeconds - Double(3 * 36 - 12) / 24) < 1e-9)
        #expect(try ChainFixtures.decodeErrors(output) == "")
        #expect(try ChainFixtures.isConstantFrameRate(output))
        // Outside the blends the frames are untouched; inside they are mixes of both clips.
        let images = try ChainFixtures.frames(output, width: 320, height: 180)
        #expect(FixtureFactory.frameIndex(in: images[0]) == 0)
        #expect(FixtureFactory.frameIndex(in: images[29]) == 29)
        #expect(FixtureFactory.frameIndex(in: images[result.frameCount - 1]) == 235)
    }

    @Test func refusesClipsOfAnotherSizeNamingTheClip() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let a = try Fixtures.clip("a.mp4", in: directory, frames: 12)
        let b = try Fixtures.clip("b.mp4", in: directory, frames: 12, width: 256, height: 144)
        let output = directory.file("out.mp4")
        let error = try #require(throws: JoinError.self) { try ClipJoiner.join(inputs: [a, b], output: output, seam: .keep) }
        #expect(error.description.contains(b))
        #expect(error.description.contains("256x144"))
        #expect(error.description.contains("320x180"))
        #expect(!error.description.contains("\n"))
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    @Test(arguments: [SeamMode.keep, .drop])
    func scalesClipsOfAnotherSizeWhenAsked(seam: SeamMode) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let a = try Fixtures.clip("a.mp4", in: directory, frames: 12)
        let b = try Fixtures.clip("b.mp4", in: directory, frames: 12, width: 640, height: 360)
        let output = directory.file("out.mp4")
        let result = try ClipJoiner.join(inputs: [a, b], output: output, seam: seam, scale: true)
        let expected = seam == .drop ? 23 : 24
        #expect(result.frameCount == expected)
        let info = try MediaProbe.probe(path: output)
        #expect(info.video?.width == 320 && info.video?.height == 180)
        #expect(info.video?.frameCount == expected)
        #expect(try ChainFixtures.indices(output) == Array(0..<12) + Array((seam == .drop ? 1 : 0)..<12))
        #expect(try ChainFixtures.decodeErrors(output) == "")
    }

    @Test func refusesClipsOfAnotherFrameRate() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let a = try Fixtures.clip("a.mp4", in: directory, frames: 12)
        let b = try Fixtures.clip("b.mp4", in: directory, frames: 12) { $0.frameRate = 30; $0.timeScale = 30 }
        let error = try #require(throws: JoinError.self) {
            try ClipJoiner.join(inputs: [a, b], output: directory.file("out.mp4"), seam: .drop)
        }
        #expect(error.description.contains("30 fps"))
    }

    @Test func reportsAMissingClipByName() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let a = try Fixtures.clip("a.mp4", in: directory, frames: 12)
        let missing = directory.file("missing.mp4")
        let error = try #require(throws: MediaError.self) {
            try ClipJoiner.join(inputs: [a, missing], output: directory.file("out.mp4"), seam: .keep)
        }
        #expect(error.description.contains(missing))
    }

    @Test func colourMatchMovesATintedContinuationTowardsTheFirstClip() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // The continuation drifts: warmer.
        let (a, b) = try ChainFixtures.tintedPair(in: directory)
        let plain = directory.file("plain.mp4")
        let matched = directory.file("matched.mp4")
        try ClipJoiner.join(inputs: [a, b], output: plain, options: JoinOptions(seam: .drop))
        let result = try ClipJoiner.join(inputs: [a, b], output: matched, options: JoinOptions(seam: .drop, colorMatch: .first))

        let analyzer = SeamAnalyzer(everyFrame: true)
        let before = try analyzer.analyze(joined: plain, seamFrames: [24]).segments[1].drift
        let after = try analyzer.analyze(joined: matched, seamFrames: result.seamFrames).segments[1].drift
        #expect(abs(after.vMean) < abs(before.vMean) / 3)
        #expect(abs(after.uMean) < abs(before.uMean) / 3)
        // In RGB too: the continuation's mean colour moves towards the first clip's.
        let images = try ChainFixtures.frames(matched, width: 320, height: 180)
        let plainImages = try ChainFixtures.frames(plain, width: 320, height: 180)
        let reference = images[0..<24].map(\.meanColor.red).reduce(0, +) / 24
        let corrected = images[24...].map(\.meanColor.red).reduce(0, +) / Double(images.count - 24)
        let uncorrected = plainImages[24...].map(\.meanColor.red).reduce(0, +) / Double(plainImages.count - 24)
        #expect(abs(corrected - reference) < abs(uncorrected - reference) / 2)
        #expect(try ChainFixtures.decodeErrors(matched) == "")
    }

    @Test func writesNothingWhenTheOutputWouldReplaceAnInput() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let a = try Fixtures.clip("a.mp4", in: directory, frames: 12)
        let before = try Data(contentsOf: URL(fileURLWithPath: a))
        #expect(throws: JoinError.self) { try ClipJoiner.join(inputs: [a, a], output: a, seam: .keep) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: a)) == before)
    }
}
