/// Turns a payload into the data codewords of one version and level: a single byte-mode segment,
/// the terminator, zero bits to the byte boundary and the alternating pad codewords
/// (ISO/IEC 18004, 7.4).
enum DataCodewords {
    /// Mode indicator of byte mode (ISO/IEC 18004, Table 2).
    private static let byteModeIndicator = 0b0100
    /// The pad codewords that fill the remaining capacity, in turn (ISO/IEC 18004, 7.4.10).
    private static let padCodewords: [UInt8] = [0b1110_1100, 0b0001_0001]

    /// The data codewords for `bytes`, which must fit (see ``SymbolVersion/byteCapacity(for:)``).
    static func make(bytes: [UInt8], version: SymbolVersion, level: QRCode.ErrorCorrectionLevel) -> [UInt8] {
        let capacityBits = version.blockLayout(for: level).dataCodewordCount * 8
        var writer = BitWriter()
        writer.append(byteModeIndicator, width: 4)
        writer.append(bytes.count, width: version.byteCountBitWidth)
        for byte in bytes {
            writer.append(Int(byte), width: 8)
        }
        precondition(writer.bitCount <= capacityBits, "payload does not fit the version")

        // Up to four zero bits end the data; then zeros to the byte boundary. Both come out of
        // BitWriter as whole zero bytes, so only the terminator's width needs care.
        writer.append(0, width: min(4, capacityBits - writer.bitCount))
        var codewords = writer.bytes
        let capacity = capacityBits / 8
        var padIndex = 0
        while codewords.count < capacity {
            codewords.append(padCodewords[padIndex])
            padIndex ^= 1
        }
        return codewords
    }
}
