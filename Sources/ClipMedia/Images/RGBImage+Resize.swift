import CFFmpeg

extension RGBImage {
    /// The picture (or the `crop` rectangle of it) resized to `width` x `height` by libswscale.
    public func resized(width: Int, height: Int, crop: PixelRect? = nil, fast: Bool = false) throws -> RGBImage {
        let area = crop ?? PixelRect(x: 0, y: 0, width: self.width, height: self.height)
        guard width > 0, height > 0, area.width > 0, area.height > 0, area.x >= 0, area.y >= 0,
            area.x + area.width <= self.width, area.y + area.height <= self.height
        else {
            throw MediaError(.invalidArgument, "cannot resize \(self.width)x\(self.height) (crop \(area)) to \(width)x\(height)")
        }
        if width == area.width && height == area.height && crop == nil { return self }
        let scaler = try RGBImage.scaler(
            from: Scaler.Geometry(width: Int32(area.width), height: Int32(area.height), format: AV_PIX_FMT_RGB24),
            to: Scaler.Geometry(width: Int32(width), height: Int32(height), format: AV_PIX_FMT_RGB24),
            fast: fast)
        var output = [UInt8](repeating: 0, count: width * height * 3)
        pixels.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { destination in
                var planes: [UnsafeMutablePointer<UInt8>?] = [destination.baseAddress, nil, nil, nil]
                var strides: [Int32] = [Int32(width * 3), 0, 0, 0]
                let origin = source.baseAddress! + (area.y * self.width + area.x) * 3
                scaler.scale(packed: origin, stride: Int32(bytesPerRow), into: &planes, strides: &strides)
            }
        }
        return RGBImage(width: width, height: height, pixels: output)
    }

    /// The picture scaled to fill `width` x `height`, cropping the overflow around the centre
    /// (CSS `object-fit: cover`).
    public func covering(width: Int, height: Int) throws -> RGBImage {
        let scale = max(Double(width) / Double(self.width), Double(height) / Double(self.height))
        let cropWidth = min(self.width, max(1, Int((Double(width) / scale).rounded())))
        let cropHeight = min(self.height, max(1, Int((Double(height) / scale).rounded())))
        let crop = PixelRect(
            x: (self.width - cropWidth) / 2, y: (self.height - cropHeight) / 2, width: cropWidth, height: cropHeight)
        return try resized(width: width, height: height, crop: crop)
    }

    /// The picture scaled to `width`, keeping its aspect ratio.
    public func resized(toWidth width: Int) throws -> RGBImage {
        let height = max(1, Int((Double(self.height) * Double(width) / Double(self.width)).rounded()))
        return try resized(width: width, height: height)
    }

    static func scaler(from source: Scaler.Geometry, to destination: Scaler.Geometry, fast: Bool) throws -> Scaler {
        try Scaler(
            from: source, to: destination, flags: fast ? Scaler.fastFlags : Scaler.accurateFlags,
            colorSpace: AVCOL_SPC_BT709, sourceFullRange: true, destinationFullRange: true)
    }
}
