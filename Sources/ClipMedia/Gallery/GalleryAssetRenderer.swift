import CFFmpeg
import Foundation

/// Makes a clip's gallery pictures in one decoding pass: poster, scrubbing sprite with its WebVTT
/// track, animated WebP preview and ThumbHash placeholder.
///
/// The sprite tiles, the preview frames and the poster candidates are all requests to one
/// ``FrameSampler`` pass, which reads the clip once and decodes only the frames other frames refer
/// to, answering each request with the nearest of those; or, when the clip is also to be checked,
/// to the validator's own full decode (``renderAndValidate(path:into:settings:expectations:threads:)``). Every sampled frame is scored on its luma
/// plane (``FrameQuality``) as it comes out; only the few best poster candidates are kept, and only
/// the chosen one is converted at poster size. Tiles and preview frames are converted straight to
/// their small sizes.
public enum GalleryAssetRenderer {
    /// Renders the assets of the clip at `path` into `directory` (created if needed).
    /// - Throws: ``MediaError`` when the clip cannot be read or has no decodable frame, or a file
    ///   cannot be written.
    public static func render(
        path: String, into directory: String, settings: GalleryAssetSettings = GalleryAssetSettings()
    ) throws -> GalleryAssets {
        try settings.validate()
        let pictures = try Pictures(path: path, settings: settings)
        let sampler = FrameSampler(path: path)
        try sampler.sample(times: pictures.plan.allTimes, demuxer: pictures.demuxer, track: pictures.track, body: pictures.take)
        return try pictures.write(into: directory, damaged: sampler.readError != nil || sampler.decodeErrors > 0)
    }

    /// Renders the assets of the clip at `path` and validates it against `expectations`, in one
    /// decoding pass: the validator decodes every frame to count and measure them, and the pictures
    /// are taken from those frames as they come out (each requested moment gets the frame shown
    /// nearest to it) instead of decoding the clip a second time.
    ///
    /// The report is the one ``ClipValidator/validate(path:)`` gives; a failure to render (a clip
    /// with no decodable frame, a file that cannot be written) is the assets' failure only.
    public static func renderAndValidate(
        path: String, into directory: String, settings: GalleryAssetSettings = GalleryAssetSettings(),
        expectations: ClipExpectations, threads: Int = 0
    ) -> (assets: Result<GalleryAssets, any Error>, report: ValidationReport) {
        let validator = ClipValidator(expectations: expectations, threads: threads)
        let pictures: Pictures
        do {
            try settings.validate()
            pictures = try Pictures(path: path, settings: settings)
        } catch {
            return (.failure(error), validator.validate(path: path))
        }
        var nearest = NearestFrames(times: pictures.plan.allTimes, track: pictures.track)
        var failure: (any Error)?
        // A picture that cannot be made stops the pictures, not the check.
        let report = validator.validate(source: .file(path)) { frame in
            guard failure == nil, !nearest.isComplete else { return }
            do { try nearest.arrived(frame, body: pictures.take) } catch { failure = error }
        }
        if failure == nil {
            do { try nearest.finish(body: pictures.take) } catch { failure = error }
        }
        if let failure { return (.failure(failure), report) }
        let decodes = report.checks.first { $0.name == .decodes }
        return (Result { try pictures.write(into: directory, damaged: decodes?.status != .pass) }, report)
    }

    /// One clip's pictures being made: the sampling plan, the frames taken so far, then the files.
    final class Pictures {
        let demuxer: Demuxer
        let track: VideoTrack
        let duration: Double
        let plan: Plan
        let settings: GalleryAssetSettings
        private let tileRenderer: FrameRenderer
        private let previewRenderer: FrameRenderer
        private var tiles: [RGBImage?]
        private var previewFrames: [RGBImage?]
        private var posters: PosterChooser

        init(path: String, settings: GalleryAssetSettings) throws {
            demuxer = try Demuxer(path: path)
            track = try VideoTrack(demuxer: demuxer)
            var duration = ThumbnailExtractor.clipDuration(demuxer: demuxer, track: track)
            if !(duration > 0) || !duration.isFinite { duration = 0 }
            self.duration = duration
            self.settings = settings
            plan = Plan(settings: settings, track: track, duration: duration)
            tileRenderer = FrameRenderer(track: track, width: plan.sheet.tileWidth, fast: true)
            previewRenderer = FrameRenderer(track: track, width: plan.previewWidth, fast: true)
            tiles = [RGBImage?](repeating: nil, count: plan.spriteTimes.count)
            previewFrames = [RGBImage?](repeating: nil, count: plan.previewTimes.count)
            posters = PosterChooser(searchEnd: duration * settings.posterSearchFraction)
        }

        /// A sampled frame: rendered at the sizes its requests need, and scored as a poster candidate.
        func take(_ sample: FrameSampler.Sample, _ frame: Frame) throws {
            var rendered: RGBImage?
            for request in sample.requests {
                switch plan.role(of: request) {
                case .tile(let i):
                    tiles[i] = try tiles[i] ?? tileRenderer.render(frame)
                    rendered = tiles[i]
                case .preview(let i):
                    previewFrames[i] = try previewFrames[i] ?? previewRenderer.render(frame)
                    rendered = previewFrames[i]
                case .posterCandidate: break
                }
            }
            // Frames without a luma plane (RGB codecs) are measured on a small rendering instead.
            let quality = try FrameQuality(frame: frame) ?? FrameQuality(image: rendered ?? tileRenderer.render(frame))
            try posters.consider(frame, quality: quality, seconds: sample.seconds)
        }

        /// Writes the posters, the sprite with its tracks, the preview and the placeholder.
        /// `damaged`: the clip did not decode cleanly to its end (the assets carry a warning).
        func write(into directory: String, damaged: Bool) throws -> GalleryAssets {
            guard let chosen = posters.best() else {
                throw MediaError(.noDecodableFrame, path: track.path, "no frame could be decoded")
            }
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw MediaError(.ioFailure, path: directory, "cannot create the asset directory")
            }
            func output(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }

            // Posters: one accurate conversion at the largest width, smaller widths scaled from it.
            let widths = Array(Set(settings.posterWidths.map { min($0, track.displayWidth) })).sorted(by: >)
            let large = try FrameRenderer(track: track, width: widths[0]).render(chosen.frame)
            var posterImages: [GalleryAssets.Image] = []
            var smallest = large
            for width in widths {
                let picture = width == large.width ? large : try large.resized(toWidth: width)
                smallest = picture
                for format in [ImageFormat.jpeg, .webp] {
                    let name = "poster-\(width).\(format.fileExtension)"
                    let data = try ImageCodec.encode(picture, as: format, quality: settings.posterQuality)
                    try AtomicFile.write(data, to: output(name))
                    posterImages.append(.init(file: name, format: format, width: picture.width, height: picture.height, bytes: data.count))
                }
            }
            let hashScale = 100.0 / Double(max(smallest.width, smallest.height))
            let hashPicture =
                hashScale < 1
                ? try smallest.resized(
                    width: max(1, Int((Double(smallest.width) * hashScale).rounded())),
                    height: max(1, Int((Double(smallest.height) * hashScale).rounded())))
                : smallest
            let thumbHash = try ThumbHash.encode(hashPicture)

            // The sprite sheet and its WebVTT track.
            let sheetPicture = plan.sheet.compose(tiles)
            let spriteData = try ImageCodec.encode(sheetPicture, as: .jpeg, quality: settings.spriteQuality)
            try AtomicFile.write(spriteData, to: output("sprite.jpg"))
            try AtomicFile.write(Data(plan.sheet.webVTT(imageName: "sprite.jpg").utf8), to: output("sprite.vtt"))
            try AtomicFile.write(try Storyboard(sheet: plan.sheet, url: "sprite.jpg").encoded(), to: output("storyboard.json"))

            // The animated preview, frames in time order (a missing one repeats the previous).
            let firstPreview = try previewFrames.compactMap { $0 }.first ?? previewRenderer.render(chosen.frame)
            let animation = try AnimatedWebPWriter(
                path: output("preview.webp"), width: firstPreview.width, height: firstPreview.height,
                fps: settings.previewFPS, quality: settings.previewQuality)
            var previous = firstPreview
            for picture in previewFrames {
                previous = picture ?? previous
                try animation.append(previous)
            }
            try animation.finish()

            var warnings: [String] = []
            if damaged { warnings.append("the clip is damaged or cut short; pictures come from the frames that decode") }
            if chosen.quality.isBlack { warnings.append("every sampled frame is black") }
            return GalleryAssets(
                posters: posterImages, posterSeconds: chosen.seconds,
                sprite: .init(file: "sprite.jpg", format: .jpeg, width: sheetPicture.width, height: sheetPicture.height, bytes: spriteData.count),
                spriteTrack: "sprite.vtt", storyboard: "storyboard.json", spriteSheet: plan.sheet,
                preview: .init(
                    file: "preview.webp", width: firstPreview.width, height: firstPreview.height, frames: previewFrames.count,
                    fps: settings.previewFPS, bytes: GalleryAssetRenderer.fileSize(output("preview.webp"))),
                thumbHash: thumbHash, displayWidth: track.displayWidth, displayHeight: track.displayHeight,
                durationSeconds: duration, warnings: warnings)
        }
    }

    static func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
    }

    /// Which moments of the clip each asset needs, as one list of requests for the sampler.
    struct Plan {
        enum Role {
            case tile(Int)
            case preview(Int)
            case posterCandidate
        }

        let sheet: SpriteSheet
        let previewWidth: Int
        let spriteTimes: [Double]
        let previewTimes: [Double]
        let posterTimes: [Double]
        var allTimes: [Double] { spriteTimes + previewTimes + posterTimes }

        init(settings: GalleryAssetSettings, track: VideoTrack, duration: Double) {
            let tileCount = duration > 0 ? min(settings.spriteMaxTiles, max(4, Int((duration / settings.spriteInterval).rounded(.up)))) : 1
            let tileWidth = min(settings.spriteTileWidth, track.displayWidth)
            let tileHeight = max(1, Int((Double(track.displayHeight) * Double(tileWidth) / Double(track.displayWidth)).rounded()))
            sheet = SpriteSheet(count: tileCount, duration: duration, tileWidth: tileWidth, tileHeight: tileHeight)
            previewWidth = min(settings.previewWidth, track.displayWidth)
            spriteTimes = sheet.frameTimes
            let previewCount = max(1, min(Int((duration * Double(settings.previewFPS)).rounded()), Int(settings.previewSeconds * Double(settings.previewFPS))))
            previewTimes = ThumbnailTimes.count(previewCount).seconds(duration: duration)
            posterTimes = ThumbnailTimes.count(settings.posterCandidates).seconds(duration: duration * settings.posterSearchFraction)
        }

        func role(of request: Int) -> Role {
            if request < spriteTimes.count { return .tile(request) }
            if request < spriteTimes.count + previewTimes.count { return .preview(request - spriteTimes.count) }
            return .posterCandidate
        }
    }
}

@available(*, unavailable)
extension GalleryAssetRenderer.Pictures: Sendable {}
