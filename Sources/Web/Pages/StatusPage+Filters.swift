import Registry

extension StatusPage {
    /// The page sizes the workers table offers.
    static let pageSizes = [25, 50, 100, 200]

    /// What was wrong with the filters of the URL, next to each field (that filter was left out).
    struct FieldErrors: Sendable {
        var group: String?
        var status: String?
        var search: String?
        /// `sort` or `dir`.
        var sort: String?
        /// `page` or `size`.
        var paging: String?
        /// `chart`.
        var chart: String?
        var any: Bool { group != nil || status != nil || search != nil || sort != nil || paging != nil || chart != nil }
    }

    /// The view a status page URL asks for: `group`, `status` (one or more, comma-separated or repeated),
    /// `q` (text in the id, host, version or latest message), `sort` and `dir` (the workers table's order),
    /// `page` and `size`, and `chart` (the span the chart draws: hour, day or week). A value that is wrong is left out and named in ``errors``, so the page still shows,
    /// with the message next to its field.
    struct Filters: Sendable {
        var group: GroupFilter?
        /// The group as the URL spells it, when it is right.
        var groupText: String?
        /// The group as typed, right or wrong: the field shows it again.
        var groupInput: String?
        var statuses: Set<WorkerStatus> = []
        var search: String?
        var order = WorkerOrder.bySeverity
        /// The page of the workers table, from 1.
        var page = 1
        var size = StatusPage.pageSize
        var chart = SeriesSpan.hour
        var errors = FieldErrors()

        init(
            group: String? = nil, statuses: [String] = [], search: String? = nil, sort: String? = nil, direction: String? = nil,
            page: String? = nil, size: String? = nil, chart: String? = nil
        ) {
            groupInput = group
            if let group {
                do {
                    self.group = try GroupFilter(parsing: group)
                    groupText = group
                } catch {
                    errors.group = error.message
                }
            }
            for name in statuses {
                do {
                    self.statuses.insert(try QueryParameters.status(named: name))
                } catch {
                    errors.status = error.message
                }
            }
            if let search, search.unicodeScalars.count > WorkerQuery.maxSearchLength {
                errors.search = "at most \(WorkerQuery.maxSearchLength) characters"
            } else {
                self.search = search
            }
            if let sort {
                if let key = WorkerOrder.Key(rawValue: sort) {
                    order = WorkerOrder(key: key)
                } else {
                    errors.sort = "sort must be one of " + WorkerOrder.Key.allCases.map(\.rawValue).joined(separator: ", ")
                }
            }
            switch direction {
            case nil, "asc": break
            case "desc": order.descending = true
            default: errors.sort = "dir must be asc or desc"
            }
            if let page {
                // A number too large for an Int is past the end too: the last page.
                if !page.isEmpty, page.allSatisfy({ $0.isASCII && $0.isNumber }), page.contains(where: { $0 != "0" }) {
                    self.page = Int(page) ?? Int.max
                } else {
                    errors.paging = "page must be a whole number from 1"
                }
            }
            if let size {
                if let number = Int(size), StatusPage.pageSizes.contains(number) {
                    self.size = number
                } else {
                    errors.paging = "size must be one of " + StatusPage.pageSizes.map(String.init).joined(separator: ", ")
                }
            }
            if let chart {
                if let span = SeriesSpan(rawValue: chart) {
                    self.chart = span
                } else {
                    errors.chart = "chart must be one of " + SeriesSpan.allCases.map(\.rawValue).joined(separator: ", ")
                }
            }
        }

        /// The tree node the chart draws: the selected subtree, the whole tree without one; `nil` for a glob.
        var chartNode: String? {
            switch group {
            case nil: ""
            case .subtree(let path): path
            case .glob: nil
            }
        }

        /// The statuses as the URL spells them, in a fixed order.
        var statusText: String? {
            statuses.isEmpty ? nil : WorkerStatus.allCases.filter(statuses.contains).map(\.rawValue).joined(separator: ",")
        }

        /// The store query of the workers table's first page (the page asked for may be past the end).
        var query: WorkerQuery {
            WorkerQuery(group: group, statuses: statuses, search: search, order: order, limit: size)
        }

        /// This view with other parts: a group (a tree node), an order, a page or a chart span; what is not given
        /// stays, but the page, which is the first unless given.
        func link(group: String? = nil, order: WorkerOrder? = nil, page: Int = 1, chart: SeriesSpan? = nil) -> String {
            let order = order ?? self.order, chart = chart ?? self.chart
            return PageLinks.status([
                ("group", group ?? groupText), ("status", statusText), ("q", search),
                ("sort", order.key == WorkerOrder.bySeverity.key ? nil : order.key.rawValue), ("dir", order.descending ? "desc" : nil),
                ("page", page == 1 ? nil : String(page)), ("size", size == StatusPage.pageSize ? nil : String(size)),
                ("chart", chart == .hour ? nil : chart.rawValue),
            ])
        }
    }
}
