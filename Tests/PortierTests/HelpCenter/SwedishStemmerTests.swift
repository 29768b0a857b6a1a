import Testing
@testable import Portier

@Suite("Swedish stemming")
struct SwedishStemmerTests {
    @Test("Definite and plural forms meet in one stem", arguments: [
        (["lösenord", "lösenordet", "lösenorden", "lösenordets", "lösenordens"], "lösenord"),
        (["domän", "domänen", "domäner", "domänerna", "domäns"], "domän"),
        (["faktura", "fakturan", "fakturor", "fakturorna"], "faktur"),
    ])
    func forms(words: [String], stem: String) {
        for word in words {
            #expect(SwedishStemmer.stem(word) == stem, "\(word)")
        }
    }

    @Test("Short words are left alone and case is folded")
    func shortWords() {
        #expect(SwedishStemmer.stem("på") == "på")
        #expect(SwedishStemmer.stem("Lösenordet") == "lösenord")
        #expect(SwedishStemmer.words(in: "Logga in – på Kundavdelningen!") == ["logga", "in", "på", "kundavdelningen"])
    }
}
