/// Reed–Solomon error correction over GF(256) with the QR code field polynomial
/// x⁸ + x⁴ + x³ + x² + 1 (ISO/IEC 18004, 7.5.2 and Annex A).
enum ReedSolomon {
    /// Antilogarithms: `exponents[i]` is αⁱ, for i in 0..<255.
    private static let exponents: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 255)
        var value = 1
        for index in 0..<255 {
            table[index] = UInt8(value)
            value <<= 1
            if value & 0x100 != 0 { value ^= 0b1_0001_1101 }
        }
        return table
    }()

    /// Logarithms: `logarithms[x]` is i where αⁱ = x (entry 0 unused).
    private static let logarithms: [Int] = {
        var table = [Int](repeating: 0, count: 256)
        for (index, value) in exponents.enumerated() {
            table[Int(value)] = index
        }
        return table
    }()

    static func multiply(_ left: UInt8, _ right: UInt8) -> UInt8 {
        guard left != 0, right != 0 else { return 0 }
        return exponents[(logarithms[Int(left)] + logarithms[Int(right)]) % 255]
    }

    /// The coefficients after the leading 1 of (x − α⁰)(x − α¹)…(x − αⁿ⁻¹), highest degree first.
    static func generatorPolynomial(degree: Int) -> [UInt8] {
        var coefficients: [UInt8] = [1]
        for root in 0..<degree {
            let alpha = exponents[root % 255]
            var product = coefficients + [0]
            for (index, coefficient) in coefficients.enumerated() {
                product[index + 1] ^= multiply(coefficient, alpha)
            }
            coefficients = product
        }
        return Array(coefficients.dropFirst())
    }

    /// The error correction codewords of one block: the remainder of data · xⁿ divided by the
    /// generator polynomial of degree n.
    static func errorCorrectionCodewords(for data: [UInt8], generator: [UInt8]) -> [UInt8] {
        var remainder = [UInt8](repeating: 0, count: generator.count)
        for codeword in data {
            let factor = codeword ^ remainder[0]
            remainder.removeFirst()
            remainder.append(0)
            for index in generator.indices {
                remainder[index] ^= multiply(generator[index], factor)
            }
        }
        return remainder
    }
}
