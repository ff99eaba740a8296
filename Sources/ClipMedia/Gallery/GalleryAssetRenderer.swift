import CFFmpeg
import Foundation

/// Makes a clip's gallery pictures in one decoding pass: poster, scrubbing sprite with its WebVTT
/// track, animated WebP preview and ThumbHash placeholder.
///
/// The sprite tiles, the preview frames and the poster candidates are all requests to one
/// ``FrameSampler`` pass, which reads the clip once and decodes only the frames other frames refer
/// to, answering each request with the nearest of those. Every sampled frame is scored on its luma
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
        let demuxer = try Demuxer(path: path)
        let track = try VideoTrack(demuxer: demuxer)
        var duration = ThumbnailExtractor.clipDuration(demuxer: demuxer, track: track)
        if !(duration > 0) || !duration.isFinite { duration = 0 }
        let plan = Plan(settings: settings, track: track, duration: duration)

        let sampler = FrameSampler(path: path)
        let tileRenderer = FrameRenderer(track: track, width: plan.sheet.tileWidth, fast: true)
        let previewRenderer = FrameRenderer(track: track, width: plan.previewWidth, fast: true)
        var tiles = [RGBImage?](repeating: nil, count: plan.spriteTimes.count)
        var previewFrames = [RGBImage?](repeating: nil, count: plan.previewTimes.count)
        var posters = PosterChooser(searchEnd: duration * settings.posterSearchFraction)

        try sampler.sample(times: plan.allTimes, demuxer: demuxer, track: track) { sample, frame in
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
        guard let chosen = posters.best() else {
            throw MediaError(.noDecodableFrame, path: path, "no frame could be decoded")
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
        if sampler.readError != nil || sampler.decodeErrors > 0 {
            warnings.append("the clip is damaged or cut short; pictures come from the frames that decode")
        }
        if chosen.quality.isBlack { warnings.append("every sampled frame is black") }
        return GalleryAssets(
            posters: posterImages, posterSeconds: chosen.seconds,
            sprite: .init(file: "sprite.jpg", format: .jpeg, width: sheetPicture.width, height: sheetPicture.height, bytes: spriteData.count),
            spriteTrack: "sprite.vtt", storyboard: "storyboard.json", spriteSheet: plan.sheet,
            preview: .init(
                file: "preview.webp", width: firstPreview.width, height: firstPreview.height, frames: previewFrames.count,
                fps: settings.previewFPS, bytes: fileSize(output("preview.webp"))),
            thumbHash: thumbHash, displayWidth: track.displayWidth, displayHeight: track.displayHeight,
            durationSeconds: duration, warnings: warnings)
    }

    private static func fileSize(_ path: String) -> Int {
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
