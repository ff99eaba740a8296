import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Which network addresses the downloader may connect to.
///
/// A finished clip's URL comes from a provider's answer, so it must not reach into the machine or its
/// network (SSRF): loopback, private networks (RFC 1918, IPv6 ULA), link-local, CGNAT, unspecified,
/// multicast and reserved addresses are refused, IPv4-mapped and NAT64 IPv6 addresses by the IPv4 inside.
/// The exception is a provider whose own base URL is such an address (the sandbox, tests): the classes of
/// its addresses are then allowed too. Names are resolved and every address they resolve to is checked.
public struct AddressPolicy: Sendable, Equatable {
    /// What kind of network an address belongs to.
    public enum AddressClass: String, Sendable, Hashable, CaseIterable {
        case publicInternet = "public"
        case loopback
        case privateNetwork = "private network"
        case linkLocal = "link-local"
        case sharedCGNAT = "carrier-grade NAT"
        case unspecified
        case multicastOrReserved = "multicast or reserved"
    }

    /// Classes allowed besides the public internet.
    public var allowed: Set<AddressClass>

    /// Public addresses only: the default.
    public static let publicOnly = AddressPolicy(allowed: [])

    /// Every address: for callers that vet URLs themselves.
    public static let anyAddress = AddressPolicy(allowed: Set(AddressClass.allCases))

    public init(allowed: Set<AddressClass>) {
        self.allowed = allowed
    }

    /// Public addresses, plus the classes of the addresses `baseURL`'s host resolves to.
    public static func trusting(baseURL: URL?) -> AddressPolicy {
        guard let host = baseURL?.host, let addresses = try? resolve(host) else { return .publicOnly }
        return AddressPolicy(allowed: Set(addresses.map(classify)).subtracting([.publicInternet]))
    }

    public func allows(_ address: IPAddress) -> Bool {
        let kind = Self.classify(address)
        return kind == .publicInternet || allowed.contains(kind)
    }

    /// The addresses `host` resolves to that this policy refuses, with their class.
    func refused(host: String) throws -> [(IPAddress, AddressClass)] {
        try Self.resolve(host).filter { !allows($0) }.map { ($0, Self.classify($0)) }
    }

    /// An IPv4 or IPv6 address as bytes (4 or 16).
    public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
        public let bytes: [UInt8]

        /// Parses a literal (`10.0.0.1`, `::1`, `[fe80::1]`); nil for a name.
        public init?(_ text: String) {
            var literal = text
            if literal.hasPrefix("["), literal.hasSuffix("]") { literal = String(literal.dropFirst().dropLast()) }
            if let zone = literal.firstIndex(of: "%") { literal = String(literal[..<zone]) }
            var v4 = in_addr()
            if inet_pton(AF_INET, literal, &v4) == 1 {
                bytes = withUnsafeBytes(of: &v4) { Array($0) }
                return
            }
            var v6 = in6_addr()
            if inet_pton(AF_INET6, literal, &v6) == 1 {
                bytes = withUnsafeBytes(of: &v6) { Array($0) }
                return
            }
            return nil
        }

        init(bytes: [UInt8]) { self.bytes = bytes }

        public var description: String {
            var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            var copy = bytes
            let family = bytes.count == 4 ? AF_INET : AF_INET6
            guard inet_ntop(family, &copy, &buffer, socklen_t(buffer.count)) != nil else { return "?" }
            return String(cString: buffer)
        }
    }

    public static func classify(_ address: IPAddress) -> AddressClass {
        let b = address.bytes
        if b.count == 4 { return classifyV4(b) }
        guard b.count == 16 else { return .multicastOrReserved }
        if b.allSatisfy({ $0 == 0 }) { return .unspecified }
        if b[0..<15].allSatisfy({ $0 == 0 }) && b[15] == 1 { return .loopback }
        // ::ffff:a.b.c.d (IPv4-mapped), ::a.b.c.d (IPv4-compatible, deprecated), 64:ff9b::a.b.c.d (NAT64).
        if b[0..<10].allSatisfy({ $0 == 0 }) && b[10] == 0xff && b[11] == 0xff { return classifyV4(Array(b[12...])) }
        if b[0..<12].allSatisfy({ $0 == 0 }) { return classifyV4(Array(b[12...])) }
        if b[0..<12] == [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0] { return classifyV4(Array(b[12...])) }
        if b[0] & 0xfe == 0xfc { return .privateNetwork }  // fc00::/7 unique local
        if b[0] == 0xfe && b[1] & 0xc0 == 0x80 { return .linkLocal }  // fe80::/10
        if b[0] == 0xfe && b[1] & 0xc0 == 0xc0 { return .privateNetwork }  // fec0::/10 site-local (deprecated)
        if b[0] == 0xff { return .multicastOrReserved }
        return .publicInternet
    }

    private static func classifyV4(_ b: [UInt8]) -> AddressClass {
        switch (b[0], b[1]) {
        case (0, _): return .unspecified  // 0.0.0.0/8, "this network"
        case (127, _): return .loopback
        case (10, _), (172, 16...31), (192, 168): return .privateNetwork
        case (169, 254): return .linkLocal
        case (100, 64...127): return .sharedCGNAT
        case (224...255, _): return .multicastOrReserved
        case (192, 0) where b[2] == 0: return .multicastOrReserved  // 192.0.0.0/24, IETF protocol assignments
        case (198, 18...19): return .multicastOrReserved  // benchmarking
        default: return .publicInternet
        }
    }

    /// Every address `host` resolves to (a literal resolves to itself).
    static func resolve(_ host: String) throws -> [IPAddress] {
        if let literal = IPAddress(host) { return [literal] }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        let code = getaddrinfo(host, nil, &hints, &result)
        guard code == 0, let first = result else {
            throw ResolutionFailure(host: host, reason: String(cString: gai_strerror(code)))
        }
        defer { freeaddrinfo(first) }
        var addresses: [IPAddress] = []
        var node: UnsafeMutablePointer<addrinfo>? = first
        while let current = node {
            if let socketAddress = current.pointee.ai_addr {
                switch Int32(current.pointee.ai_family) {
                case AF_INET:
                    socketAddress.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                        var address = $0.pointee.sin_addr
                        addresses.append(IPAddress(bytes: withUnsafeBytes(of: &address) { Array($0) }))
                    }
                case AF_INET6:
                    socketAddress.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                        var address = $0.pointee.sin6_addr
                        addresses.append(IPAddress(bytes: withUnsafeBytes(of: &address) { Array($0) }))
                    }
                default: break
                }
            }
            node = current.pointee.ai_next
        }
        guard !addresses.isEmpty else { throw ResolutionFailure(host: host, reason: "no address") }
        return Array(Set(addresses)).sorted { $0.description < $1.description }
    }

    struct ResolutionFailure: Error, CustomStringConvertible {
        var host: String
        var reason: String
        var description: String { "cannot resolve \(host): \(reason)" }
    }
}
