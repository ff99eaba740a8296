import Foundation
import HTTPTypes
import Hummingbird

/// Serves stored files under `/files/<name>?token=...`: signed, expiring links (403 once expired), Range
/// requests (206 with Content-Range, 416 when out of range), Accept-Ranges and Content-Length, plus the
/// download faults on videos: an expired-link 403 and a connection cut after half the bytes.
enum FileRoutes {
    /// Thrown by a cut download's body writer, which makes the server close the connection mid-body.
    struct CutConnection: Error {}

    static func register(on router: Router<BasicRequestContext>, engine: SandboxEngine) {
        router.get("/files/:name") { request, context in
            try await serve(request, context: context, engine: engine, includeBody: true)
        }
        router.head("/files/:name") { request, context in
            try await serve(request, context: context, engine: engine, includeBody: false)
        }
    }

    static func contentType(of name: String) -> String {
        switch (name as NSString).pathExtension.lowercased() {
        case "mp4": return "video/mp4"
        case "jpg", "jpeg": return "image/jpeg"
        case "png": return "image/png"
        case "webp": return "image/webp"
        default: return "application/octet-stream"
        }
    }

    private static func text(_ message: String, _ status: HTTPResponse.Status) -> Response {
        Response(
            status: status, headers: [.contentType: "text/plain; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: message + "\n")))
    }

    private static func serve(
        _ request: Request, context: BasicRequestContext, engine: SandboxEngine, includeBody: Bool
    ) async throws -> Response {
        let name = context.parameters.get("name") ?? ""
        guard FileStore.isValidName(name) else { return text("not found", .notFound) }
        let token = request.uri.queryParameters.get("token")
        if let refusal = engine.files.refusal(name: name, token: token) {
            return text("access denied: \(refusal)", .forbidden)
        }
        let isVideo = name.hasSuffix(".mp4")
        if isVideo, includeBody, await engine.faults.consume(.expireLink) {
            engine.logger.info("fault expire-link: refusing \(name)")
            return text("access denied: the link expired", .forbidden)
        }
        guard let data = FileManager.default.contents(atPath: engine.files.path(of: name)) else {
            return text("not found", .notFound)
        }
        var headers: HTTPFields = [.contentType: contentType(of: name), .acceptRanges: "bytes"]
        let slice: Range<Int>
        let status: HTTPResponse.Status
        switch ByteRange(header: WireSupport.header(request, "Range"), size: data.count) {
        case .whole:
            slice = 0..<data.count
            status = .ok
        case .partial(let lower, let upper):
            slice = lower..<(upper + 1)
            status = .partialContent
            headers[.contentRange] = "bytes \(lower)-\(upper)/\(data.count)"
        case .unsatisfiable:
            headers[.contentRange] = "bytes */\(data.count)"
            headers[.contentLength] = "0"
            return Response(status: .rangeNotSatisfiable, headers: headers, body: ResponseBody())
        }
        headers[.contentLength] = String(slice.count)
        guard includeBody else { return Response(status: status, headers: headers, body: ResponseBody()) }
        let bytes = ByteBuffer(bytes: data[slice])
        if isVideo, await engine.faults.consume(.cutDownload) {
            engine.logger.info("fault cut-download: closing \(name) after \(slice.count / 2) of \(slice.count) bytes")
            return Response(
                status: status, headers: headers,
                body: ResponseBody(contentLength: slice.count) { writer in
                    try await writer.write(bytes.getSlice(at: 0, length: slice.count / 2)!)
                    throw CutConnection()
                })
        }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: bytes))
    }
}
