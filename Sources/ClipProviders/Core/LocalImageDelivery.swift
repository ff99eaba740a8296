import Foundation

/// How a local image file reaches a provider that can only read URLs or inline data.
public enum LocalImageDelivery: String, Codable, CaseIterable, Hashable, Sendable {
    /// Inline as a `data:` URI in the request (KKIAI).
    case dataURI = "data-uri"
    /// Uploaded to the provider's own storage first (PiAPI's ephemeral upload).
    case providerUpload = "upload"
    /// Served by ClipKit itself at a public URL (a tunnel); the only option for Luma and Pixwith.
    case publicURL = "public-url"
}

extension ProviderCapabilities {
    /// The delivery to use when the user does not choose: inline if accepted, else the provider's upload,
    /// else a URL served by ClipKit.
    public var defaultLocalImageDelivery: LocalImageDelivery {
        if acceptsDataURI { return .dataURI }
        if uploadsImages { return .providerUpload }
        return .publicURL
    }

    /// The deliveries this provider can use.
    public var localImageDeliveries: [LocalImageDelivery] {
        var deliveries: [LocalImageDelivery] = []
        if acceptsDataURI { deliveries.append(.dataURI) }
        if uploadsImages { deliveries.append(.providerUpload) }
        deliveries.append(.publicURL)
        return deliveries
    }
}

extension ImageSource {
    /// The image type of encoded bytes, from their signature: `image/png`, `image/jpeg` or `image/webp`.
    public static func mimeType(ofImageData data: Data) -> String? {
        let bytes = [UInt8](data.prefix(12))
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if bytes.count >= 12, bytes[0..<4] == [0x52, 0x49, 0x46, 0x46], bytes[8..<12] == [0x57, 0x45, 0x42, 0x50] {
            return "image/webp"
        }
        return nil
    }

    /// Reads a local PNG, JPEG or WebP file into a `data:` URI.
    /// - Throws: ``ProviderError/Kind/invalidRequest`` when the file cannot be read or is not such an image.
    public static func dataURI(contentsOf file: URL) throws -> ImageSource {
        let data: Data
        do {
            data = try Data(contentsOf: file)
        } catch {
            throw ProviderError.invalidRequest(
                field: "image file", value: "\"\(file.path)\"", accepted: "a readable PNG, JPEG or WebP file")
        }
        guard let mimeType = mimeType(ofImageData: data) else {
            throw ProviderError.invalidRequest(
                field: "image file", value: "\"\(file.path)\" (not PNG, JPEG or WebP)",
                accepted: "a PNG, JPEG or WebP file")
        }
        return .inline(data, mimeType: mimeType)
    }
}
