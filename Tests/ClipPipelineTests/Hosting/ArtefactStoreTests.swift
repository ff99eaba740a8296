import ClipPipeline
import ClipProviders
import ClipTestSupport
import Foundation
import Testing

/// `--store s3://bucket/prefix`: how the address is read, and the store's objects against a real
/// S3-compatible server (moto, as in ``S3BucketTests``).
struct ArtefactStoreTests {
    static let credentials = [
        "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    ]

    @Test func aFolderStoreIsTheFolderAndItsReferencesAreAbsolutePaths() throws {
        let store = try ArtefactStore.parse("/tmp/fleet/./store", cache: "/unused", endpoint: nil, region: "us-east-1", environment: [:])
        #expect(store.bucket == nil && store.localRoot == "/tmp/fleet/store")
        #expect(store.reference(forLocal: "/tmp/fleet/store/jobs/c1/segment-01-take-1.mp4") == "/tmp/fleet/store/jobs/c1/segment-01-take-1.mp4")
        #expect(store.address(ofLocal: "/tmp/fleet/store/c1.mp4") == "/tmp/fleet/store/c1.mp4")
        #expect(store.presignedGET("/tmp/fleet/store/x.png") == nil)
    }

    @Test func aBucketAddressGivesKeysBelowItsPrefixAndTheEndpointFromTheEnvironment() throws {
        var environment = Self.credentials
        environment["AWS_ENDPOINT_URL"] = "http://127.0.0.1:9000"
        let store = try ArtefactStore.parse(
            "s3://clip-fleet/evening/run-1/", cache: "/tmp/worker-a", endpoint: nil, region: "eu-west-1", environment: environment)
        let bucket = try #require(store.bucket)
        #expect(bucket.bucket == "clip-fleet" && bucket.prefix == "evening/run-1/" && bucket.region == "eu-west-1")
        #expect(bucket.endpoint.absoluteString == "http://127.0.0.1:9000")
        #expect(store.description == "s3://clip-fleet/evening/run-1")
        let clip = "/tmp/worker-a/jobs/c1/segment-01-take-1.mp4"
        #expect(store.reference(forLocal: clip) == "jobs/c1/segment-01-take-1.mp4")
        #expect(store.address(ofLocal: "/tmp/worker-a/c1.mp4") == "s3://clip-fleet/evening/run-1/c1.mp4")
        let link = try #require(store.presignedGET("jobs/c1/segment-01-last.png"))
        #expect(link.path == "/clip-fleet/evening/run-1/jobs/c1/segment-01-last.png")
        // --s3-endpoint wins over the environment.
        let given = try ArtefactStore.parse(
            "s3://clip-fleet", cache: "/tmp/w", endpoint: "https://s3.example.com", region: "us-east-1", environment: environment)
        #expect(given.bucket?.endpoint.host == "s3.example.com" && given.bucket?.prefix == "")
    }

    @Test func aSignedLinkToTheBucketIsRecordedAsItsAddressAndOtherImagesAsTheyAre() throws {
        let store = try ArtefactStore.parse(
            "s3://clip-fleet/run", cache: "/tmp/w", endpoint: "http://127.0.0.1:9000", region: "us-east-1",
            environment: Self.credentials)
        let link = try #require(store.presignedGET("jobs/c1/segment-01-last.png"))
        #expect(store.recorded(.url(link)) == .url(URL(string: "s3://clip-fleet/run/jobs/c1/segment-01-last.png")!))
        let elsewhere = ImageSource.url(URL(string: "https://images.example.com/a.png?X-Amz-Signature=abc")!)
        #expect(store.recorded(elsewhere) == elsewhere)
        #expect(store.recorded(.dataURI("data:image/png;base64,AAAA")) == .dataURI("data:image/png;base64,AAAA"))
        #expect(store.recorded(nil) == nil)
    }

    @Test(arguments: ["s3://", "s3://Bad_Bucket/p", "s3://ab/p", "s3://bucket/a/../b"])
    func aMalformedBucketAddressIsRefusedInOneLine(_ address: String) {
        let error = #expect(throws: PipelineError.self) {
            try ArtefactStore.parse(address, cache: "/tmp/w", endpoint: nil, region: "us-east-1", environment: Self.credentials)
        }
        #expect(error?.description.contains("\n") == false)
        #expect(error?.description.contains("--store") == true, "\(error?.description ?? "")")
    }

    @Test func missingCredentialsOrABadEndpointAreRefusedWithoutShowingASecret() {
        let missing = #expect(throws: PipelineError.self) {
            try ArtefactStore.parse("s3://clip-fleet/p", cache: "/tmp/w", endpoint: nil, region: "us-east-1",
                                    environment: ["AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE"])
        }
        #expect(missing?.description.contains("AWS_SECRET_ACCESS_KEY") == true)
        let endpoint = #expect(throws: PipelineError.self) {
            try ArtefactStore.parse("s3://clip-fleet/p", cache: "/tmp/w", endpoint: "ftp://files", region: "us-east-1",
                                    environment: Self.credentials)
        }
        #expect(endpoint?.description.contains("not an http(s) URL") == true)
        for error in [missing, endpoint] {
            #expect(error?.description.contains(Self.credentials["AWS_SECRET_ACCESS_KEY"]!) == false)
        }
    }

    @Test func aStoreWhoseServerCannotBeReachedFailsItsProbeInOneLine() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // Port 9 (discard) on loopback: nothing listens there.
        let store = try ArtefactStore.parse(
            "s3://clip-fleet/p", cache: directory.path, endpoint: "http://127.0.0.1:9", region: "us-east-1",
            environment: ArtefactStoreTests.credentials)
        let error = await #expect(throws: PipelineError.self) { try await store.probe(name: "w", seconds: 2) }
        #expect(error?.description.hasPrefix("--store s3://clip-fleet/p: the bucket cannot be written and read back") == true,
                "\(error?.description ?? "")")
        #expect(error?.description.contains("\n") == false)
        #expect(error?.description.contains(ArtefactStoreTests.credentials["AWS_SECRET_ACCESS_KEY"]!) == false)
    }
}

/// The bucket store's objects on moto. Skipped only where moto is not installed and not in CI.
@Suite(.serialized, .enabled(if: MotoServer.usable, "moto is not installed: python3 -m pip install 'moto[server]' (scripts/setup.sh)"))
struct ArtefactStoreBucketTests {
    @Test func aClipPublishedByOneWorkerIsFetchedIntoAnotherWorkersCacheAndAMissingKeyIsNamed() async throws {
        let server = try await MotoServer.start()
        defer { server.stop() }
        let name = try await server.newBucket("clipkit-store")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        func store(_ worker: String) throws -> ArtefactStore {
            try ArtefactStore.parse(
                "s3://\(name)/fleet", cache: directory.file(worker), endpoint: server.endpoint.absoluteString,
                region: "us-east-1", environment: ArtefactStoreTests.credentials)
        }
        let (a, b) = (try store("a"), try store("b"))
        try await a.probe(name: "a")
        // The probe's object is gone again.
        await #expect(throws: PipelineError.self) { try await b.localFile(for: ".clipkit-probe/a") }

        var bytes = [UInt8](repeating: 0, count: 300_000)
        for index in bytes.indices { bytes[index] = UInt8(truncatingIfNeeded: index &* 2_654_435_761 >> 11) }
        let made = a.localPath("jobs/c1/segment-01-take-1.mp4")
        try FileManager.default.createDirectory(atPath: (made as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: made))
        try await a.publish(made)
        let reference = a.reference(forLocal: made)
        #expect(reference == "jobs/c1/segment-01-take-1.mp4")

        // Worker b has never seen the clip: it comes from the bucket, whole, into b's own folder.
        let fetched = try await b.localFile(for: reference)
        #expect(fetched == directory.file("b/jobs/c1/segment-01-take-1.mp4"))
        #expect(FileManager.default.contents(atPath: fetched) == Data(bytes))
        #expect(!FileManager.default.fileExists(atPath: fetched + ".partial"))
        // The object is where the address says, under the prefix.
        let object = directory.file("direct.mp4")
        try await #require(b.bucket).get(key: "fleet/jobs/c1/segment-01-take-1.mp4", to: object)
        #expect(FileManager.default.contents(atPath: object) == Data(bytes))

        let missing = await #expect(throws: PipelineError.self) { try await b.localFile(for: "jobs/c1/segment-09-take-1.mp4") }
        #expect(missing?.description.contains("s3://\(name)/fleet/jobs/c1/segment-09-take-1.mp4: no such object") == true,
                "\(missing?.description ?? "")")
        #expect(!FileManager.default.fileExists(atPath: directory.file("b/jobs/c1/segment-09-take-1.mp4")))
    }
}
