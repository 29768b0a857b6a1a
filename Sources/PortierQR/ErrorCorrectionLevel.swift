extension QRCode {
    /// How much of a symbol is spent on Reed–Solomon error correction, trading capacity for the
    /// share of damaged or hidden codewords a reader can still recover (ISO/IEC 18004, 7.5.1).
    public enum ErrorCorrectionLevel: Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// Level L: recovers about 7 % of the codewords.
        case low
        /// Level M: recovers about 15 % of the codewords; the usual choice for screens.
        case medium
        /// Level Q: recovers about 25 % of the codewords.
        case quartile
        /// Level H: recovers about 30 % of the codewords.
        case high

        /// The letter the standard and other encoders use for this level.
        public var description: String {
            switch self {
            case .low: "L"
            case .medium: "M"
            case .quartile: "Q"
            case .high: "H"
            }
        }

        /// The two bits that stand for this level in the format information (ISO/IEC 18004,
        /// Table 12). They are deliberately not in L, M, Q, H order.
        var formatBits: Int {
            switch self {
            case .low: 0b01
            case .medium: 0b00
            case .quartile: 0b11
            case .high: 0b10
            }
        }
    }
}
