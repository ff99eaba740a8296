import HTTPTypes
import Hummingbird

/// Puts RFC 9110 byte ranges in front of Hummingbird's `FileMiddleware`.
///
/// `FileMiddleware` reads `bytes=-N` as the first N+1 bytes and answers a range past the end with a
/// short body. This middleware learns the file's length first (the same request as HEAD, without its
/// range), resolves the header with ``ByteRangeRequest`` and passes on an explicit `bytes=FIRST-LAST`,
/// answers 416 with `Content-Range: bytes */LENGTH` itself, or drops a header it ignores. Range is
/// defined for GET only (§14.2), so a HEAD's is dropped: HEAD answers like a plain GET, without the body.
/// Responses that do not come from the file middleware (no `Accept-Ranges: bytes`) pass through untouched.
struct ByteRangeMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let value = request.headers[.range] else { return try await next(request, context) }
        guard request.method == .get else { return try await next(Self.rewriting(request, range: nil), context) }

        let probe = try await next(Self.rewriting(request, range: nil, method: .head), context)
        guard probe.status == .ok, probe.headers[.acceptRanges] == "bytes",
            let length = probe.headers[.contentLength].flatMap({ Int($0) })
        else { return try await next(request, context) }

        switch ByteRangeRequest(header: value, length: length) {
        case .ignored:
            return try await next(Self.rewriting(request, range: nil), context)
        case .unsatisfiable:
            var headers = HTTPFields()
            headers[.contentRange] = "bytes */\(length)"
            headers[.contentLength] = "0"
            headers[.acceptRanges] = "bytes"
            return Response(status: .rangeNotSatisfiable, headers: headers)
        case .satisfiable(let range):
            return try await next(Self.rewriting(request, range: "bytes=\(range.lowerBound)-\(range.upperBound)"), context)
        }
    }

    /// `request` with its Range header replaced (or removed when `range` is nil), and its method changed.
    static func rewriting(_ request: Request, range: String?, method: HTTPRequest.Method? = nil) -> Request {
        var head = request.head
        head.headerFields[.range] = range
        if let method { head.method = method }
        return Request(head: head, body: request.body)
    }
}
