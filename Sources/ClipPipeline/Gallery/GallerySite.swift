import Foundation
import Hummingbird
import Logging

/// Serves a built gallery site over HTTP, for `clipkit serve --gallery SITE`.
///
/// Files are served by Hummingbird's `FileMiddleware` (HEAD, ETag, `If-Modified-Since` and the
/// byte ranges browsers use to seek in videos), under a path prefix, with the WebVTT type added.
public enum GallerySite {
    /// Adds the site at `root` to `router` under `path` (`"/gallery"` by default, `"/"` for the root).
    ///
    /// `GET /gallery` serves the page too; the page itself moves to `/gallery/` before it adds any
    /// relative URL, so they resolve inside the site.
    /// - Parameters:
    ///   - root: the folder `clipkit gallery -o` wrote.
    public static func addRoutes<Context: RequestContext>(
        to router: Router<Context>, root: String, path: String = "/gallery",
        logger: Logger = Logger(label: "clipkit.gallery.site")
    ) {
        let prefix = "/" + path.split(separator: "/").joined(separator: "/")
        let files = FileMiddleware<Context, LocalFileSystem>(
            root, urlBasePath: prefix == "/" ? nil : prefix, cacheControl: .init([(MediaType(type: .any), [.noCache])]),
            searchForIndexHtml: true, logger: logger
        )
        .withAdditionalMediaType(MediaType(type: .text, subType: "vtt"), mappedToFileExtension: "vtt")
        .withAdditionalMediaType(MediaType(type: .video, subType: "quicktime"), mappedToFileExtension: "mov")
        .withAdditionalMediaType(MediaType(type: .video, subType: "x-matroska"), mappedToFileExtension: "mkv")
        .withAdditionalMediaType(MediaType(type: .video, subType: "mp4"), mappedToFileExtension: "m4v")
        router.add(middleware: files)
    }
}
