import Testing
@testable import PortierSearch

@Suite("Typo correction")
struct TypoCorrectionTests {
    let corrector = TypoCorrector(words: ["konto", "faktura", "kontaktuppgifter", "kundavdelningen", "moms", "webbhotell"])

    @Test func countsATranspositionAsOneEdit() {
        #expect(EditDistance.optimalStringAlignment(Array("fatkura"), Array("faktura"), maximum: 2) == 1)
        #expect(EditDistance.optimalStringAlignment(Array("abc"), Array("abc"), maximum: 0) == 0)
        #expect(EditDistance.optimalStringAlignment(Array("faktura"), Array("fkatrua"), maximum: 1) == nil)
    }

    @Test func allowsNoTypoBelowFourLettersOneUpToSevenTwoFromEight() {
        #expect(EditDistance.allowedTypos(forLength: 3) == 0)
        #expect(EditDistance.allowedTypos(forLength: 4) == 1)
        #expect(EditDistance.allowedTypos(forLength: 7) == 1)
        #expect(EditDistance.allowedTypos(forLength: 8) == 2)
    }

    @Test func correctsShortWordsAtDistanceOne() {
        #expect(corrector.corrections(of: "kontp").map(\.word) == ["konto"])
        #expect(corrector.corrections(of: "faktuar").map(\.word) == ["faktura"])
        // Two edits in a seven-letter word are too many.
        #expect(corrector.corrections(of: "faktoor").isEmpty)
        // Three letters are never corrected.
        #expect(corrector.corrections(of: "mos").isEmpty)
    }

    @Test func correctsLongWordsAtDistanceTwo() {
        #expect(corrector.corrections(of: "kontaktuppgiftrer").map(\.word) == ["kontaktuppgifter"])
        #expect(corrector.corrections(of: "kundavdelningnen").map(\.word) == ["kundavdelningen"])
        #expect(corrector.corrections(of: "webhotel").map(\.word) == ["webbhotell"])
        #expect(corrector.corrections(of: "kontaktupgiftre").first?.distance == 2)
        #expect(corrector.corrections(of: "kntaktupgiftre").isEmpty)
    }

    @Test func searchFindsMisspeltWordsAndSaysSo() {
        let index = SearchIndex(documents: [guide("f", title: "Hitta dina fakturor"), guide("k", title: "Kontakta oss")])
        let hits = index.search("fakutror", language: .swedish)
        #expect(ids(hits) == ["f"])
        #expect(hits.first?.isCorrected == true)
        #expect(index.search("fakturor", language: .swedish).first?.isCorrected == false)
    }

    @Test func ranksAnExactMatchAboveACorrectedOne() {
        // Each guide matches one of the two words: "exact" the word as typed, in its body only;
        // "corrected" the correction of the misspelt word, in its title. As typed wins.
        let index = SearchIndex(documents: [
            guide("corrected", title: "Betala fakturan", keywords: ["faktura"]),
            guide("exact", body: "Priserna är exklusive moms."),
        ])
        let hits = index.search("moms fakturx", language: .swedish)
        #expect(ids(hits) == ["exact", "corrected"])
        #expect(hits.map(\.isCorrected) == [false, true])
    }

    @Test func correctsDiacriticFreeTypos() {
        let index = SearchIndex(documents: [guide("l", title: "Byt lösenord"), guide("x", title: "Kontakta oss")])
        #expect(ids(index.search("losneord", language: .swedish)) == ["l"])
    }
}
