/// Appends values of any bit width, most significant bit first, into whole bytes: the form in
/// which QR code segments are laid end to end before becoming codewords.
struct BitWriter: Sendable {
    private(set) var bytes: [UInt8] = []
    /// Bits written so far; the last byte may be partly filled.
    private(set) var bitCount = 0

    /// Appends the low `width` bits of `value`, most significant first.
    mutating func append(_ value: Int, width: Int) {
        precondition(width >= 0 && (width == Int.bitWidth || value >> width == 0), "value wider than \(width) bits")
        for shift in stride(from: width - 1, through: 0, by: -1) {
            if bitCount % 8 == 0 { bytes.append(0) }
            if (value >> shift) & 1 == 1 {
                bytes[bytes.count - 1] |= 0x80 >> UInt8(bitCount % 8)
            }
            bitCount += 1
        }
    }
}
