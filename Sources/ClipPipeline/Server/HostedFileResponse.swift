import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The answer to GET or HEAD for a hosted file held in memory, with RFC 9110 byte ranges.
enum HostedFileResponse {
    static func make(data: Data, contentType: String, request: Request) -> Response {
        var headers: HTTPFields = [.contentType: contentType, .acceptRanges: "bytes"]
        var slice = data[...]
        var status = HTTPResponse.Status.ok
        if request.method == .get, let value = request.headers[.range] {
            switch ByteRangeRequest(header: value, length: data.count) {
            case .ignored: break
            case .unsatisfiable:
                return Response(status: .rangeNotSatisfiable, headers: [.contentRange: "bytes */\(data.count)", .contentLength: "0"])
            case .satisfiable(let range):
                status = .partialContent
                slice = data[(data.startIndex + range.lowerBound)...(data.startIndex + range.upperBound)]
                headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound)/\(data.count)"
            }
        }
        headers[.contentLength] = String(slice.count)
        if request.method == .head { return Response(status: status, headers: headers, body: .init()) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: slice)))
    }
}
