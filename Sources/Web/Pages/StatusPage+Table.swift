import Registry

extension StatusPage {
    /// A header of the workers table: a link that sorts by its column, or reverses the order when it is the current one.
    struct Column: Sendable {
        let label: String
        /// `nil` for a column the table does not sort by.
        let link: String?
        /// `ascending` or `descending` on the column the table is sorted by (its `aria-sort`).
        let sorted: String?
        /// ▲ or ▼ on that column.
        let arrow: String?
    }

    /// Where the shown workers are in the whole listing, and the links to the other pages.
    struct Paging: Sendable {
        /// "1,284 workers in billing".
        let total: String
        /// "51–100" of the listing; `nil` when nothing matches.
        let shown: String?
        let first: String?
        let previous: String?
        let next: String?
        let last: String?
        let page: Int
        let pages: Int
        /// More than one page (Mustache reads stored properties only).
        let several: Bool
        let sizes: [Option]
    }

    /// The columns of the workers table, in order, with the key each sorts by.
    private static let columns: [(WorkerOrder.Key?, String)] = [
        (.id, "Id"), (.group, "Group"), (.status, "Status"), (.lastSeen, "Last seen"), (.uptime, "Uptime"), (.host, "Host"),
        (.version, "Version"), (nil, "Latest message"), (.errors, "Errors"),
    ]

    /// The order a column sorts by when first clicked: the newest, the most errors and the longest running first.
    private static func firstOrder(_ key: WorkerOrder.Key) -> WorkerOrder {
        WorkerOrder(key: key, descending: [.lastSeen, .errors, .uptime].contains(key))
    }

    /// The headers of the workers table for the view of `filters`.
    static func columns(_ filters: Filters) -> [Column] {
        columns.map { key, label in
            guard let key else { return Column(label: label, link: nil, sorted: nil, arrow: nil) }
            let current = filters.order.key == key
            let order = current ? WorkerOrder(key: key, descending: !filters.order.descending) : firstOrder(key)
            return Column(
                label: label, link: filters.link(order: order),
                sorted: current ? (filters.order.descending ? "descending" : "ascending") : nil,
                arrow: current ? (filters.order.descending ? "▼" : "▲") : nil)
        }
    }

    /// The paging of a listing of `total` workers, `filters.page` being shown (the last one when it is past the end).
    static func paging(total: Int, selection: String, filters: Filters) -> Paging {
        let pages = max(1, (total + filters.size - 1) / filters.size)
        let page = min(filters.page, pages)
        let start = (page - 1) * filters.size
        return Paging(
            total: "\(grouped(total)) \(total == 1 ? "worker" : "workers") in \(selection)",
            shown: total == 0 ? nil : "\(grouped(start + 1))–\(grouped(min(start + filters.size, total)))",
            first: page > 1 ? filters.link(page: 1) : nil,
            previous: page > 1 ? filters.link(page: page - 1) : nil,
            next: page < pages ? filters.link(page: page + 1) : nil,
            last: page < pages ? filters.link(page: pages) : nil,
            page: page, pages: pages, several: pages > 1,
            sizes: pageSizes.map { Option(value: String($0), label: String($0), selected: $0 == filters.size) })
    }

    /// `1284` as "1,284".
    static func grouped(_ number: Int) -> String {
        let digits = String(number.magnitude)
        var text = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { text.append(",") }
            text.append(digit)
        }
        return number < 0 ? "-" + text : text
    }
}
