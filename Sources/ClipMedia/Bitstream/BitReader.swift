/// Reads a NAL unit's payload bit by bit, most significant bit first, with the Exp-Golomb codes
/// H.264 and HEVC parameter sets are written in.
///
/// The reader works on the raw byte sequence payload: the emulation-prevention bytes
/// (`00 00 03` → `00 00`) are removed when it is made.
struct BitReader {
    struct OutOfData: Error {}

    private let bytes: [UInt8]
    private var position = 0

    /// A reader over a NAL unit's payload as stored (`nal` starts after the NAL header).
    init<Bytes: Collection<UInt8>>(escaped nal: Bytes) {
        var payload: [UInt8] = []
        payload.reserveCapacity(nal.count)
        var zeros = 0
        for byte in nal {
            if zeros >= 2 && byte == 3 {
                zeros = 0
                continue
            }
            zeros = byte == 0 ? zeros + 1 : 0
            payload.append(byte)
        }
        bytes = payload
    }

    mutating func flag() throws(OutOfData) -> Bool { try bits(1) == 1 }

    /// `u(n)`: the next `count` bits (at most 32) as an unsigned number.
    mutating func bits(_ count: Int) throws(OutOfData) -> UInt32 {
        guard position + count <= bytes.count * 8 else { throw OutOfData() }
        var value: UInt32 = 0
        for _ in 0..<count {
            let bit = bytes[position >> 3] >> (7 - UInt8(position & 7)) & 1
            value = value << 1 | UInt32(bit)
            position += 1
        }
        return value
    }

    mutating func skip(_ count: Int) throws(OutOfData) {
        guard position + count <= bytes.count * 8 else { throw OutOfData() }
        position += count
    }

    /// `ue(v)`: unsigned Exp-Golomb.
    mutating func golomb() throws(OutOfData) -> UInt32 {
        var zeros = 0
        while try !flag() {
            zeros += 1
            guard zeros < 32 else { throw OutOfData() }  // no valid code is this long
        }
        return (UInt32(1) << zeros) - 1 + (try bits(zeros))
    }

    /// `se(v)`: signed Exp-Golomb (1, -1, 2, -2, ...).
    mutating func signedGolomb() throws(OutOfData) -> Int64 {
        let code = Int64(try golomb())
        return code & 1 == 1 ? (code + 1) / 2 : -(code / 2)
    }
}
