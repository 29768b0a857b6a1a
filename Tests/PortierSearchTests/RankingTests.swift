import Testing
@testable import PortierSearch

@Suite("Ranking")
struct RankingTests {
    @Test func stopWordsNeverDecideTheOrder() {
        let index = SearchIndex(documents: [
            guide("print", title: "Skriv ut en faktura", body: "Du kan inte skriva ut om du inte kan, kan inte, inte kan."),
            guide("login", title: "Logga in", body: "Så loggar du in."),
        ])
        #expect(ids(index.search("kan inte logga in", language: .swedish)).first == "login")
        #expect(!ids(index.search("kan inte logga in", language: .swedish)).contains("print"))
    }

    @Test func aQuestionBehavesLikeItsKeywords() {
        let index = SearchIndex(documents: [
            guide("password", title: "Byt lösenord", body: "Så ändrar du ditt lösenord."),
            guide("mine", title: "Mitt konto", body: "Hur jag ser mitt konto."),
            guide("forgot", title: "Glömt lösenord", body: "Om du har glömt det."),
        ])
        let question = index.search("hur ändrar jag mitt lösenord", language: .swedish)
        let keywords = index.search("ändra lösenord", language: .swedish)
        #expect(ids(question) == ids(keywords))
        #expect(ids(question).first == "password")
    }

    @Test func allTermsRankAboveSomeTerms() {
        let index = SearchIndex(documents: [
            guide("some", title: "Lösenord lösenord", keywords: ["lösenord"], headings: ["Lösenord"], body: "lösenord lösenord lösenord"),
            guide("all", body: "Ett lösenord till webbmail."),
        ])
        #expect(ids(index.search("lösenord webbmail", language: .swedish)) == ["all", "some"])
    }

    @Test func weighsTitleOverKeywordsOverHeadingsOverBody() {
        let index = SearchIndex(documents: [
            guide("body", body: "moms moms moms moms moms moms"),
            guide("headings", headings: ["Moms"]),
            guide("title", title: "Moms"),
            guide("keywords", keywords: ["moms"]),
            guide("none", title: "Annat"),
        ])
        #expect(ids(index.search("moms", language: .swedish)) == ["title", "keywords", "headings", "body"])
    }

    @Test func popularityOnlyBreaksTies() {
        let index = SearchIndex(documents: [
            guide("popular-body", body: "Moms.", views: 100_000, yesVotes: 5_000),
            guide("quiet-title", title: "Moms"),
            guide("a-quiet-twin", title: "Moms", views: 10),
            guide("voted-twin", title: "Moms", views: 1, yesVotes: 3),
        ])
        #expect(ids(index.search("moms", language: .swedish)) == ["voted-twin", "a-quiet-twin", "quiet-title", "popular-body"])
    }

    @Test func reportsTheMatchedTermsForHighlighting() {
        let index = SearchIndex(documents: [
            guide("mail", title: "Byt e-postadress", body: "Skriv din e-postadress. Du får e-post till din adress."),
        ])
        let hit = index.search("skriv adress", language: .swedish).first
        #expect(hit != nil)
        if let hit {
            #expect(index.highlights("e-postadressen,", in: hit, language: .swedish))
            #expect(index.highlights("**Skriv**", in: hit, language: .swedish))
            #expect(!index.highlights("din", in: hit, language: .swedish))
        }
    }

    @Test func searchesOnlyTheRequestedLanguage() {
        let index = SearchIndex(documents: [
            guide("sv", title: "Lösenord"),
            guide("en", title: "Password lösenord", language: .english),
        ])
        #expect(ids(index.search("lösenord", language: .swedish)) == ["sv"])
        #expect(ids(index.search("password", language: .english)) == ["en"])
    }

    @Test func respectsTheLimit() {
        let index = SearchIndex(documents: (0..<30).map { guide("g\($0)", title: "Faktura \($0)") })
        #expect(index.search("faktura", language: .swedish, limit: 7).count == 7)
        #expect(index.search("faktura", language: .swedish, limit: 0).isEmpty)
    }
}

@Suite("Did you mean and instant results")
struct SuggestionTests {
    let index = SearchIndex(documents: [
        guide("password", title: "Byt lösenord till Kundavdelningen", keywords: ["lösenord"]),
        guide("forgot", title: "Glömt lösenord", keywords: ["återställ lösenord"]),
        guide("webmail", title: "Logga in i Webmail", keywords: ["webmail"]),
        guide("invoice", title: "Hitta dina fakturor", keywords: ["faktura", "fakturanummer"]),
        guide("logout", title: "Logga ut och säkerhet"),
    ])

    @Test func proposesTheNearestQueryThatHasResults() {
        // Three edits: beyond what search corrects by itself, within what it proposes.
        #expect(index.search("lsöenrodd", language: .swedish).isEmpty)
        #expect(index.didYouMean("lsöenrodd", language: .swedish) == "lösenord")
        #expect(index.didYouMean("glömt lsöenrodd", language: .swedish) == "glömt lösenord")
    }

    @Test func proposesTheCorrectionOfACorrectedSearch() {
        #expect(index.didYouMean("webmial", language: .swedish) == "webmail")
    }

    @Test func proposesNothingForAQueryThatIsFine() {
        #expect(index.didYouMean("glömt lösenord", language: .swedish) == nil)
        #expect(index.didYouMean("xqzvwk", language: .swedish) == nil)
        #expect(index.didYouMean("", language: .swedish) == nil)
    }

    @Test func completesTheLastUnfinishedWord() {
        #expect(ids(index.instant("lösen", language: .swedish)).prefix(2).sorted() == ["forgot", "password"])
        #expect(ids(index.instant("fakt", language: .swedish)) == ["invoice"])
        #expect(ids(index.instant("glömt lös", language: .swedish)).first == "forgot")
        #expect(ids(index.instant("losen", language: .swedish)).count == 2)
    }

    @Test func startsAtTwoLettersAndReturnsAtMostFive() {
        #expect(index.instant("l", language: .swedish).isEmpty)
        #expect(!index.instant("lo", language: .swedish).isEmpty)
        #expect(index.instant("lo", language: .swedish).count <= 5)
        #expect(index.instant("in", language: .swedish, limit: 2).count <= 2)
    }

    @Test func treatsAWordFollowedByASpaceAsFinished() {
        // "logga " is a whole word: "loggar" would complete it, "logga" itself is meant.
        #expect(Set(ids(index.instant("logga ", language: .swedish))) == ["webmail", "logout"])
    }
}
