extension QRCode {
    /// One of the eight data mask patterns (ISO/IEC 18004, 7.8.2).
    ///
    /// A mask inverts the data modules where its condition holds, to break up large areas of one
    /// colour and shapes that look like finder patterns; the reader undoes it using the mask number
    /// stored in the format information.
    public struct Mask: RawRepresentable, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// The mask's number, 0 through 7, as written in the format information.
        public let rawValue: Int

        /// Creates the mask with the given number, or `nil` unless it lies in 0 through 7.
        public init?(rawValue: Int) {
            guard (0...7).contains(rawValue) else { return nil }
            self.rawValue = rawValue
        }

        /// All eight masks, in number order (the order in which ties are broken).
        public static let allCases: [Mask] = (0...7).map { Mask(uncheckedRawValue: $0) }

        public var description: String { "mask \(rawValue)" }

        private init(uncheckedRawValue: Int) {
            rawValue = uncheckedRawValue
        }

        /// Whether this mask inverts the module at `row`, `column` (the standard's i and j).
        func inverts(row i: Int, column j: Int) -> Bool {
            switch rawValue {
            case 0: (i + j) % 2 == 0
            case 1: i % 2 == 0
            case 2: j % 3 == 0
            case 3: (i + j) % 3 == 0
            case 4: (i / 2 + j / 3) % 2 == 0
            case 5: (i * j) % 2 + (i * j) % 3 == 0
            case 6: ((i * j) % 2 + (i * j) % 3) % 2 == 0
            default: ((i + j) % 2 + (i * j) % 3) % 2 == 0
            }
        }
    }
}
