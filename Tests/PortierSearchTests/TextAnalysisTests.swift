import Testing
@testable import PortierSearch

@Suite("Normalization, tokens, stems and stop words")
struct TextAnalysisTests {
    @Test func composesAndLowerCases() {
        // "Ö" as O + combining diaeresis equals the precomposed letter.
        #expect(TextNormalization.normalized("LO\u{0308}SENORD") == "lösenord")
    }

    @Test func foldsDiacritics() {
        #expect(TextNormalization.folded("lösenord") == "losenord")
        #expect(TextNormalization.folded("återställ") == "aterstall")
        #expect(TextNormalization.folded("café") == "cafe")
    }

    @Test func onlyLettersAndDigitsBecomeWords() {
        let words = Tokenizer.tokens(in: "\"faktura\" * | moms: 25 % (pdf) — OR lösenord!").map(\.text)
        #expect(words == ["faktura", "moms", "25", "pdf", "or", "lösenord"])
    }

    @Test func joinsHyphenatedWordsAndKeepsTheHyphenForDisplay() {
        let tokens = Tokenizer.tokens(in: "E-post, e‑postadress och can't")
        #expect(tokens.map(\.text) == ["epost", "epostadress", "och", "cant"])
        #expect(tokens.first?.display == "e-post")
    }

    @Test func marksTheWordStillBeingTyped() {
        #expect(Tokenizer.tokens(in: "logga in").last?.isAtEnd == true)
        #expect(Tokenizer.tokens(in: "logga in ").last?.isAtEnd == false)
    }

    @Test func stemsSwedishDefiniteAndPluralForms() {
        #expect(SwedishStemmer.stem("lösenordet") == SwedishStemmer.stem("lösenord"))
        #expect(SwedishStemmer.stem("lösenorden") == SwedishStemmer.stem("lösenord"))
        #expect(SwedishStemmer.stem("domänen") == "domän")
        #expect(SwedishStemmer.stem("domäner") == "domän")
        #expect(SwedishStemmer.stem("fakturan") == SwedishStemmer.stem("fakturor"))
    }

    @Test func stemsEnglishPluralsAndVerbForms() {
        #expect(EnglishStemmer.stem("passwords") == EnglishStemmer.stem("password"))
        #expect(EnglishStemmer.stem("logged") == "log")
        #expect(EnglishStemmer.stem("changed") == EnglishStemmer.stem("change"))
        #expect(EnglishStemmer.stem("addresses") == EnglishStemmer.stem("address"))
    }

    @Test func knowsStopWordsInBothLanguages() {
        #expect(SearchLanguage.swedish.isStopWord("inte"))
        #expect(SearchLanguage.swedish.isStopWord("kan"))
        #expect(!SearchLanguage.swedish.isStopWord("ut"))
        #expect(SearchLanguage.english.isStopWord("the"))
        #expect(!SearchLanguage.english.isStopWord("out"))
    }
}
