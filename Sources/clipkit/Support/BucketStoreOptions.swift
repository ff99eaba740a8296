import ArgumentParser
import ClipPipeline
import Foundation

/// How a fleet's `--store` is reached when it is a bucket (`s3://BUCKET/PREFIX`): the options `worker` and
/// `batch submit` share. Credentials come from `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`.
struct BucketStoreOptions: ParsableArguments {
    @Option(help: "With an s3:// store: the S3-compatible endpoint (default: AWS_ENDPOINT_URL, else AWS).")
    var s3Endpoint: String?

    @Option(help: "With an s3:// store: the bucket's region.")
    var s3Region: String = "us-east-1"

    /// The store `text` names (a folder, or a bucket cached in `cache`).
    /// - Throws: ``PipelineError`` in one line for a malformed bucket address or missing credentials.
    func store(_ text: String, cache: String) throws -> ArtefactStore {
        try ArtefactStore.parse(
            text, cache: cache, endpoint: s3Endpoint, region: s3Region, environment: ProcessInfo.processInfo.environment)
    }
}
