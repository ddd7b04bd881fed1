import CompressNIO
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Registry
import Testing
import Web

@Suite("Status pages")
struct PageTests {
    private func html(_ client: any TestClientProtocol, _ uri: String) async throws -> (HTTPResponse.Status, String, HTTPFields) {
        let response = try await client.send(.get, uri)
        return (response.status, String(buffer: response.body), response.headers)
    }

    /// The ids listed in the workers table (not in the problems or the errors), in order.
    private func workerRows(_ page: String) -> [String] {
        guard let start = page.range(of: #"<section class="workers""#), let end = page.range(of: "</section>", range: start.upperBound..<page.endIndex) else { return [] }
        return page[start.upperBound..<end.lowerBound].components(separatedBy: #"<td><a href="/ui/workers/"#).dropFirst().map { String($0.prefix { $0 != "\"" }) }
    }

    private func listedWorkers(_ page: String) -> Set<String> {
        Set(workerRows(page))
    }

    /// A small fleet: three importers (one lost), a failed promotion, and errors.
    private func fillFleet(_ client: any TestClientProtocol, _ clock: ManualClock) async throws {
        for id in ["Importer01", "Importer02"] {
            try await client.postState(eventJSON(id, extra: #", "host": "box1", "version": "1.4.2", "ttl": 600"#))
        }
        try await client.postState(eventJSON("Importer03", extra: #", "ttl": 30"#))
        try await client.postState(eventJSON("Promo01", "price.promotion", "stopped", extra: #", "exit_code": 2"#))
        try await client.postState(eventJSON("Importer01", "product.importer", "message", extra: #", "message": "imported 1200 rows""#))
        try await client.postState(eventJSON("Importer02", "product.importer", "error", extra: #", "message": "row 17 unreadable", "action": "skipped""#))
        clock.advance(by: 60)
    }

    @Test("the status page shows the summary, the tree with counts and words, the workers and the errors")
    func statusPage() async throws {
        try await withApp { client, clock in
            try await fillFleet(client, clock)
            let (status, page, headers) = try await html(client, "/")
            #expect(status == .ok)
            #expect(headers[.contentType] == "text/html; charset=utf-8")
            #expect(page.contains(#"<span class="count">2</span> running"#))
            #expect(page.contains(#"<span class="count">1</span> lost"#))
            #expect(page.contains(#"<span class="count">1</span> failed"#))
            // The tree: trouble first (price has a failed worker), the worst status as a word.
            let price = try #require(page.range(of: #"data-path="price""#))
            let product = try #require(page.range(of: #"data-path="product""#))
            #expect(price.lowerBound < product.lowerBound)
            #expect(page.contains(#"<a href="/?group=product.importer">importer</a>"#))
            #expect(page.contains(#"<span class="status lost">lost</span>"#))
            // Workers with their fields, and the errors.
            #expect(page.contains(#"<a href="/ui/workers/Importer01">Importer01</a>"#))
            #expect(page.contains("imported 1200 rows"))
            #expect(page.contains("box1"))
            #expect(page.contains("row 17 unreadable"))
            #expect(page.contains("skipped"))
            #expect(page.contains(#"title="2027-01-15T08:00:00.000Z">1m ago</time>"#))
        }
    }

    @Test("with no worker yet, the tree says so and is an empty list")
    func emptyTree() async throws {
        try await withApp { client, _ in
            let (_, page, _) = try await html(client, "/")
            #expect(page.contains("No workers have reported yet."))
            #expect(!page.contains(#"<li class="node">"#))
        }
    }

    @Test("filters in the query string select a node, a status and an id search")
    func filters() async throws {
        try await withApp { client, clock in
            try await fillFleet(client, clock)
            let (_, importers, _) = try await html(client, "/?group=product.importer&status=running")
            #expect(importers.contains("Importer01") && importers.contains("Importer02"))
            #expect(!importers.contains(">Importer03<") && !importers.contains(">Promo01<"))
            #expect(importers.contains(#"<input type="checkbox" name="status" value="running" checked>"#))
            #expect(importers.contains(#"aria-current="page">importer</a>"#))
            #expect(importers.contains(#"<h2 id="workers-heading">2 workers in product.importer</h2>"#))
            let (_, search, _) = try await html(client, "/?q=mo0")
            #expect(search.contains(">Promo01<") && !search.contains(">Importer01<"))
            #expect(search.contains(#"<h2 id="workers-heading">1 worker in all groups</h2>"#), "a search is counted in the store")
        }
    }

    @Test("numbered pages with First, Previous, Next and Last, a page size, and the total")
    func paging() async throws {
        try await withApp { client, clock in
            for index in 0..<60 { try await client.postState(eventJSON(String(format: "bulk%02d", index), "bulk")) }
            try await client.postState(eventJSON("other", "elsewhere"))
            let (_, first, _) = try await html(client, "/?group=bulk&sort=id")
            #expect(first.contains(#"<h2 id="workers-heading">60 workers in bulk</h2>"#))
            #expect(listedWorkers(first) == Set((0..<50).map { String(format: "bulk%02d", $0) }))
            #expect(first.contains("<span>1–50 of 60 workers in bulk, page 1 of 2</span>"))
            #expect(first.contains(#"<a href="/?group=bulk&amp;sort=id&amp;page=2" rel="next">Next ›</a>"#))
            #expect(first.contains(#"<a href="/?group=bulk&amp;sort=id&amp;page=2">Last »</a>"#))
            #expect(!first.contains("« First") && !first.contains("‹ Previous"))
            let (_, second, _) = try await html(client, "/?group=bulk&sort=id&page=2")
            #expect(listedWorkers(second) == Set((50..<60).map { String(format: "bulk%02d", $0) }))
            #expect(second.contains(#"<a href="/?group=bulk&amp;sort=id">« First</a>"#) && second.contains(#"rel="prev">‹ Previous</a>"#))
            #expect(!second.contains("Next ›"))
            let (_, past, _) = try await html(client, "/?group=bulk&sort=id&page=9")
            #expect(listedWorkers(past) == listedWorkers(second), "a page past the end shows the last")
            let (_, small, _) = try await html(client, "/?group=bulk&sort=id&size=25&page=3")
            #expect(listedWorkers(small) == Set((50..<60).map { String(format: "bulk%02d", $0) }))
            #expect(small.contains(#"<option value="25" selected>25</option>"#))
            #expect(small.contains(#"<a href="/?group=bulk&amp;sort=id&amp;page=2&amp;size=25" rel="prev">"#), "links keep the size")
            #expect(small.contains(#"<input type="hidden" name="sort" value="id">"#), "the filter form keeps the order")
            let (status, wrong, _) = try await html(client, "/?size=7&page=0")
            #expect(status == .badRequest)
            #expect(wrong.contains(#"<span class="field-error" id="paging-error">size must be one of 25, 50, 100, 200</span>"#))
        }
    }

    @Test("the table sorts by status severity and last seen unless a header asks otherwise; a header reverses its own order")
    func sorting() async throws {
        try await withApp { client, clock in
            try await fillFleet(client, clock)
            clock.advance(by: 1)
            try await client.postState(eventJSON("Importer02", "product.importer", "heartbeat"))
            let (_, page, _) = try await html(client, "/")
            #expect(workerRows(page) == ["Promo01", "Importer03", "Importer02", "Importer01"], "failed, lost, then running by last seen")
            #expect(page.contains(#"<th scope="col" aria-sort="ascending"><a href="/?dir=desc">Status <span aria-hidden="true">▲</span></a></th>"#))
            #expect(page.contains(#"<th scope="col"><a href="/?sort=last_seen&amp;dir=desc">Last seen</a></th>"#))
            let (_, byID, _) = try await html(client, "/?sort=id&dir=desc")
            #expect(workerRows(byID) == ["Promo01", "Importer03", "Importer02", "Importer01"])
            #expect(byID.contains(#"<th scope="col" aria-sort="descending"><a href="/?sort=id">Id <span aria-hidden="true">▼</span></a></th>"#))
            let (_, byHost, _) = try await html(client, "/?sort=host&status=running")
            #expect(workerRows(byHost) == ["Importer01", "Importer02"])
            #expect(byHost.contains(#"<a href="/?group=product&amp;status=running&amp;sort=host">product</a>"#), "tree links keep the order")
            let (status, wrong, _) = try await html(client, "/?sort=colour")
            #expect(status == .badRequest)
            #expect(wrong.contains(#"<p class="field-error" id="sort-error">sort must be one of id, group, status, last_seen, uptime, host, version, errors</p>"#))
        }
    }

    @Test("several statuses at once, and a tree node's link keeps the status filter and the search")
    func severalStatuses() async throws {
        try await withApp { client, clock in
            try await fillFleet(client, clock)
            for uri in ["/?status=lost,failed", "/?status=lost&status=failed"] {
                let (status, page, _) = try await html(client, uri)
                #expect(status == .ok)
                #expect(listedWorkers(page) == ["Importer03", "Promo01"], "\(uri)")
                #expect(page.contains(#"value="lost" checked>"#) && page.contains(#"value="failed" checked>"#) && !page.contains(#"value="running" checked>"#))
                #expect(page.contains(#"<a href="/?group=product.importer&amp;status=lost,failed">importer</a>"#))
            }
            let (_, searched, _) = try await html(client, "/?q=box&status=running")
            #expect(searched.contains(#"<a href="/?group=price&amp;status=running&amp;q=box">price</a>"#))
        }
    }

    @Test("the search finds text in the id, host, version or latest message, in any case, with % and _ taken literally")
    func search() async throws {
        try await withApp { client, clock in
            try await fillFleet(client, clock)
            try await client.postState(eventJSON("Pct", "misc", "message", extra: #", "message": "at 50% of the run_all batch""#))
            let cases: [(String, Set<String>)] = [
                ("BOX1", ["Importer01", "Importer02"]), ("1.4.2", ["Importer01", "Importer02"]), ("1200 ROWS", ["Importer01"]), ("1200+rows", ["Importer01"]), ("1.4%2B2", []),
                ("promo", ["Promo01"]), ("50%25", ["Pct"]), ("5_%25", []), ("run_all", ["Pct"]), ("run%25all", []),
            ]
            for (query, expected) in cases {
                let (_, page, _) = try await html(client, "/?q=" + query.replacingOccurrences(of: " ", with: "%20"))
                #expect(listedWorkers(page) == expected, "q=\(query)")
            }
        }
    }

    @Test("a wrong filter shows the page (400) with the message next to its field, and the other filters applied")
    func wrongFilter() async throws {
        try await withApp { client, clock in
            try await fillFleet(client, clock)
            let (status, page, headers) = try await html(client, "/?group=product..importer&status=failed,asleep")
            #expect(status == .badRequest)
            #expect(headers[.contentType] == "text/html; charset=utf-8")
            #expect(page.contains(#"<input name="group" value="product..importer" placeholder="product.importer" aria-invalid="true" aria-describedby="group-error">"#), "the field shows what was typed")
            #expect(page.contains(#"<span class="field-error" id="group-error">"#))
            #expect(page.contains(#"<span class="field-error" id="status-error">unknown status &#39;asleep&#39;"#)
                || page.contains(#"<span class="field-error" id="status-error">unknown status &#x27;asleep&#x27;"#))
            #expect(listedWorkers(page) == ["Promo01"], "the good status filter still applies")
        }
    }

    @Test("a failed row shows its exit code and a lost row how long it has been silent; equal errors are one line with a count")
    func reasonsAndErrorGroups() async throws {
        try await withApp { client, clock in
            try await fillFleet(client, clock)
            for id in ["Importer01", "Importer02", "Importer01"] {
                try await client.postState(eventJSON(id, "product.importer", "error", extra: #", "message": "price is not a number", "action": "skipped""#))
            }
            let (_, page, _) = try await html(client, "/")
            #expect(page.contains(#"<span class="status failed">failed</span> <span class="reason">exit 2</span>"#))
            try await client.postState(eventJSON("Sync01", "billing.sync"))
            try await client.postState(eventJSON("Sync01", "billing.sync", "error", extra: #", "message": "retrying upstream", "action": "retried""#))
            try await client.postState(eventJSON("Sync01", "billing.sync", "error", extra: #", "message": "ledger locked", "action": "aborted""#))
            try await client.postState(eventJSON("Sync01", "billing.sync", "stopped", extra: #", "exit_code": 4"#))
            let (_, synced, _) = try await html(client, "/?status=failed")
            #expect(synced.contains(#"<span class="status failed">failed</span> <span class="reason">exit 4: ledger locked</span>"#), "the aborted error, not the newest")
            #expect(synced.contains(#"<td class="message">ledger locked; action: aborted</td>"#), "the problem opened at the aborted error")
            try await client.postState(eventJSON("Copy01", "billing.copy"))
            try await client.postState(eventJSON("Copy01", "billing.copy", "error", extra: #", "message": "disk full", "action": "skipped""#))
            try await client.postState(eventJSON("Copy01", "billing.copy", "stopped", extra: #", "exit_code": 5"#))
            let (_, copied, _) = try await html(client, "/?status=failed")
            #expect(copied.contains(#"<td class="message">disk full; action: skipped; exit code 5</td>"#), "a stop with only an exit code: the error that ended the run says why")
            #expect(page.contains(#"<span class="status lost">lost</span> <span class="reason">silent for 1m</span>"#))
            #expect(page.contains(#"<td class="number">×3</td>"#))
            #expect(page.contains(#"<td class="number">once</td>"#), "row 17 unreadable, once")
            let priceLine = try #require(page.range(of: "price is not a number"))
            let rowLine = try #require(page.range(of: "row 17 unreadable"))
            #expect(priceLine.lowerBound < rowLine.lowerBound, "newest first")
        }
    }

    @Test("hostile ids, groups, messages and labels are escaped everywhere they are shown")
    func escaping() async throws {
        try await withApp { client, _ in
            let hostile = #"{"id": "<script>alert(1)</script>", "group": "x.\"q\"", "event": "error", "message": "{{boom}} <img src=x onerror=alert(2)> & 'single'", "action": "<b>aborted</b>", "labels": {"k": "\"><svg onload=alert(3)>"}}"#
            #expect(try await client.postState(hostile).status == .ok)
            let (_, status, _) = try await html(client, "/")
            let (_, worker, _) = try await html(client, "/ui/workers/%3Cscript%3Ealert(1)%3C%2Fscript%3E")
            for page in [status, worker] {
                #expect(!page.contains("<script>alert"))
                #expect(!page.contains("<img src=x"))
                #expect(!page.contains("<svg onload"))
                #expect(!page.contains("<b>aborted"))
                #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
                #expect(page.contains(#"x.&quot;q&quot;"#))
            }
            #expect(worker.contains("{{boom}} &lt;img src=x onerror=alert(2)&gt; &amp; &#39;single&#39;"))
            #expect(worker.contains("&quot;&gt;&lt;svg onload=alert(3)&gt;"))
            #expect(status.contains(#"href="/ui/workers/%3Cscript%3Ealert(1)%3C%2Fscript%3E""#))
        }
    }

    @Test("a quote followed by a combining mark is still escaped: escaping works on code points, not characters")
    func combiningMarks() async throws {
        try await withApp { client, _ in
            let id = "x\"\u{338} autofocus data-x=\u{338}"
            let group = "g.\"\u{338}<\u{338}"
            // By code point: `"` and the mark after it are one Character, which String searches would skip.
            func quoted(_ text: String) -> String { text.unicodeScalars.map { $0 == "\"" ? "\\\"" : String($0) }.joined() }
            #expect(try await client.postState(eventJSON(quoted(id), quoted(group))).status == .ok)
            let (_, search, _) = try await html(client, "/?q=x%22%CC%B8%20autofocus")
            let (_, status, _) = try await html(client, "/")
            let (_, worker, _) = try await html(client, "/ui/workers/x%22%CC%B8%20autofocus%20data-x=%CC%B8")
            for page in [search, status, worker] {
                #expect(!page.unicodeScalars.indices.contains { index in
                    page.unicodeScalars[index] == "\"" && page.unicodeScalars[page.unicodeScalars.index(after: index)] == "\u{338}"
                })
            }
            #expect(search.contains("&quot;\u{338} autofocus"))
            #expect(worker.contains("x&quot;\u{338} autofocus data-x=\u{338}"))
        }
    }

    @Test("a field an entry lacks is shown empty, never filled from the worker around it")
    func missingFieldsStayEmpty() async throws {
        try await withApp { client, _ in
            try await client.postState(eventJSON("w"))
            try await client.postState(eventJSON("w", "product.importer", "message", extra: #", "message": "m""#))
            try await client.postState(eventJSON("w", "product.importer", "stopped", extra: #", "exit_code": 3"#))
            let (_, worker, _) = try await html(client, "/ui/workers/w")
            // The worker's own exit code is 3; only the timeline entry of the stop may show it, not the start.
            #expect(worker.components(separatedBy: "(exit 3)").count - 1 == 1)
        }
    }

    @Test("a worker's page has its fields, labels, errors, messages and timeline; unknown ids are a 404 page")
    func workerPage() async throws {
        try await withApp { client, clock in
            try await client.postState(eventJSON("Importer01", extra: #", "ttl": 30, "pid": 4242, "labels": {"team": "data"}"#))
            clock.advance(by: 31)
            try await client.postState(eventJSON("Importer01", "product.importer", "heartbeat"))
            try await client.postState(eventJSON("Importer01", "product.importer", "stopped", extra: #", "exit_code": 3"#))
            let (status, page, headers) = try await html(client, "/ui/workers/Importer01")
            #expect(status == .ok)
            #expect(headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
            #expect(page.contains("(pid 4242)"))
            #expect(page.contains(#"<span class="key">team</span>=<span class="value">data</span>"#))
            #expect(page.contains("<dt>Last exit code</dt><dd>3</dd>"))
            let timeline = page.components(separatedBy: #"<span class="status "#).dropFirst().map { $0.prefix(while: { $0 != "\"" }) }
            #expect(timeline.suffix(4) == ["failed", "running", "lost", "running"])
            let (missing, notFound, _) = try await html(client, "/ui/workers/nobody")
            #expect(missing == .notFound)
            #expect(notFound.contains("No worker “nobody”"))
        }
    }
}

@Suite("gzip, HEAD and static files")
struct DeliveryTests {
    private func get(_ client: any TestClientProtocol, _ uri: String, _ headers: HTTPFields = [:], method: HTTPRequest.Method = .get) async throws -> TestResponse {
        try await client.execute(uri: uri, method: method, headers: headers, body: nil)
    }

    @Test("gzip answers decompress to the plain answer, for JSON, HTML, metrics and static files", arguments: ["/workers", "/", "/metrics", "/static/style.css"])
    func gzipMatchesPlain(_ uri: String) async throws {
        try await withApp { client, _ in
            for index in 0..<30 { try await client.postState(eventJSON("worker-\(index)", "group.g\(index)")) }
            let plain = try await get(client, uri)
            let zipped = try await get(client, uri, [.acceptEncoding: "gzip, deflate"])
            #expect(plain.headers[.contentEncoding] == nil)
            #expect(zipped.headers[.contentEncoding] == "gzip")
            #expect(zipped.headers[.vary] == "Accept-Encoding")
            #expect(zipped.body.readableBytes < plain.body.readableBytes)
            var compressed = zipped.body
            let unzipped = try compressed.decompress(with: .gzip())
            // The server's request counters move between the two scrapes; everything else must match.
            let stable = { (text: String) in text.split(separator: "\n").filter { !$0.contains("wokmanager_http_request") } }
            #expect(stable(String(buffer: unzipped)) == stable(String(buffer: plain.body)))
        }
    }

    @Test("no gzip without Accept-Encoding, with gzip;q=0, or for small bodies", arguments: [
        ("/workers", "identity"), ("/workers", "gzip;q=0, identity"), ("/workers", "br"), ("/healthz", "gzip"), ("/workers", "*;q=0"),
    ])
    func plainWhenNotAllowed(_ uri: String, _ acceptEncoding: String) async throws {
        try await withApp { client, _ in
            for index in 0..<30 { try await client.postState(eventJSON("worker-\(index)")) }
            let response = try await get(client, uri, [.acceptEncoding: acceptEncoding])
            #expect(response.headers[.contentEncoding] == nil)
            #expect(String(buffer: response.body).hasPrefix("{"))
        }
    }

    @Test("q-values and wildcards are honoured")
    func acceptEncodingParsing() async throws {
        try await withApp { client, _ in
            for index in 0..<30 { try await client.postState(eventJSON("worker-\(index)")) }
            for header in ["GZIP;q=0.5", "*", "br;q=1, gzip;q=0.1", "x-gzip"] {
                let response = try await get(client, "/workers", [.acceptEncoding: header])
                #expect(response.headers[.contentEncoding] == "gzip", "\(header)")
            }
        }
    }

    @Test("HEAD gets the same status and headers as GET, and no body")
    func head() async throws {
        try await withApp { client, _ in
            for index in 0..<30 { try await client.postState(eventJSON("worker-\(index)")) }
            for uri in ["/", "/workers", "/static/app.js"] {
                let getResponse = try await get(client, uri, [.acceptEncoding: "gzip"])
                let headResponse = try await get(client, uri, [.acceptEncoding: "gzip"], method: .head)
                #expect(headResponse.status == getResponse.status)
                #expect(headResponse.body.readableBytes == 0)
                for name in [HTTPField.Name.contentType, .contentLength, .contentEncoding, .vary] {
                    #expect(headResponse.headers[name] == getResponse.headers[name], "\(uri) \(name)")
                }
            }
        }
    }

    @Test("static files carry ETag, Last-Modified and Cache-Control, and answer 304 when unchanged")
    func staticFiles() async throws {
        try await withApp { client, _ in
            for file in ["/static/style.css", "/static/app.js", "/static/favicon.svg"] {
                let response = try await get(client, file)
                #expect(response.status == .ok)
                #expect(response.headers[.eTag] != nil)
                #expect(response.headers[.lastModified] != nil)
                #expect(response.headers[.cacheControl] == "public, max-age=3600")
            }
            let first = try await get(client, "/static/style.css")
            let again = try await get(client, "/static/style.css", [.ifNoneMatch: try #require(first.headers[.eTag])])
            #expect(again.status == .notModified)
        }
    }

    @Test("paths out of Public/ answer 404, encoded or not", arguments: [
        "/static/../Package.swift", "/static/%2e%2e/Package.swift", "/static/%2E%2E%2FPackage.swift", "/static/..%2fPackage.swift",
        "/static/nope.css",
    ])
    func traversal(_ uri: String) async throws {
        try await withApp { client, _ in
            let response = try await get(client, uri)
            #expect(response.status == .notFound)
            #expect(!String(buffer: response.body).contains("swift-tools-version"))
        }
    }
}
