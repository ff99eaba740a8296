import AsyncHTTPClient
import ClipPipeline
import ClipTestSupport
import Foundation
import NIOCore
import Testing

/// `--frame-hosting s3` against a real S3-compatible server: moto in server mode (scripts/moto.sh; started
/// here unless CLIPKIT_TEST_S3_ENDPOINT names one). Skipped only where moto is not installed and not in CI.
@Suite(.serialized, .enabled(if: MotoServer.usable, "moto is not installed: python3 -m pip install 'moto[server]' (scripts/setup.sh)"))
struct S3BucketTests {
    static let client = HTTPClient.shared

    static func send(_ method: String, _ url: URL, body: Data? = nil) async throws -> (Int, Data) {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = method == "PUT" ? .PUT : .GET
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await client.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        return (Int(response.status.code), Data(buffer: bytes))
    }

    @Test func aFrameUploadedWithAPresignedPUTComesBackByteForByteThroughThePresignedGET() async throws {
        let server = try await MotoServer.start()
        defer { server.stop() }
        let name = "clipkit-frames-\(UUID().uuidString.prefix(8).lowercased())"
        let bucket = S3Bucket(
            endpoint: server.endpoint, bucket: name, accessKeyID: "AKIAIOSFODNN7EXAMPLE",
            secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", expires: 600)
        // The bucket itself, created through a presigned PUT of its root.
        let (created, answer) = try await Self.send("PUT", bucket.presignedURL(method: "PUT", key: "", date: Date(), expires: 300))
        #expect(created == 200, "\(String(decoding: answer, as: UTF8.self))")

        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let frame = URL(fileURLWithPath: directory.file("segment-01-last.png"))
        var bytes = [UInt8](repeating: 0, count: 200_000)
        for index in bytes.indices { bytes[index] = UInt8(truncatingIfNeeded: index &* 2_654_435_761 >> 13) }
        try Data(bytes).write(to: frame)

        let link = try await bucket.upload(file: frame, client: Self.client)
        #expect(link.host == server.endpoint.host && link.port == server.endpoint.port)
        #expect(link.path.hasPrefix("/\(name)/clipkit/") && link.path.hasSuffix("-segment-01-last.png"))
        #expect(link.query?.contains("X-Amz-Signature=") == true && link.query?.contains("X-Amz-Expires=600") == true)
        let (status, fetched) = try await Self.send("GET", link)
        #expect(status == 200)
        #expect(fetched == Data(bytes))

        // The server is real: a key never uploaded is not there.
        let missing = bucket.presignedURL(method: "GET", key: "clipkit/never-uploaded.png", date: Date(), expires: 60)
        #expect(try await Self.send("GET", missing).0 == 404)
    }

    @Test func thePresignedSignatureIsTheOneAWSsOwnSignerComputes() async throws {
        // moto does not check signatures; botocore (installed with moto) signs the same request at the same
        // instant, and both signatures must agree.
        let bucket = S3Bucket(
            endpoint: URL(string: "http://127.0.0.1:9000")!, bucket: "frames", region: "eu-west-1",
            accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
        let date = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z
        for (method, key) in [("PUT", "clipkit/0123456789abcdef-segment 01+last.png"), ("GET", "clipkit/a~b_c.png")] {
            let ours = bucket.presignedURL(method: method, key: key, date: date, expires: 900)
            let theirs = try await MotoServer.python("""
                import datetime, sys, botocore.auth
                from botocore.awsrequest import AWSRequest
                from botocore.credentials import Credentials
                from urllib.parse import quote
                botocore.auth.get_current_datetime = lambda: datetime.datetime(2026, 1, 1, 0, 0, 0)
                method, key = sys.argv[1], sys.argv[2]
                request = AWSRequest(method=method, url="http://127.0.0.1:9000/frames/" + quote(key, safe="/~"))
                botocore.auth.S3SigV4QueryAuth(Credentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"), "s3", "eu-west-1", expires=900).add_auth(request)
                print(request.url)
                """, arguments: [method, key])
            func signature(_ text: String) -> String? {
                URLComponents(string: text)?.queryItems?.first { $0.name == "X-Amz-Signature" }?.value
            }
            #expect(signature(ours.absoluteString) != nil)
            #expect(signature(ours.absoluteString) == signature(theirs), "\(ours)\n\(theirs)")
        }
    }
}
