import ClipMedia
import ClipTestSupport
import Foundation
import Testing

/// A checked gallery clip is decoded once: the pictures are taken from the validator's full decode.
struct GallerySharedPassTests {
    @Test func picturesComeFromTheValidatorsFullDecodeAndTheReportIsTheCheckOwn() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // B-frames: the pictures-only pass skips them, so its tiles may be a frame or two off.
        let clip = try GalleryFixtures.clip("clip.mp4", in: directory)
        let expectations = ClipExpectations(duration: DurationExpectation(seconds: 5.0417))
        let output = directory.file("assets")
        let (result, report) = GalleryAssetRenderer.renderAndValidate(path: clip, into: output, expectations: expectations)
        let assets = try result.get()

        #expect(report == ClipValidator(expectations: expectations).validate(path: clip))
        #expect(report.verdict == .pass, "\(report.checks)")
        #expect(assets.warnings.isEmpty)

        // Every frame was decoded, so every tile is the frame shown nearest to its cue's middle.
        let sheet = assets.spriteSheet
        let sprite = try ImageCodec.read(path: output + "/" + assets.sprite.file)
        let cues = try VTT.parse(String(contentsOfFile: output + "/" + assets.spriteTrack, encoding: .utf8))
        #expect(cues.count == sheet.tiles.count && cues.count == 21)
        for (number, cue) in cues.enumerated() {
            let tile = try sprite.resized(width: cue.rect.width, height: cue.rect.height, crop: cue.rect)
            let shown = Double(FixtureFactory.frameIndex(in: tile)) / 24
            #expect(abs(shown - (cue.start + cue.end) / 2) <= 0.5 / 24 + 0.001, "tile \(number) shows \(shown) s")
        }
        for file in assets.posters.map(\.file) + ["preview.webp", "storyboard.json", "sprite.vtt"] {
            #expect(FileManager.default.fileExists(atPath: output + "/" + file), "\(file)")
        }
    }

    @Test func aCutClipGetsItsFailingReportAndPicturesOfWhatDecodes() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clip = try FixtureFactory.makeQAClip(at: directory.file("cut.mp4"), frames: 73) { _ in .moving }
        try FixtureFactory.truncate(clip, keeping: 0.6)
        let (result, report) = GalleryAssetRenderer.renderAndValidate(
            path: clip, into: directory.file("assets"), expectations: .none)
        // The same checks and outcomes as a check apart (where the damage shows first varies with frame threads).
        let apart = ClipValidator().validate(path: clip)
        #expect(report.checks.map { [$0.name.rawValue, $0.status.rawValue, $0.actual] } == apart.checks.map { [$0.name.rawValue, $0.status.rawValue, $0.actual] })
        #expect(report.checks.contains { $0.name == .decodes && $0.status == .fail })
        let assets = try result.get()
        #expect(assets.warnings.contains { $0.contains("damaged or cut short") })
    }

    @Test func aFileThatIsNotVideoFailsBothWithoutThrowing() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let page = try FixtureFactory.makeErrorPage(at: directory.file("page.mp4"))
        let (result, report) = GalleryAssetRenderer.renderAndValidate(
            path: page, into: directory.file("assets"), expectations: .none)
        #expect(throws: MediaError.self) { try result.get() }
        #expect(report.verdict == .fail)
        #expect(report.checks.map(\.name) == [.readable])
        #expect(!FileManager.default.fileExists(atPath: directory.file("assets")))
    }
}
